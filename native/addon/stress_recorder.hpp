// stress_recorder.hpp — what stress mode records, and how: pinned OS
// threads run the production (std::atomic) build, each writing one row per
// operation — op, value, call and return time — into its own buffer, taken
// before the threads start, so that recording allocates nothing.
//
//   std::vector<StressLog> logs = make_logs(threads, rows_per_thread);
//   run_pinned(threads, [&](int t) {
//     logs[t].record([&] { return StressResult{kStressPop, taken(q.try_pop())};
//     });
//   });
//
// The interval of a row contains its operation: the call stamp is read
// before any of the operation's memory accesses can be performed, and the
// return stamp after all of them (its stores included) are visible to
// every other thread. Without the fences a store still in the store buffer
// could take effect after the recorded return, and a correct structure
// would look non-linearizable.
#pragma once

#include <time.h>

#include <atomic>
#include <cstdint>
#include <latch>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "lockstep/topology.hpp"

namespace lockstep::addon {

// Op codes of a row (the `opNames` the addon returns, by index).
enum StressOp : std::uint8_t {
  kStressPush = 0,
  kStressPop = 1,
  kStressSteal = 2,
  // A push that gave up after kStressPushAttempts refusals: it had no effect
  // (the monitors skip it). Only a broken structure refuses that long.
  kStressPushRefused = 3,
};
inline constexpr const char* kStressOpNames[] = {"push", "pop", "steal",
                                                 "push-refused"};
// The value of a remove that took nothing, and of a steal that lost a race.
inline constexpr std::uint32_t kStressEmpty = 0xFFFFFFFFu;
inline constexpr std::uint32_t kStressRetry = 0xFFFFFFFEu;
inline constexpr std::uint64_t kStressPushAttempts = std::uint64_t{1} << 22;

// Nanoseconds on CLOCK_MONOTONIC: one clock for every core (the kernel
// keeps the TSC-based clock synchronised across CPUs).
inline std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Keeps later instructions from starting before the clock read (RDTSC,
// which the vDSO clock uses, is not ordered with what follows it).
inline void after_clock_read() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_lfence();
#endif
}

// What an operation did: its op code and its value (the argument of a
// push, the result of a remove).
struct StressResult {
  std::uint8_t op;
  std::uint32_t value;
};

struct StressRow {
  std::int64_t call, ret;
  std::uint32_t value;
  std::uint8_t op;
};

class StressLog {
public:
  explicit StressLog(std::size_t capacity) { rows_.reserve(capacity); }

  // Runs `body` (which returns a StressResult) between the two stamps.
  // Never allocates: the caller sized the log for every row it records.
  template <class Body> void record(Body&& body) noexcept {
    const std::int64_t call = monotonic_ns();
    after_clock_read();
    // seq_cst fence: none of the operation's loads or stores is performed
    // before this point, hence before the call stamp.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const StressResult result = body();
    // seq_cst fence: every store of the operation is visible to all
    // threads (the store buffer drained) before the return stamp.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    after_clock_read();
    const std::int64_t ret = monotonic_ns();
    rows_.push_back({call, ret, result.value, result.op});
  }

  const std::vector<StressRow>& rows() const noexcept { return rows_; }
  bool full() const noexcept { return rows_.size() == rows_.capacity(); }

private:
  std::vector<StressRow> rows_;
};

// Runs body(0..n-1) on n threads, thread i pinned to the i-th CPU this
// process may use (round robin when n is larger), released together.
// Returns false when the kernel refused a pin (the thread ran unpinned).
template <class Body> bool run_pinned(int n, Body&& body) {
  std::vector<int> cpus;
  try {
    cpus = current_thread_affinity();
  } catch (const std::exception&) {
  }
  std::atomic<bool> pinned{!cpus.empty()};
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      if (!cpus.empty()) {
        const int cpu = cpus[static_cast<std::size_t>(i) % cpus.size()];
        try {
          pin_current_thread(std::span<const int>(&cpu, 1));
        } catch (const std::exception&) {
          pinned.store(false, std::memory_order_relaxed);
        }
      }
      start.arrive_and_wait();
      body(i);
    });
  }
  for (std::thread& t : threads)
    t.join();
  return pinned.load(std::memory_order_relaxed);
}

// SplitMix64 (Steele, Lea, Flood 2014): each thread's op sequence from the
// run's seed and the thread's index, so a run is described by its flags.
class StressRandom {
public:
  StressRandom(std::uint64_t seed, int thread)
      : state_(seed * 0x9E3779B97F4A7C15u + static_cast<std::uint64_t>(thread) +
               1) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
  bool coin() noexcept { return (next() >> 63) != 0; }

private:
  std::uint64_t state_;
};

} // namespace lockstep::addon
