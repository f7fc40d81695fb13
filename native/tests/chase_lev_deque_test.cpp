// chase_lev_deque_test.cpp — the deque's single-threaded semantics and a
// real-thread stress run (owner push/pop against a thief), under ASan and
// UBSan. Cases under "mutant/" run seeded bugs and are expected to FAIL;
// CTest does not run them (see native/tests/README.md).
#include <atomic>
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "lockstep/chase_lev_deque.hpp"
#include "stress.hpp"

using lockstep::ChaseLevDeque;
using lockstep::NoDequeBugs;

namespace {

template <class Bugs>
using Deque = ChaseLevDeque<std::int64_t, lockstep::StdSync, Bugs>;

// Pushes 0..n-1 through a deque that starts at capacity 2 and must grow,
// then takes them back alternately from both ends. "" when the owner saw
// LIFO, the thief FIFO, and nothing went missing.
template <class Bugs> std::string grow_then_drain(std::int64_t n) {
  Deque<Bugs> deque(2);
  auto worker = deque.worker();
  auto thief = deque.stealer();
  for (std::int64_t i = 0; i < n; ++i) {
    if (!worker.push(i)) return "push " + std::to_string(i) + " failed";
  }
  std::int64_t low = 0, high = n - 1;
  while (low <= high) {
    const auto stolen = thief.steal();
    if (!stolen.is_success() || stolen.value() != low) {
      return "steal expected " + std::to_string(low);
    }
    ++low;
    if (low > high) break;
    const auto popped = worker.pop();
    if (!popped || *popped != high) {
      return "pop expected " + std::to_string(high);
    }
    --high;
  }
  if (worker.pop() || !thief.steal().is_empty()) return "not empty at end";
  return deque.check_invariants();
}

// Rounds of: a fresh deque at capacity 2; the owner pushes bursts and pops
// some back while one thief steals. Growth and reclamation happen under
// contention. Returns "" when every item was taken exactly once.
template <class Bugs>
std::string stress_owner_against_thief(std::int64_t items) {
  constexpr std::int64_t kRound = 4096;
  std::vector<std::vector<std::int64_t>> taken(2);
  for (auto& t : taken)
    t.reserve(static_cast<std::size_t>(items));
  std::string broken;
  for (std::int64_t base = 0; base < items; base += kRound) {
    const std::int64_t end = std::min(items, base + kRound);
    Deque<Bugs> deque(2, 1);
    std::atomic<bool> done{false};
    lockstep::test::run_threads(2, [&](int me) {
      if (me == 0) {
        auto worker = deque.worker();
        std::int64_t next = base;
        while (next < end) {
          // A burst of pushes, then pop a few: the last-item race.
          const std::int64_t burst = 1 + (next * 7919) % 37;
          for (std::int64_t k = 0; k < burst && next < end; ++k) {
            if (!worker.push(next++)) std::abort();
          }
          for (int k = 0; k < 3; ++k) {
            if (auto v = worker.pop()) taken[0].push_back(*v);
          }
        }
        while (auto v = worker.pop())
          taken[0].push_back(*v);
        done.store(true, std::memory_order_release);
      } else {
        auto thief = deque.stealer();
        for (;;) {
          const auto s = thief.steal();
          if (s.is_success()) {
            taken[1].push_back(s.value());
          } else if (s.is_empty() && done.load(std::memory_order_acquire)) {
            // Nothing pushed after done: one more look settles it.
            const auto last = thief.steal();
            if (last.is_success()) taken[1].push_back(last.value());
            if (!last.is_retry()) break;
          }
        }
      }
    });
    if (broken.empty()) broken = deque.check_invariants();
    // A buffer the thief still protected at the owner's last pop is freed
    // by the owner's next operation; with no steal in flight, all go.
    deque.worker().reclaim();
    if (deque.retired_count() != 0 && broken.empty()) {
      broken = "retired buffers left with no steal in flight";
    }
  }
  const std::string counts = lockstep::test::exactly_once(taken, items);
  return broken.empty() ? counts : broken + "; " + counts;
}

} // namespace

LOCKSTEP_TEST("semantics/owner is LIFO, thief is FIFO") {
  Deque<NoDequeBugs> deque(4);
  auto worker = deque.worker();
  auto thief = deque.stealer();
  CHECK(thief.steal().is_empty());
  CHECK(!worker.pop().has_value());
  for (std::int64_t v : {1, 2, 3})
    CHECK(worker.push(v));
  CHECK_EQ(thief.steal().value(), 1);
  CHECK_EQ(*worker.pop(), 3);
  CHECK_EQ(thief.steal().value(), 2);
  CHECK(thief.steal().is_empty());
  CHECK(!worker.pop().has_value());
  CHECK_EQ(deque.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/growth keeps every item and frees old buffers") {
  CHECK_EQ(grow_then_drain<NoDequeBugs>(1000), "");
  Deque<NoDequeBugs> deque(3);
  CHECK_EQ(deque.capacity(), 4u);
  auto worker = deque.worker();
  for (std::int64_t i = 0; i < 100; ++i)
    CHECK(worker.push(i));
  CHECK_EQ(deque.capacity(), 128u);
  CHECK_EQ(deque.retired_count(), 0u);
  CHECK_EQ(deque.size_approx(), 100u);
}

LOCKSTEP_TEST("semantics/the drain check catches grow-copies-one-short") {
  CHECK(grow_then_drain<lockstep::DequeGrowCopiesOneShort>(1000) != "");
}

LOCKSTEP_TEST("semantics/push fails cleanly at max capacity") {
  Deque<NoDequeBugs> deque(2, 4, 4);
  auto worker = deque.worker();
  for (std::int64_t i = 0; i < 4; ++i)
    CHECK(worker.push(i));
  CHECK(!worker.push(99));
  CHECK_EQ(deque.size_approx(), 4u);
  CHECK_EQ(*worker.pop(), 3);
  CHECK_EQ(deque.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/roles are checked") {
  Deque<NoDequeBugs> deque(2, 2);
  {
    auto worker = deque.worker();
    CHECK_THROWS(auto second = deque.worker(), std::logic_error);
  }
  auto again = deque.worker(); // the first worker is gone
  auto a = deque.stealer();
  auto b = deque.stealer();
  CHECK_THROWS(auto c = deque.stealer(), std::length_error);
  { auto moved = std::move(a); }
  auto c = deque.stealer(); // a's slot is free again
  CHECK(c.steal().is_empty());
}

LOCKSTEP_TEST("semantics/bad sizes throw") {
  using D = Deque<NoDequeBugs>;
  CHECK_THROWS(D d(0), std::invalid_argument);
  CHECK_THROWS(D d(8, 16, 4), std::invalid_argument);
  CHECK_THROWS(D d(8, 0), std::invalid_argument);
  CHECK_THROWS(D d(std::size_t{1} << 40), std::invalid_argument);
}

LOCKSTEP_TEST("stress/owner push-pop against a thief, 1M items") {
  CHECK_EQ(stress_owner_against_thief<NoDequeBugs>(1'000'000), "");
}

LOCKSTEP_TEST("mutant/push-publishes-bottom-first under stress") {
  CHECK_EQ(stress_owner_against_thief<lockstep::DequePushPublishesBottomFirst>(
               1'000'000),
           "");
}
LOCKSTEP_TEST("mutant/steal-reads-slot-after-cas under stress") {
  CHECK_EQ(stress_owner_against_thief<lockstep::DequeStealReadsSlotAfterCas>(
               1'000'000),
           "");
}
LOCKSTEP_TEST("mutant/pop-without-fence under stress") {
  CHECK_EQ(
      stress_owner_against_thief<lockstep::DequePopWithoutFence>(1'000'000),
      "");
}
