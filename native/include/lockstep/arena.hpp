// arena.hpp — bump allocation over memory taken once at start-up.
//
// Arena: a lock-free bump allocator shared by every thread over one span
// (a Region, or any caller-owned memory): allocate is one CAS on the bump
// offset, O(1), and never calls malloc; exhaustion returns nullptr. Memory
// comes back all at once, by reset(), when no allocation is in flight.
// ThreadArena: one thread's bump allocator over a chunk carved from an
// Arena (or any span): no atomics at all, O(1), its own reset, so a worker
// can take per-request scratch memory and drop it in one store.
//
// Alignment is of the address (a power of two); the arena takes the bytes
// in front of an aligned block as padding. stats(): what is reserved, the
// bytes handed out since the last reset (padding included), the most ever
// handed out, and how many allocations succeeded since construction.
//
//   lockstep::Region region = lockstep::Region::reserve({.bytes = 64 << 20});
//   lockstep::Arena<> arena(region.data(), region.size());
//   lockstep::ThreadArena scratch = lockstep::ThreadArena::carve(arena, 1 <<
//   20); void* p = scratch.allocate(256, 64);  // nullptr: the chunk is used up
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <tuple>

#include "lockstep/cache_padded.hpp"
#include "lockstep/std_sync.hpp"

namespace lockstep {

struct ArenaStats {
  std::size_t reserved = 0;      // bytes the arena spans
  std::size_t used = 0;          // bytes handed out since the last reset
  std::size_t high_water = 0;    // the most `used` has ever been
  std::uint64_t allocations = 0; // successful allocations, ever
};

// Where a block of `bytes` aligned to `alignment` starts when `used` bytes
// of the span at `base` (of `capacity` bytes) are taken: its offset from
// base, or nullopt when it does not fit. `alignment` is a power of two.
// With `ignore_alignment` (a seeded bug) the block starts at `used`.
inline std::optional<std::size_t>
bump_fit(std::uintptr_t base, std::size_t used, std::size_t capacity,
         std::size_t bytes, std::size_t alignment,
         bool ignore_alignment = false) noexcept {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) return std::nullopt;
  const std::uintptr_t at = base + used;
  const std::uintptr_t aligned =
      ignore_alignment
          ? at
          : (at + (alignment - 1)) & ~(std::uintptr_t{alignment} - 1);
  if (aligned < at) return std::nullopt; // wrapped around the address space
  const std::size_t start = static_cast<std::size_t>(aligned - base);
  if (start > capacity || bytes > capacity - start) return std::nullopt;
  return start;
}

// Seeded defects of the arena (see docs/mutants.md).
struct NoArenaBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "lock-free bump allocator: one CAS on the offset";
  // The bump is a load then a store, not a CAS: two threads that read the
  // same offset are handed the same bytes.
  static constexpr bool kRacyBump = false;
  // The block starts where the last one ended, aligned or not.
  static constexpr bool kIgnoresAlignment = false;
};
struct ArenaRacyBump : NoArenaBugs {
  static constexpr const char* kVariant = "racy-bump";
  static constexpr const char* kDescription =
      "the bump is a load and a store, not a CAS: two threads get the same "
      "bytes";
  static constexpr bool kRacyBump = true;
};
struct ArenaIgnoresAlignment : NoArenaBugs {
  static constexpr const char* kVariant = "ignores-alignment";
  static constexpr const char* kDescription =
      "a block starts where the last ended, whatever the alignment asked";
  static constexpr bool kIgnoresAlignment = true;
};

using ArenaVariants =
    std::tuple<NoArenaBugs, ArenaRacyBump, ArenaIgnoresAlignment>;

template <class Sync = StdSync, class Bugs = NoArenaBugs> class Arena {
public:
  // Spans `bytes` bytes at `base`, which outlive the arena. Starts empty.
  Arena(void* base, std::size_t bytes) noexcept
      : base_(static_cast<std::byte*>(base)), capacity_(bytes) {
    Sync::label(&used_.value, "arena.used");
    Sync::label(&allocations_.value, "arena.allocations");
  }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `bytes` bytes aligned to `alignment` (a power of two), or nullptr when
  // they do not fit in what is left or the alignment is not a power of
  // two. Any thread; lock-free (a CAS fails only when another succeeded).
  void* allocate(std::size_t bytes, std::size_t alignment) noexcept {
    std::size_t used = used_.value.load(std::memory_order_relaxed);
    for (;;) {
      const std::optional<std::size_t> start =
          bump_fit(reinterpret_cast<std::uintptr_t>(base_), used, capacity_,
                   bytes, alignment, Bugs::kIgnoresAlignment);
      if (!start) return nullptr;
      const std::size_t end = *start + bytes;
      // Relaxed: the CAS only splits fresh memory into disjoint ranges; no
      // data is published through the offset (reset needs quiescence).
      bool won;
      if constexpr (Bugs::kRacyBump) {
        used_.value.store(end, std::memory_order_relaxed);
        won = true;
      } else {
        won = used_.value.compare_exchange_weak(
            used, end, std::memory_order_relaxed, std::memory_order_relaxed);
      }
      if (won) {
        allocations_.value.fetch_add(1, std::memory_order_relaxed);
        return base_ + *start;
      }
      Sync::spin_hint();
    }
  }

  // Quiescent only (no allocate in flight, none after until it returns):
  // every block handed out is given back at once.
  void reset() noexcept {
    const std::size_t used = used_.value.load(std::memory_order_relaxed);
    if (used > high_water_) high_water_ = used;
    used_.value.store(0, std::memory_order_relaxed);
  }

  // Exact when quiescent; during allocations, a recent value of each.
  ArenaStats stats() const noexcept {
    ArenaStats s;
    s.reserved = capacity_;
    s.used = used_.value.load(std::memory_order_relaxed);
    s.high_water = s.used > high_water_ ? s.used : high_water_;
    s.allocations = allocations_.value.load(std::memory_order_relaxed);
    return s;
  }

  std::byte* base() const noexcept { return base_; }
  std::size_t capacity() const noexcept { return capacity_; }

private:
  std::byte* base_;
  std::size_t capacity_;
  std::size_t high_water_ = 0; // as of the last reset
  // Allocating threads hit both words; they share nothing else.
  CachePadded<typename Sync::template atomic<std::size_t>> used_{std::in_place,
                                                                 0};
  CachePadded<typename Sync::template atomic<std::uint64_t>> allocations_{
      std::in_place, 0};
};

// One thread's bump allocator over a span it owns: no atomics.
class ThreadArena {
public:
  ThreadArena() noexcept = default;
  ThreadArena(void* base, std::size_t bytes) noexcept
      : base_(static_cast<std::byte*>(base)), capacity_(bytes) {}

  // A chunk of `bytes` bytes (on its own cache lines) carved from `arena`; an
  // empty ThreadArena (every allocate returns nullptr) when it is used up.
  template <class Shared>
  static ThreadArena carve(Shared& arena, std::size_t bytes) noexcept {
    void* chunk = arena.allocate(bytes, kCacheLineSize);
    return chunk == nullptr ? ThreadArena() : ThreadArena(chunk, bytes);
  }

  // As Arena::allocate, for the owning thread only.
  void* allocate(std::size_t bytes, std::size_t alignment) noexcept {
    const std::optional<std::size_t> start =
        bump_fit(reinterpret_cast<std::uintptr_t>(base_), used_, capacity_,
                 bytes, alignment);
    if (!start) return nullptr;
    used_ = *start + bytes;
    ++allocations_;
    return base_ + *start;
  }

  void reset() noexcept {
    if (used_ > high_water_) high_water_ = used_;
    used_ = 0;
  }

  ArenaStats stats() const noexcept {
    return {capacity_, used_, used_ > high_water_ ? used_ : high_water_,
            allocations_};
  }

private:
  std::byte* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::size_t high_water_ = 0;
  std::uint64_t allocations_ = 0;
};

} // namespace lockstep
