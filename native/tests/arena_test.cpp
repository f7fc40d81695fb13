// arena_test.cpp — the region (mmap, huge pages, binding), the shared and
// the per-thread arenas: single-threaded semantics, then real threads
// carving one arena, under ASan and UBSan.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "check.hpp"
#include "lockstep/arena.hpp"
#include "lockstep/region.hpp"
#include "stress.hpp"

using lockstep::Arena;
using lockstep::ArenaIgnoresAlignment;
using lockstep::bump_fit;
using lockstep::HugePages;
using lockstep::PageKind;
using lockstep::Region;
using lockstep::ThreadArena;

namespace {
std::uintptr_t address(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}
} // namespace

LOCKSTEP_TEST("semantics/bump_fit aligns, fits exactly, refuses overflow") {
  CHECK_EQ(bump_fit(0x1000, 0, 64, 64, 8).value(), 0u);
  CHECK(!bump_fit(0x1000, 1, 64, 64, 1).has_value());
  CHECK_EQ(bump_fit(0x1000, 1, 64, 8, 8).value(), 8u);
  CHECK_EQ(bump_fit(0x1001, 0, 64, 1, 4).value(), 3u); // the address aligns
  CHECK(!bump_fit(0x1000, 0, 64, 1, 3).has_value());   // not a power of two
  CHECK(!bump_fit(0x1000, 0, 64, 1, 0).has_value());
  CHECK(!bump_fit(0x1000, 8, 64, SIZE_MAX, 1).has_value());
  CHECK(!bump_fit(UINTPTR_MAX - 2, 0, 64, 1, 16).has_value()); // wraps
  CHECK_EQ(bump_fit(0x1000, 1, 64, 8, 8, true).value(), 1u);   // the bug
}

LOCKSTEP_TEST("semantics/region: mapped, rounded to pages, touched") {
  Region r =
      Region::reserve({.bytes = 10'000, .huge_pages = HugePages::kNever});
  CHECK(r.data() != nullptr);
  CHECK_EQ(r.size() % 4096, 0u);
  CHECK(r.size() >= 10'000u);
  CHECK(r.pages() == PageKind::kNormal);
  CHECK_EQ(r.binding(), std::string("not asked"));
  std::memset(r.data(), 0xAB, r.size()); // all of it is ours
  Region moved = std::move(r);
  CHECK(r.data() == nullptr);
  CHECK(moved.size() >= 10'000u);
}

LOCKSTEP_TEST("semantics/region: huge pages where there are, else normal") {
  // auto never fails for want of huge pages; whatever it got is aligned to
  // its page size.
  Region r = Region::reserve({.bytes = 4 * Region::kHugePage});
  std::printf("  4 MiB region on %s pages\n",
              lockstep::page_kind_name(r.pages()));
  if (r.pages() != PageKind::kNormal) {
    CHECK_EQ(address(r.data()) % Region::kHugePage, 0u);
    CHECK_EQ(r.size() % Region::kHugePage, 0u);
  }
  std::memset(r.data(), 1, r.size());
  // require: explicit huge pages or a clear error.
  try {
    Region h = Region::reserve(
        {.bytes = Region::kHugePage, .huge_pages = HugePages::kRequire});
    CHECK(h.pages() == PageKind::kExplicit);
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("vm.nr_hugepages") != std::string::npos);
  }
  CHECK_THROWS(Region::reserve({.bytes = 0}), std::invalid_argument);
}

LOCKSTEP_TEST("semantics/region: bound to node 0, or says why not") {
  Region r = Region::reserve({.bytes = 1 << 20, .node = 0});
  if (r.binding().empty()) {
    CHECK_EQ(lockstep::node_of_page(r.data()), 0);
  } else {
    std::printf("  not bound: %s\n", r.binding().c_str());
    CHECK(r.binding().rfind("mbind: ", 0) == 0);
  }
}

LOCKSTEP_TEST("semantics/arena: aligned, disjoint, exhausted, reset, stats") {
  alignas(64) static std::byte memory[256];
  Arena<> arena(memory, sizeof memory);
  std::byte* a = static_cast<std::byte*>(arena.allocate(10, 1));
  std::byte* b = static_cast<std::byte*>(arena.allocate(16, 16));
  CHECK(a == memory);
  CHECK(b == memory + 16);
  CHECK(arena.allocate(1, 3) == nullptr);   // not a power of two
  CHECK(arena.allocate(225, 1) == nullptr); // 32 + 225 > 256
  void* last = arena.allocate(224, 1);      // exactly fits
  CHECK(last == memory + 32);
  CHECK(arena.allocate(1, 1) == nullptr);
  auto s = arena.stats();
  CHECK_EQ(s.reserved, 256u);
  CHECK_EQ(s.used, 256u);
  CHECK_EQ(s.high_water, 256u);
  CHECK_EQ(s.allocations, 3u);
  arena.reset();
  CHECK(arena.allocate(8, 8) == memory);
  s = arena.stats();
  CHECK_EQ(s.used, 8u);
  CHECK_EQ(s.high_water, 256u);
  CHECK_EQ(s.allocations, 4u);
}

LOCKSTEP_TEST("semantics/arena ignores-alignment: the mutant hands out an "
              "unaligned block") {
  alignas(64) static std::byte memory[64];
  Arena<lockstep::StdSync, ArenaIgnoresAlignment> arena(memory, sizeof memory);
  arena.allocate(1, 1);
  CHECK(address(arena.allocate(8, 8)) % 8 != 0);
}

LOCKSTEP_TEST("semantics/thread arena: carved from the shared one, own reset") {
  alignas(128) static std::byte memory[1024];
  Arena<> shared(memory, sizeof memory);
  ThreadArena t = ThreadArena::carve(shared, 512);
  CHECK_EQ(address(t.allocate(1, 1)) % 128, 0u);
  CHECK(t.allocate(8, 8) != nullptr);
  CHECK(t.allocate(1000, 1) == nullptr);
  CHECK_EQ(t.stats().used, 16u);
  t.reset();
  CHECK_EQ(t.stats().used, 0u);
  CHECK_EQ(t.stats().high_water, 16u);
  CHECK_EQ(t.stats().allocations, 2u);
  ThreadArena none = ThreadArena::carve(shared, 600); // 512 + 600 > 1024
  CHECK(none.allocate(1, 1) == nullptr);
  CHECK_EQ(none.stats().reserved, 0u);
}

LOCKSTEP_TEST("stress/2 threads carve one arena: 1,000,000 disjoint blocks") {
  constexpr std::size_t kPerThread = 500'000;
  Region region = Region::reserve({.bytes = 2 * kPerThread * 24 + 4096});
  Arena<> arena(region.data(), region.size());
  std::vector<std::vector<std::pair<std::uintptr_t, std::size_t>>> got(2);
  lockstep::test::run_threads(2, [&](int me) {
    auto& mine = got[static_cast<std::size_t>(me)];
    mine.reserve(kPerThread);
    for (std::size_t i = 0; i < kPerThread; ++i) {
      const std::size_t bytes = 1 + (i * 7 + static_cast<std::size_t>(me)) % 16;
      void* p = arena.allocate(bytes, 8);
      if (p == nullptr) break;
      std::memset(p, me + 1, bytes); // ASan: inside the mapping
      mine.emplace_back(address(p), bytes);
    }
  });
  std::vector<std::pair<std::uintptr_t, std::size_t>> all = got[0];
  all.insert(all.end(), got[1].begin(), got[1].end());
  CHECK_EQ(all.size(), 2 * kPerThread);
  std::sort(all.begin(), all.end());
  std::size_t overlaps = 0, misaligned = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].first % 8 != 0) ++misaligned;
    if (i > 0 && all[i - 1].first + all[i - 1].second > all[i].first)
      ++overlaps;
  }
  CHECK_EQ(overlaps, 0u);
  CHECK_EQ(misaligned, 0u);
  CHECK_EQ(arena.stats().allocations, 2 * kPerThread);
}
