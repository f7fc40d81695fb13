// sim_sync.hpp — SimSync, the simulator's atomics policy.
//
// The same names as StdSync (and std::atomic): every load, store, RMW,
// fence, cell access, spin_hint, wait and notify first reaches a scheduling
// point of the running Execution, which may switch to another logical
// thread; then it is performed on the one OS thread, so each access is
// atomic and the memory is sequentially consistent. Outside a run (while a
// target is set up or its final state read) the accesses are direct.
// allocate/deallocate go through the Execution, which keeps freed blocks
// poisoned until the run ends; assertion_failed ends the run with an
// `assertion` outcome instead of aborting the process.
//
//   lockstep::ChaseLevDeque<std::int64_t, lockstep::SimSync> deque(2);
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <type_traits>

#include "lockstep/label.hpp"
#include "sim/execution.hpp"

namespace lockstep {

namespace sim::detail {
template <class U> std::int64_t encode(Execution& ex, U v) noexcept {
  if constexpr (std::is_pointer_v<U>) {
    ex.traced_pointer();
    return ex.encode_pointer(v);
  } else {
    return static_cast<std::int64_t>(v);
  }
}
} // namespace sim::detail

struct SimSync {
  // LOCKSTEP_DEBUG_ASSERT is always checked in the simulator.
  static constexpr bool kAlwaysAssert = true;

  template <class U> class atomic {
    static_assert(std::is_trivially_copyable_v<U>,
                  "SimSync::atomic holds a trivially copyable value");

  public:
    atomic() noexcept : value_() {}
    constexpr atomic(U initial) noexcept : value_(initial) {}
    atomic(const atomic&) = delete;
    atomic& operator=(const atomic&) = delete;

    U load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
      sim::Execution* ex = enter(sim::Access::kLoad, order);
      const U v = value_;
      if (ex != nullptr && ex->tracing())
        ex->traced_read(sim::detail::encode(*ex, v));
      return v;
    }

    void store(U desired,
               std::memory_order order = std::memory_order_seq_cst) noexcept {
      sim::Execution* ex = enter(sim::Access::kStore, order);
      value_ = desired;
      if (ex != nullptr && ex->tracing())
        ex->traced_write(sim::detail::encode(*ex, desired));
    }

    U exchange(U desired,
               std::memory_order order = std::memory_order_seq_cst) noexcept {
      sim::Execution* ex = enter(sim::Access::kRmw, order);
      const U old = value_;
      value_ = desired;
      trace_rmw(ex, old, desired);
      return old;
    }

    bool compare_exchange_strong(U& expected, U desired,
                                 std::memory_order success,
                                 std::memory_order failure) noexcept {
      (void)failure; // recorded as the order of the access either way
      sim::Execution* ex = enter(sim::Access::kRmw, success);
      if (value_ == expected) {
        const U old = value_;
        value_ = desired;
        trace_rmw(ex, old, desired);
        return true;
      }
      expected = value_;
      if (ex != nullptr && ex->tracing()) {
        ex->traced_cas_failure(sim::detail::encode(*ex, value_));
      }
      return false;
    }
    bool compare_exchange_strong(
        U& expected, U desired,
        std::memory_order order = std::memory_order_seq_cst) noexcept {
      return compare_exchange_strong(expected, desired, order, order);
    }
    // Never fails spuriously in the simulator (a strong CAS is one of the
    // behaviours a weak CAS may have).
    bool compare_exchange_weak(U& expected, U desired,
                               std::memory_order success,
                               std::memory_order failure) noexcept {
      return compare_exchange_strong(expected, desired, success, failure);
    }
    bool compare_exchange_weak(
        U& expected, U desired,
        std::memory_order order = std::memory_order_seq_cst) noexcept {
      return compare_exchange_strong(expected, desired, order, order);
    }

    U fetch_add(U delta,
                std::memory_order order = std::memory_order_seq_cst) noexcept
        requires std::is_integral_v<U> {
      sim::Execution* ex = enter(sim::Access::kRmw, order);
      const U old = value_;
      value_ = static_cast<U>(old + delta);
      trace_rmw(ex, old, value_);
      return old;
    }
    U fetch_sub(U delta,
                std::memory_order order = std::memory_order_seq_cst) noexcept
        requires std::is_integral_v<U> {
      sim::Execution* ex = enter(sim::Access::kRmw, order);
      const U old = value_;
      value_ = static_cast<U>(old - delta);
      trace_rmw(ex, old, value_);
      return old;
    }

    // Blocks until notified and the value differs from `old` (C++20).
    void
    wait(U old,
         std::memory_order order = std::memory_order_seq_cst) const noexcept {
      for (;;) {
        sim::Execution* ex = enter(sim::Access::kWait, order);
        const U v = value_;
        if (ex != nullptr && ex->tracing())
          ex->traced_read(sim::detail::encode(*ex, v));
        if (!(v == old) || ex == nullptr) return;
        ex->block_on(this);
      }
    }
    void notify_one() noexcept { notify(false); }
    void notify_all() noexcept { notify(true); }

  private:
    sim::Execution* enter(sim::Access access,
                          std::memory_order order) const noexcept {
      sim::Execution* ex = sim::Execution::current();
      if (ex != nullptr) ex->point(this, access, order);
      return ex;
    }
    static void trace_rmw(sim::Execution* ex, U old, U desired) noexcept {
      if (ex == nullptr || !ex->tracing()) return;
      ex->traced_read(sim::detail::encode(*ex, old));
      ex->traced_write(sim::detail::encode(*ex, desired));
    }
    void notify(bool all) noexcept {
      sim::Execution* ex =
          enter(sim::Access::kNotify, std::memory_order_relaxed);
      if (ex != nullptr) ex->wake(this, all);
    }

    U value_;
  };

  // Slot and node memory: every read and write is a scheduling point too,
  // so an interleaving between a slot write and the publishing store (the
  // Charm++ #1345 shape) is reachable.
  template <class U> class cell {
    static_assert(std::is_trivially_copyable_v<U>,
                  "a cell holds a trivially copyable value");

  public:
    cell() noexcept : value_() {}
    explicit cell(U initial) noexcept : value_(initial) {}
    cell(const cell&) = delete;
    cell& operator=(const cell&) = delete;

    U load() const noexcept {
      sim::Execution* ex = sim::Execution::current();
      if (ex != nullptr)
        ex->point(this, sim::Access::kCellRead, std::memory_order_relaxed);
      const U v = value_;
      if (ex != nullptr && ex->tracing())
        ex->traced_read(sim::detail::encode(*ex, v));
      return v;
    }
    void store(U value) noexcept {
      sim::Execution* ex = sim::Execution::current();
      if (ex != nullptr)
        ex->point(this, sim::Access::kCellWrite, std::memory_order_relaxed);
      value_ = value;
      if (ex != nullptr && ex->tracing())
        ex->traced_write(sim::detail::encode(*ex, value));
    }

  private:
    U value_;
  };

  static void fence(std::memory_order order) noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->point(nullptr, sim::Access::kFence, order);
    }
  }

  // A yield: where a choice list has run out, the next thread runs.
  static void spin_hint() noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->point(nullptr, sim::Access::kSpin, std::memory_order_relaxed);
    }
  }

  // Names a location in traces (see StdSync::label).
  static void label(const void* location, const char* name, long index = -1,
                    long group = -1,
                    LabelFormat format = LabelFormat::kNumber) noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->label(location, name, index, group, format);
    }
  }

  static void* allocate(std::size_t bytes, std::size_t alignment) noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      return ex->allocate(bytes, alignment);
    }
    return ::operator new (bytes, std::align_val_t{alignment}, std::nothrow);
  }
  static void deallocate(void* p, std::size_t bytes,
                         std::size_t alignment) noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->deallocate(p, bytes, alignment);
      return;
    }
    ::operator delete (p, std::align_val_t{alignment});
  }

  [[noreturn]] static void assertion_failed(const char* expr,
                                            const char* message,
                                            const char* file, int line) {
    std::string what = std::string(message) + " (" + expr + ") at " + file +
                       ":" + std::to_string(line);
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->assertion_failed(what);
    }
    std::fprintf(stderr, "lockstep: invariant broken: %s\n", what.c_str());
    std::abort();
  }
};

} // namespace lockstep
