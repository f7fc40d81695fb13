// mpsc_queue_test.cpp — the MPSC queue's single-threaded semantics and a
// real-thread stress run (2 producers into 1 consumer), under ASan and
// UBSan. "mutant/" cases run seeded bugs (expected to FAIL).
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "lockstep/mpsc_queue.hpp"
#include "stress.hpp"

using lockstep::MpscQueue;
using lockstep::NoMpscBugs;

namespace {

template <class Bugs>
using Queue = MpscQueue<std::int64_t, lockstep::StdSync, Bugs>;

// Fills and drains a queue of 4 for `rounds` rounds, so that every node is
// recycled many times. "" when FIFO held and nothing was lost or repeated.
template <class Bugs> std::string recycle_rounds(int rounds) {
  Queue<Bugs> queue(4);
  auto consumer = queue.consumer();
  std::int64_t next_in = 0, next_out = 0;
  for (int round = 0; round < rounds; ++round) {
    const int fill = 1 + round % 4;
    for (int k = 0; k < fill; ++k) {
      if (!queue.try_push(next_in++)) return "push failed below capacity";
    }
    for (;;) {
      const auto t = consumer.pop();
      if (t.is_empty()) break;
      if (!t.is_success()) return "a solo consumer got Retry";
      if (t.value() != next_out) {
        return "popped " + std::to_string(t.value()) + ", expected " +
               std::to_string(next_out);
      }
      ++next_out;
    }
  }
  if (next_out != next_in) return "items lost";
  return queue.check_invariants();
}

template <class Bugs>
std::string stress_two_into_one(std::int64_t items, std::size_t capacity) {
  constexpr int kProducers = 2;
  Queue<Bugs> queue(capacity);
  std::vector<std::vector<std::int64_t>> taken(1);
  lockstep::test::run_threads(kProducers + 1, [&](int me) {
    if (me < kProducers) {
      for (std::int64_t v = me; v < items; v += kProducers) {
        while (!queue.try_push(v))
          lockstep::StdSync::spin_hint();
      }
      return;
    }
    auto consumer = queue.consumer();
    // Stops after `items` pops, or after many fruitless ones (a bug lost
    // items); exactly_once then says what is missing.
    std::int64_t idle = 0;
    while (static_cast<std::int64_t>(taken[0].size()) < items &&
           idle < 100'000'000) {
      const auto t = consumer.pop();
      if (t.is_success()) {
        taken[0].push_back(t.value());
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

LOCKSTEP_TEST("semantics/FIFO, full at capacity, empty when drained") {
  Queue<NoMpscBugs> queue(2);
  auto consumer = queue.consumer();
  CHECK(consumer.pop().is_empty());
  CHECK(queue.try_push(1));
  CHECK(queue.try_push(2));
  CHECK(!queue.try_push(3));
  CHECK_EQ(queue.check_invariants(), "");
  CHECK_EQ(consumer.pop().value(), 1);
  CHECK(queue.try_push(3));
  CHECK_EQ(consumer.pop().value(), 2);
  CHECK_EQ(consumer.pop().value(), 3);
  CHECK(consumer.pop().is_empty());
  CHECK_EQ(queue.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/nodes are recycled without loss") {
  CHECK_EQ(recycle_rounds<NoMpscBugs>(1000), "");
}

LOCKSTEP_TEST("semantics/the recycle check catches stale-next-on-reuse") {
  CHECK(recycle_rounds<lockstep::MpscStaleNextOnReuse>(1000) != "");
}

LOCKSTEP_TEST("semantics/one consumer at a time") {
  Queue<NoMpscBugs> queue(2);
  {
    auto first = queue.consumer();
    CHECK_THROWS(auto second = queue.consumer(), std::logic_error);
  }
  auto again = queue.consumer();
  CHECK(again.pop().is_empty());
}

LOCKSTEP_TEST("semantics/bad capacities throw") {
  CHECK_THROWS(Queue<NoMpscBugs> q(0), std::invalid_argument);
}

LOCKSTEP_TEST("stress/2 producers into 1 consumer, 64 nodes, 1M items") {
  CHECK_EQ(stress_two_into_one<NoMpscBugs>(1'000'000, 64), "");
}
