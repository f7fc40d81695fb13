// stress_recorder.hpp — what stress mode records, and how: pinned OS
// threads run the production (std::atomic) build, each writing one row per
// operation — op, value, call and return time — into its own buffer, taken
// before the threads start, so that recording allocates nothing. Each log
// also publishes its thread's progress (rows recorded; the operation it is
// inside, if any) for the watchdog (stress_watchdog.hpp), and only rows
// of completed operations: a pending one is never half-written.
//
//   StressLog log(rows);
//   log.record(kStressPop, kStressEmpty, [&] {
//     return StressResult{kStressPop, taken(q.try_pop())};
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
#include <memory>
#include <span>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "lockstep/cache_padded.hpp"
#include "lockstep/std_sync.hpp"

namespace lockstep::addon {

// Op codes of a row (the `opNames` the addon returns, by index).
enum StressOp : std::uint8_t {
  kStressPush = 0,
  kStressPop = 1,
  kStressSteal = 2,
  // A push refused until the run was stopped (the watchdog saw no progress):
  // it had no effect. Only a broken structure refuses that long; every
  // monitor rejects it (their specs are unbounded).
  kStressPushRefused = 3,
};
inline constexpr const char* kStressOpNames[] = {"push", "pop", "steal",
                                                 "push-refused"};
// The value of a remove that took nothing, and of a steal that lost a race.
inline constexpr std::uint32_t kStressEmpty = 0xFFFFFFFFu;
inline constexpr std::uint32_t kStressRetry = 0xFFFFFFFEu;

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

// A thread's progress as another thread reads it: `ops` rows recorded,
// and while `busy`, the operation it is inside (op code, argument or
// kStressEmpty, call stamp).
struct StressProgress {
  std::size_t ops;
  bool busy;
  std::uint8_t op;
  std::uint32_t value;
  std::int64_t call;
};

// One thread's rows. Written by one thread at a time (the run's thread t,
// then for log 0 the drain's, after a join); read by others through
// progress() and rows(), at any time. On a cache line of its own, so that
// the watchdog's reads and one thread's writes never share a line with
// another thread's log.
class alignas(kCacheLineSize) StressLog {
public:
  explicit StressLog(std::size_t capacity)
      : rows_(new StressRow[capacity]), capacity_(capacity) {}
  StressLog(const StressLog&) = delete;
  StressLog& operator=(const StressLog&) = delete;

  // Runs `body` (which returns a StressResult) between the two stamps;
  // `intent` and `arg` say what it is about to do (kStressEmpty: no
  // argument), for the watchdog while it runs. Never allocates: the caller
  // sized the log for every row it records (and stops when full()).
  template <class Body>
  void record(StressOp intent, std::uint32_t arg, Body&& body) noexcept {
    // Relaxed: only this thread writes the word.
    const std::uint64_t n = word_.load(std::memory_order_relaxed) >> kOpsShift;
    const std::int64_t call = monotonic_ns();
    after_clock_read();
    pending_value_.store(arg, std::memory_order_relaxed);
    pending_call_.store(call, std::memory_order_relaxed);
    // (W1) release: the pending value and call above are visible with the
    // busy word; pairs with (W3).
    word_.store(pack(n, true, intent), std::memory_order_release);
    // seq_cst fence: none of the operation's loads or stores is performed
    // before this point, hence before the call stamp. (StdSync's fence: a
    // plain fence, but one ThreadSanitizer can see in its builds.)
    StdSync::fence(std::memory_order_seq_cst);
    const StressResult result = body();
    // seq_cst fence: every store of the operation is visible to all
    // threads (the store buffer drained) before the return stamp.
    StdSync::fence(std::memory_order_seq_cst);
    after_clock_read();
    const std::int64_t ret = monotonic_ns();
    rows_[n] = {call, ret, result.value, result.op};
    // (W2) release: publish row n, whole; pairs with (W3).
    word_.store(pack(n + 1, false, result.op), std::memory_order_release);
  }

  // The rows of completed operations, as far as they are published: a
  // thread still running may add more after them, never change these.
  std::span<const StressRow> rows() const noexcept {
    return {rows_.get(), progress().ops};
  }
  StressProgress progress() const noexcept {
    // (W3) acquire: pairs with (W1) and (W2): the rows counted, and the
    // pending value and call of a busy word, are visible.
    const std::uint64_t w = word_.load(std::memory_order_acquire);
    const bool busy = ((w >> kBusyShift) & 1) != 0;
    // Relaxed: ordered by (W3). They may already belong to a later
    // operation if the thread has moved on since; the watchdog reads them
    // only for a thread whose word has not changed for its whole timeout.
    return {static_cast<std::size_t>(w >> kOpsShift), busy,
            static_cast<std::uint8_t>(w & 0xFF),
            busy ? pending_value_.load(std::memory_order_relaxed) : 0,
            busy ? pending_call_.load(std::memory_order_relaxed) : 0};
  }
  // The progress as one number: it changes whenever an operation starts or
  // completes.
  std::uint64_t progress_word() const noexcept {
    // Acquire: as (W3).
    return word_.load(std::memory_order_acquire);
  }
  // Only for the thread that records (reads its own word).
  bool full() const noexcept {
    return (word_.load(std::memory_order_relaxed) >> kOpsShift) == capacity_;
  }

private:
  static constexpr unsigned kBusyShift = 8;
  static constexpr unsigned kOpsShift = 9;
  static std::uint64_t pack(std::uint64_t ops, bool busy,
                            std::uint8_t op) noexcept {
    return ops << kOpsShift | std::uint64_t{busy} << kBusyShift | op;
  }

  // ops << 9 | busy << 8 | op: one word, so that a reader sees the count
  // and the pending operation together.
  std::atomic<std::uint64_t> word_{0};
  std::atomic<std::uint32_t> pending_value_{0};
  std::atomic<std::int64_t> pending_call_{0};
  std::unique_ptr<StressRow[]> rows_; // default-initialised: untouched
  std::size_t capacity_;
};

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
