// block_pool_test.cpp — the fixed-block pool: single-threaded semantics,
// then real threads allocating, handing blocks to each other through the
// MPMC queue and freeing them (cross-thread free), under ASan and UBSan.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "check.hpp"
#include "lockstep/block_pool.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/region.hpp"
#include "stress.hpp"

using lockstep::BlockPool;
using lockstep::NoPoolBugs;
using lockstep::Region;

namespace {

// After a stress run: frees what is left in the hand-off queue; "" when
// the pool's invariants hold, no block was held twice and every block
// ever handed out is back on the free list.
template <class Pool>
std::string settle(Pool& pool, lockstep::MpmcQueue<std::int64_t>& handoff,
                   std::uint64_t double_owned) {
  while (auto other = handoff.try_pop())
    pool.free_index(static_cast<std::uint32_t>(*other));
  std::string broken = pool.check_invariants();
  if (!broken.empty()) return broken;
  if (double_owned != 0)
    return std::to_string(double_owned) + " blocks held by two at once";
  const auto free = pool.free_list_quiescent();
  if (free->size() != pool.fresh_quiescent())
    return "blocks lost: " + std::to_string(pool.fresh_quiescent()) +
           " handed out, " + std::to_string(free->size()) + " free";
  return "";
}

// Threads allocate a block, stamp it with their id, check the stamp,
// and pass half of their blocks to the other thread through a queue, which
// frees them. "" when no block was ever held by two at once and every
// block is accounted for at the end. (Real threads seldom pause a pop in
// the ABA window: the simulator's block-pool target shows the narrow-tag
// and untagged mutants; this run shows the correct pool under load.)
template <class Bugs, std::size_t kBlocks = 4>
std::string stress_pool(std::size_t rounds) {
  alignas(64) static std::byte memory[kBlocks * 64];
  BlockPool<lockstep::StdSync, Bugs> pool(memory, sizeof memory, 48, 64);
  lockstep::MpmcQueue<std::int64_t> handoff(16);
  std::atomic<std::uint64_t> double_owned{0};
  lockstep::test::run_threads(2, [&](int me) {
    const std::uint64_t stamp = 0x5EED0000u + static_cast<unsigned>(me);
    auto stamped = [&](std::uint32_t i, std::uint64_t from, std::uint64_t to) {
      std::atomic_ref<std::uint64_t> word(
          *static_cast<std::uint64_t*>(pool.block(i)));
      if (word.exchange(to, std::memory_order_relaxed) != from)
        double_owned.fetch_add(1, std::memory_order_relaxed);
    };
    for (std::size_t r = 0; r < rounds; ++r) {
      // Two blocks held at once: the free list changes under a paused pop.
      const auto a = pool.allocate_index();
      const auto b = pool.allocate_index();
      for (const auto& i : {a, b})
        if (i) stamped(*i, 0, stamp);
      for (const auto& i : {b, a}) {
        if (!i) continue;
        stamped(*i, stamp, 0);
        if (r % 2 == 0 && handoff.try_push(*i)) continue; // the other frees it
        pool.free_index(*i);
      }
      if (auto other = handoff.try_pop())
        pool.free_index(static_cast<std::uint32_t>(*other));
    }
  });
  return settle(pool, handoff, double_owned.load());
}

} // namespace

LOCKSTEP_TEST("semantics/blocks: aligned, disjoint, all of them, then none") {
  alignas(64) static std::byte memory[64 * 5 + 10];
  BlockPool<> pool(memory + 1, sizeof memory - 1, 40, 64); // skips 63 bytes
  CHECK_EQ(pool.blocks(), 4u);
  CHECK_EQ(pool.stride(), 64u);
  std::set<void*> seen;
  for (int i = 0; i < 4; ++i) {
    void* p = pool.allocate();
    CHECK(p != nullptr);
    CHECK_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
    CHECK(static_cast<std::byte*>(p) + 40 <= memory + sizeof memory);
    seen.insert(p);
  }
  CHECK_EQ(seen.size(), 4u);
  CHECK(pool.allocate() == nullptr);
  auto s = pool.stats_quiescent();
  CHECK_EQ(s.used, 256u);
  CHECK_EQ(s.high_water, 256u);
  CHECK_EQ(s.allocations, 4u);
  void* second = *std::next(seen.begin());
  pool.free(second);
  CHECK(pool.allocate() == second); // the freed block comes back first
  pool.free(second);
  CHECK_EQ(pool.stats_quiescent().used, 192u);
  CHECK_EQ(pool.check_invariants(), std::string());
  CHECK_EQ(pool.index_of(memory), BlockPool<>::kNone);
  CHECK_EQ(pool.index_of(static_cast<std::byte*>(second) + 1),
           BlockPool<>::kNone);
}

LOCKSTEP_TEST("semantics/bad sizes are std::invalid_argument") {
  alignas(64) static std::byte memory[64];
  CHECK_THROWS(BlockPool<>(memory, 64, 8, 3), std::invalid_argument);
  CHECK_THROWS(BlockPool<>(memory, 64, 0, 8), std::invalid_argument);
  CHECK_THROWS(BlockPool<>(memory, 64, 65, 8), std::invalid_argument);
  CHECK_THROWS(BlockPool<>(memory + 1, 63, 64, 64), std::invalid_argument);
}

LOCKSTEP_TEST("semantics/last-block-unused: the mutant runs out one early") {
  alignas(64) static std::byte memory[64 * 3];
  BlockPool<lockstep::StdSync, lockstep::PoolLastBlockUnused> pool(
      memory, sizeof memory, 64, 64);
  CHECK(pool.allocate() != nullptr);
  CHECK(pool.allocate() != nullptr);
  CHECK(pool.allocate() == nullptr); // a correct pool has a third
}

LOCKSTEP_TEST("semantics/a pool over a region of a million blocks") {
  Region region = Region::reserve({.bytes = 64u << 20});
  BlockPool<> pool(region.data(), region.size(), 64, 64);
  CHECK_EQ(pool.blocks(), (64u << 20) / 64);
  void* p = pool.allocate();
  CHECK(p == region.data());
  CHECK_EQ(pool.stats_quiescent().high_water, 64u);
}

LOCKSTEP_TEST("stress/2 threads, cross-thread frees, 1,000,000 rounds each") {
  CHECK_EQ(stress_pool<NoPoolBugs>(1'000'000), std::string());
}

LOCKSTEP_TEST(
    "semantics/cache: refills by half, spills the older half, flushes") {
  alignas(64) static std::byte memory[64 * 8];
  BlockPool<> pool(memory, sizeof memory, 64, 64);
  {
    BlockPool<>::Cache cache(pool, 4);
    const auto a = cache.allocate_index(); // refill: fresh 0, 1
    CHECK_EQ(*a, 0u);
    CHECK_EQ(cache.cached(), 1u);
    CHECK_EQ(pool.fresh_quiescent(), 2u);
    const auto b = cache.allocate_index();
    CHECK_EQ(*b, 1u);
    const auto c = cache.allocate_index(); // refill: fresh 2, 3
    CHECK_EQ(*c, 2u);
    for (std::uint32_t i : {*a, *b, *c})
      cache.free_index(i);        // cache: 3, 0, 1, 2: full, so the older half
    CHECK_EQ(cache.cached(), 2u); // (3, 0) went back, 0 on top
    CHECK(pool.free_list_quiescent() == std::vector<std::uint32_t>({0, 3}));
    cache.free_index(5); // never handed out: only to see which comes back
    CHECK_EQ(cache.cached(), 3u);
    CHECK_EQ(*cache.allocate_index(), 5u); // the newest comes back first
    CHECK_EQ(pool.stats_quiescent().allocations, 3u); // published at spill
  } // flush: 2, 1 back, allocations published
  CHECK(pool.free_list_quiescent() == std::vector<std::uint32_t>({2, 1, 0, 3}));
  CHECK_EQ(pool.stats_quiescent().allocations, 4u);
}

LOCKSTEP_TEST("semantics/cache: takes from the free list before fresh blocks") {
  alignas(64) static std::byte memory[64 * 8];
  BlockPool<> pool(memory, sizeof memory, 64, 64);
  const auto x = pool.allocate_index(), y = pool.allocate_index();
  pool.free_index(*x);
  pool.free_index(*y); // list: 1, 0
  BlockPool<>::Cache cache(pool, 4);
  CHECK_EQ(*cache.allocate_index(), 1u); // the warmest
  CHECK_EQ(*cache.allocate_index(), 0u);
  CHECK_EQ(pool.fresh_quiescent(), 2u);
  CHECK_THROWS(BlockPool<>::Cache(pool, 1), std::invalid_argument);
}

LOCKSTEP_TEST(
    "semantics/cache: exhaustion when the pool and the cache are empty") {
  alignas(64) static std::byte memory[64 * 3];
  BlockPool<> pool(memory, sizeof memory, 64, 64);
  BlockPool<>::Cache cache(pool, 8);
  std::set<std::uint32_t> got;
  while (auto i = cache.allocate_index())
    got.insert(*i);
  CHECK_EQ(got.size(), 3u);
  CHECK_EQ(pool.check_invariants(), std::string());
}

namespace {
// Two threads, each with its own cache of 4, allocate up to 3 blocks,
// stamp them, hand some to the other through a queue, free the rest into
// their cache; "" when no block was held twice and every block is back
// after the flushes.
template <class Bugs> std::string stress_cached(std::size_t rounds) {
  constexpr std::size_t kBlocks = 16;
  alignas(64) static std::byte memory[kBlocks * 64];
  BlockPool<lockstep::StdSync, Bugs> pool(memory, sizeof memory, 64, 64);
  lockstep::MpmcQueue<std::int64_t> handoff(8);
  std::atomic<std::uint64_t> double_owned{0};
  lockstep::test::run_threads(2, [&](int me) {
    typename BlockPool<lockstep::StdSync, Bugs>::Cache cache(pool, 4);
    const std::uint64_t stamp = 0xCAC0000u + static_cast<unsigned>(me);
    auto stamped = [&](std::uint32_t i, std::uint64_t from, std::uint64_t to) {
      std::atomic_ref<std::uint64_t> word(
          *static_cast<std::uint64_t*>(pool.block(i)));
      if (word.exchange(to, std::memory_order_relaxed) != from)
        double_owned.fetch_add(1, std::memory_order_relaxed);
    };
    std::vector<std::uint32_t> held;
    for (std::size_t r = 0; r < rounds; ++r) {
      const std::size_t want = 1 + r % 3;
      while (held.size() < want) {
        const auto i = cache.allocate_index();
        if (!i) break;
        stamped(*i, 0, stamp);
        held.push_back(*i);
      }
      for (std::uint32_t i : held) {
        stamped(i, stamp, 0);
        if (r % 3 == 0 && handoff.try_push(i)) continue;
        cache.free_index(i);
      }
      held.clear();
      if (auto other = handoff.try_pop())
        cache.free_index(static_cast<std::uint32_t>(*other));
    }
    cache.flush();
  });
  return settle(pool, handoff, double_owned.load());
}
} // namespace

LOCKSTEP_TEST(
    "stress/2 threads with caches, batches both ways, 1,000,000 rounds") {
  CHECK_EQ(stress_cached<NoPoolBugs>(1'000'000), std::string());
}

LOCKSTEP_TEST("mutant/stale-chain-tail: blocks lost or held twice") {
  const std::string broken =
      stress_cached<lockstep::PoolStaleChainTail>(1'000'000);
  CHECK_EQ(broken, std::string());
}
