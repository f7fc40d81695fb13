// arc_test.cpp — the reference count's single-threaded semantics (clone,
// drop, the destructor exactly once, weak handles, pools, raw pointers)
// and real-thread stress runs (owners cloning and dropping one object,
// weak handles upgrading while the last owner drops, handles passed
// through a queue as raw pointers), under ASan and UBSan, and under TSan
// (tsan.sh), which must find no race between an owner's plain writes and
// the destructor's reads. "mutant/" cases run seeded bugs (expected to
// FAIL; relaxed-decrement's is TSan's to report).
#include <atomic>
#include <barrier>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "lockstep/arc.hpp"
#include "lockstep/block_pool.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "stress.hpp"

using lockstep::NoArcBugs;

namespace {

// An object that counts its destructions and can tell it was destroyed
// (its canary), in plain memory.
struct Tracked {
  static constexpr std::uint64_t kAlive = 0xA11CE;
  static constexpr std::uint64_t kDead = 0xDEAD;
  std::atomic<int>* destroyed;
  std::uint64_t canary = kAlive;
  std::int64_t value;

  Tracked(std::atomic<int>& d, std::int64_t v) : destroyed(&d), value(v) {}
  ~Tracked() {
    canary = kDead;
    destroyed->fetch_add(1, std::memory_order_relaxed);
  }
};

template <class Bugs = NoArcBugs>
using TrackedArc = lockstep::Arc<Tracked, lockstep::StdSync, Bugs>;

// A BlockPool over its own memory, counting what it hands out and gets
// back (from any thread).
class CountingPool {
public:
  CountingPool(std::size_t blocks, std::size_t size, std::size_t align)
      : memory_(blocks * ((size + align - 1) / align * align) + align),
        pool_(memory_.data(), memory_.size(), size, align) {}
  void* allocate() noexcept {
    void* p = pool_.allocate();
    if (p != nullptr) out_.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void free(void* p) noexcept {
    out_.fetch_sub(1, std::memory_order_relaxed);
    pool_.free(p);
  }
  std::size_t stride() const noexcept { return pool_.stride(); }
  long out() const noexcept { return out_.load(std::memory_order_relaxed); }
  std::string check_invariants() const { return pool_.check_invariants(); }

private:
  std::vector<std::byte> memory_;
  lockstep::BlockPool<> pool_;
  std::atomic<long> out_{0};
};

CountingPool tracked_pool(std::size_t blocks) {
  return {blocks, TrackedArc<>::kBlockSize, TrackedArc<>::kBlockAlign};
}

struct Throws {
  explicit Throws(int) { throw std::runtime_error("no"); }
};

// Owners each write their own plain (non-atomic) field of the object, then
// drop their handle; the last drop's destructor reads every field. The
// count's release and acquire order the writes before the reads: without
// them it is a data race, which ThreadSanitizer reports although x86
// never shows it. "" when every destructor saw every write.
struct Ledger {
  std::int64_t written[4] = {};
  std::int64_t* seen;
  explicit Ledger(std::int64_t* s) : seen(s) {}
  ~Ledger() {
    std::int64_t sum = 0;
    for (std::int64_t w : written)
      sum += w; // plain reads
    *seen = sum;
  }
};
template <class Bugs> std::string ledger_handover(int rounds) {
  using Handle = lockstep::Arc<Ledger, lockstep::StdSync, Bugs>;
  constexpr int kOwners = 4;
  std::int64_t wrong = 0, seen = -1;
  std::vector<Handle> handles;
  int round = 0;
  // Between rounds (one thread, the others waiting): check the round that
  // ended, hand out the next one's handles.
  auto next_round = [&]() noexcept {
    if (round > 0 && seen != 4 * (round - 1) + 6) ++wrong;
    seen = -1;
    handles.assign(kOwners, Handle::make(&seen));
    ++round;
  };
  next_round();
  std::barrier sync(kOwners, next_round);
  lockstep::test::run_threads(kOwners, [&](int me) {
    for (int r = 0; r < rounds; ++r) {
      Handle mine = std::move(handles[static_cast<std::size_t>(me)]);
      mine->written[me] = r + me; // a plain write, then the drop
      mine.reset();
      sync.arrive_and_wait();
    }
  });
  return wrong == 0 ? ""
                    : std::to_string(wrong) + " of " + std::to_string(rounds) +
                          " destructors missed an owner's write";
}

// `threads` threads each clone and drop one shared object `per_thread`
// times (holding up to 4 clones at once); "" when it was destroyed once,
// after the last drop, and its block came back.
template <class Bugs>
std::string clone_drop_stress(int threads, int per_thread) {
  std::atomic<int> destroyed{0};
  CountingPool pool = tracked_pool(4);
  std::string broken;
  {
    auto shared = TrackedArc<Bugs>::make_in(pool, destroyed, 7);
    std::atomic<std::int64_t> bad_reads{0};
    lockstep::test::run_threads(threads, [&](int) {
      for (int i = 0; i < per_thread; ++i) {
        TrackedArc<Bugs> held[4];
        for (auto& h : held)
          h = shared;
        for (auto& h : held)
          if (h->canary != Tracked::kAlive || h->value != 7)
            bad_reads.fetch_add(1, std::memory_order_relaxed);
      }
    });
    if (shared.use_count() != 1)
      broken = "the count is " + std::to_string(shared.use_count()) +
               " with one handle left";
    if (destroyed.load() != 0) broken = "destroyed while a handle remained";
    if (bad_reads.load() != 0) broken = "a clone read a destroyed object";
  }
  if (broken.empty() && destroyed.load() != 1)
    broken = "destroyed " + std::to_string(destroyed.load()) + " times";
  if (broken.empty() && pool.out() != 0)
    broken = std::to_string(pool.out()) + " control blocks not given back";
  return broken;
}

// Rounds of: an owner drops the one strong handle while another thread
// upgrades a weak handle in a loop until it fails. An upgrade must never
// succeed once the object is destroyed (its canary read dead, or a second
// destruction). "" when none did.
template <class Bugs> std::string upgrade_race(int rounds) {
  std::vector<std::atomic<int>> destroyed(static_cast<std::size_t>(rounds));
  std::vector<TrackedArc<Bugs>> strong;
  std::vector<lockstep::Weak<Tracked, lockstep::StdSync, Bugs>> weak;
  for (int r = 0; r < rounds; ++r) {
    strong.push_back(
        TrackedArc<Bugs>::make(destroyed[static_cast<std::size_t>(r)], r));
    weak.push_back(strong.back().downgrade());
  }
  std::atomic<int> ready{-1}; // the round the upgrading thread is in
  std::int64_t dead_seen = 0;
  lockstep::test::run_threads(2, [&](int me) {
    for (int r = 0; r < rounds; ++r) {
      if (me == 0) {
        while (ready.load(std::memory_order_acquire) < r)
          lockstep::StdSync::spin_hint();
        strong[static_cast<std::size_t>(r)].reset(); // the last owner
        continue;
      }
      ready.store(r, std::memory_order_release);
      while (auto again = weak[static_cast<std::size_t>(r)].upgrade())
        if (again->canary != Tracked::kAlive) ++dead_seen;
    }
  });
  weak.clear();
  std::int64_t wrong = dead_seen;
  for (const auto& d : destroyed)
    if (d.load() != 1) ++wrong;
  return wrong == 0 ? ""
                    : std::to_string(dead_seen) +
                          " upgrades read a destroyed object, in " +
                          std::to_string(rounds) + " rounds";
}

// Handles as raw pointers through an MPMC queue (whose cells hold plain
// values): 2 producers make objects in the pool and push a clone of each
// 3 times; 2 consumers pop, take the handle back and drop it. "" when
// every object was destroyed once, by the drop of its last handle.
std::string handles_through_a_queue(std::int64_t objects) {
  CountingPool pool = tracked_pool(256);
  lockstep::MpmcQueue<Tracked*> queue(64);
  std::vector<std::atomic<int>> destroyed(static_cast<std::size_t>(objects));
  std::atomic<std::int64_t> popped{0}, bad{0};
  lockstep::test::run_threads(4, [&](int me) {
    if (me < 2) {
      for (std::int64_t i = me; i < objects; i += 2) {
        TrackedArc<> made;
        while (!(made = TrackedArc<>::make_in(
                     pool, destroyed[static_cast<std::size_t>(i)], i)))
          std::this_thread::yield(); // the pool is empty for now
        for (int k = 0; k < 3; ++k) {
          Tracked* raw = TrackedArc<>(made).into_raw();
          while (!queue.try_push(raw))
            std::this_thread::yield();
        }
      }
      return;
    }
    while (popped.load(std::memory_order_relaxed) < 3 * objects) {
      if (const auto raw = queue.try_pop()) {
        auto handle = TrackedArc<>::from_raw(*raw);
        if (handle->canary != Tracked::kAlive) bad.fetch_add(1);
        popped.fetch_add(1, std::memory_order_relaxed);
      } else {
        std::this_thread::yield(); // 4 threads may share 2 cores
      }
    }
  });
  for (auto& d : destroyed)
    if (d.load() != 1) return "an object was not destroyed exactly once";
  if (bad.load() != 0) return "a handle from the queue saw a dead object";
  if (pool.out() != 0)
    return std::to_string(pool.out()) + " control blocks not given back";
  return pool.check_invariants();
}

} // namespace

LOCKSTEP_TEST("semantics/clone and drop: the destructor runs once, with "
              "the last drop") {
  std::atomic<int> destroyed{0};
  {
    auto a = TrackedArc<>::make(destroyed, 5);
    CHECK_EQ(a.use_count(), 1u);
    CHECK_EQ(a->value, 5);
    {
      TrackedArc<> b = a; // clone
      TrackedArc<> c;
      c = b;
      CHECK_EQ(a.use_count(), 3u);
      CHECK(c.same_object(a));
      CHECK_EQ(a.check_invariants(), "");
    }
    CHECK_EQ(a.use_count(), 1u);
    CHECK_EQ(destroyed.load(), 0);
    TrackedArc<> moved = std::move(a);
    CHECK(!a);
    CHECK(a.get() == nullptr);
    CHECK_EQ(moved.use_count(), 1u);
    const TrackedArc<>& alias = moved;
    moved = alias; // self-assignment keeps it
    CHECK_EQ(moved.use_count(), 1u);
    moved.reset();
    CHECK_EQ(destroyed.load(), 1);
    moved.reset(); // empty: nothing
  }
  CHECK_EQ(destroyed.load(), 1);
}

LOCKSTEP_TEST("semantics/weak handles: upgrade while alive, never after; "
              "the block outlives the object") {
  std::atomic<int> destroyed{0};
  CountingPool pool = tracked_pool(2);
  auto strong = TrackedArc<>::make_in(pool, destroyed, 1);
  CHECK_EQ(pool.out(), 1);
  auto weak = strong.downgrade();
  auto weak2 = weak;
  CHECK_EQ(strong.weak_count(), 2u);
  CHECK_EQ(weak.use_count(), 1u);
  {
    auto again = weak.upgrade();
    CHECK(again.same_object(strong));
    CHECK_EQ(strong.use_count(), 2u);
  }
  strong.reset(); // the last strong handle: destroyed, the block stays
  CHECK_EQ(destroyed.load(), 1);
  CHECK(weak.expired());
  CHECK(!weak.upgrade());
  CHECK_EQ(weak.weak_count(), 2u);
  CHECK_EQ(pool.out(), 1);
  weak.reset();
  CHECK_EQ(pool.out(), 1);
  weak2.reset(); // the last handle of any kind: the block goes back
  CHECK_EQ(pool.out(), 0);
  CHECK_EQ(destroyed.load(), 1);
  lockstep::Weak<Tracked> none;
  CHECK(none.expired());
  CHECK(!none.upgrade());
  CHECK(!TrackedArc<>().downgrade().upgrade());
}

LOCKSTEP_TEST("semantics/make_in: an empty Arc when the pool is out of "
              "blocks; blocks come back and are reused") {
  std::atomic<int> destroyed{0};
  CountingPool pool = tracked_pool(2);
  CHECK(pool.stride() >= TrackedArc<>::kBlockSize);
  auto a = TrackedArc<>::make_in(pool, destroyed, 1);
  auto b = TrackedArc<>::make_in(pool, destroyed, 2);
  CHECK(a && b);
  auto c = TrackedArc<>::make_in(pool, destroyed, 3);
  CHECK(!c);
  CHECK_EQ(destroyed.load(), 0); // never built
  Tracked* where = a.get();
  a.reset();
  c = TrackedArc<>::make_in(pool, destroyed, 3);
  CHECK(c.get() == where); // the block just given back
  CHECK_EQ(c->value, 3);
  // A constructor that throws gives its block back.
  std::vector<std::byte> memory(4096);
  lockstep::BlockPool<> small(memory.data(), memory.size(),
                              lockstep::Arc<Throws>::kBlockSize,
                              lockstep::Arc<Throws>::kBlockAlign);
  CHECK_THROWS(lockstep::Arc<Throws>::make_in(small, 1), std::runtime_error);
  CHECK_THROWS(lockstep::Arc<Throws>::make(1), std::runtime_error);
  CHECK_EQ(small.stats_quiescent().used, 0u);
}

LOCKSTEP_TEST("semantics/into_raw and from_raw: a handle as a pointer and "
              "back, the count untouched") {
  std::atomic<int> destroyed{0};
  auto a = TrackedArc<>::make(destroyed, 9);
  Tracked* raw = TrackedArc<>(a).into_raw();
  CHECK(raw == a.get());
  CHECK_EQ(a.use_count(), 2u);
  a.reset();
  CHECK_EQ(destroyed.load(), 0); // the raw one still owns it
  auto back = TrackedArc<>::from_raw(raw);
  CHECK_EQ(back.use_count(), 1u);
  CHECK_EQ(back->value, 9);
  auto weak = back.downgrade();
  Tracked* weak_raw = weak.into_raw();
  back.reset();
  CHECK_EQ(destroyed.load(), 1);
  CHECK(lockstep::Weak<Tracked>::from_raw(weak_raw).expired());
  CHECK(TrackedArc<>().into_raw() == nullptr);
  CHECK(!TrackedArc<>::from_raw(nullptr));
}

LOCKSTEP_TEST("semantics/early-destroy mutant: the second-to-last drop "
              "destroys") {
  std::atomic<int> destroyed{0};
  auto a = TrackedArc<lockstep::ArcEarlyDestroy>::make(destroyed, 1);
  auto weak = a.downgrade(); // keeps the block: nothing freed to touch
  auto b = a;
  b.reset();
  CHECK_EQ(destroyed.load(), 1); // while `a` still holds it
  CHECK(a->canary == Tracked::kDead);
  a.reset();
  CHECK_EQ(destroyed.load(), 1);
}

LOCKSTEP_TEST("stress/4 threads clone and drop one object, 1M rounds of "
              "4 clones each") {
  CHECK_EQ(clone_drop_stress<NoArcBugs>(4, 1'000'000), "");
}

LOCKSTEP_TEST("stress/upgrades race the last drop, 30k rounds") {
  CHECK_EQ(upgrade_race<NoArcBugs>(30'000), "");
}

LOCKSTEP_TEST("stress/handles through an MPMC queue as raw pointers, 50k "
              "objects") {
  CHECK_EQ(handles_through_a_queue(50'000), "");
}

LOCKSTEP_TEST("stress/owners' plain writes, then the destructor's reads, "
              "20k rounds") {
  CHECK_EQ(ledger_handover<NoArcBugs>(20'000), "");
}

LOCKSTEP_TEST("mutant/racy-clone under stress") {
  CHECK_EQ(clone_drop_stress<lockstep::ArcRacyClone>(4, 1'000'000), "");
}

LOCKSTEP_TEST("mutant/increment-after-zero under stress") {
  CHECK_EQ(upgrade_race<lockstep::ArcIncrementAfterZero>(30'000), "");
}

LOCKSTEP_TEST("mutant/relaxed-decrement: the destructor's reads race the "
              "owners' writes") {
  CHECK_EQ(ledger_handover<lockstep::ArcRelaxedDecrement>(2'000), "");
}

LOCKSTEP_TEST("mutant/no-acquire-fence: the destructor's reads race the "
              "owners' writes") {
  CHECK_EQ(ledger_handover<lockstep::ArcNoAcquireFence>(2'000), "");
}
