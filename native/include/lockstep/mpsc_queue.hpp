// mpsc_queue.hpp — MpscQueue<T>: a bounded multi-producer single-consumer
// FIFO queue after Dmitry Vyukov, over a pool of preallocated nodes.
//
// Guarantees: producers are wait-free apart from taking a node from the pool
// (a lock-free tagged Treiber stack); the consumer never blocks. One
// exchange per push, no CAS loop among producers. Nothing allocates after
// construction: nodes come from a TaggedIndexStack free list and the
// consumer returns each node it has finished with.
// Not linearizable as a plain FIFO in one respect, which the model states:
// a producer stalled between its exchange and its link (M1..M2) hides every
// item pushed after it, so pop returns Retry ("a push is in flight") rather
// than the later items. Retry is never returned by a solo consumer.
// Roles: any number of producers; exactly one consumer at a time.
//
// Algorithm: D. Vyukov, "Non-intrusive MPSC node-based queue"
// (1024cores.net, 2010). The queue always holds one consumed "stub" node;
// `tail_` (consumer-only) is the stub and `head_` the last node pushed.
//
//   lockstep::MpscQueue<Task*> queue(1024);
//   queue.try_push(task);                        // from any thread
//   auto consumer = queue.consumer();            // the one consumer's end
//   lockstep::Take<Task*> next = consumer.pop();
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lockstep/cache_padded.hpp"
#include "lockstep/debug_assert.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/storage.hpp"
#include "lockstep/tagged_stack.hpp"
#include "lockstep/take.hpp"

namespace lockstep {

// Seeded defects of the MPSC queue.
// Each Bugs type names its variant and says in one line what it breaks;
// MpscVariants lists them all, correct first.
struct NoMpscBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "Vyukov's MPSC node queue over a tagged node pool";
  // A producer reuses a pooled node without clearing its `next` link: the
  // consumer follows the stale link past the end of the queue and returns an
  // item again. The classic mistake of node-recycling queues.
  static constexpr bool kStaleNextOnReuse = false;
  // A producer links its node into the queue with a relaxed store instead of
  // release: the consumer may see the link before the value. Invisible under
  // SC and TSO; a weak memory model or ARM hardware catches it.
  static constexpr bool kRelaxedLinkStore = false;
};
struct MpscStaleNextOnReuse : NoMpscBugs {
  static constexpr const char* kVariant = "stale-next-on-reuse";
  static constexpr const char* kDescription =
      "a recycled node keeps its old link: the consumer follows it and repeats "
      "an item";
  static constexpr bool kStaleNextOnReuse = true;
};
struct MpscRelaxedLinkStore : NoMpscBugs {
  static constexpr const char* kVariant = "relaxed-link-store";
  static constexpr const char* kDescription =
      "the producer links its node with a relaxed store instead of release";
  static constexpr bool kRelaxedLinkStore = true;
};

using MpscVariants =
    std::tuple<NoMpscBugs, MpscStaleNextOnReuse, MpscRelaxedLinkStore>;

template <class T, class Sync = StdSync, class Bugs = NoMpscBugs>
class MpscQueue {
  using FreeList = TaggedIndexStack<Sync>;
  static constexpr std::uint32_t kNil = FreeList::kNil;

public:
  static constexpr std::size_t kMaxCapacity = FreeList::kNil - 1;

  class Consumer;

  // Takes capacity + 1 nodes now (one is the stub). Throws
  // std::invalid_argument for a capacity of 0 or above kMaxCapacity,
  // std::bad_alloc without memory.
  explicit MpscQueue(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        nodes_(make_array<Sync, Node>(capacity_ + 1)),
        free_links_(make_array<Sync, typename FreeList::Link>(capacity_ + 1)),
        free_(std::in_place, free_links_, "pool") {
    if (nodes_ == nullptr || free_links_ == nullptr) {
      release_memory();
      throw std::bad_alloc();
    }
    Sync::label(&head_.value, "head", -1, -1, LabelFormat::kIndex32);
    Sync::label(&consumer_taken_, "consumer_taken");
    for (std::size_t i = 0; i < capacity_ + 1; ++i) {
      Sync::label(&nodes_[i].next, "next", static_cast<long>(i), -1,
                  LabelFormat::kIndex32);
      Sync::label(&nodes_[i].value, "value", static_cast<long>(i));
      Sync::label(&free_links_[i], "pool.link", static_cast<long>(i), -1,
                  LabelFormat::kIndex32);
    }
    for (std::size_t i = 0; i < capacity_ + 1; ++i) {
      nodes_[i].next.store(kNil, std::memory_order_relaxed);
    }
    // Node 0 is the first stub; the others wait in the pool.
    head_->store(0, std::memory_order_relaxed);
    tail_ = 0;
    for (std::size_t i = capacity_; i >= 1; --i) {
      free_->push(static_cast<std::uint32_t>(i));
    }
  }
  ~MpscQueue() { release_memory(); }
  MpscQueue(const MpscQueue&) = delete;
  MpscQueue& operator=(const MpscQueue&) = delete;

  // Any thread. False when all `capacity` nodes hold items (or the consumer
  // has not yet returned the node of an item it took).
  bool try_push(T value) noexcept {
    const std::optional<std::uint32_t> taken = free_->pop();
    if (!taken) return false;
    const std::uint32_t node = *taken;
    nodes_[node].value.store(value);
    if constexpr (!Bugs::kStaleNextOnReuse) {
      nodes_[node].next.store(kNil, std::memory_order_relaxed);
    }
    // (M1) acq_rel: release publishes our node's cleared link to the next
    // producer, which writes it in (M2); acquire makes the previous
    // producer's clearing of prev.next happen before our (M2) overwrites it.
    const std::uint32_t prev = head_->exchange(node, std::memory_order_acq_rel);
    // A node from the pool is never the queue's last node.
    LOCKSTEP_DEBUG_ASSERT(Sync, prev != node, "mpsc push: node queued twice");
    // (M2) release: publish the value; pairs with (C1).
    nodes_[prev].next.store(node, Bugs::kRelaxedLinkStore
                                      ? std::memory_order_relaxed
                                      : std::memory_order_release);
    return true;
  }

  // The consumer's end. Throws std::logic_error while another is alive.
  Consumer consumer() {
    if (consumer_taken_.exchange(true, std::memory_order_acquire)) {
      throw std::logic_error("MpscQueue: the queue already has a consumer");
    }
    return Consumer(this);
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // Quiescent only. The items from oldest to newest.
  std::vector<T> items_quiescent() const {
    std::vector<T> out;
    std::uint32_t node = nodes_[tail_].next.load(std::memory_order_acquire);
    while (node != kNil && out.size() <= capacity_) {
      out.push_back(nodes_[node].value.load());
      node = nodes_[node].next.load(std::memory_order_acquire);
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke: the
  // chain from the stub ends at head_, and every node is either on that
  // chain or in the pool, exactly once.
  std::string check_invariants() const {
    const std::size_t nodes = capacity_ + 1;
    std::vector<bool> seen(nodes, false);
    std::uint32_t node = tail_;
    std::uint32_t last = node;
    std::size_t chain = 0;
    while (node != kNil) {
      if (node >= nodes) return "mpsc queue: link to node out of range";
      if (seen[node]) return "mpsc queue: the chain has a cycle";
      seen[node] = true;
      ++chain;
      last = node;
      node = nodes_[node].next.load(std::memory_order_acquire);
    }
    if (last != head_->load(std::memory_order_acquire)) {
      return "mpsc queue: the chain from the stub does not end at head";
    }
    const auto pool = free_->snapshot(nodes);
    if (!pool) return "mpsc queue: the node pool has a cycle";
    for (std::uint32_t i : *pool) {
      if (i >= nodes) return "mpsc queue: pooled node out of range";
      if (seen[i]) {
        return "mpsc queue: node " + std::to_string(i) +
               " is both queued and pooled";
      }
      seen[i] = true;
    }
    if (chain + pool->size() != nodes) {
      return "mpsc queue: " + std::to_string(nodes - chain - pool->size()) +
             " node(s) are neither queued nor pooled (lost)";
    }
    return {};
  }

private:
  // Consumer only. Retry: a producer has exchanged but not yet linked
  // (M1..M2), so items may be queued behind a link not yet written.
  Take<T> pop() noexcept {
    const std::uint32_t stub = tail_;
    // (C1) acquire: pairs with (M2); the next node's value is visible.
    const std::uint32_t next =
        nodes_[stub].next.load(std::memory_order_acquire);
    if (next == kNil) {
      // Is the queue empty? — Only if no producer has exchanged past us.
      // Relaxed: only the node index is compared, nothing is read through it.
      return head_->load(std::memory_order_relaxed) == stub ? Take<T>::empty()
                                                            : Take<T>::retry();
    }
    const T value = nodes_[next].value.load();
    tail_ = next;      // `next` is the new stub
    free_->push(stub); // the old stub goes back to the pool: (T3)
    return Take<T>::success(value);
  }

  struct Node {
    typename Sync::template atomic<std::uint32_t> next{kNil};
    typename Sync::template cell<T> value;
  };

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument("MpscQueue: capacity must be between 1 and " +
                                  std::to_string(kMaxCapacity));
    }
    return capacity;
  }
  void release_memory() noexcept {
    destroy_array<Sync>(nodes_, capacity_ + 1);
    destroy_array<Sync>(free_links_, capacity_ + 1);
    nodes_ = nullptr;
    free_links_ = nullptr;
  }

  const std::size_t capacity_;
  Node* nodes_;
  typename FreeList::Link* free_links_;
  CachePadded<FreeList> free_; // producers pop, the consumer pushes
  // The last node pushed; producers exchange it.
  CachePadded<typename Sync::template atomic<std::uint32_t>> head_{};
  // The stub: the node before the oldest item. Consumer-only, plain.
  alignas(kCacheLineSize) std::uint32_t tail_ = 0;
  typename Sync::template atomic<bool> consumer_taken_{false};

public:
  // The one consumer's end: pop. Move-only.
  class Consumer {
  public:
    Consumer(Consumer&& other) noexcept
        : queue_(std::exchange(other.queue_, nullptr)) {}
    Consumer& operator=(Consumer&&) = delete;
    ~Consumer() {
      if (queue_ != nullptr) {
        queue_->consumer_taken_.store(false, std::memory_order_release);
      }
    }
    Take<T> pop() noexcept { return queue_->pop(); }

  private:
    friend class MpscQueue;
    explicit Consumer(MpscQueue* queue) noexcept : queue_(queue) {}
    MpscQueue* queue_;
  };
};

} // namespace lockstep
