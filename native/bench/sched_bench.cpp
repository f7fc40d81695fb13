// sched_bench.cpp — the work-stealing scheduler against oneTBB's
// task_group and a mutex + condition-variable pool, in one run: ns per
// task, timed here, one JSON line per measurement on stdout (the shape
// bench/native.ts reads: workload, subject, trial, ns).
//
// Workloads (2 workers each):
//   spawn   one outside thread submits 100,000 empty tasks, one at a time,
//           and waits for them all (lockstep: through the injection queue;
//           TBB: task_group::run, the waiting thread helps; the mutex pool:
//           a locked std::deque and a condition variable)
//   fib     fib(24) as fork-join, one task per call, no cutoff (75,025
//           calls): lockstep and the mutex pool spawn a task per call and
//           the second child to finish adds into its parent (no task
//           waits); TBB with a nested task_group per call, waiting in place
//
//   sched_bench [--trials N] [--smoke]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/scheduler.hpp"

#if defined(LOCKSTEP_BENCH_TBB)
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_group.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

// ---- the mutex + condition-variable pool --------------------------------

class MutexPool {
public:
  using Fn = void (*)(MutexPool&, void*);
  explicit MutexPool(int workers) {
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back([this] { loop(); });
  }
  ~MutexPool() {
    {
      std::lock_guard<std::mutex> g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      t.join();
  }
  void submit(Fn fn, void* arg) {
    {
      std::lock_guard<std::mutex> g(m_);
      q_.push_back({fn, arg});
    }
    cv_.notify_one();
  }

private:
  void loop() {
    for (;;) {
      std::pair<Fn, void*> job;
      {
        std::unique_lock<std::mutex> g(m_);
        cv_.wait(g, [this] { return stop_ || !q_.empty(); });
        if (q_.empty()) return;
        job = q_.front();
        q_.pop_front();
      }
      job.first(*this, job.second);
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::pair<Fn, void*>> q_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

constexpr int kSpawnTasks = 100'000;
constexpr int kFibN = 24;

void wait_for(const std::atomic<int>& counter, int target) {
  while (counter.load(std::memory_order_acquire) < target)
    std::this_thread::yield();
}

// ---- spawn ---------------------------------------------------------------

double spawn_lockstep() {
  lockstep::SchedulerOptions o;
  o.workers = 2;
  lockstep::ThreadPool<> pool(o);
  auto& s = pool.scheduler();
  std::atomic<int> done{0};
  const auto start = Clock::now();
  for (int i = 0; i < kSpawnTasks; ++i) {
    auto t = s.kNoTask;
    while ((t = s.create(
                +[](lockstep::Scheduler<>::Context&, void* a) {
                  static_cast<std::atomic<int>*>(a)->fetch_add(
                      1, std::memory_order_release);
                },
                &done)) == s.kNoTask)
      std::this_thread::yield(); // every record in use
    s.release(t);
  }
  wait_for(done, kSpawnTasks);
  return since(start) / kSpawnTasks;
}

double spawn_mutex() {
  MutexPool pool(2);
  std::atomic<int> done{0};
  const auto start = Clock::now();
  for (int i = 0; i < kSpawnTasks; ++i)
    pool.submit(
        +[](MutexPool&, void* a) {
          static_cast<std::atomic<int>*>(a)->fetch_add(
              1, std::memory_order_release);
        },
        &done);
  wait_for(done, kSpawnTasks);
  return since(start) / kSpawnTasks;
}

#if defined(LOCKSTEP_BENCH_TBB)
double spawn_tbb() {
  std::atomic<int> done{0};
  tbb::task_group g;
  const auto start = Clock::now();
  for (int i = 0; i < kSpawnTasks; ++i)
    g.run([&] { done.fetch_add(1, std::memory_order_release); });
  g.wait();
  return since(start) / kSpawnTasks;
}
#endif

// ---- fib -------------------------------------------------------------------

// A call of fib by continuation passing: the node's children compute into
// their own nodes; the join adds them into this one and reports upward.
struct FibNode {
  int n = 0;
  long result = 0;
  FibNode* left = nullptr;
  FibNode* right = nullptr;
  FibNode* parent = nullptr;
  std::atomic<int> pending{0}; // children not yet finished
};

struct FibArena {
  std::vector<FibNode> nodes;
  std::atomic<std::size_t> next{0};
  std::atomic<int> finished{0};
  FibNode* make(int n, FibNode* parent) {
    FibNode* f = &nodes[next.fetch_add(1, std::memory_order_relaxed)];
    f->n = n;
    f->result = 0;
    f->parent = parent;
    f->pending.store(2, std::memory_order_relaxed);
    return f;
  }
};
FibArena* g_fib = nullptr;

long fib_serial(int n) {
  return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}
std::size_t fib_calls(int n) {
  return n < 2 ? 1 : 1 + fib_calls(n - 1) + fib_calls(n - 2);
}

// A finished node reports to its parent; the second child to finish adds
// the two and reports on (no join task: the same scheme for every pool).
void fib_done(FibNode* f) {
  for (FibNode* p = f->parent; p != nullptr; p = p->parent) {
    if (p->pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    p->result = p->left->result + p->right->result;
  }
  g_fib->finished.store(1, std::memory_order_release);
}

using Ctx = lockstep::Scheduler<>::Context;
// A leaf: its value, reported up (false). Else its two children made.
bool fib_split(FibNode* f) {
  if (f->n < 2) {
    f->result = f->n;
    fib_done(f);
    return false;
  }
  f->left = g_fib->make(f->n - 1, f);
  f->right = g_fib->make(f->n - 2, f);
  return true;
}

void fib_lockstep_task(Ctx& ctx, void* arg) {
  auto* f = static_cast<FibNode*>(arg);
  if (!fib_split(f)) return;
  const auto a = ctx.create(fib_lockstep_task, f->left);
  const auto b = ctx.create(fib_lockstep_task, f->right);
  if (a == lockstep::Scheduler<>::kNoTask ||
      b == lockstep::Scheduler<>::kNoTask)
    std::abort(); // out of task records
  ctx.release(b);
  ctx.release(a);
}

double fib_lockstep() {
  lockstep::SchedulerOptions o;
  o.workers = 2;
  o.max_tasks = 1 << 18;
  lockstep::ThreadPool<> pool(o);
  auto& s = pool.scheduler();
  FibArena arena;
  arena.nodes = std::vector<FibNode>(fib_calls(kFibN));
  g_fib = &arena;
  const auto start = Clock::now();
  s.release(s.create(fib_lockstep_task, arena.make(kFibN, nullptr)));
  wait_for(arena.finished, 1);
  const double ns = since(start);
  if (arena.nodes[0].result != fib_serial(kFibN)) std::abort();
  return ns / static_cast<double>(fib_calls(kFibN));
}

void fib_mutex_task(MutexPool& pool, void* arg) {
  auto* f = static_cast<FibNode*>(arg);
  if (!fib_split(f)) return;
  pool.submit(fib_mutex_task, f->right);
  pool.submit(fib_mutex_task, f->left);
}
double fib_mutex() {
  MutexPool pool(2);
  FibArena arena;
  arena.nodes = std::vector<FibNode>(fib_calls(kFibN));
  g_fib = &arena;
  const auto start = Clock::now();
  FibNode* root = arena.make(kFibN, nullptr);
  pool.submit(fib_mutex_task, root);
  wait_for(arena.finished, 1);
  const double ns = since(start);
  if (root->result != fib_serial(kFibN)) std::abort();
  return ns / static_cast<double>(fib_calls(kFibN));
}

#if defined(LOCKSTEP_BENCH_TBB)
long fib_tbb_rec(int n) {
  if (n < 2) return n;
  long x = 0, y = 0;
  tbb::task_group g;
  g.run([&] { x = fib_tbb_rec(n - 1); });
  y = fib_tbb_rec(n - 2);
  g.wait();
  return x + y;
}
double fib_tbb() {
  const auto start = Clock::now();
  const long r = fib_tbb_rec(kFibN);
  const double ns = since(start);
  if (r != fib_serial(kFibN)) std::abort();
  return ns / static_cast<double>(fib_calls(kFibN));
}
#endif

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)();
};

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "sched_bench");
  if (!flags) return 2;
#if defined(LOCKSTEP_BENCH_TBB)
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 2);
#else
  lockstep::bench::print_skipped("oneTBB", "libtbb-dev");
#endif
  std::vector<Measurement> all = {
    {"spawn", "lockstep scheduler", spawn_lockstep},
    {"spawn", "mutex + condvar pool", spawn_mutex},
    {"fib", "lockstep scheduler", fib_lockstep},
    {"fib", "mutex + condvar pool", fib_mutex},
#if defined(LOCKSTEP_BENCH_TBB)
    {"spawn", "oneTBB task_group", spawn_tbb},
    {"fib", "oneTBB task_group", fib_tbb},
#endif
  };
  if (flags->smoke) all.resize(4); // lockstep's two, the mutex pool's two
  lockstep::bench::run_trials(all, *flags,
                              [](const Measurement& m) { return m.run(); });
  return 0;
}
