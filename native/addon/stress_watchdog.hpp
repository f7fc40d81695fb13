// stress_watchdog.hpp — stress threads under a watchdog. run_watched starts
// n pinned OS threads on a shared state and, instead of joining them
// blindly, watches each thread's log: a thread whose progress word
// (stress_recorder.hpp) has not changed for `timeout` — no operation
// started or completed — is stuck. The run is then stopped (a flag every
// body checks between operations and while it retries a refused push),
// the threads that stop within a grace period are joined, and any still
// inside an operation of the structure is detached: it cannot be joined,
// and may never return.
//
//   auto state = std::make_shared<QueueState>(cfg);   // derives StressShared
//   WatchResult r = run_watched(state, 2, 10s, +[](QueueState& s, int t,
//       const std::atomic<bool>& stop) { ... });
//   if (!r.stuck.empty()) { /* no progress: r.stuck says who, and in what */ }
//
// Lifetime: everything a thread touches must live in the state (a
// StressShared: the config, the logs, the structure), which the caller and
// every thread own together (std::shared_ptr), and a body gets nothing
// else (a function pointer: no captures of the caller's stack). A detached
// thread keeps the state — and so the structure and the logs — alive for
// as long as it runs: deliberately leaked until the process exits, so that
// the caller gets its verdict and the stuck thread never touches freed
// memory. If it ever returns, it sees the stop flag, and the last owner
// frees the state.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lockstep/topology.hpp"
#include "stress_recorder.hpp"

namespace lockstep::addon {

// What every watched state holds: one log per thread.
struct StressShared {
  std::vector<std::unique_ptr<StressLog>> logs;
  virtual ~StressShared() = default;
};

// A thread that made no progress for the timeout (or, once the run was
// stopped, did not stop within the grace period): what it was doing.
struct StuckThread {
  int thread;
  StressProgress at;
  // Still running when the watchdog gave up waiting (inside the structure):
  // detached, its state leaked.
  bool detached;
};

struct WatchResult {
  bool pinned;
  // From the start of the threads until they all ended, or were stopped.
  double ms;
  // Empty when every thread finished its body.
  std::vector<StuckThread> stuck;
};

namespace detail {

// Shared by the caller and the threads of one run_watched call.
struct Watch {
  explicit Watch(int n) : start(n), done(static_cast<std::size_t>(n), 0) {}
  std::latch start;
  // Relaxed everywhere: a request to stop, no data travels with it (the
  // rows a stopped thread wrote are published by its log, (W2)/(W3)).
  std::atomic<bool> stop{false};
  std::atomic<bool> pinned{true};
  std::mutex mutex; // guards done and finished
  std::condition_variable finished_cv;
  std::vector<char> done;
  int finished = 0;
};

// How often the watchdog looks, and how long stopped threads get to end.
inline std::chrono::milliseconds poll_interval(std::chrono::milliseconds t) {
  return std::clamp(t / 4, std::chrono::milliseconds(1),
                    std::chrono::milliseconds(100));
}
inline std::chrono::milliseconds grace_period(std::chrono::milliseconds t) {
  return std::clamp(t, std::chrono::milliseconds(100),
                    std::chrono::milliseconds(1000));
}

} // namespace detail

// Runs body(*state, i, stop) for i in 0..n-1 on n threads, thread i pinned
// to the i-th CPU this process may use (round robin when n is larger; a
// refused pin leaves it unpinned and `pinned` false), released together;
// thread i records into state->logs[i]. Returns when all have returned, or
// when one made no progress for `timeout` (see the top of this file).
template <class State>
WatchResult run_watched(
    const std::shared_ptr<State>& state, int n,
    std::chrono::milliseconds timeout,
    void (*body)(State&, int, const std::atomic<bool>& stop)) {
  using Clock = std::chrono::steady_clock;
  std::vector<int> cpus;
  try {
    cpus = current_thread_affinity();
  } catch (const std::exception&) {
  }
  auto watch = std::make_shared<detail::Watch>(n);
  watch->pinned.store(!cpus.empty(), std::memory_order_relaxed);
  const std::int64_t started = monotonic_ns();
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int cpu =
        cpus.empty() ? -1 : cpus[static_cast<std::size_t>(i) % cpus.size()];
    // The thread owns what it touches: `state` and `watch` by value.
    threads.emplace_back([state, watch, body, i, cpu] {
      if (cpu >= 0) {
        try {
          pin_current_thread(std::span<const int>(&cpu, 1));
        } catch (const std::exception&) {
          watch->pinned.store(false, std::memory_order_relaxed);
        }
      }
      watch->start.arrive_and_wait();
      body(*state, i, watch->stop);
      const std::lock_guard lock(watch->mutex);
      watch->done[static_cast<std::size_t>(i)] = 1;
      ++watch->finished;
      watch->finished_cv.notify_all();
    });
  }

  // The watchdog: the calling thread, woken when a thread ends or every
  // poll interval, compares each running thread's progress word.
  std::vector<std::uint64_t> seen(static_cast<std::size_t>(n), 0);
  std::vector<Clock::time_point> since(static_cast<std::size_t>(n),
                                       Clock::now());
  std::vector<int> stuck;
  std::unique_lock lock(watch->mutex);
  while (watch->finished < n && stuck.empty()) {
    watch->finished_cv.wait_for(lock, detail::poll_interval(timeout));
    const Clock::time_point now = Clock::now();
    for (int t = 0; t < n; ++t) {
      const auto k = static_cast<std::size_t>(t);
      if (watch->done[k] != 0) continue;
      const std::uint64_t word = state->logs[k]->progress_word();
      if (word != seen[k]) {
        seen[k] = word;
        since[k] = now;
      } else if (now - since[k] >= timeout) {
        stuck.push_back(t);
      }
    }
  }
  WatchResult result{};
  for (int t : stuck)
    result.stuck.push_back(
        {t, state->logs[static_cast<std::size_t>(t)]->progress(), false});
  if (!stuck.empty()) {
    watch->stop.store(true, std::memory_order_relaxed);
    watch->finished_cv.wait_for(lock, detail::grace_period(timeout),
                                [&] { return watch->finished == n; });
  }
  std::vector<char> done = watch->done;
  lock.unlock();
  for (int t = 0; t < n; ++t) {
    const auto k = static_cast<std::size_t>(t);
    if (done[k] != 0) {
      threads[k].join();
      continue;
    }
    threads[k].detach(); // inside the structure: see "Lifetime" above
    auto it = std::find_if(result.stuck.begin(), result.stuck.end(),
                           [&](const StuckThread& s) { return s.thread == t; });
    // Not past its timeout yet, but it did not stop either: stuck too.
    if (it == result.stuck.end())
      it = result.stuck.insert(result.stuck.end(),
                               {t, state->logs[k]->progress(), false});
    it->detached = true;
  }
  std::sort(result.stuck.begin(), result.stuck.end(),
            [](const StuckThread& a, const StuckThread& b) {
              return a.thread < b.thread;
            });
  result.ms = static_cast<double>(monotonic_ns() - started) / 1e6;
  result.pinned = watch->pinned.load(std::memory_order_relaxed);
  return result;
}

} // namespace lockstep::addon
