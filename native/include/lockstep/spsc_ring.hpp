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
// capacity) and empty (tail == head) differ without a spare slot; each side
// also keeps its slot position, which wraps by a compare (no division).
// Tags (P1)..(C2) below name each ordering and what it pairs with.
//
//   lockstep::SpscRing<Token> ring(1024);
//   auto producer = ring.producer();   // the producing thread's end
//   auto consumer = ring.consumer();   // the consuming thread's end
//   producer.try_push(t);                            // false: full
//   if (std::optional<Token> u = consumer.try_pop()) use(*u);
#pragma once

#include <algorithm>
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
  // producer takes one slot more than the ring has and overwrites the
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
      "the full check is off by one: a push into a full ring overwrites the "
      "oldest unread item";
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

  // Takes the ring now. Throws std::invalid_argument for a capacity of 0
  // or above kMaxCapacity, std::bad_alloc without memory.
  explicit SpscRing(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        slots_(make_array<Sync, typename Sync::template cell<T>>(capacity_)) {
    if (slots_ == nullptr) throw std::bad_alloc();
    Sync::label(&tail_.value, "tail");
    Sync::label(&head_.value, "head");
    Sync::label(&producer_taken_, "producer_taken");
    Sync::label(&consumer_taken_, "consumer_taken");
    for (std::size_t i = 0; i < capacity_; ++i) {
      Sync::label(&slots_[i], "slot", static_cast<long>(i));
    }
  }
  ~SpscRing() { destroy_array<Sync>(slots_, capacity_); }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // The producer's end. Throws std::logic_error while another is alive.
  Producer producer() {
    // Acquire: pairs with the release in ~Producer; the previous
    // producer's private state (prod_) is ours to use.
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
    std::size_t slot = cons_->slot;
    for (std::uint64_t i = head_->load(std::memory_order_acquire);
         i < tail && out.size() < capacity_; ++i) {
      out.push_back(slots_[slot].load());
      slot = next_slot(slot);
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke:
  // 0 <= tail - head <= capacity; each side's private copy of its own
  // index is the published one and its slot position is that index modulo
  // the capacity; each cached copy of the other side's index is not ahead
  // of it.
  std::string check_invariants() const {
    const std::uint64_t tail = tail_->load(std::memory_order_acquire);
    const std::uint64_t head = head_->load(std::memory_order_acquire);
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    if (tail < head || tail - head > capacity_) {
      return "spsc ring: tail " + n(tail) + " and head " + n(head) +
             " are not within one capacity (" + n(capacity_) + ")";
    }
    if (prod_->tail != tail || cons_->head != head) {
      return "spsc ring: a side's own index (producer " + n(prod_->tail) +
             ", consumer " + n(cons_->head) + ") is not the published one";
    }
    if (prod_->slot != tail % capacity_ || cons_->slot != head % capacity_) {
      return "spsc ring: a slot position (producer " + n(prod_->slot) +
             ", consumer " + n(cons_->slot) + ") is not its index modulo " +
             n(capacity_);
    }
    if (prod_->cached_head > head || cons_->cached_tail > tail) {
      return "spsc ring: a cached index is ahead of the index it copies";
    }
    return {};
  }

private:
  // The producer's private state: written and read by the producer only.
  struct ProducerState {
    std::uint64_t tail = 0;        // == tail_, without loading it
    std::uint64_t cached_head = 0; // a copy of head_, possibly stale (low)
    std::size_t slot = 0;          // tail % capacity_
  };
  // The consumer's private state: written and read by the consumer only.
  struct ConsumerState {
    std::uint64_t head = 0;        // == head_
    std::uint64_t cached_tail = 0; // a copy of tail_, possibly stale (low)
    std::size_t slot = 0;          // head % capacity_
  };

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument("SpscRing: capacity must be between 1 and " +
                                  std::to_string(kMaxCapacity));
    }
    return capacity;
  }
  std::size_t next_slot(std::size_t slot) const noexcept {
    return slot + 1 == capacity_ ? 0 : slot + 1;
  }

  // Producer only. How many of `want` items fit, reloading the consumer's
  // index only when the cached copy says fewer than `want` do.
  std::size_t room(std::size_t want) noexcept {
    ProducerState& p = *prod_;
    // The mutant's fencepost: one slot more than the ring has.
    const std::uint64_t limit =
        Bugs::kFullCheckOffByOne ? capacity_ + 1 : capacity_;
    std::uint64_t free = limit - (p.tail - p.cached_head);
    if (free < want) {
      // Does the ring look full? — Reload the consumer's index.
      // (P1) acquire: pairs with (C2); the consumer's reads of the slots
      // it has given back are done before we overwrite them.
      [[maybe_unused]] const std::uint64_t head =
          head_->load(std::memory_order_acquire);
      if constexpr (!Bugs::kCachedHeadNeverRefreshed) p.cached_head = head;
      free = limit - (p.tail - p.cached_head);
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(free, want));
  }
  // Producer only: makes the items written so far visible to the consumer.
  void publish(std::uint64_t tail) noexcept {
    prod_->tail = tail;
    // (P2) release: publish the slots written before it; pairs with (C1).
    tail_->store(tail, Bugs::kRelaxedTailStore ? std::memory_order_relaxed
                                               : std::memory_order_release);
  }
  // Writes items[0..k) into the k slots from `slot` on, wrapping at the
  // end (two runs, no test per item); returns the slot after them. Locals
  // only inside: `items` may alias the private state (both uint64_t).
  std::size_t copy_in(std::size_t slot, const T* items,
                      std::size_t k) noexcept {
    const std::size_t first = std::min(k, capacity_ - slot);
    typename Sync::template cell<T>* const slots = slots_;
    for (std::size_t i = 0; i < first; ++i)
      slots[slot + i].store(items[i]);
    for (std::size_t i = first; i < k; ++i)
      slots[i - first].store(items[i]);
    return first < k ? k - first : (slot + k == capacity_ ? 0 : slot + k);
  }

  bool try_push(T value) noexcept {
    if (room(1) == 0) return false;
    const std::size_t slot = prod_->slot;
    prod_->slot = next_slot(slot);
    if constexpr (Bugs::kTailBeforeSlot) {
      publish(prod_->tail + 1);
      slots_[slot].store(value); // too late: the consumer may have read it
    } else {
      slots_[slot].store(value);
      publish(prod_->tail + 1);
    }
    return true;
  }

  std::size_t try_push_bulk(const T* items, std::size_t n) noexcept {
    const std::size_t k = room(n);
    if (k == 0) return 0;
    const std::size_t slot = prod_->slot;
    const std::uint64_t tail = prod_->tail + k;
    if constexpr (Bugs::kTailBeforeSlot) {
      publish(tail);
      prod_->slot = copy_in(slot, items, k); // too late, as in try_push
    } else {
      prod_->slot = copy_in(slot, items, k);
      publish(tail); // one publication for the batch
    }
    return k;
  }

  // Consumer only. How many of `want` items are there, reloading the
  // producer's index only when the cached copy says fewer than `want` are.
  std::size_t available(std::size_t want) noexcept {
    ConsumerState& c = *cons_;
    std::uint64_t ready = c.cached_tail - c.head;
    if (ready < want) {
      // Does the ring look empty? — Reload the producer's index.
      // (C1) acquire: pairs with (P2); the slots it publishes are visible.
      c.cached_tail = tail_->load(std::memory_order_acquire);
      ready = c.cached_tail - c.head;
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(ready, want));
  }
  // Consumer only: gives the slots read so far back to the producer.
  void release_slots(std::uint64_t head) noexcept {
    cons_->head = head;
    // (C2) release: our reads of the slots are done; pairs with (P1).
    head_->store(head, std::memory_order_release);
  }

  std::optional<T> try_pop() noexcept {
    if (available(1) == 0) return std::nullopt;
    const std::size_t slot = cons_->slot;
    const T value = slots_[slot].load();
    cons_->slot = next_slot(slot);
    release_slots(cons_->head + 1);
    return value;
  }

  std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
    const std::size_t k = available(n);
    if (k == 0) return 0;
    // As copy_in, the other way.
    const std::size_t slot = cons_->slot;
    const std::size_t first = std::min(k, capacity_ - slot);
    const typename Sync::template cell<T>* const slots = slots_;
    for (std::size_t i = 0; i < first; ++i)
      out[i] = slots[slot + i].load();
    for (std::size_t i = first; i < k; ++i)
      out[i] = slots[i - first].load();
    cons_->slot = first < k ? k - first : (slot + k == capacity_ ? 0 : slot + k);
    release_slots(cons_->head + k); // one publication for the batch
    return k;
  }

  // Read-only after construction: shared by both sides without traffic.
  const std::size_t capacity_;
  typename Sync::template cell<T>* const slots_;
  // The producer's published index (it writes, the consumer reads) and its
  // private state, each on a line of its own: the consumer's reload of
  // tail_ never takes the line that the producer's next push reads.
  CachePadded<typename Sync::template atomic<std::uint64_t>> tail_{};
  CachePadded<ProducerState> prod_{};
  // The consumer's, likewise.
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
