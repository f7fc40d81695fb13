// cache_padded.hpp — the cache-line size, decided once, and CachePadded<T>.
//
// Two hot atomics on one cache line make every write by one core invalidate
// the other core's copy (false sharing). Structures keep each independently
// written field on a line of its own with CachePadded<T>.
//
//   lockstep::CachePadded<std::atomic<int64_t>> head_;   // one line
//   lockstep::CachePadded<std::atomic<int64_t>> tail_;   // another line
//   head_->store(1, std::memory_order_relaxed);
#pragma once

#include <cstddef>
#include <utility>

namespace lockstep {

// The unit of false sharing, per architecture (same choices as crossbeam's
// cache_padded.rs, for the same reasons):
// - x86-64: lines are 64 B, but the L2 spatial prefetcher fetches lines in
//   aligned pairs, so two fields 64 B apart still interfere: 128 B.
// - AArch64: big cores (Apple M-series, Neoverse) prefetch line pairs or have
//   128 B lines: 128 B.
// - POWER64: 128 B lines.
// - Everything else: 64 B, the common line size.
#if defined(__x86_64__) || defined(_M_X64) || defined(__aarch64__) ||          \
    defined(_M_ARM64) || defined(__powerpc64__)
inline constexpr std::size_t kCacheLineSize = 128;
#else
inline constexpr std::size_t kCacheLineSize = 64;
#endif

// A T alone on its cache line(s): aligned to kCacheLineSize, and its size
// rounded up to a multiple of it, so that neighbours in a struct or an array
// never share a line with it.
template <class T> struct alignas(kCacheLineSize) CachePadded {
  T value;

  CachePadded() = default;
  template <class... Args>
  explicit CachePadded(std::in_place_t, Args&&... args)
      : value(std::forward<Args>(args)...) {}

  T* operator->() noexcept { return &value; }
  const T* operator->() const noexcept { return &value; }
  T& operator*() noexcept { return value; }
  const T& operator*() const noexcept { return value; }
};

static_assert(alignof(CachePadded<char>) == kCacheLineSize,
              "CachePadded must start on a cache-line boundary");
static_assert(sizeof(CachePadded<char>) == kCacheLineSize,
              "CachePadded<char> must fill exactly one cache line");
static_assert(sizeof(CachePadded<char[kCacheLineSize + 1]>) ==
                  2 * kCacheLineSize,
              "CachePadded must round its size up to whole cache lines");

// A T with no padding, with CachePadded's interface: what Packed puts
// where Padded puts a CachePadded.
template <class T> struct Unpadded {
  T value;

  Unpadded() = default;
  template <class... Args>
  explicit Unpadded(std::in_place_t, Args&&... args)
      : value(std::forward<Args>(args)...) {}

  T* operator->() noexcept { return &value; }
  const T* operator->() const noexcept { return &value; }
  T& operator*() noexcept { return value; }
  const T& operator*() const noexcept { return value; }
};

// A structure's layout policy (its `Layout` template parameter): Padded,
// the default, keeps every independently written field (Field<T>) and
// every element of a shared array (aligned to kAlign<T>) on cache lines of
// its own; Packed puts them side by side. Packed exists to measure what
// padding buys (bench:padding, bench:deque — where, with one thief, it
// wins: both sides touch both of top and bottom); Padded stays the default
// until a machine with more cores than two has measured the rest.
struct Padded {
  template <class T> using Field = CachePadded<T>;
  template <class T>
  static constexpr std::size_t kAlign = alignof(T) > kCacheLineSize
                                            ? alignof(T)
                                            : kCacheLineSize;
};
struct Packed {
  template <class T> using Field = Unpadded<T>;
  template <class T> static constexpr std::size_t kAlign = alignof(T);
};

} // namespace lockstep
