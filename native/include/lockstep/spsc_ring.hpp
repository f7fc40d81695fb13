// spsc_ring.hpp — SpscRing<T>: a bounded single-producer single-consumer
// FIFO ring buffer with cached indices.
//
// Guarantees: linearizable as a bounded FIFO queue of exactly `capacity`
// items under sequential consistency (push reports full only when
// `capacity` items are queued, pop empty only when none is). With
// acquire/release and no fence, as every SPSC ring has it (Rigtorp, folly,
// boost), the two indices are a store-buffering pair: on x86 or ARM a push
// may report full while a pop that freed a slot is still in flight (its
// head store not yet visible), and a pop empty while a push is — never
// once the other side's operation is ordered before it (its store
// visible; under C11, happens-before). Wait-free: every operation
// is a bounded number of steps, no CAS, no loop; nothing allocates after
// construction (the ring is taken once). Roles are split into handle
// types: one Producer (try_push, try_push_bulk) and one Consumer (try_pop,
// try_pop_bulk) at a time, each used by one thread at a time. The bulk
// operations move up to n items with one index publication per batch; a
// batch is linearizable as that many single operations back to back, but
// its count is decided on the index it read, so a batch may move fewer
// items than fit while the other side is moving (it never moves more).
//
// Algorithm: the Lamport ring (L. Lamport, "Specifying concurrent program
// modules", TOPLAS 1983) with the cached indices of E. Rigtorp's
// SPSCQueue.h and folly's ProducerConsumerQueue.h: each side keeps a
// private copy of the other side's index and reloads it only when the ring
// looks full (producer) or empty (consumer), so in the steady state a push
// touches only the producer's cache lines and the slot. Indices count
// items for ever (64 bits: no wrap in practice), so full (tail - head ==
// capacity) and empty (tail == head) differ without a spare slot, and the
// slot array is rounded up to a power of two (up to twice the memory), so
// that an index becomes a slot by a mask: a push stores the slot and the
// tail and nothing else, a pop the head. Tags (P1)..(C2) below name each
// ordering and what it pairs with.
//
//   lockstep::SpscRing<Token> ring(1024);
//   auto producer = ring.producer();   // the producing thread's end
//   auto consumer = ring.consumer();   // the consuming thread's end
//   producer.try_push(t);                            // false: full
//   if (std::optional<Token> u = consumer.try_pop()) use(*u);
#pragma once

#include <algorithm>
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

namespace lockstep {

// Seeded defects of the SPSC ring.
// Each Bugs type names its variant and says in one line what it breaks;
// SpscVariants lists them all, correct first.
struct NoSpscBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "Lamport ring with cached indices (Rigtorp, folly)";
  // The producer publishes the new tail before it writes the slot: the
  // consumer, seeing the tail, reads a slot that still holds the previous
  // lap's item (or nothing). The order of two lines swapped in a refactor;
  // wrong on every machine, so sequential consistency shows it.
  static constexpr bool kTailBeforeSlot = false;
  // The producer publishes the tail with a relaxed store instead of
  // release: on a weakly ordered machine the consumer may see the tail
  // before the slot's value lands. Invisible under SC and TSO (every x86
  // store releases); a weak memory model, ARM hardware or ThreadSanitizer
  // shows it.
  static constexpr bool kRelaxedTailStore = false;
  // When the ring looks full the producer reloads the consumer's index
  // but goes on comparing against its stale cached copy (the load's result
  // is dropped: a shadowed local, a refresh into a temporary): after the
  // first `capacity` pushes the ring looks full for ever, although the
  // consumer has emptied it.
  static constexpr bool kCachedHeadNeverRefreshed = false;
  // The full check is off by one (room = capacity + 1 - used, as when a
  // ring that keeps a spare slot is rewritten to count items): the
  // producer takes one item more than the capacity; where the capacity is
  // a power of two (as the slot array always is) that one overwrites the
  // oldest unread item, which is lost while the newest is read twice.
  static constexpr bool kFullCheckOffByOne = false;
};
struct SpscTailBeforeSlot : NoSpscBugs {
  static constexpr const char* kVariant = "tail-before-slot";
  static constexpr const char* kDescription =
      "the producer publishes the tail before it writes the slot: the "
      "consumer reads the slot's old contents";
  static constexpr bool kTailBeforeSlot = true;
};
struct SpscRelaxedTailStore : NoSpscBugs {
  static constexpr const char* kVariant = "relaxed-tail-store";
  static constexpr const char* kDescription =
      "the producer publishes the tail with a relaxed store instead of release";
  static constexpr bool kRelaxedTailStore = true;
};
struct SpscStaleCachedHead : NoSpscBugs {
  static constexpr const char* kVariant = "stale-cached-head";
  static constexpr const char* kDescription =
      "the producer's cached copy of the consumer's index is never "
      "refreshed: after the first lap the ring looks full for ever";
  static constexpr bool kCachedHeadNeverRefreshed = true;
};
struct SpscFullOffByOne : NoSpscBugs {
  static constexpr const char* kVariant = "full-off-by-one";
  static constexpr const char* kDescription =
      "the full check is off by one: a full ring takes one more item (at a "
      "power-of-two capacity, over the oldest unread one)";
  static constexpr bool kFullCheckOffByOne = true;
};

using SpscVariants = std::tuple<NoSpscBugs, SpscTailBeforeSlot,
                                SpscRelaxedTailStore, SpscStaleCachedHead,
                                SpscFullOffByOne>;

template <class T, class Sync = StdSync, class Bugs = NoSpscBugs>
class SpscRing {
public:
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 32;

  class Producer;
  class Consumer;

  // Takes the ring now: capacity slots rounded up to a power of two, so
  // that an index becomes a slot by a mask. Throws std::invalid_argument
  // for a capacity of 0 or above kMaxCapacity, std::bad_alloc without
  // memory.
  explicit SpscRing(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        mask_(std::bit_ceil(capacity_) - 1),
        slots_(make_array<Sync, Cell>(mask_ + 1)) {
    if (slots_ == nullptr) throw std::bad_alloc();
    Sync::label(&tail_.value, "tail");
    Sync::label(&head_.value, "head");
    Sync::label(&producer_taken_, "producer_taken");
    Sync::label(&consumer_taken_, "consumer_taken");
    for (std::size_t i = 0; i <= mask_; ++i) {
      Sync::label(&slots_[i], "slot", static_cast<long>(i));
    }
  }
  ~SpscRing() { destroy_array<Sync>(slots_, mask_ + 1); }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // The producer's end. Throws std::logic_error while another is alive.
  Producer producer() {
    // Acquire: pairs with the release in ~Producer; the previous
    // producer's cached index is ours to use.
    if (producer_taken_.exchange(true, std::memory_order_acquire)) {
      throw std::logic_error("SpscRing: the ring already has a producer");
    }
    return Producer(this);
  }
  // The consumer's end. Throws std::logic_error while another is alive.
  Consumer consumer() {
    // Acquire: pairs with the release in ~Consumer, as above.
    if (consumer_taken_.exchange(true, std::memory_order_acquire)) {
      throw std::logic_error("SpscRing: the ring already has a consumer");
    }
    return Consumer(this);
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // An estimate under concurrency (between 0 and capacity); exact when
  // quiescent. Relaxed: two independent reads, nothing is read through them.
  std::size_t size_approx() const noexcept {
    const std::uint64_t head = head_->load(std::memory_order_relaxed);
    const std::uint64_t tail = tail_->load(std::memory_order_relaxed);
    return tail > head ? static_cast<std::size_t>(
                             std::min<std::uint64_t>(tail - head, capacity_))
                       : 0;
  }

  // Quiescent only. The items from oldest to newest.
  std::vector<T> items_quiescent() const {
    std::vector<T> out;
    const std::uint64_t tail = tail_->load(std::memory_order_acquire);
    for (std::uint64_t i = head_->load(std::memory_order_acquire);
         i < tail && out.size() <= mask_; ++i) {
      out.push_back(slots_[i & mask_].load());
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke:
  // 0 <= tail - head <= capacity, and each side's cached copy of the
  // other side's index is not ahead of it.
  std::string check_invariants() const {
    const std::uint64_t tail = tail_->load(std::memory_order_acquire);
    const std::uint64_t head = head_->load(std::memory_order_acquire);
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    if (tail < head || tail - head > capacity_) {
      return "spsc ring: tail " + n(tail) + " and head " + n(head) +
             " are not within one capacity (" + n(capacity_) + ")";
    }
    if (prod_->cached_head > head || cons_->cached_tail > tail) {
      return "spsc ring: a cached index (head " + n(prod_->cached_head) +
             ", tail " + n(cons_->cached_tail) +
             ") is ahead of the index it copies";
    }
    return {};
  }

private:
  using Cell = typename Sync::template cell<T>;

  // Written and read by the producer only: its copy of head_, possibly
  // stale (behind).
  struct ProducerState {
    std::uint64_t cached_head = 0;
  };
  // Written and read by the consumer only: its copy of tail_, likewise.
  struct ConsumerState {
    std::uint64_t cached_tail = 0;
  };

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument("SpscRing: capacity must be between 1 and " +
                                  std::to_string(kMaxCapacity));
    }
    return capacity;
  }

  // Producer only. How many of `want` items fit after `tail`, reloading
  // the consumer's index only when the cached copy says fewer than `want`.
  std::size_t room(std::uint64_t tail, std::size_t want) noexcept {
    ProducerState& p = *prod_;
    // The mutant's fencepost: one item more than the capacity.
    const std::uint64_t limit =
        Bugs::kFullCheckOffByOne ? capacity_ + 1 : capacity_;
    std::uint64_t free = limit - (tail - p.cached_head);
    if (free < want) {
      // Does the ring look full? — Reload the consumer's index.
      // (P1) acquire: pairs with (C2); the consumer's reads of the slots
      // it has given back are done before we overwrite them.
      [[maybe_unused]] const std::uint64_t head =
          head_->load(std::memory_order_acquire);
      if constexpr (!Bugs::kCachedHeadNeverRefreshed) p.cached_head = head;
      free = limit - (tail - p.cached_head);
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(free, want));
  }
  // Producer only: makes the slots written before it visible.
  void publish(std::uint64_t tail) noexcept {
    // (P2) release: publish the slots written before it; pairs with (C1).
    tail_->store(tail, Bugs::kRelaxedTailStore ? std::memory_order_relaxed
                                               : std::memory_order_release);
  }
  // Writes items[0..k) into the slots of indices tail..tail+k-1, in two
  // runs (up to the end of the array, then from its start: no wrap test
  // per item).
  void copy_in(std::uint64_t tail, const T* items, std::size_t k) noexcept {
    const std::size_t slot = static_cast<std::size_t>(tail & mask_);
    const std::size_t first = std::min(k, mask_ + 1 - slot);
    // Block copies: the slots are ours until the publication after them.
    Cell::store_n(slots_ + slot, items, first);
    Cell::store_n(slots_, items + first, k - first);
  }

  bool try_push(T value) noexcept {
    // Relaxed: our own index, which only we store.
    const std::uint64_t tail = tail_->load(std::memory_order_relaxed);
    if (room(tail, 1) == 0) return false;
    if constexpr (Bugs::kTailBeforeSlot) {
      publish(tail + 1);
      // Too late: the consumer may have read the slot already.
      slots_[tail & mask_].store(value);
    } else {
      slots_[tail & mask_].store(value);
      publish(tail + 1);
    }
    return true;
  }

  std::size_t try_push_bulk(const T* items, std::size_t n) noexcept {
    const std::uint64_t tail = tail_->load(std::memory_order_relaxed);
    const std::size_t k = room(tail, n);
    if (k == 0) return 0;
    if constexpr (Bugs::kTailBeforeSlot) {
      publish(tail + k);
      copy_in(tail, items, k); // too late, as in try_push
    } else {
      copy_in(tail, items, k);
      publish(tail + k); // one publication for the batch
    }
    return k;
  }

  // Consumer only. How many of `want` items are queued from `head` on,
  // reloading the producer's index only when the cached copy says fewer.
  std::size_t available(std::uint64_t head, std::size_t want) noexcept {
    ConsumerState& c = *cons_;
    std::uint64_t ready = c.cached_tail - head;
    if (ready < want) {
      // Does the ring look empty? — Reload the producer's index.
      // (C1) acquire: pairs with (P2); the slots it publishes are visible.
      c.cached_tail = tail_->load(std::memory_order_acquire);
      ready = c.cached_tail - head;
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(ready, want));
  }
  // Consumer only: gives the slots read before it back to the producer.
  void release_slots(std::uint64_t head) noexcept {
    // (C2) release: our reads of the slots are done; pairs with (P1).
    head_->store(head, std::memory_order_release);
  }

  std::optional<T> try_pop() noexcept {
    // Relaxed: our own index, which only we store.
    const std::uint64_t head = head_->load(std::memory_order_relaxed);
    if (available(head, 1) == 0) return std::nullopt;
    const T value = slots_[head & mask_].load();
    release_slots(head + 1);
    return value;
  }

  std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
    const std::uint64_t head = head_->load(std::memory_order_relaxed);
    const std::size_t k = available(head, n);
    if (k == 0) return 0;
    // As copy_in, the other way.
    const std::size_t slot = static_cast<std::size_t>(head & mask_);
    const std::size_t first = std::min(k, mask_ + 1 - slot);
    // Block copies: the slots are ours until we give them back.
    Cell::load_n(out, slots_ + slot, first);
    Cell::load_n(out + first, slots_, k - first);
    release_slots(head + k); // one publication for the batch
    return k;
  }

  // Read-only after construction: shared by both sides without traffic.
  const std::size_t capacity_;
  const std::size_t mask_; // slots - 1: bit_ceil(capacity) - 1
  Cell* const slots_;
  // The producer's index (items pushed so far; it stores, the consumer
  // loads) and its private state, each on a line of its own: the
  // consumer's reload of tail_ never takes the line the producer's cache
  // of head_ is on.
  CachePadded<typename Sync::template atomic<std::uint64_t>> tail_{};
  CachePadded<ProducerState> prod_{};
  // The consumer's (items popped so far), likewise.
  CachePadded<typename Sync::template atomic<std::uint64_t>> head_{};
  CachePadded<ConsumerState> cons_{};
  // Role flags, touched when a handle is made or dropped.
  typename Sync::template atomic<bool> producer_taken_{false};
  typename Sync::template atomic<bool> consumer_taken_{false};

  static_assert(alignof(CachePadded<ProducerState>) == kCacheLineSize &&
                    sizeof(CachePadded<ProducerState>) % kCacheLineSize == 0 &&
                    sizeof(CachePadded<typename Sync::template atomic<
                               std::uint64_t>>) % kCacheLineSize ==
                        0,
                "tail, head and each side's private state lie on cache "
                "lines of their own: a side's steady-state push or pop "
                "never touches a line the other side writes");

public:
  // The one producer's end: try_push, try_push_bulk. Move-only.
  class Producer {
  public:
    Producer(Producer&& other) noexcept
        : ring_(std::exchange(other.ring_, nullptr)) {}
    Producer& operator=(Producer&&) = delete;
    ~Producer() {
      // Release: pairs with the acquire in producer(); the next producer
      // sees our private state.
      if (ring_ != nullptr)
        ring_->producer_taken_.store(false, std::memory_order_release);
    }
    // False when `capacity` items are queued.
    bool try_push(T value) noexcept { return ring_->try_push(value); }
    // Pushes items[0..k) for the largest k <= n that fits, with one
    // publication; returns k (0 when the ring is full).
    std::size_t try_push_bulk(const T* items, std::size_t n) noexcept {
      return ring_->try_push_bulk(items, n);
    }

  private:
    friend class SpscRing;
    explicit Producer(SpscRing* ring) noexcept : ring_(ring) {}
    SpscRing* ring_;
  };

  // The one consumer's end: try_pop, try_pop_bulk. Move-only.
  class Consumer {
  public:
    Consumer(Consumer&& other) noexcept
        : ring_(std::exchange(other.ring_, nullptr)) {}
    Consumer& operator=(Consumer&&) = delete;
    ~Consumer() {
      // Release: pairs with the acquire in consumer(), as ~Producer.
      if (ring_ != nullptr)
        ring_->consumer_taken_.store(false, std::memory_order_release);
    }
    // Nullopt when no item is queued.
    std::optional<T> try_pop() noexcept { return ring_->try_pop(); }
    // Pops up to n items into out[0..k), oldest first, with one
    // publication; returns k (0 when the ring is empty).
    std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
      return ring_->try_pop_bulk(out, n);
    }

  private:
    friend class SpscRing;
    explicit Consumer(SpscRing* ring) noexcept : ring_(ring) {}
    SpscRing* ring_;
  };
};

} // namespace lockstep
