// latency_bench.cpp — an LLM-serving-like workload: requests of
// heavy-tailed size arrive open-loop and wait in a queue for one of two
// workers; what matters is the tail latency at a given throughput. The
// architectures of the seed's table, on this engine:
//   lockstep mpmc + workers   the bounded MPMC queue (4,096 request ids);
//                             an idle worker spins 64 pauses, then yields
//   lockstep scheduler        a task per request, submitted to the
//                             work-stealing ThreadPool (injection queue)
//   std::mutex + condvar      a locked std::deque; an idle worker sleeps on
//                             a condition variable, each push notifies one
//   batched mutex queue       the generator hands requests over 16 at a
//                             time (or when the oldest has waited 200 µs);
//                             a worker takes a whole batch and serves it in
//                             order (head-of-line blocking behind a long one)
// Requests: 40,000 a trial; sizes bounded Pareto (alpha 1.5, from 10 µs
// to 2 ms: mean about 28 µs, 1 in 1,000 above 1 ms — a long prompt among
// short ones); arrivals Poisson at 30% and at 60% of the two workers'
// capacity (about 21,000 and 43,000 requests/s), generated from one seed
// so every subject serves the same sequence. A request's latency runs from
// its scheduled arrival (not from when the generator got to it: no
// coordinated omission) to the end of its service, which spins on the
// clock for its size. The generator sleeps until each arrival (on this
// 2-core machine it shares the workers' cores). Each request must be
// served exactly once, or the run fails (exit 1).
//
// Output: one JSON line per (trial, load, subject, figure): p50, p99 and
// p99.9 latency, and ns per request served (1 / throughput), in ns. A
// subject that cannot keep up shows it there: its time per request
// exceeds the arrivals' interval, and its queue (and latency) grows for as
// long as the trial lasts.
//
//   latency_bench [--trials N] [--smoke]
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/scheduler.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/topology.hpp"

namespace {

constexpr int kWorkers = 2;
constexpr double kAlpha = 1.5;
constexpr double kMinSizeNs = 10'000;
constexpr double kMaxSizeNs = 2'000'000;
constexpr std::size_t kBatch = 16;
constexpr std::int64_t kBatchWaitNs = 200'000;

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until_ns(std::int64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000),
              static_cast<long>(t % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

// The requests of a trial: arrival offsets and sizes, ns.
struct Workload {
  std::vector<std::int64_t> arrival, size;
};

Workload make_workload(std::size_t n, std::uint64_t seed, double load) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Workload w;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    // Bounded Pareto: inverse transform of the distribution cut at kMaxSizeNs.
    const double low = std::pow(kMinSizeNs / kMaxSizeNs, kAlpha);
    const double x =
        kMinSizeNs / std::pow(1.0 - u(rng) * (1.0 - low), 1 / kAlpha);
    w.size.push_back(static_cast<std::int64_t>(x));
    total += x;
  }
  const double rate = load * kWorkers / (total / static_cast<double>(n));
  double t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    t += -std::log(1.0 - u(rng)) / rate;
    w.arrival.push_back(static_cast<std::int64_t>(t));
  }
  return w;
}

// What a trial measured, and the per-request bookkeeping the workers do.
struct Trial {
  const Workload& w;
  std::int64_t start = 0; // arrival offsets are from here
  std::vector<std::int64_t> done;
  std::vector<std::atomic<std::uint32_t>> served;
  std::atomic<std::size_t> finished{0};
  explicit Trial(const Workload& w)
      : w(w), done(w.arrival.size()), served(w.arrival.size()) {}

  void serve(std::uint32_t id) {
    const std::int64_t end = now_ns() + w.size[id];
    while (now_ns() < end) {
    }
    done[id] = now_ns();
    served[id].fetch_add(1, std::memory_order_relaxed);
    finished.fetch_add(1, std::memory_order_release);
  }
  bool all_done() const {
    return finished.load(std::memory_order_acquire) == done.size();
  }
  // Sleeps until request i's arrival; returns its id.
  std::uint32_t arrive(std::size_t i) {
    sleep_until_ns(start + w.arrival[i]);
    return static_cast<std::uint32_t>(i);
  }
};

void idle(int& spins) {
  if (++spins < 64) {
    lockstep::StdSync::spin_hint();
  } else {
    spins = 0;
    std::this_thread::yield();
  }
}

// Each subject: runs the trial (generator on this thread, workers started
// and joined inside).
void run_mpmc(Trial& t) {
  lockstep::MpmcQueue<std::uint32_t> q(4096);
  std::vector<std::thread> workers;
  for (int k = 0; k < kWorkers; ++k) {
    workers.emplace_back([&, k] {
      lockstep::bench::pin_to(k);
      int spins = 0;
      while (!t.all_done()) {
        if (auto id = q.try_pop()) {
          t.serve(*id);
          spins = 0;
        } else {
          idle(spins);
        }
      }
    });
  }
  t.start = now_ns();
  for (std::size_t i = 0; i < t.done.size(); ++i) {
    const std::uint32_t id = t.arrive(i);
    while (!q.try_push(id))
      std::this_thread::yield();
  }
  for (auto& w : workers)
    w.join();
}

void run_scheduler(Trial& t) {
  lockstep::SchedulerOptions o;
  o.workers = kWorkers;
  std::vector<int> cpus;
  for (int k = 0; k < kWorkers && !lockstep::bench::allowed_cpus().empty(); ++k)
    cpus.push_back(
        lockstep::bench::allowed_cpus()[static_cast<std::size_t>(k) %
                                        lockstep::bench::allowed_cpus()
                                            .size()]);
  lockstep::ThreadPool<> pool(o, cpus);
  auto& s = pool.scheduler();
  struct Arg {
    Trial* t;
    std::uint32_t id;
  };
  std::vector<Arg> args(t.done.size());
  t.start = now_ns();
  for (std::size_t i = 0; i < t.done.size(); ++i) {
    args[i] = {&t, t.arrive(i)};
    auto task = s.kNoTask;
    while ((task = s.create(
                +[](lockstep::Scheduler<>::Context&, void* a) {
                  auto* arg = static_cast<Arg*>(a);
                  arg->t->serve(arg->id);
                },
                &args[i])) == s.kNoTask)
      std::this_thread::yield(); // every record in use
    s.release(task);
  }
  while (!t.all_done())
    std::this_thread::yield();
}

// Workers over a locked std::deque of Items (a request id, or a batch of
// them): an idle worker sleeps on `cv`; the last to finish wakes the rest.
template <class Item> struct LockedQueue {
  std::mutex m;
  std::condition_variable cv;
  std::deque<Item> q;
  std::vector<std::thread> workers;

  void push(Item item) {
    {
      std::lock_guard<std::mutex> g(m);
      q.push_back(std::move(item));
    }
    cv.notify_one();
  }
  template <class Serve> void start(Trial& t, Serve serve) {
    for (int k = 0; k < kWorkers; ++k) {
      workers.emplace_back([this, &t, serve, k] {
        lockstep::bench::pin_to(k);
        for (;;) {
          std::unique_lock<std::mutex> g(m);
          cv.wait(g, [&] { return !q.empty() || t.all_done(); });
          if (q.empty()) return;
          Item item = std::move(q.front());
          q.pop_front();
          g.unlock();
          serve(item);
          if (t.all_done()) cv.notify_all();
        }
      });
    }
  }
  void join() {
    for (auto& w : workers)
      w.join();
  }
};

void run_mutex(Trial& t) {
  LockedQueue<std::uint32_t> q;
  q.start(t, [&t](std::uint32_t id) { t.serve(id); });
  t.start = now_ns();
  for (std::size_t i = 0; i < t.done.size(); ++i)
    q.push(t.arrive(i));
  q.join();
}

void run_batched(Trial& t) {
  LockedQueue<std::vector<std::uint32_t>> q;
  q.start(t, [&t](const std::vector<std::uint32_t>& batch) {
    for (std::uint32_t id : batch)
      t.serve(id);
  });
  std::vector<std::uint32_t> batch;
  auto flush = [&] {
    q.push(std::move(batch));
    batch.clear();
  };
  t.start = now_ns();
  for (std::size_t i = 0; i < t.done.size(); ++i) {
    // A partial batch goes when its oldest request has waited long enough.
    const std::int64_t due =
        t.w.arrival[batch.empty() ? i : batch[0]] + kBatchWaitNs;
    if (!batch.empty() && t.w.arrival[i] > due) {
      sleep_until_ns(t.start + due);
      flush();
    }
    batch.push_back(t.arrive(i));
    if (batch.size() == kBatch) flush();
  }
  if (!batch.empty()) flush();
  q.join();
}

struct Subject {
  const char* name;
  void (*run)(Trial&);
};

// One trial of one subject: prints its figures; false if a request was
// lost or served twice.
bool measure(const Subject& s, const Workload& w, const char* load, int trial) {
  Trial t(w);
  s.run(t);
  const std::size_t n = w.arrival.size();
  std::vector<double> latency(n);
  std::int64_t last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (t.served[i].load() != 1) {
      std::fprintf(stderr, "latency_bench: %s served request %zu %u times\n",
                   s.name, i, t.served[i].load());
      return false;
    }
    latency[i] = static_cast<double>(t.done[i] - (t.start + w.arrival[i]));
    last = std::max(last, t.done[i]);
  }
  std::sort(latency.begin(), latency.end());
  const auto at = [&](double q) {
    return latency[std::min(n - 1, static_cast<std::size_t>(q * n))];
  };
  const double per_request = static_cast<double>(last - t.start) / n;
  const std::pair<const char*, double> figures[] = {
      {"p50 latency", at(0.5)},
      {"p99 latency", at(0.99)},
      {"p99.9 latency", at(0.999)},
      {"time per request (1 / throughput)", per_request}};
  for (const auto& [figure, ns] : figures)
    std::printf("{\"workload\":\"%s, %s load\",\"subject\":\"%s\","
                "\"trial\":%d,\"ns\":%.1f}\n",
                figure, load, s.name, trial, ns);
  std::fflush(stdout);
  return true;
}

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "latency_bench");
  if (!flags) return 2;
  std::vector<Subject> all = {{"lockstep mpmc + workers", run_mpmc},
                              {"lockstep scheduler", run_scheduler},
                              {"std::mutex + condvar", run_mutex},
                              {"batched mutex queue", run_batched}};
  const std::size_t n = flags->smoke ? 500 : 40'000;
  const std::pair<const char*, Workload> loads[] = {
      {"30%", make_workload(n, 20261130, 0.3)},
      {"60%", make_workload(n, 20261130, 0.6)}};
  if (!flags->smoke) {
    // Warm-up, unrecorded: each subject serves 2,000 requests.
    const Workload warm = make_workload(2'000, 1, 0.3);
    for (const Subject& s : all) {
      Trial t(warm);
      s.run(t);
    }
  }
  std::mt19937 shuffle(20261130);
  for (int trial = 0; trial < flags->trials; ++trial) {
    for (const auto& [load, w] : loads) {
      std::shuffle(all.begin(), all.end(), shuffle);
      for (const Subject& s : all)
        if (!measure(s, w, load, trial)) return 1;
    }
  }
  return 0;
}
