// block_pool.hpp — fixed-size blocks over memory taken once at start-up,
// with a lock-free free list any thread may give blocks back to.
//
// BlockPool carves caller-owned memory (a Region, an Arena's chunk) into
// blocks of one size. Blocks never handed out yet are taken in order from a
// fresh counter (one CAS), so a pool of a million blocks costs nothing to
// set up and its high-water mark is free; freed blocks go onto the engine's
// tagged Treiber free list (TaggedIndexStack), newest first, so a block
// comes back while it is still in cache. Any thread allocates, any thread
// frees (a block allocated on one thread and freed on another is the
// common case: a task record made by a submitter, freed by a worker).
// Exhaustion returns nullopt / nullptr. The pool writes nothing into a
// block: its links live in a separate array taken at construction, so a
// free block's contents are the user's last.
//
// Linearizable as a set of free blocks: allocate takes one of them (or
// reports none free at some point during the call), free gives one back.
// Lock-free. ABA: as TaggedIndexStack, whose tag the narrow variants
// shrink. Every call on the pool itself is a CAS on one shared word; a
// worker goes through its own BlockPool::Cache (below), which moves blocks
// to and from the pool in batches.
//
//   lockstep::BlockPool<> pool(region.data(), region.size(), sizeof(Task),
//                              alignof(Task));
//   void* p = pool.allocate();  // nullptr: every block is in use
//   pool.free(p);               // from any thread
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
#include "lockstep/tagged_stack.hpp"

namespace lockstep {

struct PoolStats {
  std::size_t block_size = 0; // bytes asked for
  std::size_t stride = 0;     // bytes from one block to the next
  std::size_t blocks = 0;
  std::size_t reserved = 0;   // blocks * stride
  std::size_t used = 0;       // bytes of blocks handed out and not freed
  std::size_t high_water = 0; // bytes of blocks ever handed out
  std::uint64_t allocations = 0;
};

// Seeded defects of the pool: the free list's (the stack's), and one of
// its own.
struct NoPoolBugs : NoStackBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "fresh blocks by a CAS counter, freed ones on a tagged Treiber stack";
  // The fresh-block bound is one short: allocate reports exhaustion while
  // the last block was never handed out.
  static constexpr bool kLastBlockUnused = false;
};
struct PoolUntaggedHead : NoPoolBugs {
  static constexpr const char* kVariant = "untagged-head";
  static constexpr const char* kDescription =
      "the free list's CAS ignores the tag: a block handed to two owners";
  static constexpr bool kUntaggedHead = true;
};
struct PoolTwoBitTag : NoPoolBugs {
  static constexpr const char* kVariant = "tag-2-bits";
  static constexpr const char* kDescription =
      "the free list's tag has 2 bits: ABA once it wraps (4 CASes)";
  static constexpr unsigned kTagBits = 2;
};
struct PoolLastBlockUnused : NoPoolBugs {
  static constexpr const char* kVariant = "last-block-unused";
  static constexpr const char* kDescription =
      "the fresh-block bound is one short: exhaustion with a block never used";
  static constexpr bool kLastBlockUnused = true;
};
struct PoolStaleChainTail : NoPoolBugs {
  static constexpr const char* kVariant = "stale-chain-tail";
  static constexpr const char* kDescription =
      "a cache's spill links its chain to the head read before a failed CAS";
  static constexpr bool kChainTailLinkedOnce = true;
};

using PoolVariants = std::tuple<NoPoolBugs, PoolUntaggedHead, PoolTwoBitTag,
                                PoolLastBlockUnused, PoolStaleChainTail>;

template <class Sync = StdSync, class Bugs = NoPoolBugs> class BlockPool {
  using FreeList = TaggedIndexStack<Sync, Bugs>;

public:
  class Cache;

  static constexpr std::uint32_t kNone = FreeList::kNil;
  static constexpr std::size_t kMaxBlocks = FreeList::kNil;

  // Blocks of `block_size` bytes aligned to `alignment` (a power of two),
  // as many as fit in the `bytes` bytes at `memory`, which outlive the pool.
  // Takes the links array now (the pool's only allocation). Throws
  // std::invalid_argument when the sizes do not make at least one block or
  // more than kMaxBlocks, std::bad_alloc without memory for the links.
  BlockPool(void* memory, std::size_t bytes, std::size_t block_size,
            std::size_t alignment)
      : stride_(checked_stride(block_size, alignment)),
        first_(first_block(memory, alignment)),
        blocks_(block_count(memory, bytes, first_, stride_)),
        block_size_(block_size),
        links_(make_array<Sync, typename FreeList::Link>(blocks_)),
        free_(std::in_place, links_, "pool.free"), fresh_(std::in_place, 0),
        allocations_(std::in_place, 0) {
    if (links_ == nullptr) throw std::bad_alloc();
    for (std::size_t i = 0; i < blocks_; ++i)
      Sync::label(&links_[i], "pool.link", static_cast<long>(i), -1,
                  LabelFormat::kIndex32);
    Sync::label(&fresh_.value, "pool.fresh");
    Sync::label(&allocations_.value, "pool.allocations");
  }
  ~BlockPool() { destroy_array<Sync>(links_, blocks_); }
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // A free block's index, or nullopt when every block is in use (at some
  // moment during the call). Any thread.
  std::optional<std::uint32_t> allocate_index() noexcept {
    std::optional<std::uint32_t> block = free_->pop();
    if (!block) {
      const auto [first, n] = claim_fresh_batch(1);
      if (n == 1) block = first;
    }
    // A block freed while we looked at the fresh counter: the list is the
    // last place a free block can be, so empty here means none was free
    // when this pop read the head (fresh never shrinks).
    if (!block) block = free_->pop();
    if (block) allocations_.value.fetch_add(1, std::memory_order_relaxed);
    return block;
  }

  // Gives back block `index`, which the caller owns (it came from this
  // pool and was not freed since). Any thread.
  void free_index(std::uint32_t index) noexcept {
    LOCKSTEP_DEBUG_ASSERT(Sync, index < blocks_,
                          "block pool: free of an index out of range");
    free_->push(index); // (T3) release: the block's contents go with it
  }

  void* allocate() noexcept {
    const std::optional<std::uint32_t> i = allocate_index();
    return i ? block(*i) : nullptr;
  }
  // `p` must be a block this pool handed out (debug builds check).
  void free(void* p) noexcept {
    const std::uint32_t i = index_of(p);
    LOCKSTEP_DEBUG_ASSERT(Sync, i != kNone,
                          "block pool: free of a pointer that is no block");
    free_index(i);
  }

  void* block(std::uint32_t index) const noexcept {
    return first_ + static_cast<std::size_t>(index) * stride_;
  }
  // The index of the block starting at `p`, or kNone if none does.
  std::uint32_t index_of(const void* p) const noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    const auto first = reinterpret_cast<std::uintptr_t>(first_);
    if (at < first) return kNone;
    const std::uintptr_t offset = at - first;
    if (offset % stride_ != 0 || offset / stride_ >= blocks_) return kNone;
    return static_cast<std::uint32_t>(offset / stride_);
  }

  std::size_t blocks() const noexcept { return blocks_; }
  std::size_t stride() const noexcept { return stride_; }
  std::byte* first() const noexcept { return first_; }

  // Quiescent only: used counts the blocks neither fresh nor on the free
  // list (a walk of the list); the rest are exact at any time.
  PoolStats stats_quiescent() const {
    PoolStats s;
    s.block_size = block_size_;
    s.stride = stride_;
    s.blocks = blocks_;
    s.reserved = blocks_ * stride_;
    const std::size_t fresh = fresh_.value.load(std::memory_order_relaxed);
    const auto free = free_->snapshot(blocks_);
    const std::size_t on_list = free ? free->size() : 0;
    s.used = (fresh > on_list ? fresh - on_list : 0) * stride_;
    s.high_water = fresh * stride_;
    s.allocations = allocations_.value.load(std::memory_order_relaxed);
    return s;
  }

  // Quiescent only: the free list from newest to oldest (nullopt: it has a
  // cycle), and how many blocks were ever handed out.
  std::optional<std::vector<std::uint32_t>> free_list_quiescent() const {
    return free_->snapshot(blocks_);
  }
  std::size_t fresh_quiescent() const noexcept {
    return fresh_.value.load(std::memory_order_relaxed);
  }

  // Quiescent only. Empty when the free list holds only blocks ever handed
  // out, each once, with no cycle; else what broke.
  std::string check_invariants() const {
    const auto free = free_->snapshot(blocks_);
    if (!free) return "block pool: the free list has a cycle";
    const std::size_t fresh = fresh_quiescent();
    std::vector<bool> seen(blocks_, false);
    for (std::uint32_t i : *free) {
      if (i >= fresh)
        return "block pool: block " + std::to_string(i) +
               " is on the free list but was never handed out";
      if (seen[i])
        return "block pool: block " + std::to_string(i) +
               " is on the free list twice";
      seen[i] = true;
    }
    return {};
  }

private:
  // Up to `max` fresh blocks with one CAS: [first, first + n); n = 0 when
  // none is left. Relaxed: a fresh block was never anyone's.
  std::pair<std::uint32_t, std::size_t>
  claim_fresh_batch(std::size_t max) noexcept {
    const std::size_t limit = Bugs::kLastBlockUnused ? blocks_ - 1 : blocks_;
    std::size_t next = fresh_.value.load(std::memory_order_relaxed);
    while (next < limit) {
      const std::size_t n = std::min(max, limit - next);
      if (fresh_.value.compare_exchange_weak(next, next + n,
                                             std::memory_order_relaxed,
                                             std::memory_order_relaxed)) {
        return {static_cast<std::uint32_t>(next), n};
      }
      Sync::spin_hint();
    }
    return {0, 0};
  }

  static std::size_t checked_stride(std::size_t block_size,
                                    std::size_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
      throw std::invalid_argument(
          "BlockPool: alignment must be a power of two, got " +
          std::to_string(alignment));
    if (block_size == 0 || block_size > (SIZE_MAX >> 1))
      throw std::invalid_argument("BlockPool: block size must be at least 1");
    return (block_size + alignment - 1) & ~(alignment - 1);
  }
  static std::byte* first_block(void* memory, std::size_t alignment) {
    const auto at = reinterpret_cast<std::uintptr_t>(memory);
    const std::uintptr_t aligned = (at + alignment - 1) & ~(alignment - 1);
    return static_cast<std::byte*>(memory) + (aligned - at);
  }
  static std::size_t block_count(void* memory, std::size_t bytes,
                                 std::byte* first, std::size_t stride) {
    const auto skipped =
        static_cast<std::size_t>(first - static_cast<std::byte*>(memory));
    const std::size_t n = bytes > skipped ? (bytes - skipped) / stride : 0;
    if (n == 0 || n > kMaxBlocks)
      throw std::invalid_argument(
          "BlockPool: " + std::to_string(bytes) + " bytes make " +
          std::to_string(n) + " blocks of " + std::to_string(stride) +
          " bytes; a pool holds 1 to " + std::to_string(kMaxBlocks));
    return n;
  }

  std::size_t stride_;
  std::byte* first_;
  std::size_t blocks_;
  std::size_t block_size_;
  typename FreeList::Link* links_;
  CachePadded<FreeList> free_;
  // How many blocks were ever handed out: blocks [0, fresh) were.
  CachePadded<typename Sync::template atomic<std::size_t>> fresh_;
  CachePadded<typename Sync::template atomic<std::uint64_t>> allocations_;
};

// One thread's cache in front of a BlockPool: allocate and free touch only
// the cache's own array until it runs dry (it then takes up to half its
// capacity from the pool with one CAS: the top of the free list, else
// fresh blocks) or fills up (it gives the older half back with one CAS,
// as a chain). So a thread that allocates and frees touches no shared word on
// most calls, and a block freed here is reused here, still in cache.
// A cache belongs to one thread at a time; `flush` (and the destructor)
// gives every cached block back. Blocks in a cache are free but only to
// its thread: with caches, allocate may report exhaustion while other
// caches hold blocks, the pool's `used` counts cached blocks, and its
// allocation count takes a cache's allocations when it next refills,
// spills or flushes. The array is taken at construction.
//
//   lockstep::BlockPool<>::Cache cache(pool, 64);   // one per worker
//   void* p = cache.allocate();
//   cache.free(p);              // any block of the pool, from any cache
template <class Sync, class Bugs> class BlockPool<Sync, Bugs>::Cache {
public:
  // Throws std::invalid_argument for a capacity below 2, std::bad_alloc
  // without memory for the array.
  explicit Cache(BlockPool& pool, std::size_t capacity = 64)
      : pool_(pool), capacity_(checked(capacity)),
        items_(static_cast<std::uint32_t*>(Sync::allocate(
            capacity_ * sizeof(std::uint32_t), alignof(std::uint32_t)))) {
    if (items_ == nullptr) throw std::bad_alloc();
  }
  ~Cache() {
    flush();
    Sync::deallocate(items_, capacity_ * sizeof(std::uint32_t),
                     alignof(std::uint32_t));
  }
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  std::optional<std::uint32_t> allocate_index() noexcept {
    if (count_ == 0) refill();
    if (count_ == 0) return std::nullopt;
    ++allocations_;
    return items_[--count_];
  }
  void free_index(std::uint32_t index) noexcept {
    LOCKSTEP_DEBUG_ASSERT(Sync, index < pool_.blocks_,
                          "block pool cache: free of an index out of range");
    items_[count_++] = index;
    if (count_ == capacity_) spill(capacity_ / 2);
  }
  void* allocate() noexcept {
    const std::optional<std::uint32_t> i = allocate_index();
    return i ? pool_.block(*i) : nullptr;
  }
  void free(void* p) noexcept {
    const std::uint32_t i = pool_.index_of(p);
    LOCKSTEP_DEBUG_ASSERT(Sync, i != kNone,
                          "block pool cache: free of a pointer that is no "
                          "block");
    free_index(i);
  }

  // Gives every cached block back to the pool, and the count.
  void flush() noexcept {
    spill(count_);
    publish();
  }
  std::size_t cached() const noexcept { return count_; }
  // The cached blocks, oldest first (for checks).
  std::vector<std::uint32_t> cached_blocks() const {
    return {items_, items_ + count_};
  }

private:
  static std::size_t checked(std::size_t capacity) {
    if (capacity < 2 || capacity > (std::size_t{1} << 24))
      throw std::invalid_argument(
          "BlockPool::Cache: capacity must be from 2 to 2^24, got " +
          std::to_string(capacity));
    return capacity;
  }

  // Half the capacity from the pool: the free list's top (warm blocks),
  // else fresh ones, else the list again (a free may have come meanwhile).
  void refill() noexcept {
    publish();
    const std::size_t want = capacity_ / 2;
    count_ = take_from_list(want);
    if (count_ == 0) {
      const auto [first, n] = pool_.claim_fresh_batch(want);
      // Newest last, so the lowest block goes out first.
      for (std::size_t k = 0; k < n; ++k)
        items_[k] = static_cast<std::uint32_t>(first + (n - 1 - k));
      count_ = n;
    }
    if (count_ == 0) count_ = take_from_list(want);
  }

  // Up to `n` blocks off the free list's top, the warmest at the end (it
  // goes out first).
  std::size_t take_from_list(std::size_t n) noexcept {
    const std::size_t got = pool_.free_->pop_batch(items_, n);
    std::reverse(items_, items_ + got);
    return got;
  }

  // The `n` oldest cached blocks back to the free list as one chain, the
  // warmest of them on top.
  void spill(std::size_t n) noexcept {
    if (n == 0) return;
    for (std::size_t k = n - 1; k > 0; --k)
      pool_.links_[items_[k]].store(items_[k - 1]);
    pool_.free_->push_chain(items_[n - 1], items_[0]);
    std::copy(items_ + n, items_ + count_, items_);
    count_ -= n;
    publish();
  }

  void publish() noexcept {
    if (allocations_ == 0) return;
    pool_.allocations_.value.fetch_add(allocations_, std::memory_order_relaxed);
    allocations_ = 0;
  }

  BlockPool& pool_;
  std::size_t capacity_;
  std::uint32_t* items_; // this thread's only: plain memory
  std::size_t count_ = 0;
  std::uint64_t allocations_ = 0; // not yet added to the pool's count
};

} // namespace lockstep
