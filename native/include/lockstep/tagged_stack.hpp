// tagged_stack.hpp — Treiber stacks with a tagged (ABA-safe) head.
//
// TaggedIndexStack: a lock-free LIFO of indices into a caller-owned array of
// links; the free list of the engine's pools (node pools, the arena's block
// pool). TaggedStack<T>: a bounded LIFO of values built from two of them,
// one holding the items and one the free nodes, so that push and pop never
// allocate.
//
// Guarantees: linearizable; lock-free (a CAS fails only because another
// thread's succeeded). Any number of threads push and pop. TaggedStack's
// try_push may report full while a concurrent pop has taken an item but not
// yet returned its node: "full" means "capacity items or pops in flight".
//
// Algorithm: R. K. Treiber, "Systems Programming: Coping with Parallelism",
// IBM RJ 5118, 1986; the tag (a version counter beside the index in the head
// word, as on IBM System/370) defeats ABA: a pop that read head A and A's
// link, then slept while A was popped, other nodes moved and A pushed back,
// finds the tag changed and retries instead of installing a stale link.
// A tag of TagBits bits wraps after 2^TagBits successful CASes; the narrow
// instantiations exist to show that wrap-around ABA is real.
//
//   lockstep::TaggedStack<int64_t> stack(1024);
//   if (!stack.try_push(7)) { /* all 1024 nodes are in use */ }
//   std::optional<int64_t> top = stack.try_pop();
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "lockstep/cache_padded.hpp"
#include "lockstep/debug_assert.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/storage.hpp"

namespace lockstep {

// Seeded defects of the tagged stack (see docs/mutants.md).
// Each Bugs type names its variant and says in one line what it breaks;
// StackVariants lists them all, correct first.
struct NoStackBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "Treiber stack, 32-bit tag beside a 32-bit index";
  // The CAS compares the index only: the tag never changes, so the classic
  // Treiber ABA (a pop installs the link it read before its node was popped
  // and pushed back) corrupts the stack. The bug the tag was invented for.
  static constexpr bool kUntaggedHead = false;
  // The tag's width in bits (1 to 32). A correct algorithm with a narrow
  // tag still suffers ABA once the tag wraps around within one pop.
  static constexpr unsigned kTagBits = 32;
  // push_chain links the chain's tail to the head it read once, before
  // its CAS loop: a retry installs the stale link, and the nodes pushed
  // meanwhile are lost (or the list forks). Only the pool's caches push
  // chains.
  static constexpr bool kChainTailLinkedOnce = false;
};
struct StackUntaggedHead : NoStackBugs {
  static constexpr const char* kVariant = "untagged-head";
  static constexpr const char* kDescription =
      "the CAS ignores the tag: the classic Treiber ABA";
  static constexpr bool kUntaggedHead = true;
};
struct StackTwoBitTag : NoStackBugs {
  static constexpr const char* kVariant = "tag-2-bits";
  static constexpr const char* kDescription =
      "a correct algorithm with a 2-bit tag: ABA once the tag wraps (4 CASes)";
  static constexpr unsigned kTagBits = 2;
};

using StackVariants =
    std::tuple<NoStackBugs, StackUntaggedHead, StackTwoBitTag>;

template <class Sync = StdSync, class Bugs = NoStackBugs,
          unsigned TagBits = Bugs::kTagBits>
class TaggedIndexStack {
  static_assert(TagBits >= 1 && TagBits <= 32,
                "the tag shares a 64-bit head word with a 32-bit index");

public:
  using Link = typename Sync::template cell<std::uint32_t>;
  // The index that means "none"; valid indices are below it.
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;

  // links[i] is node i's link; the array outlives the stack. Starts empty.
  // `name` names its head in the simulator's traces.
  explicit TaggedIndexStack(Link* links, const char* name = "stack") noexcept
      : links_(links), head_(pack(kNil, 0)) {
    Sync::label(&head_, name, -1, -1, LabelFormat::kTaggedIndex);
  }
  TaggedIndexStack(const TaggedIndexStack&) = delete;
  TaggedIndexStack& operator=(const TaggedIndexStack&) = delete;

  // Pushes node `index` (< kNil), which the caller owns until this returns.
  void push(std::uint32_t index) noexcept {
    LOCKSTEP_DEBUG_ASSERT(Sync, index != kNil, "tagged stack: push of kNil");
    std::uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      links_[index].store(index_of(head));
      // (T3) release: publish the link and whatever the caller wrote into
      // the node; pairs with (T1)/(T2). Every later head value is a CAS, so
      // it stays in this store's release sequence.
      if (head_.compare_exchange_weak(head, pack(index, next_tag(head)),
                                      std::memory_order_release,
                                      std::memory_order_relaxed)) {
        return;
      }
      Sync::spin_hint();
    }
  }

  // Takes the top node; the caller owns it afterwards.
  std::optional<std::uint32_t> pop() noexcept {
    // (T1) acquire: pairs with (T3); the link and contents of the node we
    // are about to read were written before its push.
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const std::uint32_t index = index_of(head);
      if (index == kNil) return std::nullopt;
      // May read a link that a concurrent push is rewriting (this node was
      // popped and pushed back meanwhile): the tag then differs and the CAS
      // below fails, so the value read is never used.
      const std::uint32_t next = links_[index].load();
      // (T2) acquire on success and failure: as (T1), for the head value
      // the CAS reads.
      if (head_.compare_exchange_weak(head, pack(next, next_tag(head)),
                                      std::memory_order_acquire,
                                      std::memory_order_acquire)) {
        return index;
      }
      Sync::spin_hint();
    }
  }

  // Pushes the chain first -> ... -> last with one CAS. The caller owns
  // every node of it and has linked each but `last` to the next.
  void push_chain(std::uint32_t first, std::uint32_t last) noexcept {
    LOCKSTEP_DEBUG_ASSERT(Sync, first != kNil && last != kNil,
                          "tagged stack: push_chain of kNil");
    std::uint64_t head = head_.load(std::memory_order_relaxed);
    if constexpr (Bugs::kChainTailLinkedOnce)
      links_[last].store(index_of(head));
    for (;;) {
      if constexpr (!Bugs::kChainTailLinkedOnce)
        links_[last].store(index_of(head));
      // (T3) release, as push: publishes every node of the chain.
      if (head_.compare_exchange_weak(head, pack(first, next_tag(head)),
                                      std::memory_order_release,
                                      std::memory_order_relaxed)) {
        return;
      }
      Sync::spin_hint();
    }
  }

  // Takes up to `max` nodes from the top with one CAS, writing them to
  // out[0..n), top first; returns n (0: the stack was empty). As for pop:
  // if the head word, tag included, is unchanged at the CAS, no node was
  // popped since it was read, so the links walked were the list's; if it
  // changed, the walk may have followed links being rewritten (at most
  // `max` of them, each a valid index or kNil) and is thrown away.
  std::size_t pop_batch(std::uint32_t* out, std::size_t max) noexcept {
    // (T1) acquire, as pop.
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      std::uint32_t index = index_of(head);
      std::size_t n = 0;
      while (index != kNil && n < max) {
        out[n++] = index;
        index = links_[index].load();
      }
      if (n == 0) return 0;
      // (T2) acquire on success and failure, as pop.
      if (head_.compare_exchange_weak(head, pack(index, next_tag(head)),
                                      std::memory_order_acquire,
                                      std::memory_order_acquire)) {
        return n;
      }
      Sync::spin_hint();
    }
  }

  // Quiescent only (no operation in flight): the indices from top to
  // bottom, or nullopt if the chain is longer than `limit` (a cycle).
  std::optional<std::vector<std::uint32_t>> snapshot(std::size_t limit) const {
    std::vector<std::uint32_t> out;
    std::uint32_t index = index_of(head_.load(std::memory_order_acquire));
    while (index != kNil) {
      if (out.size() >= limit) return std::nullopt;
      out.push_back(index);
      index = links_[index].load();
    }
    return out;
  }

  // The tag now in the head word (quiescent; for tests of wrap-around).
  std::uint32_t tag_quiescent() const noexcept {
    return tag_of(head_.load(std::memory_order_acquire));
  }

private:
  static constexpr std::uint64_t kTagMask =
      TagBits == 32 ? 0xFFFFFFFFull : ((1ull << TagBits) - 1);

  static std::uint64_t pack(std::uint32_t index, std::uint64_t tag) noexcept {
    return (tag << 32) | index;
  }
  static std::uint32_t index_of(std::uint64_t word) noexcept {
    return static_cast<std::uint32_t>(word);
  }
  static std::uint32_t tag_of(std::uint64_t word) noexcept {
    return static_cast<std::uint32_t>(word >> 32);
  }
  static std::uint64_t next_tag(std::uint64_t word) noexcept {
    if constexpr (Bugs::kUntaggedHead) return tag_of(word);
    return (tag_of(word) + 1ull) & kTagMask;
  }

  Link* links_;
  // Head word: index in bits 0..31, tag in bits 32..32+TagBits-1.
  typename Sync::template atomic<std::uint64_t> head_;
};

template <class T, class Sync = StdSync, class Bugs = NoStackBugs,
          unsigned TagBits = Bugs::kTagBits>
class TaggedStack {
  using Index = TaggedIndexStack<Sync, Bugs, TagBits>;

public:
  static constexpr std::size_t kMaxCapacity = Index::kNil;

  // Takes all `capacity` nodes now. Throws std::invalid_argument for a
  // capacity of 0 or above kMaxCapacity, std::bad_alloc without memory.
  explicit TaggedStack(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        links_(make_array<Sync, typename Index::Link>(capacity_)),
        values_(make_array<Sync, typename Sync::template cell<T>>(capacity_)),
        items_(std::in_place, links_, "items"),
        free_(std::in_place, links_, "free") {
    if (links_ == nullptr || values_ == nullptr) {
      release_memory();
      throw std::bad_alloc();
    }
    for (std::size_t i = 0; i < capacity_; ++i) {
      Sync::label(&links_[i], "link", static_cast<long>(i), -1,
                  LabelFormat::kIndex32);
      Sync::label(&values_[i], "value", static_cast<long>(i));
    }
    for (std::size_t i = capacity_; i-- > 0;) {
      free_->push(static_cast<std::uint32_t>(i));
    }
  }
  ~TaggedStack() { release_memory(); }
  TaggedStack(const TaggedStack&) = delete;
  TaggedStack& operator=(const TaggedStack&) = delete;

  // False when every node holds an item (or a pop has not returned its).
  bool try_push(T value) noexcept {
    const std::optional<std::uint32_t> node = free_->pop();
    if (!node) return false;
    values_[*node].store(value);
    items_->push(*node); // publishes the value: (T3) of items_
    return true;
  }

  std::optional<T> try_pop() noexcept {
    const std::optional<std::uint32_t> node = items_->pop();
    if (!node) return std::nullopt;
    const T value = values_[*node].load(); // ordered after (T1) of items_
    free_->push(*node);
    return value;
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // Quiescent only. The items from top to bottom.
  std::vector<T> items_quiescent() const {
    std::vector<T> out;
    if (auto chain = items_->snapshot(capacity_)) {
      for (std::uint32_t i : *chain)
        out.push_back(values_[i].load());
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke:
  // every node is on exactly one of the two lists, no list has a cycle.
  std::string check_invariants() const {
    const auto items = items_->snapshot(capacity_);
    const auto free = free_->snapshot(capacity_);
    if (!items) return "tagged stack: the item list has a cycle";
    if (!free) return "tagged stack: the free list has a cycle";
    std::vector<bool> seen(capacity_, false);
    for (const auto* list : {&*items, &*free}) {
      for (std::uint32_t i : *list) {
        if (i >= capacity_) {
          return "tagged stack: node index " + std::to_string(i) +
                 " is out of range";
        }
        if (seen[i]) {
          return "tagged stack: node " + std::to_string(i) +
                 " is on the lists twice";
        }
        seen[i] = true;
      }
    }
    const std::size_t total = items->size() + free->size();
    if (total != capacity_) {
      return "tagged stack: " + std::to_string(capacity_ - total) +
             " node(s) are on neither list (lost)";
    }
    return {};
  }

private:
  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument(
          "TaggedStack: capacity must be between 1 and " +
          std::to_string(kMaxCapacity));
    }
    return capacity;
  }
  void release_memory() noexcept {
    destroy_array<Sync>(values_, capacity_);
    destroy_array<Sync>(links_, capacity_);
    values_ = nullptr;
    links_ = nullptr;
  }

  std::size_t capacity_;
  typename Index::Link* links_;
  typename Sync::template cell<T>* values_;
  CachePadded<Index> items_; // pushers and poppers of items
  CachePadded<Index> free_;  // the same threads, on the other line
};

} // namespace lockstep
