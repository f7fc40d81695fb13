// scheduler.hpp — a work-stealing task scheduler built from the engine's
// parts: a Chase-Lev deque per worker, a bounded MPMC injection queue for
// submissions from outside, task records from a BlockPool (a cache per
// worker), stealing in a given victim order (same NUMA node first), and
// parking without lost wake-ups.
//
// Workers. Scheduler::run_worker(w) is worker w's loop; the caller gives
// each worker a thread (ThreadPool does, with optional pinning; the
// simulator gives each a fiber). A worker takes, in order: the injection
// queue first every kInjectionInterval-th task (so local work cannot
// starve submissions: tokio and Go use 61), its own deque (newest first),
// the injection queue, then the other workers' deques in its victim
// order. With nothing found it parks (below) until work or shutdown.
//
// Tasks. create(fn, arg) takes a record, held (it cannot run yet);
// precede(a, b) makes b wait for a (both still held); release(t) lets it
// run once its prerequisites have completed (a dropped prerequisite
// drops its successors: none runs without it). Released from outside a
// worker, a ready task goes through the injection queue (try_release
// reports kFull instead of waiting); from a task, to the running worker's
// deque. When a task completes, each successor's pending count drops, and
// the one that reaches zero is pushed to the completing worker's deque.
// Every task runs exactly once; a task runs only after all its
// prerequisites completed.
//
// Parking (no lost wake-up): a worker that found nothing announces itself
// (parked[w] = 1, sleepers + 1, a seq_cst fence), looks for work once more,
// and only then waits on parked[w]; whoever makes work available (a push
// to a deque or to the injection queue) issues a seq_cst fence and, if
// sleepers is not 0, clears one parked word with a CAS and notifies it.
// Either the worker's second look sees the work, or the waker's load sees
// the worker (Dekker, through the two fences); a wake that comes before
// the wait makes the wait return at once (the word is no longer 1).
//
// Shutdown. shutdown(kDrain): no more submissions from outside; workers
// run every task created so far (a task that is never released keeps
// them waiting) and return. shutdown(kCancel): workers return as soon as
// they finish the task in hand; tasks not started are dropped (counted,
// never run), including those released afterwards; a submission racing
// the shutdown counts itself in flight, and drop_unstarted waits for it,
// so nothing is lost between the two.
//
//   lockstep::ThreadPool<> pool({.workers = 4});
//   auto& s = pool.scheduler();
//   auto t = s.create(+[](lockstep::Scheduler<>::Context& ctx, void* arg) {
//     ctx.release(ctx.create(child, arg));   // to this worker's deque
//   }, &state);
//   s.release(t);                             // through the injection queue
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lockstep/block_pool.hpp"
#include "lockstep/cache_padded.hpp"
#include "lockstep/chase_lev_deque.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/storage.hpp"
#include "lockstep/topology.hpp"

namespace lockstep {

// Seeded defects of the scheduler (see docs/mutants.md).
struct NoSchedulerBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "deques, injection queue, pool caches, Dekker parking";
  // A worker parks without looking for work after announcing itself: a
  // task pushed between its last look and its announcement is never
  // noticed (a lost wake-up).
  static constexpr bool kParkWithoutRecheck = false;
  // A worker polls the injection queue only when its own deque is empty:
  // a worker with endless local work starves submissions.
  static constexpr bool kNoInjectionInterval = false;
  // A completing task decrements its first successor's count twice: the
  // successor may run before its other prerequisites.
  static constexpr bool kDoubleDecrement = false;
  // A submission does not count itself in flight: one that read "not
  // stopping" just before a cancelling shutdown pushes after the queue
  // was emptied, and the task is neither run nor dropped (lost).
  static constexpr bool kNoInFlightCount = false;
  // The injection queue is sized to the next power of two (as Vyukov's
  // original ring needs): it holds more submissions than the capacity
  // asked for, and back-pressure comes late.
  static constexpr bool kInjectionRoundedUp = false;
};
struct SchedulerParkWithoutRecheck : NoSchedulerBugs {
  static constexpr const char* kVariant = "park-without-recheck";
  static constexpr const char* kDescription =
      "a worker parks without a second look: a lost wake-up";
  static constexpr bool kParkWithoutRecheck = true;
};
struct SchedulerNoInjectionInterval : NoSchedulerBugs {
  static constexpr const char* kVariant = "no-injection-interval";
  static constexpr const char* kDescription =
      "the injection queue is polled only when the local deque is empty";
  static constexpr bool kNoInjectionInterval = true;
};
struct SchedulerDoubleDecrement : NoSchedulerBugs {
  static constexpr const char* kVariant = "double-decrement";
  static constexpr const char* kDescription =
      "a completing task decrements its first successor's count twice";
  static constexpr bool kDoubleDecrement = true;
};
struct SchedulerPushAfterShutdown : NoSchedulerBugs {
  static constexpr const char* kVariant = "push-after-shutdown";
  static constexpr const char* kDescription =
      "a submission racing a cancelling shutdown pushes after the drain";
  static constexpr bool kNoInFlightCount = true;
};

struct SchedulerInjectionRoundedUp : NoSchedulerBugs {
  static constexpr const char* kVariant = "injection-rounded-up";
  static constexpr const char* kDescription =
      "the injection queue is sized to the next power of two: it holds more "
      "than its capacity";
  static constexpr bool kInjectionRoundedUp = true;
};

using SchedulerVariants =
    std::tuple<NoSchedulerBugs, SchedulerParkWithoutRecheck,
               SchedulerNoInjectionInterval, SchedulerDoubleDecrement,
               SchedulerPushAfterShutdown, SchedulerInjectionRoundedUp>;

struct SchedulerOptions {
  std::size_t workers = 2;
  std::size_t max_tasks = 1 << 16;       // task records (live at once)
  std::size_t injection_capacity = 1024; // submissions waiting
  std::size_t deque_capacity = 1024;     // per worker, never grows
  std::size_t cache_capacity = 64;       // task records per worker cache
  // Every this many tasks a worker takes from the injection queue first.
  std::uint64_t injection_interval = 61;
  // Looks for work this many more times (with a spin hint) before parking:
  // a worker that parks at once pays a futex wait and its waker a futex
  // wake for every short gap between tasks.
  std::size_t spins_before_park = 64;
  // victims[w]: the order in which worker w steals (victim_order() from
  // the topology); empty: w+1, w+2, ... round the ring.
  std::vector<std::vector<int>> victims;
};

enum class Release : std::uint8_t { kOk, kFull, kShutdown };
enum class Shutdown : std::uint8_t { kDrain, kCancel };

template <class Sync = StdSync, class Bugs = NoSchedulerBugs> class Scheduler {
public:
  using TaskId = std::uint32_t;
  static constexpr TaskId kNoTask = 0xFFFFFFFFu;
  static constexpr std::uint32_t kMaxSuccessors = 4;

  // What a running task may do: create and release more tasks on the
  // worker that runs it.
  class Context {
  public:
    TaskId create(void (*fn)(Context&, void*), void* arg) noexcept {
      return scheduler_.create_on(worker_, fn, arg);
    }
    bool precede(TaskId before, TaskId after) noexcept {
      return scheduler_.precede(before, after);
    }
    // To this worker's deque (or run here when the deque is full).
    void release(TaskId t) noexcept { scheduler_.release_on(worker_, t); }
    std::size_t worker() const noexcept { return worker_; }
    Scheduler& scheduler() noexcept { return scheduler_; }

  private:
    friend class Scheduler;
    Context(Scheduler& s, std::size_t w) : scheduler_(s), worker_(w) {}
    Scheduler& scheduler_;
    std::size_t worker_;
  };
  using Fn = void (*)(Context&, void*);

  // Takes every array now. Throws std::invalid_argument for a bad size,
  // std::bad_alloc without memory.
  explicit Scheduler(const SchedulerOptions& o)
      : workers_(checked_workers(o.workers)), victims_(checked_victims(o)),
        interval_(o.injection_interval == 0 ? 1 : o.injection_interval),
        spins_(o.spins_before_park), max_tasks_(checked_tasks(o.max_tasks)),
        records_(make_array<Sync, Record>(max_tasks_), Free{max_tasks_}),
        pool_(records_ != nullptr ? records_.get() : throw std::bad_alloc(),
              max_tasks_ * sizeof(Record), sizeof(Record), alignof(Record)),
        injection_(make_injection(Bugs::kInjectionRoundedUp
                                      ? std::bit_ceil(o.injection_capacity)
                                      : o.injection_capacity)) {
    for (std::size_t i = 0; i < max_tasks_; ++i) {
      const typename Sync::LabelScope task("task", static_cast<long>(i));
      Sync::label(&records_[i].pending, "pending"); // task3.pending
    }
    for (std::size_t w = 0; w < workers_; ++w) {
      // worker1.top, worker1.ring32[0], worker1.parked, ...
      const typename Sync::LabelScope worker("worker", static_cast<long>(w));
      auto& slot = slots_.emplace_back(std::make_unique<Slot>(
          o.deque_capacity, workers_, pool_, o.cache_capacity));
      Sync::label(&slot->parked, "parked");
      Sync::label(&slot->ran, "ran");
    }
    for (std::size_t w = 0; w < workers_; ++w)
      for (std::size_t v = 0; v < workers_; ++v)
        slots_[w]->thieves.push_back(slots_[v]->deque.stealer());
    Sync::label(&sleepers_.value, "sleepers");
    Sync::label(&outstanding_.value, "outstanding");
    Sync::label(&submitting_.value, "submitting");
    Sync::label(&dropped_.value, "dropped");
    Sync::label(&stopping_, "stopping");
    Sync::label(&cancel_, "cancel");
  }
  ~Scheduler() {
    for (auto& slot : slots_)
      slot->thieves.clear(); // each points into another slot's deque
    slots_.clear();          // caches flush into the pool
  }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  std::size_t workers() const noexcept { return workers_; }

  // A held task (from outside a worker), or kNoTask when every record is
  // in use or the scheduler is shut down.
  TaskId create(Fn fn, void* arg) noexcept {
    if (stopping_.load(std::memory_order_acquire)) return kNoTask;
    const std::optional<std::uint32_t> i = pool_.allocate_index();
    return i ? init(*i, fn, arg) : kNoTask;
  }

  // b waits for a. Both must be held (created, not released). False when
  // a already has kMaxSuccessors successors.
  bool precede(TaskId a, TaskId b) noexcept {
    Record& before = records_[a];
    if (before.successors >= kMaxSuccessors) return false;
    before.next[before.successors++] = b;
    records_[b].pending.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // From outside a worker: lets `t` run once its prerequisites completed.
  // kFull: the injection queue is full (try again; t is still held);
  // kShutdown: no more submissions (t is dropped).
  Release try_release(TaskId t) noexcept {
    // In flight while it looks at `stopping` and pushes: a shutdown either
    // is seen here, or sees this submission and waits for it before it
    // empties the queue (Dekker again: seq_cst on both sides).
    if constexpr (!Bugs::kNoInFlightCount)
      submitting_.value.fetch_add(1, std::memory_order_seq_cst);
    const Release r = release_in_flight(t);
    if constexpr (!Bugs::kNoInFlightCount) {
      // The last one out wakes a shutdown waiting in drop_unstarted (which
      // set `stopping` before it read the count: seq_cst on both sides).
      if (submitting_.value.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
          stopping_.load(std::memory_order_seq_cst))
        submitting_.value.notify_all();
    }
    return r;
  }

  // A held task that will not be released (try_release said kFull, or
  // the caller changed its mind): it is refused, dropped (counted, never
  // run) as soon as its prerequisites are done, at once if none is left;
  // so are its successors, none of which runs without it.
  void discard(TaskId t) noexcept {
    if (refuse(t)) drop_run(t);
  }

  // As try_release, waiting (spinning) while the queue is full.
  Release release(TaskId t) noexcept {
    for (;;) {
      const Release r = try_release(t);
      if (r != Release::kFull) return r;
      Sync::spin_hint();
    }
  }

private:
  Release release_in_flight(TaskId t) noexcept {
    if (stopping_.load(std::memory_order_seq_cst)) {
      discard(t); // never to run
      return Release::kShutdown;
    }
    Record& r = records_[t];
    if (r.pending.load(std::memory_order_acquire) == 1) {
      // The hold is the last count (no prerequisite left to touch it):
      // ready now, through the queue. Cleared before the push, after
      // which a worker may run and free the record at once.
      r.pending.store(0, std::memory_order_relaxed);
      if (!injection_.try_push(t)) {
        r.pending.store(1, std::memory_order_relaxed); // still held
        return Release::kFull;
      }
      wake_one();
      return Release::kOk;
    }
    // Prerequisites outstanding: the last one to complete pushes it.
    if (const std::int32_t now = count_down(t, 1); now == 0)
      push_ready_from_outside(t);
    else if (now == kRefused)
      drop_run(t);
    return Release::kOk;
  }

public:
  // Worker w's loop; returns at shutdown (see the file comment).
  void run_worker(std::size_t w) noexcept {
    Context ctx(*this, w);
    Slot& me = *slots_[w];
    for (;;) {
      if (stopping_.load(std::memory_order_acquire) &&
          (cancel_.load(std::memory_order_acquire) ||
           outstanding_.value.load(std::memory_order_acquire) == 0)) {
        break;
      }
      TaskId t = find_work(w);
      for (std::size_t k = 0; t == kNoTask && k < spins_; ++k) {
        Sync::spin_hint();
        t = find_work(w);
      }
      if (t == kNoTask) t = park(w);
      if (t == kNoTask) continue;
      if (cancel_.load(std::memory_order_acquire)) {
        drop_run(t);
        continue;
      }
      run(ctx, t);
      ++me.ticks;
    }
    // Cancelled: what is left in this deque will not run. (Only this
    // worker pushes to it, and it is done.)
    while (const std::optional<std::uint32_t> t = me.owner.pop())
      drop_run(*t);
    me.cache.flush();
    wake_all(); // a worker still parked may be the one to drain the rest
  }

  // Quiescent, after every worker returned: the submissions that no
  // worker took (a cancelling shutdown) are dropped. Returns how many.
  std::size_t drop_unstarted() noexcept {
    // Submissions that did not see `stopping` finish their pushes first
    // (blocking, not spinning: the submitter may be descheduled).
    for (std::uint32_t n;
         (n = submitting_.value.load(std::memory_order_seq_cst)) != 0;)
      submitting_.value.wait(n, std::memory_order_seq_cst);
    std::size_t n = 0;
    while (const std::optional<std::uint32_t> t = injection_.try_pop()) {
      drop_run(*t);
      ++n;
    }
    return n;
  }

  // Quiescent: tasks created and not yet run or dropped (0 after a drain).
  std::uint64_t outstanding() const noexcept {
    return outstanding_.value.load(std::memory_order_acquire);
  }

  // No more submissions; wake every worker (see the file comment).
  void shutdown(Shutdown mode) noexcept {
    if (mode == Shutdown::kCancel)
      cancel_.store(true, std::memory_order_release);
    stopping_.store(true, std::memory_order_seq_cst);
    wake_all();
  }

  // Tasks run and tasks dropped so far (exact when quiescent).
  std::uint64_t ran() const noexcept {
    std::uint64_t n = 0;
    for (const auto& slot : slots_)
      n += slot->ran.load(std::memory_order_relaxed);
    return n;
  }
  std::uint64_t dropped() const noexcept { return dropped_.value.load(); }

  // For observers (the simulator target's fairness and capacity checks).
  const MpmcQueue<std::uint32_t, Sync>& injection_queue() const noexcept {
    return injection_;
  }
  std::uint64_t injection_interval() const noexcept { return interval_; }

private:
  // A flag in `pending`; counts stay far below it (2^24 records, each
  // counted by at most 4 predecessors and its hold).
  static constexpr std::int32_t kRefused = 1 << 30;
  static constexpr std::int32_t kCount = kRefused - 1;
  struct Record {
    Fn fn = nullptr;
    void* arg = nullptr;
    // The hold plus the prerequisites not yet completed, and kRefused once
    // the task is refused (dropped instead of run when the count is 0).
    typename Sync::template atomic<std::int32_t> pending{0};
    std::uint32_t successors = 0;
    TaskId next[kMaxSuccessors] = {kNoTask, kNoTask, kNoTask, kNoTask};
    TaskId drop_next = kNoTask; // the list drop_run works through
  };
  using Deque = ChaseLevDeque<std::uint32_t, Sync>;
  struct Slot {
    Slot(std::size_t deque_capacity, std::size_t workers, BlockPool<Sync>& pool,
         std::size_t cache_capacity)
        : deque(deque_capacity, workers, deque_capacity), owner(deque.worker()),
          cache(pool, cache_capacity) {}
    Deque deque;
    typename Deque::Worker owner;
    std::vector<typename Deque::Stealer> thieves; // thieves[v]: of worker v
    typename BlockPool<Sync>::Cache cache;
    typename Sync::template atomic<std::uint32_t> parked{0};
    std::uint64_t ticks = 0; // tasks run: the injection interval's clock
    typename Sync::template atomic<std::uint64_t> ran{0}; // its tasks run
  };

  static std::size_t checked_workers(std::size_t n) {
    if (n == 0 || n > 1024)
      throw std::invalid_argument("Scheduler: 1 to 1024 workers");
    return n;
  }
  static std::vector<std::vector<int>>
  checked_victims(const SchedulerOptions& o) {
    if (!o.victims.empty() && o.victims.size() != o.workers)
      throw std::invalid_argument("Scheduler: one victim order per worker");
    for (const auto& order : o.victims) {
      if (order.size() + 1 != o.workers)
        throw std::invalid_argument(
            "Scheduler: a victim order names every other worker once");
      for (int v : order)
        if (v < 0 || static_cast<std::size_t>(v) >= o.workers)
          throw std::invalid_argument("Scheduler: victim out of range");
    }
    return o.victims;
  }
  // The injection queue, its labels under "injection." (injection.head).
  static MpmcQueue<std::uint32_t, Sync> make_injection(std::size_t capacity) {
    const typename Sync::LabelScope scope("injection");
    return MpmcQueue<std::uint32_t, Sync>(capacity);
  }
  static std::size_t checked_tasks(std::size_t n) {
    if (n == 0 || n > (std::size_t{1} << 24))
      throw std::invalid_argument("Scheduler: 1 to 2^24 task records");
    return n;
  }

  TaskId init(std::uint32_t i, Fn fn, void* arg) noexcept {
    Record& r = records_[i];
    r.fn = fn;
    r.arg = arg;
    r.successors = 0;
    r.pending.store(1, std::memory_order_relaxed); // the hold
    outstanding_.value.fetch_add(1, std::memory_order_relaxed);
    return i;
  }

  TaskId create_on(std::size_t w, Fn fn, void* arg) noexcept {
    const std::optional<std::uint32_t> i = slots_[w]->cache.allocate_index();
    return i ? init(*i, fn, arg) : kNoTask;
  }

  void release_on(std::size_t w, TaskId t) noexcept {
    auto& pending = records_[t].pending;
    // Only the hold left (every prerequisite, added while the task was
    // held, has completed; acquire: their writes come with them): ready,
    // without a read-modify-write.
    if (pending.load(std::memory_order_acquire) == 1) {
      pending.store(0, std::memory_order_relaxed);
      push_ready(w, t);
      return;
    }
    became_ready(w, t, count_down(t, 1));
  }

  // What is pending on `t` after dropping `n` counts: 0, ready; kRefused,
  // ready but refused (drop it); anything else, not ready.
  std::int32_t count_down(TaskId t, std::int32_t n) noexcept {
    const std::int32_t now =
        records_[t].pending.fetch_sub(n, std::memory_order_acq_rel) - n;
    return (now & kCount) == 0 ? now : -1;
  }
  void became_ready(std::size_t w, TaskId t, std::int32_t now) noexcept {
    if (now == 0) push_ready(w, t);
    if (now == kRefused) drop_run(t);
  }

  // Drops one count (the hold, or a prerequisite that will never
  // complete) and marks `t` refused, in one CAS. True when nothing is
  // pending any more: the caller drops it now.
  bool refuse(TaskId t) noexcept {
    auto& pending = records_[t].pending;
    std::int32_t old = pending.load(std::memory_order_relaxed);
    while (!pending.compare_exchange_weak(old, (old - 1) | kRefused,
                                          std::memory_order_acq_rel,
                                          std::memory_order_relaxed)) {
    }
    return ((old - 1) & kCount) == 0;
  }

  // A ready task from a worker: to its deque, else (full) run here.
  void push_ready(std::size_t w, TaskId t) noexcept {
    if (cancel_.load(std::memory_order_acquire)) {
      drop_run(t);
      return;
    }
    if (slots_[w]->owner.push(t)) {
      wake_one();
      return;
    }
    Context ctx(*this, w);
    run(ctx, t);
  }

  // A ready task outside any worker (its last prerequisite completed
  // elsewhere while this thread dropped the hold): the injection queue.
  void push_ready_from_outside(TaskId t) noexcept {
    while (!injection_.try_push(t))
      Sync::spin_hint();
    wake_one();
  }

  TaskId find_work(std::size_t w) noexcept {
    Slot& me = *slots_[w];
    const bool injection_turn =
        !Bugs::kNoInjectionInterval && me.ticks % interval_ == interval_ - 1;
    if (injection_turn) {
      if (auto t = injection_.try_pop()) return *t;
    }
    if (auto t = me.owner.pop()) return *t;
    if (auto t = injection_.try_pop()) return *t;
    return steal(w);
  }

  TaskId steal(std::size_t w) noexcept {
    Slot& me = *slots_[w];
    for (std::size_t k = 1; k < workers_; ++k) {
      const std::size_t v = victims_.empty()
                                ? (w + k) % workers_
                                : static_cast<std::size_t>(victims_[w][k - 1]);
      for (;;) {
        const Take<std::uint32_t> got = me.thieves[v].steal();
        if (got.is_success()) return got.value();
        if (got.is_empty()) break;
        Sync::spin_hint(); // retry: lost a race, not empty
      }
    }
    return kNoTask;
  }

  // Announce, look once more, wait. The task found on the second look, or
  // kNoTask after a wake.
  TaskId park(std::size_t w) noexcept {
    Slot& me = *slots_[w];
    me.parked.store(1, std::memory_order_seq_cst);
    sleepers_.value.fetch_add(1, std::memory_order_seq_cst);
    Sync::fence(std::memory_order_seq_cst);
    if constexpr (!Bugs::kParkWithoutRecheck) {
      const TaskId t = find_work(w);
      if (t != kNoTask) {
        unpark(me);
        return t;
      }
    }
    if (stopping_.load(std::memory_order_seq_cst) &&
        (cancel_.load(std::memory_order_seq_cst) ||
         outstanding_.value.load(std::memory_order_seq_cst) == 0)) {
      unpark(me); // done: the loop returns
      return kNoTask;
    }
    // Draining or not, wait (not spin: the others may be descheduled):
    // a push wakes one worker, the last task of a drain every worker.
    me.parked.wait(1, std::memory_order_seq_cst);
    unpark(me);
    return kNoTask;
  }
  void unpark(Slot& me) noexcept {
    me.parked.store(0, std::memory_order_relaxed);
    sleepers_.value.fetch_sub(1, std::memory_order_relaxed);
  }

  void wake_one() noexcept {
    Sync::fence(std::memory_order_seq_cst);
    if (sleepers_.value.load(std::memory_order_seq_cst) == 0) return;
    for (auto& slot : slots_) {
      std::uint32_t expected = 1;
      if (slot->parked.compare_exchange_strong(expected, 0,
                                               std::memory_order_seq_cst)) {
        slot->parked.notify_one();
        return;
      }
    }
  }
  void wake_all() noexcept {
    Sync::fence(std::memory_order_seq_cst);
    for (auto& slot : slots_) {
      std::uint32_t expected = 1;
      if (slot->parked.compare_exchange_strong(expected, 0,
                                               std::memory_order_seq_cst))
        slot->parked.notify_one();
    }
  }

  void run(Context& ctx, TaskId t) noexcept {
    Record& r = records_[t];
    r.fn(ctx, r.arg);
    const std::uint32_t n = r.successors;
    for (std::uint32_t k = 0; k < n; ++k) {
      const TaskId s = r.next[k];
      const int drops = Bugs::kDoubleDecrement && k == 0 ? 2 : 1;
      became_ready(ctx.worker_, s, count_down(s, drops));
    }
    Slot& me = *slots_[ctx.worker_];
    me.ran.store(me.ran.load(std::memory_order_relaxed) + 1,
                 std::memory_order_relaxed); // only this worker writes it
    finish(ctx.worker_, t);
  }

  // A ready task that will not run (cancelled, refused at shutdown,
  // discarded). Its successors lose a prerequisite that will never
  // complete: each is refused, and each this leaves with nothing pending
  // dropped too (a list through the records, not recursion: a chain may
  // be long).
  void drop_run(TaskId t) noexcept {
    records_[t].drop_next = kNoTask;
    for (TaskId list = t; list != kNoTask;) {
      const TaskId d = list;
      Record& r = records_[d];
      list = r.drop_next;
      for (std::uint32_t k = 0; k < r.successors; ++k) {
        const TaskId s = r.next[k];
        if (refuse(s)) {
          records_[s].drop_next = list;
          list = s;
        }
      }
      dropped_.value.fetch_add(1, std::memory_order_relaxed);
      pool_.free_index(d);
      retire();
    }
  }

  void finish(std::size_t w, TaskId t) noexcept {
    slots_[w]->cache.free_index(t);
    retire();
  }

  // One task fewer outstanding (run or dropped). The last one of a drain
  // wakes every worker: park reads `stopping` and then `outstanding`
  // after announcing itself, this decrements and then reads `stopping`
  // before it looks at the parked words (seq_cst on both sides: one of
  // the two sees the other).
  void retire() noexcept {
    if (outstanding_.value.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        stopping_.load(std::memory_order_seq_cst))
      wake_all();
  }

  std::size_t workers_;
  std::vector<std::vector<int>> victims_;
  std::uint64_t interval_;
  std::size_t spins_;
  std::size_t max_tasks_;
  struct Free {
    std::size_t n;
    void operator()(Record* r) const noexcept { destroy_array<Sync>(r, n); }
  };
  std::unique_ptr<Record[], Free> records_; // the pool's blocks
  BlockPool<Sync> pool_;
  MpmcQueue<std::uint32_t, Sync> injection_;
  std::vector<std::unique_ptr<Slot>> slots_;
  CachePadded<typename Sync::template atomic<std::uint32_t>> sleepers_{
      std::in_place, 0};
  CachePadded<typename Sync::template atomic<std::uint64_t>> outstanding_{
      std::in_place, 0};
  CachePadded<typename Sync::template atomic<std::uint32_t>> submitting_{
      std::in_place, 0};
  CachePadded<typename Sync::template atomic<std::uint64_t>> dropped_{
      std::in_place, 0};
  typename Sync::template atomic<bool> stopping_{false};
  typename Sync::template atomic<bool> cancel_{false};
};

// A Scheduler on std::threads, one per worker, each pinned to its CPU
// when `cpus` names one (-1: not pinned; a CPU this process may not use
// is std::invalid_argument). The destructor drains.
template <class Bugs = NoSchedulerBugs> class ThreadPool {
public:
  using Sched = Scheduler<StdSync, Bugs>;

  explicit ThreadPool(const SchedulerOptions& o, std::vector<int> cpus = {})
      : scheduler_(o) {
    const std::vector<int> allowed = current_thread_affinity();
    for (int cpu : cpus) {
      if (cpu >= 0 &&
          std::find(allowed.begin(), allowed.end(), cpu) == allowed.end())
        throw std::invalid_argument("ThreadPool: CPU " + std::to_string(cpu) +
                                    " is not one this process may run on");
    }
    for (std::size_t w = 0; w < scheduler_.workers(); ++w) {
      const int cpu = w < cpus.size() ? cpus[w] : -1;
      threads_.emplace_back([this, w, cpu] {
        if (cpu >= 0) {
          try {
            pin_current_thread(std::vector<int>{cpu});
          } catch (const std::exception&) {
            // Allowed a moment ago: the worker runs unpinned.
          }
        }
        scheduler_.run_worker(w);
      });
    }
  }
  ~ThreadPool() { shutdown(Shutdown::kDrain); }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  Sched& scheduler() noexcept { return scheduler_; }

  // Stops the workers (kDrain: after every task; kCancel: now) and joins
  // them; what was never started is then dropped. Idempotent.
  void shutdown(Shutdown mode) {
    if (threads_.empty()) return;
    scheduler_.shutdown(mode);
    for (std::thread& t : threads_)
      t.join();
    threads_.clear();
    scheduler_.drop_unstarted();
  }

private:
  Sched scheduler_;
  std::vector<std::thread> threads_;
};

} // namespace lockstep
