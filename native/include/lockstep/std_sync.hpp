// std_sync.hpp — StdSync, the production atomics policy: std::atomic as is.
//
// Every engine structure is a template over an atomics policy `Sync` and uses
// nothing else to touch shared memory. A policy provides:
//   Sync::atomic<U>            load, store, exchange, compare_exchange_weak/
//                              strong, fetch_add/sub: the std::atomic names
//   Sync::cell<U>              slot and node memory: load(), store(v);
//                              store_n / load_n, plain block copies for
//                              cells no other thread touches meanwhile
//   Sync::fence(order)         std::atomic_thread_fence
//   Sync::spin_hint()          inside retry loops
//   Sync::allocate/deallocate  the structures' only heap calls
//   Sync::label                names a location for the simulator's traces
//   Sync::LabelScope           prefixes the labels made while it lives
//   Sync::assertion_failed     where LOCKSTEP_DEBUG_ASSERT reports
// StdSync maps these onto the standard library. The simulator's policy
// (SimSync) makes each of them a scheduling point over the same source.
//
//   lockstep::ChaseLevDeque<Task*, lockstep::StdSync> deque(64);
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <type_traits>

#include "lockstep/label.hpp"

namespace lockstep {

struct StdSync {
  template <class U> using atomic = std::atomic<U>;

  // LOCKSTEP_DEBUG_ASSERT only in debug builds.
  static constexpr bool kAlwaysAssert = false;

  // Memory whose accesses the algorithm orders through its atomics: a ring
  // slot, a node's value, a free-list link. Some of these reads race by
  // design — a thief reads a deque slot that the owner may overwrite before
  // the thief's CAS fails and the value is thrown away; a Treiber pop reads
  // the link of a node that another thread may have popped and re-pushed —
  // so every access is a relaxed atomic access (std::atomic_ref) and never
  // undefined behaviour. On x86-64 and AArch64 a relaxed access of up to
  // 8 bytes compiles to a plain move. Cells therefore hold small trivially
  // copyable values: task pointers, ids, indices.
  template <class U> class cell {
    static_assert(std::is_trivially_copyable_v<U>,
                  "a cell holds a trivially copyable value (a task pointer, "
                  "an id, an index)");
    static_assert(std::atomic_ref<U>::is_always_lock_free,
                  "a cell's value must be small enough for a lock-free "
                  "relaxed access (8 bytes or less)");

  public:
    cell() noexcept = default;
    explicit cell(U initial) noexcept : value_(initial) {}
    cell(const cell&) = delete;
    cell& operator=(const cell&) = delete;

    U load() const noexcept {
      return std::atomic_ref<U>(value_).load(std::memory_order_relaxed);
    }
    void store(U value) noexcept {
      std::atomic_ref<U>(value_).store(value, std::memory_order_relaxed);
    }

    // Copies n values into (out of) n consecutive cells with plain
    // accesses, which the compiler turns into a block copy: only for cells
    // that no other thread touches meanwhile — an SPSC ring's slots between
    // its publications, ordered by the ring's release and acquire — since
    // unlike load and store a racing access here is a data race
    // (ThreadSanitizer checks the claim on real threads; the simulator's
    // policy steps through the cells one load or store at a time).
    static void store_n(cell* dst, const U* src, std::size_t n) noexcept {
      for (std::size_t i = 0; i < n; ++i)
        dst[i].value_ = src[i];
    }
    static void load_n(U* dst, const cell* src, std::size_t n) noexcept {
      for (std::size_t i = 0; i < n; ++i)
        dst[i] = src[i].value_;
    }

  private:
    alignas(std::atomic_ref<U>::required_alignment) mutable U value_{};
  };

  static void fence(std::memory_order order) noexcept {
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer does not model standalone fences (GCC warns, TSan
    // ignores them), so under TSan a fence is a read-modify-write with
    // the same order on one word every fence shares: the release/acquire
    // the fence gives becomes visible to TSan (crossbeam does the same
    // under its TSan cfg). Stronger than a fence (any two fences
    // synchronise), so it can hide a race, never invent one; the
    // simulator checks the fences themselves.
    tsan_fence_word().fetch_add(0, order);
#else
    std::atomic_thread_fence(order);
#endif
  }

#if defined(__SANITIZE_THREAD__)
  static std::atomic<unsigned>& tsan_fence_word() noexcept {
    static std::atomic<unsigned> word{0};
    return word;
  }
#endif

  static void spin_hint() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
  }

  // Names a location in the simulator's traces: name, name[index] or, with
  // a group, name<group>[index] (e.g. ring4[1]: slot 1 of the ring of 4),
  // and says how to show its values. Nothing to do in production.
  static void label(const void* /*location*/, const char* /*name*/,
                    long /*index*/ = -1, long /*group*/ = -1,
                    LabelFormat /*format*/ = LabelFormat::kNumber) noexcept {}
  // While it lives, labels read "name<index>.label" (worker1.top: worker
  // 1's deque's top), so that two structures of one kind, or a part of a
  // larger one, can be told apart in traces. Nothing in production.
  class LabelScope {
  public:
    explicit LabelScope(const char* /*name*/, long /*index*/ = -1) noexcept {}
    LabelScope(const LabelScope&) = delete;
    LabelScope& operator=(const LabelScope&) = delete;
  };

  // Returns nullptr when the memory cannot be had; never throws.
  static void* allocate(std::size_t bytes, std::size_t alignment) noexcept {
    return ::operator new (bytes, std::align_val_t{alignment}, std::nothrow);
  }
  static void deallocate(void* p, std::size_t /*bytes*/,
                         std::size_t alignment) noexcept {
    ::operator delete (p, std::align_val_t{alignment});
  }

  [[noreturn]] static void assertion_failed(const char* expr,
                                            const char* message,
                                            const char* file,
                                            int line) noexcept {
    std::fprintf(stderr, "lockstep: %s:%d: invariant broken: %s (%s)\n", file,
                 line, message, expr);
    std::abort();
  }
};

} // namespace lockstep
