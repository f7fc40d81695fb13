// chase_lev_deque.hpp — ChaseLevDeque<T>: a work-stealing deque. One owner
// pushes and pops at the bottom (LIFO); any number of thieves steal from the
// top (FIFO). Grows without bound (up to max_capacity).
//
// Guarantees: linearizable; push and pop are wait-free apart from growth;
// steal is lock-free (it fails with Retry only because another operation
// succeeded or the buffer was replaced). Growth is the only allocation.
// Roles are split into handle types: exactly one Worker (the owner end) and
// up to max_stealers Stealers (one per thief thread; a Stealer is not shared
// between threads at the same time).
//
// Algorithm: D. Chase and Y. Lev, "Dynamic circular work-stealing deque",
// SPAA 2005, with the C11 orderings and fences of N. M. Lê, A. Pop, A. Cohen
// and F. Zappa Nardelli, "Correct and efficient work-stealing for weak
// memory models", PPoPP 2013 (their Fig. 1), except that push publishes
// with a release store (U2) where they put a release fence before a
// relaxed store, so pop's stores to bottom release too (P1, P5, P6): after
// a fence every later store of bottom carries the release, after a release
// store only that store does since C++20 (P0982R1 dropped same-thread
// stores from release sequences), and lockstep's c11 model shows a thief
// reading a stale slot without them. Tags (P1)..(S8) below name each
// ordering and what it pairs with.
//
// Reclaiming retired buffers (hazard pointers, M. Michael, IEEE TPDS 2004):
// growth copies the live items into a buffer twice the size and retires the
// old one. A thief may still be reading the old one, so each Stealer owns a
// hazard slot: it publishes the buffer it is about to read (S3), fences
// (S4), and re-reads the buffer pointer (S6) before touching it — if the
// owner replaced it meanwhile the steal returns Retry. The owner frees a
// retired buffer only after a seq_cst fence (R1) shows no hazard on it (R2);
// a buffer that is still protected is retried at the owner's next push, pop
// or grow. So a retired buffer lives until the last steal that read it ends,
// and never longer than the owner's next operation after that. The re-check
// (S6) is also what makes a steal that read the buffer pointer before a
// growth return Retry instead of a stale slot: the race of crossbeam-deque's
// CVE-2021-32810.
//
//   lockstep::ChaseLevDeque<Task*> deque(64);
//   auto worker = deque.worker();      // the owner thread's end
//   auto thief = deque.stealer();      // one per thief thread
//   worker.push(task); std::optional<Task*> mine = worker.pop();
//   lockstep::Take<Task*> stolen = thief.steal();
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lockstep/cache_padded.hpp"
#include "lockstep/debug_assert.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/storage.hpp"
#include "lockstep/take.hpp"

namespace lockstep {

// Seeded defects of the deque. Each is one line of the algorithm gone wrong.
// Each Bugs type names its variant (kVariant) and says in one line what it
// breaks (kDescription); DequeVariants lists them all, correct first.
struct NoDequeBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "Chase-Lev with the Le et al. (PPoPP 2013) orderings, pop's bottom "
      "stores release (C++20)";
  // pop omits the seq_cst fence (P2) between lowering bottom and reading
  // top: with store buffering the owner and a thief both take the last item.
  // The store-load reordering that x86 really does; caught under TSO/C11.
  static constexpr bool kPopWithoutFence = false;
  // steal omits the seq_cst fence (S4) between publishing its hazard and
  // reading bottom and the buffer. Harmless under SC; under TSO the hazard
  // waits in the thief's store buffer while the owner's reclaim, seeing
  // none, frees the buffer the thief goes on to read (a use after free).
  static constexpr bool kStealWithoutFence = false;
  // push stores the new bottom before writing the slot: a thief sees the
  // item before it exists and steals garbage. The shape of Charm++ #1345.
  static constexpr bool kPushPublishesBottomFirst = false;
  // steal reads the slot after its CAS on top: by then the slot is free and
  // the owner may have overwritten it. A classic reordering mistake.
  static constexpr bool kStealReadsSlotAfterCas = false;
  // steal omits the buffer re-check (S6): it may read a buffer that the
  // owner has replaced (a stale slot) or freed. crossbeam-deque's
  // CVE-2021-32810, plus a use-after-free under reclamation.
  static constexpr bool kStealWithoutBufferRecheck = false;
  // growth copies [top, bottom - 1) instead of [top, bottom): an
  // off-by-one in the ring index that loses the newest item.
  static constexpr bool kGrowCopiesOneShort = false;
  // pop stores bottom relaxed, as Lê et al. do after their push's release
  // fence; but our push releases with a store (U2), whose release sequence
  // a later store of the same thread continued in C++11 and no longer does
  // since C++20 (P0982R1): a thief that reads pop's store instead of a
  // push's synchronises with nothing and may read a stale slot. Found by
  // lockstep's c11 model; invisible on x86 and under SC.
  static constexpr bool kPopStoresBottomRelaxed = false;
  // growth publishes the new ring relaxed instead of release (G1): a thief
  // reads the new ring's slots before the copies. C11 only.
  static constexpr bool kGrowPublishesRelaxed = false;
};
struct DequePopWithoutFence : NoDequeBugs {
  static constexpr const char* kVariant = "pop-without-fence";
  static constexpr const char* kDescription =
      "pop omits its seq_cst fence: owner and thief both take the last item "
      "under store buffering";
  static constexpr bool kPopWithoutFence = true;
};
struct DequeStealWithoutFence : NoDequeBugs {
  static constexpr const char* kVariant = "steal-without-fence";
  static constexpr const char* kDescription =
      "steal omits its seq_cst fence: its hazard is still buffered when the "
      "owner frees the buffer it reads";
  static constexpr bool kStealWithoutFence = true;
  // Reads a freed buffer on real threads: checked in the simulator only.
  static constexpr bool kUnsafeOnRealThreads = true;
};
struct DequePushPublishesBottomFirst : NoDequeBugs {
  static constexpr const char* kVariant = "push-publishes-bottom-first";
  static constexpr const char* kDescription =
      "push stores bottom before the slot: a thief steals an unwritten slot "
      "(Charm++ #1345)";
  static constexpr bool kPushPublishesBottomFirst = true;
};
struct DequeStealReadsSlotAfterCas : NoDequeBugs {
  static constexpr const char* kVariant = "steal-reads-slot-after-cas";
  static constexpr const char* kDescription =
      "steal reads the slot after its CAS, when the owner may reuse it";
  static constexpr bool kStealReadsSlotAfterCas = true;
};
struct DequeStealWithoutBufferRecheck : NoDequeBugs {
  static constexpr const char* kVariant = "steal-without-buffer-recheck";
  static constexpr const char* kDescription =
      "steal skips the buffer re-check: stale or freed buffer (crossbeam-deque "
      "CVE-2021-32810)";
  static constexpr bool kStealWithoutBufferRecheck = true;
  // Reads a freed buffer on real threads: checked in the simulator only.
  static constexpr bool kUnsafeOnRealThreads = true;
};
struct DequeGrowCopiesOneShort : NoDequeBugs {
  static constexpr const char* kVariant = "grow-copies-one-short";
  static constexpr const char* kDescription =
      "growth copies one item too few: an off-by-one in the ring index";
  static constexpr bool kGrowCopiesOneShort = true;
};
struct DequePopStoresBottomRelaxed : NoDequeBugs {
  static constexpr const char* kVariant = "pop-stores-bottom-relaxed";
  static constexpr const char* kDescription =
      "pop stores bottom relaxed: since C++20 a thief reading it synchronises "
      "with no push's release store and may read a stale slot";
  static constexpr bool kPopStoresBottomRelaxed = true;
};
struct DequeGrowPublishesRelaxed : NoDequeBugs {
  static constexpr const char* kVariant = "grow-publishes-relaxed";
  static constexpr const char* kDescription =
      "growth publishes the new ring relaxed: a thief reads slots before "
      "their copies";
  static constexpr bool kGrowPublishesRelaxed = true;
};

using DequeVariants =
    std::tuple<NoDequeBugs, DequePopWithoutFence, DequeStealWithoutFence,
               DequePushPublishesBottomFirst, DequeStealReadsSlotAfterCas,
               DequeStealWithoutBufferRecheck, DequeGrowCopiesOneShort,
               DequePopStoresBottomRelaxed, DequeGrowPublishesRelaxed>;

// Layout: Padded (top, bottom, the buffer pointer and each stealer's
// hazard slot on cache lines of their own) or Packed (side by side:
// bench:deque measures the difference).
template <class T, class Sync = StdSync, class Bugs = NoDequeBugs,
          class Layout = Padded>
class ChaseLevDeque {
  template <class U> using Atomic = typename Sync::template atomic<U>;
  // Each field that one side writes often, as the layout places it.
  template <class U> using Field = typename Layout::template Field<U>;
  using Cell = typename Sync::template cell<T>;

public:
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 32;
  static constexpr std::size_t kDefaultMaxStealers = 16;

  class Worker;
  class Stealer;

  // `initial_capacity` is rounded up to a power of two; the buffer doubles
  // while its capacity stays within `max_capacity`. Throws
  // std::invalid_argument on a bad size, std::bad_alloc without memory.
  explicit ChaseLevDeque(std::size_t initial_capacity = 64,
                         std::size_t max_stealers = kDefaultMaxStealers,
                         std::size_t max_capacity = kMaxCapacity)
      : max_capacity_(checked_max_capacity(initial_capacity, max_capacity)),
        max_stealers_(checked_max_stealers(max_stealers)),
        hazards_(make_array<Sync, Field<HazardSlot>>(max_stealers_)) {
    Buffer* first = make_buffer(std::bit_ceil(initial_capacity));
    if (hazards_ == nullptr || first == nullptr) {
      free_buffer(first);
      destroy_array<Sync>(hazards_, max_stealers_);
      throw std::bad_alloc();
    }
    buffer_->store(first, std::memory_order_relaxed);
    Sync::label(&top_.value, "top");
    Sync::label(&bottom_.value, "bottom");
    Sync::label(&buffer_.value, "buffer");
    Sync::label(&worker_taken_, "worker_taken");
    for (std::size_t i = 0; i < max_stealers_; ++i) {
      Sync::label(&hazards_[i]->hazard, "hazard", static_cast<long>(i));
      Sync::label(&hazards_[i]->claimed, "claimed", static_cast<long>(i));
    }
  }

  // No Worker or Stealer may outlive the deque.
  ~ChaseLevDeque() {
    free_buffer(buffer_->load(std::memory_order_relaxed));
    while (retired_ != nullptr)
      free_buffer(std::exchange(retired_, retired_->next_retired));
    destroy_array<Sync>(hazards_, max_stealers_);
  }
  ChaseLevDeque(const ChaseLevDeque&) = delete;
  ChaseLevDeque& operator=(const ChaseLevDeque&) = delete;

  // The owner end. Throws std::logic_error while another Worker is alive.
  Worker worker() {
    if (worker_taken_.exchange(true, std::memory_order_acquire)) {
      throw std::logic_error("ChaseLevDeque: the deque already has a worker");
    }
    return Worker(this);
  }

  // A thief end. Throws std::length_error while max_stealers are alive.
  Stealer stealer() {
    for (std::size_t i = 0; i < max_stealers_; ++i) {
      bool expected = false;
      // acquire: pairs with the release in ~Stealer; the slot is ours.
      if (hazards_[i]->claimed.compare_exchange_strong(
              expected, true, std::memory_order_acquire,
              std::memory_order_relaxed)) {
        return Stealer(this, i);
      }
    }
    throw std::length_error("ChaseLevDeque: all " +
                            std::to_string(max_stealers_) +
                            " stealer slots are in use");
  }

  std::size_t max_stealers() const noexcept { return max_stealers_; }
  std::size_t max_capacity() const noexcept { return max_capacity_; }
  // The current buffer's capacity (owner or quiescent).
  std::size_t capacity() const noexcept {
    return static_cast<std::size_t>(
        buffer_->load(std::memory_order_relaxed)->mask + 1);
  }
  // bottom - top, clamped at 0: exact when quiescent, an estimate otherwise.
  std::size_t size_approx() const noexcept {
    const std::int64_t b = bottom_->load(std::memory_order_relaxed);
    const std::int64_t t = top_->load(std::memory_order_relaxed);
    return b > t ? static_cast<std::size_t>(b - t) : 0;
  }
  // Retired buffers not yet freed (owner or quiescent).
  std::size_t retired_count() const noexcept {
    std::size_t n = 0;
    for (const Buffer* b = retired_; b != nullptr; b = b->next_retired)
      ++n;
    return n;
  }

  // Quiescent only. The items from top (oldest) to bottom (newest).
  std::vector<T> items_quiescent() const {
    std::vector<T> out;
    const Buffer* a = buffer_->load(std::memory_order_acquire);
    const std::int64_t b = bottom_->load(std::memory_order_acquire);
    for (std::int64_t i = top_->load(std::memory_order_acquire); i < b; ++i) {
      out.push_back(slot(a, i).load());
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke.
  std::string check_invariants() const {
    const std::int64_t t = top_->load(std::memory_order_acquire);
    const std::int64_t b = bottom_->load(std::memory_order_acquire);
    const Buffer* a = buffer_->load(std::memory_order_acquire);
    const std::size_t capacity = static_cast<std::size_t>(a->mask + 1);
    if (t < 0 || b < t) {
      return "chase-lev deque: top " + std::to_string(t) + " and bottom " +
             std::to_string(b) + " do not satisfy 0 <= top <= bottom";
    }
    if (!std::has_single_bit(capacity) || capacity > max_capacity_) {
      return "chase-lev deque: buffer capacity " + std::to_string(capacity) +
             " is not a power of two within max_capacity";
    }
    if (static_cast<std::size_t>(b - t) > capacity) {
      return "chase-lev deque: " + std::to_string(b - t) +
             " items do not fit the buffer's " + std::to_string(capacity);
    }
    for (std::size_t i = 0; i < max_stealers_; ++i) {
      if (hazards_[i]->hazard.load(std::memory_order_acquire) != nullptr) {
        return "chase-lev deque: stealer slot " + std::to_string(i) +
               " still protects a buffer (a steal is in flight)";
      }
    }
    for (const Buffer* r = retired_; r != nullptr; r = r->next_retired) {
      if (r == a) return "chase-lev deque: the live buffer is retired";
    }
    return {};
  }

private:
  // One growth generation of the ring. Allocated as one block: this header,
  // then mask + 1 cells.
  struct Buffer {
    std::int64_t mask;    // capacity - 1; immutable
    Buffer* next_retired; // owner-only list of retired buffers
  };
  static_assert(sizeof(Buffer) % alignof(Cell) == 0,
                "the cells start right after the buffer header");

  // A thief's hazard pointer and whether a Stealer holds the slot; on a
  // line of its own because its thief writes it on every steal.
  struct HazardSlot {
    Atomic<Buffer*> hazard{nullptr};
    Atomic<bool> claimed{false};
  };

  static Cell& slot(const Buffer* a, std::int64_t i) noexcept {
    Cell* cells = reinterpret_cast<Cell*>(const_cast<Buffer*>(a) + 1);
    return cells[i & a->mask];
  }
  static std::size_t buffer_bytes(std::size_t capacity) noexcept {
    return sizeof(Buffer) + capacity * sizeof(Cell);
  }
  static Buffer* make_buffer(std::size_t capacity) noexcept {
    void* raw = Sync::allocate(buffer_bytes(capacity), alignof(Buffer));
    if (raw == nullptr) return nullptr;
    Buffer* a =
        ::new (raw) Buffer{static_cast<std::int64_t>(capacity) - 1, nullptr};
    Cell* cells = reinterpret_cast<Cell*>(a + 1);
    for (std::size_t i = 0; i < capacity; ++i) {
      ::new (cells + i) Cell();
      // ring4[1]: slot 1 of the ring of capacity 4.
      Sync::label(cells + i, "ring", static_cast<long>(i),
                  static_cast<long>(capacity));
    }
    return a;
  }
  static void free_buffer(Buffer* a) noexcept {
    if (a == nullptr) return;
    const std::size_t capacity = static_cast<std::size_t>(a->mask + 1);
    std::destroy_n(reinterpret_cast<Cell*>(a + 1), capacity);
    Sync::deallocate(a, buffer_bytes(capacity), alignof(Buffer));
  }

  static std::size_t checked_max_capacity(std::size_t initial,
                                          std::size_t max) {
    if (initial == 0 || initial > kMaxCapacity) {
      throw std::invalid_argument(
          "ChaseLevDeque: initial capacity must be between 1 and " +
          std::to_string(kMaxCapacity));
    }
    if (max < std::bit_ceil(initial) || max > kMaxCapacity) {
      throw std::invalid_argument(
          "ChaseLevDeque: max capacity must be at least the initial capacity "
          "rounded up to a power of two (" +
          std::to_string(std::bit_ceil(initial)) + ") and at most " +
          std::to_string(kMaxCapacity));
    }
    return max;
  }
  static std::size_t checked_max_stealers(std::size_t n) {
    if (n == 0 || n > 4096) {
      throw std::invalid_argument(
          "ChaseLevDeque: max stealers must be between 1 and 4096");
    }
    return n;
  }

  bool push(T value) noexcept {
    const std::int64_t b = bottom_->load(std::memory_order_relaxed);
    // (U1) acquire: pairs with the CAS of (S7)/(P4); a thief that moved top
    // past a slot read it before, so the slot may be overwritten now.
    const std::int64_t t = top_->load(std::memory_order_acquire);
    Buffer* a = buffer_->load(std::memory_order_relaxed); // owner's own
    // Thieves advance top only while it is below bottom, which only the
    // owner (we) moves.
    LOCKSTEP_DEBUG_ASSERT(Sync, t <= b, "deque push: top is past bottom");
    // Is the buffer full? — Yes: grow it (the only allocation).
    if (b - t > a->mask) {
      a = grow(a, t, b);
      if (a == nullptr) return false;
    }
    if constexpr (Bugs::kPushPublishesBottomFirst) {
      bottom_->store(b + 1, std::memory_order_release);
      slot(a, b).store(value);
    } else {
      slot(a, b).store(value);
      // (U2) release: publish the slot; pairs with (S5).
      bottom_->store(b + 1, std::memory_order_release);
    }
    if (retired_ != nullptr) reclaim();
    return true;
  }

  std::optional<T> pop() noexcept {
    const std::int64_t b = bottom_->load(std::memory_order_relaxed) - 1;
    Buffer* a = buffer_->load(std::memory_order_relaxed);
    // (P1) release: ordered against the read of top by the fence (P2); and
    // a thief's (S5) may read this store rather than a push's (U2). Since
    // C++20 (P0982R1) a later relaxed store of ours no longer continues
    // (U2)'s release sequence, so this one must publish the slots itself
    // (Lê et al. store it relaxed: their push releases by a fence, which
    // covers every later store of bottom).
    constexpr std::memory_order kBottom = Bugs::kPopStoresBottomRelaxed
                                              ? std::memory_order_relaxed
                                              : std::memory_order_release;
    bottom_->store(b, kBottom);
    if constexpr (!Bugs::kPopWithoutFence) {
      // (P2) seq_cst: pairs with (S4). Either a thief's fence comes first
      // and we see its top, or ours does and it sees our bottom: the two
      // never both take the last item.
      Sync::fence(std::memory_order_seq_cst);
    }
    std::int64_t t = top_->load(std::memory_order_relaxed);
    std::optional<T> result;
    // Is the deque non-empty? — Yes: take the bottom item.
    if (t <= b) {
      const T value = slot(a, b).load();
      // Is it the last item? — Yes: race the thieves for it on top.
      if (t == b) {
        // (P4) seq_cst: the same total order as the thieves' (S7).
        const bool won = top_->compare_exchange_strong(
            t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed);
        bottom_->store(b + 1, kBottom); // (P5) release: as (P1)
        if (won) result = value;
      } else {
        result = value;
      }
    } else {
      // Empty: restore bottom. (P6) release: as (P1).
      bottom_->store(b + 1, kBottom);
    }
    if (retired_ != nullptr) reclaim();
    return result;
  }

  Take<T> steal(std::size_t slot_index) noexcept {
    Atomic<Buffer*>& hazard = hazards_[slot_index]->hazard;
    // (S1) acquire: pairs with the CAS (S7)/(P4) that wrote this top.
    std::int64_t t = top_->load(std::memory_order_acquire);
    // (S2) acquire: pairs with (G1); the buffer's copied slots are visible.
    Buffer* a = buffer_->load(std::memory_order_acquire);
    // (S3) relaxed: made visible to the owner's reclaim by the fence (S4).
    hazard.store(a, std::memory_order_relaxed);
    if constexpr (!Bugs::kStealWithoutFence) {
      // (S4) seq_cst: pairs with (P2) — see there — and with (R1): a reclaim
      // whose fence follows ours sees our hazard; one whose fence precedes
      // ours published its new buffer, which (S6) then sees.
      Sync::fence(std::memory_order_seq_cst);
    }
    // (S5) acquire: pairs with (U2), (P1), (P5), (P6); slot t was written
    // before bottom moved.
    const std::int64_t b = bottom_->load(std::memory_order_acquire);
    Take<T> result = Take<T>::retry();
    // Is the deque empty? — Yes: nothing to steal.
    if (b - t <= 0) {
      result = Take<T>::empty();
    } else if (!Bugs::kStealWithoutBufferRecheck &&
               // (S6) acquire: as (S2). Did the owner replace the buffer
               // since (S2)? — Yes: it may be stale or freed; Retry.
               buffer_->load(std::memory_order_acquire) != a) {
      result = Take<T>::retry();
    } else {
      T value{};
      if constexpr (!Bugs::kStealReadsSlotAfterCas) value = slot(a, t).load();
      // (S7) seq_cst: claim item t; one total order with (P4) and (P2)/(S4).
      if (top_->compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        if constexpr (Bugs::kStealReadsSlotAfterCas) value = slot(a, t).load();
        result = Take<T>::success(value);
      }
    }
    // (S8) release: our reads of the buffer happen before the owner frees
    // it; pairs with (R2).
    hazard.store(nullptr, std::memory_order_release);
    return result;
  }

  // Owner only. Returns the new buffer, or nullptr when it may not grow.
  Buffer* grow(Buffer* old, std::int64_t t, std::int64_t b) noexcept {
    const std::size_t capacity = static_cast<std::size_t>(old->mask + 1) * 2;
    if (capacity > max_capacity_) return nullptr;
    Buffer* fresh = make_buffer(capacity);
    if (fresh == nullptr) return nullptr;
    const std::int64_t end = Bugs::kGrowCopiesOneShort ? b - 1 : b;
    for (std::int64_t i = t; i < end; ++i) {
      slot(fresh, i).store(slot(old, i).load());
    }
    // (G1) release: publish the copied slots; pairs with (S2)/(S6).
    buffer_->store(fresh, Bugs::kGrowPublishesRelaxed
                              ? std::memory_order_relaxed
                              : std::memory_order_release);
    old->next_retired = retired_;
    retired_ = old;
    reclaim();
    return fresh;
  }

  // Owner only. Frees every retired buffer that no thief protects.
  void reclaim() noexcept {
    // (R1) seq_cst: pairs with (S4); see there.
    Sync::fence(std::memory_order_seq_cst);
    Buffer* keep = nullptr;
    Buffer* next = nullptr;
    for (Buffer* r = std::exchange(retired_, nullptr); r != nullptr; r = next) {
      next = r->next_retired;
      if (is_protected(r)) {
        r->next_retired = keep;
        keep = r;
      } else {
        free_buffer(r);
      }
    }
    retired_ = keep;
  }

  bool is_protected(const Buffer* a) const noexcept {
    for (std::size_t i = 0; i < max_stealers_; ++i) {
      // (R2) acquire: pairs with (S8); a thief's reads of `a` are done.
      if (hazards_[i]->hazard.load(std::memory_order_acquire) == a) {
        return true;
      }
    }
    return false;
  }

  // Each field that one side writes often: a line of its own (Padded).
  Field<Atomic<std::int64_t>> top_{};    // thieves and pop CAS it
  Field<Atomic<std::int64_t>> bottom_{}; // the owner writes it
  Field<Atomic<Buffer*>> buffer_{};      // the owner, on growth
  const std::size_t max_capacity_;
  const std::size_t max_stealers_;
  Field<HazardSlot>* hazards_; // one per Stealer
  Atomic<bool> worker_taken_{false};
  Buffer* retired_ = nullptr; // owner-only

public:
  // The owner's end: push and pop at the bottom. Move-only.
  class Worker {
  public:
    Worker(Worker&& other) noexcept
        : deque_(std::exchange(other.deque_, nullptr)) {}
    Worker& operator=(Worker&&) = delete;
    ~Worker() {
      if (deque_ != nullptr) {
        deque_->worker_taken_.store(false, std::memory_order_release);
      }
    }
    // False only when the buffer is full at max_capacity, or growth found
    // no memory; the item is then not in the deque.
    [[nodiscard]] bool push(T value) noexcept { return deque_->push(value); }
    std::optional<T> pop() noexcept { return deque_->pop(); }
    // Frees retired buffers that no steal still reads (push and pop do
    // this too).
    void reclaim() noexcept { deque_->reclaim(); }
    std::size_t size() const noexcept { return deque_->size_approx(); }

  private:
    friend class ChaseLevDeque;
    explicit Worker(ChaseLevDeque* deque) noexcept : deque_(deque) {}
    ChaseLevDeque* deque_;
  };

  // A thief's end: steal from the top. Move-only; one thread at a time.
  class Stealer {
  public:
    Stealer(Stealer&& other) noexcept
        : deque_(std::exchange(other.deque_, nullptr)), slot_(other.slot_) {}
    Stealer& operator=(Stealer&&) = delete;
    ~Stealer() {
      if (deque_ != nullptr) {
        // release: pairs with the acquire in stealer(); the slot is free.
        deque_->hazards_[slot_]->claimed.store(false,
                                               std::memory_order_release);
      }
    }
    Take<T> steal() noexcept { return deque_->steal(slot_); }

  private:
    friend class ChaseLevDeque;
    Stealer(ChaseLevDeque* deque, std::size_t slot) noexcept
        : deque_(deque), slot_(slot) {}
    ChaseLevDeque* deque_;
    std::size_t slot_;
  };
};

} // namespace lockstep
