// mpmc_queue_test.cpp — the bounded MPMC queue's single-threaded semantics
// and a real-thread stress run (2 producers, 2 consumers, a ring of 8),
// under ASan and UBSan. "mutant/" cases run seeded bugs (expected to FAIL).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "stress.hpp"

using lockstep::MpmcQueue;
using lockstep::NoMpmcBugs;

namespace {

template <class Bugs>
using Queue = MpmcQueue<std::int64_t, lockstep::StdSync, Bugs>;

// Producer p pushes p, p + P, p + 2P, ...; consumers pop until all items are
// taken. "" when each item was taken once and each consumer saw each
// producer's items in order (FIFO).
template <class Bugs>
std::string stress_two_by_two(std::int64_t items, std::size_t capacity) {
  constexpr int kProducers = 2, kConsumers = 2;
  constexpr std::int64_t kGiveUp = 100'000'000;
  Queue<Bugs> queue(capacity);
  std::atomic<std::int64_t> consumed{0};
  std::vector<std::vector<std::int64_t>> taken(kProducers + kConsumers);
  lockstep::test::run_threads(kProducers + kConsumers, [&](int me) {
    if (me < kProducers) {
      for (std::int64_t v = me; v < items; v += kProducers) {
        for (std::int64_t idle = 0; !queue.try_push(v); ++idle) {
          if (idle > kGiveUp) return; // a bug wedged the ring
        }
      }
      return;
    }
    // Stops when all items are taken, or after many fruitless pops (a bug
    // lost items); exactly_once then says what is missing.
    auto& mine = taken[static_cast<std::size_t>(me)];
    std::int64_t idle = 0;
    while (consumed.load(std::memory_order_relaxed) < items && idle < kGiveUp) {
      if (auto v = queue.try_pop()) {
        mine.push_back(*v);
        consumed.fetch_add(1, std::memory_order_relaxed);
        idle = 0;
      } else {
        ++idle;
      }
    }
  });
  return lockstep::test::first_broken(
      {lockstep::test::per_producer_fifo(taken, kProducers),
       queue.check_invariants(), lockstep::test::exactly_once(taken, items)});
}

} // namespace

LOCKSTEP_TEST("semantics/FIFO up to capacity, then full") {
  Queue<NoMpmcBugs> queue(3);
  CHECK(!queue.try_pop().has_value());
  for (std::int64_t v : {10, 11, 12})
    CHECK(queue.try_push(v));
  CHECK(!queue.try_push(13));
  CHECK_EQ(queue.size_approx(), 3u);
  CHECK_EQ(queue.check_invariants(), "");
  CHECK_EQ(*queue.try_pop(), 10);
  CHECK(queue.try_push(13));
  for (std::int64_t v : {11, 12, 13})
    CHECK_EQ(*queue.try_pop(), v);
  CHECK(!queue.try_pop().has_value());
  CHECK_EQ(queue.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/many laps around a ring of 1 and of 5") {
  for (std::size_t capacity : {1u, 5u}) {
    Queue<NoMpmcBugs> queue(capacity);
    std::int64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; ++round) {
      while (queue.try_push(next_in))
        ++next_in;
      CHECK_EQ(queue.size_approx(), capacity);
      const int take = 1 + round % static_cast<int>(capacity);
      for (int k = 0; k < take; ++k)
        CHECK_EQ(*queue.try_pop(), next_out++);
      CHECK_EQ(queue.check_invariants(), "");
    }
  }
}

LOCKSTEP_TEST("semantics/turn-2-bits mutant: after two laps every push is "
              "refused, on an empty ring") {
  Queue<lockstep::MpmcTurn2Bits> queue(1);
  for (std::int64_t v : {1, 2}) {
    CHECK(queue.try_push(v));
    CHECK_EQ(*queue.try_pop(), v);
  }
  // Slot 0 should now wait for lap 2's producer (turn 4); it holds 4 & 3.
  for (int attempt = 0; attempt < 1000; ++attempt)
    CHECK(!queue.try_push(3));
  CHECK(!queue.try_pop().has_value());
  CHECK_EQ(queue.check_invariants(),
           "mpmc queue: slot 0 has turn 0, expected 4");
}

LOCKSTEP_TEST("semantics/bad capacities throw") {
  CHECK_THROWS(Queue<NoMpmcBugs> q(0), std::invalid_argument);
  CHECK_THROWS(Queue<NoMpmcBugs> q((std::size_t{1} << 32) + 1),
               std::invalid_argument);
}

LOCKSTEP_TEST("stress/2 producers x 2 consumers, ring of 8, 1M items") {
  CHECK_EQ(stress_two_by_two<NoMpmcBugs>(1'000'000, 8), "");
}

LOCKSTEP_TEST("mutant/lap-dropped under stress") {
  CHECK_EQ(stress_two_by_two<lockstep::MpmcLapDropped>(1'000'000, 2), "");
}

namespace {
// A producer writes a plain (non-atomic) payload, then pushes its index;
// the consumer pops the index and reads the payload. The queue's release
// (the turn store) and acquire (the turn load) order the two: without
// them it is a data race, which ThreadSanitizer reports although x86
// never shows it (native/tests/tsan.sh runs the mutant and requires the
// report).
template <class Bugs> std::string payload_handover(std::int64_t items) {
  Queue<Bugs> queue(4);
  std::vector<std::int64_t> payload(static_cast<std::size_t>(items));
  std::int64_t wrong = 0;
  lockstep::test::run_threads(2, [&](int me) {
    if (me == 0) {
      for (std::int64_t i = 0; i < items; ++i) {
        payload[static_cast<std::size_t>(i)] = 3 * i + 1; // plain write
        while (!queue.try_push(i)) {
        }
      }
      return;
    }
    for (std::int64_t got = 0; got < items;) {
      if (const auto i = queue.try_pop()) {
        if (payload[static_cast<std::size_t>(*i)] != 3 * *i + 1) ++wrong;
        ++got;
      }
    }
  });
  return wrong == 0 ? "" : std::to_string(wrong) + " payloads read wrong";
}
} // namespace

LOCKSTEP_TEST("stress/a plain payload handed over through the queue") {
  CHECK_EQ(payload_handover<NoMpmcBugs>(100'000), "");
}

LOCKSTEP_TEST("mutant/relaxed-turn-store: the payload read races its write") {
  CHECK_EQ(payload_handover<lockstep::MpmcRelaxedTurnStore>(100'000), "");
}
