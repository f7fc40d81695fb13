// sim_sync.hpp — SimSync, the simulator's atomics policy.
//
// The same names as StdSync (and std::atomic): every load, store, RMW,
// fence, cell access, spin_hint, wait and notify first reaches a scheduling
// point of the running Execution, which may switch to another logical
// thread; then it is performed on the one OS thread, so each access is
// atomic. Under the `sc` memory model memory is sequentially consistent;
// under `tso` a store (cell or atomic, other than seq_cst) waits in its
// thread's FIFO buffer until a scheduling choice flushes it, a load reads
// its own thread's newest buffered store to the location first, and a
// read-modify-write, seq_cst store, seq_cst fence or notify drains the
// buffer (x86: locked instructions, xchg, mfence); under `c11` a load
// (cells are relaxed atomics, as in StdSync) reads any store the C++20
// model lets it, a choice of the strategy (c11_memory.hpp), and memory
// holds the newest store. Outside a run (while a target is set up or its
// final state read) the accesses are direct.
// allocate/deallocate go through the Execution, which keeps freed blocks
// poisoned until the run ends and puts red zones around each block, so
// that a cell access past either end of its array, or into a freed block,
// is a `memory-error` outcome instead of a crash; assertion_failed ends
// the run with an `assertion` outcome instead of aborting the process.
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
// A load of `value` with `order`: under TSO the running thread's own
// newest buffered store to it comes first; under C11 any store it may
// read (a choice).
template <class U>
U read(Execution* ex, const U& value, std::memory_order order) noexcept {
  if (ex != nullptr && ex->tso()) {
    U forwarded;
    if (ex->tso_forward(&value, &forwarded, sizeof(U))) return forwarded;
  } else if (ex != nullptr && ex->c11()) {
    U chosen;
    ex->c11_load(&value, &chosen, sizeof(U), order);
    return chosen;
  }
  return value;
}
// A store of `v` to `value` with `order`, traced; under TSO and
// `buffered`, it waits in the running thread's buffer.
template <class U>
void write(Execution* ex, U& value, U v, std::memory_order order,
           bool buffered) noexcept {
  static_assert(sizeof(U) <= sizeof(std::uint64_t),
                "a simulated location holds at most 8 bytes");
  if (ex == nullptr) {
    value = v;
    return;
  }
  const bool traced = ex->tracing();
  const std::int64_t shown = traced ? encode(*ex, v) : 0;
  if (buffered && ex->tso()) {
    ex->tso_store(&value, &v, sizeof(U), order, shown, std::is_pointer_v<U>);
  } else if (ex->c11()) {
    ex->c11_store(&value, &v, sizeof(U), order, shown, std::is_pointer_v<U>);
  } else {
    value = v;
  }
  if (traced) ex->traced_write(shown);
}
// A read-modify-write's read of `value`: memory, or under C11 the store
// before the place in modification order it takes (a choice).
template <class U>
U rmw_read(Execution* ex, const U& value, std::memory_order order) noexcept {
  if (ex != nullptr && ex->c11()) {
    U chosen;
    ex->c11_rmw_read(&value, &chosen, sizeof(U), order);
    return chosen;
  }
  return value;
}
// Its write of `v`, right after the store rmw_read read.
template <class U>
void rmw_write(Execution* ex, U& value, U v, std::memory_order order) noexcept {
  if (ex != nullptr && ex->c11()) {
    const std::int64_t shown = ex->tracing() ? encode(*ex, v) : 0;
    ex->c11_rmw_write(&value, &v, sizeof(U), order, shown,
                      std::is_pointer_v<U>);
  } else {
    value = v;
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
      const U v = read(ex, order);
      if (ex != nullptr && ex->tracing())
        ex->traced_read(sim::detail::encode(*ex, v));
      return v;
    }

    void store(U desired,
               std::memory_order order = std::memory_order_seq_cst) noexcept {
      const bool sc = order == std::memory_order_seq_cst;
      sim::Execution* ex = enter(sim::Access::kStore, order, sc);
      write(ex, desired, order, !sc);
    }

    U exchange(U desired,
               std::memory_order order = std::memory_order_seq_cst) noexcept {
      sim::Execution* ex = enter(sim::Access::kRmw, order, true);
      const U old = sim::detail::rmw_read(ex, value_, order);
      sim::detail::rmw_write(ex, value_, desired, order);
      trace_rmw(ex, old, desired);
      return old;
    }

    bool compare_exchange_strong(U& expected, U desired,
                                 std::memory_order success,
                                 std::memory_order failure) noexcept {
      sim::Execution* ex = enter(sim::Access::kRmw, success, true);
      const U old = sim::detail::rmw_read(ex, value_, success);
      if (old == expected) {
        sim::detail::rmw_write(ex, value_, desired, success);
        trace_rmw(ex, old, desired);
        return true;
      }
      expected = old;
      if (ex != nullptr && ex->c11()) ex->c11_rmw_fail(failure);
      if (ex != nullptr && ex->tracing()) {
        ex->traced_cas_failure(sim::detail::encode(*ex, old));
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
      sim::Execution* ex = enter(sim::Access::kRmw, order, true);
      const U old = sim::detail::rmw_read(ex, value_, order);
      const U next = static_cast<U>(old + delta);
      sim::detail::rmw_write(ex, value_, next, order);
      trace_rmw(ex, old, next);
      return old;
    }
    U fetch_sub(U delta,
                std::memory_order order = std::memory_order_seq_cst) noexcept
        requires std::is_integral_v<U> {
      sim::Execution* ex = enter(sim::Access::kRmw, order, true);
      const U old = sim::detail::rmw_read(ex, value_, order);
      const U next = static_cast<U>(old - delta);
      sim::detail::rmw_write(ex, value_, next, order);
      trace_rmw(ex, old, next);
      return old;
    }

    // The newest value in memory, read without a scheduling point and
    // without taking part in the memory model: for a target's omniscient
    // checks, never for the code under test. (Under TSO a store still in
    // a store buffer is not in memory yet; a read-modify-write always is.)
    U peek() const noexcept { return value_; }

    // Blocks until notified and the value differs from `old` (C++20).
    // Under C11 the load may read an older store; but it blocks only if
    // the newest store still equals `old`, as a futex compares the value
    // in memory when it goes to sleep: a store and notify that came before
    // the wait blocked are never lost, a stale read just looks again.
    void
    wait(U old,
         std::memory_order order = std::memory_order_seq_cst) const noexcept {
      for (;;) {
        sim::Execution* ex = enter(sim::Access::kWait, order);
        const U v = read(ex, order);
        if (ex != nullptr && ex->tracing())
          ex->traced_read(sim::detail::encode(*ex, v));
        if (!(v == old) || ex == nullptr) return;
        if (ex->c11() && !(value_ == old)) continue; // memory: the newest
        ex->block_on(this);
      }
    }
    void notify_one() noexcept { notify(false); }
    void notify_all() noexcept { notify(true); }

  private:
    sim::Execution* enter(sim::Access access, std::memory_order order,
                          bool drains = false) const noexcept {
      sim::Execution* ex = sim::Execution::current();
      if (ex != nullptr) ex->point(this, access, order, drains);
      return ex;
    }
    U read(sim::Execution* ex, std::memory_order order) const noexcept {
      return sim::detail::read(ex, value_, order);
    }
    void write(sim::Execution* ex, U v, std::memory_order order,
               bool buffered) noexcept {
      sim::detail::write(ex, value_, v, order, buffered);
    }
    static void trace_rmw(sim::Execution* ex, U old, U desired) noexcept {
      if (ex == nullptr || !ex->tracing()) return;
      ex->traced_read(sim::detail::encode(*ex, old));
      ex->traced_write(sim::detail::encode(*ex, desired));
    }
    void notify(bool all) noexcept {
      sim::Execution* ex =
          enter(sim::Access::kNotify, std::memory_order_relaxed, true);
      if (ex != nullptr) ex->wake(this, all);
    }

    U value_;
  };

  // Slot and node memory: every read and write is a scheduling point too,
  // so an interleaving between a slot write and the publishing store (the
  // Charm++ #1345 shape) is reachable. A cell lives in memory from
  // allocate (a structure's slot and node arrays); every access is checked
  // against the block it falls in, and one outside it (an index past
  // either end of the array) is a memory error, not performed.
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
      if (ex != nullptr &&
          !ex->cell_point(this, sizeof(U), sim::Access::kCellRead))
        return U(); // out of bounds, outside the run: recorded, not read
      const U v = sim::detail::read(ex, value_, std::memory_order_relaxed);
      if (ex != nullptr && ex->tracing())
        ex->traced_read(sim::detail::encode(*ex, v));
      return v;
    }
    void store(U value) noexcept {
      sim::Execution* ex = sim::Execution::current();
      if (ex != nullptr &&
          !ex->cell_point(this, sizeof(U), sim::Access::kCellWrite))
        return; // out of bounds, outside the run: recorded, not written
      sim::detail::write(ex, value_, value, std::memory_order_relaxed, true);
    }
    // StdSync's block copies, here one cell store (load) at a time: each a
    // scheduling point, bounds-checked.
    static void store_n(cell* dst, const U* src, std::size_t n) noexcept {
      for (std::size_t i = 0; i < n; ++i)
        dst[i].store(src[i]);
    }
    static void load_n(U* dst, const cell* src, std::size_t n) noexcept {
      for (std::size_t i = 0; i < n; ++i)
        dst[i] = src[i].load();
    }

  private:
    U value_;
  };

  static void fence(std::memory_order order) noexcept {
    if (sim::Execution* ex = sim::Execution::current()) {
      ex->point(nullptr, sim::Access::kFence, order,
                order == std::memory_order_seq_cst);
      if (ex->c11()) ex->c11_fence(order);
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

  // See StdSync::LabelScope.
  class LabelScope {
  public:
    explicit LabelScope(const char* name, long index = -1) noexcept
        : ex_(sim::Execution::current()) {
      if (ex_ != nullptr) ex_->push_label_scope(name, index);
    }
    ~LabelScope() {
      if (ex_ != nullptr) ex_->pop_label_scope();
    }
    LabelScope(const LabelScope&) = delete;
    LabelScope& operator=(const LabelScope&) = delete;

  private:
    sim::Execution* ex_;
  };

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
