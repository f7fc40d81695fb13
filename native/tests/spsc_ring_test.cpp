// spsc_ring_test.cpp — the SPSC ring's single-threaded semantics (every
// op, full, empty, wrap-around, bulk, the handles) and real-thread stress
// runs (1,000,000 items, single and bulk ops, FIFO, nothing lost or
// taken twice), under ASan and UBSan, and under TSan (tsan.sh). "mutant/"
// cases run seeded bugs (expected to FAIL).
#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "lockstep/spsc_ring.hpp"
#include "stress.hpp"

using lockstep::NoSpscBugs;

namespace {

template <class Bugs>
using Ring = lockstep::SpscRing<std::int64_t, lockstep::StdSync, Bugs>;

// The producer pushes 0..items-1 (in batches of up to `batch` when
// batch > 1), the consumer pops (likewise) until it has them all. "" when
// the consumer saw exactly 0, 1, 2, ... in order.
template <class Bugs>
std::string stress_one_by_one(std::int64_t items, std::size_t capacity,
                              std::size_t batch) {
  constexpr std::int64_t kGiveUp = 100'000'000;
  Ring<Bugs> ring(capacity);
  std::vector<std::vector<std::int64_t>> taken(1);
  taken[0].reserve(static_cast<std::size_t>(items));
  lockstep::test::run_threads(2, [&](int me) {
    if (me == 0) {
      auto producer = ring.producer();
      std::vector<std::int64_t> buffer(batch);
      for (std::int64_t v = 0, idle = 0; v < items && idle < kGiveUp;) {
        if (batch == 1) {
          if (producer.try_push(v)) {
            ++v;
            idle = 0;
          } else {
            ++idle;
          }
          continue;
        }
        // A batch of up to `batch` (fewer at the end, and of varying size).
        const std::size_t want = std::min<std::size_t>(
            1 + static_cast<std::size_t>(v) % batch,
            static_cast<std::size_t>(items - v));
        for (std::size_t i = 0; i < want; ++i)
          buffer[i] = v + static_cast<std::int64_t>(i);
        const std::size_t k = producer.try_push_bulk(buffer.data(), want);
        v += static_cast<std::int64_t>(k);
        idle = k == 0 ? idle + 1 : 0;
      }
      return;
    }
    auto consumer = ring.consumer();
    auto& mine = taken[0];
    std::vector<std::int64_t> buffer(batch);
    for (std::int64_t idle = 0;
         static_cast<std::int64_t>(mine.size()) < items && idle < kGiveUp;) {
      if (batch == 1) {
        if (const auto v = consumer.try_pop()) {
          mine.push_back(*v);
          idle = 0;
        } else {
          ++idle;
        }
        continue;
      }
      const std::size_t k = consumer.try_pop_bulk(buffer.data(), batch);
      mine.insert(mine.end(), buffer.begin(),
                  buffer.begin() + static_cast<std::ptrdiff_t>(k));
      idle = k == 0 ? idle + 1 : 0;
    }
  });
  return lockstep::test::first_broken(
      {lockstep::test::per_producer_fifo(taken, 1), ring.check_invariants(),
       lockstep::test::exactly_once(taken, items)});
}

// A producer writes a plain (non-atomic) payload, then pushes its index;
// the consumer pops the index and reads the payload. The ring's release
// (the tail store) and acquire (the tail load) order the two: without them
// it is a data race, which ThreadSanitizer reports although x86 never
// shows it.
template <class Bugs> std::string payload_handover(std::int64_t items) {
  Ring<Bugs> ring(4);
  std::vector<std::int64_t> payload(static_cast<std::size_t>(items));
  std::int64_t wrong = 0;
  lockstep::test::run_threads(2, [&](int me) {
    if (me == 0) {
      auto producer = ring.producer();
      for (std::int64_t i = 0; i < items; ++i) {
        payload[static_cast<std::size_t>(i)] = 3 * i + 1; // plain write
        while (!producer.try_push(i)) {
        }
      }
      return;
    }
    auto consumer = ring.consumer();
    for (std::int64_t got = 0; got < items;) {
      if (const auto i = consumer.try_pop()) {
        if (payload[static_cast<std::size_t>(*i)] != 3 * *i + 1) ++wrong;
        ++got;
      }
    }
  });
  return wrong == 0 ? "" : std::to_string(wrong) + " payloads read wrong";
}

} // namespace

LOCKSTEP_TEST("semantics/FIFO up to capacity, then full; empty when drained") {
  Ring<NoSpscBugs> ring(3);
  auto producer = ring.producer();
  auto consumer = ring.consumer();
  CHECK_EQ(ring.capacity(), 3u);
  CHECK(!consumer.try_pop().has_value());
  for (std::int64_t v : {10, 11, 12})
    CHECK(producer.try_push(v));
  CHECK(!producer.try_push(13));
  CHECK_EQ(ring.size_approx(), 3u);
  CHECK(ring.items_quiescent() == (std::vector<std::int64_t>{10, 11, 12}));
  CHECK_EQ(ring.check_invariants(), "");
  CHECK_EQ(*consumer.try_pop(), 10);
  CHECK(producer.try_push(13));
  CHECK(!producer.try_push(14));
  for (std::int64_t v : {11, 12, 13})
    CHECK_EQ(*consumer.try_pop(), v);
  CHECK(!consumer.try_pop().has_value());
  CHECK_EQ(ring.size_approx(), 0u);
  CHECK_EQ(ring.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/many laps around rings of 1, 2 and 5") {
  for (std::size_t capacity : {1u, 2u, 5u}) {
    Ring<NoSpscBugs> ring(capacity);
    auto producer = ring.producer();
    auto consumer = ring.consumer();
    std::int64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; ++round) {
      while (producer.try_push(next_in))
        ++next_in;
      CHECK_EQ(ring.size_approx(), capacity);
      const int take = 1 + round % static_cast<int>(capacity);
      for (int k = 0; k < take; ++k)
        CHECK_EQ(*consumer.try_pop(), next_out++);
      CHECK_EQ(ring.check_invariants(), "");
    }
  }
}

LOCKSTEP_TEST("semantics/bulk: up to n, what fits, oldest first, across the "
              "wrap") {
  Ring<NoSpscBugs> ring(5);
  auto producer = ring.producer();
  auto consumer = ring.consumer();
  std::array<std::int64_t, 8> in{1, 2, 3, 4, 5, 6, 7, 8};
  std::array<std::int64_t, 8> out{};
  CHECK_EQ(consumer.try_pop_bulk(out.data(), 8), 0u); // empty
  CHECK_EQ(producer.try_push_bulk(in.data(), 0), 0u); // nothing asked
  CHECK_EQ(producer.try_push_bulk(in.data(), 3), 3u);
  CHECK_EQ(producer.try_push_bulk(in.data() + 3, 5), 2u); // 2 fit
  CHECK_EQ(producer.try_push_bulk(in.data() + 5, 3), 0u); // full
  CHECK(!producer.try_push(99));
  CHECK_EQ(consumer.try_pop_bulk(out.data(), 2), 2u);
  CHECK_EQ(out[0], 1);
  CHECK_EQ(out[1], 2);
  CHECK_EQ(producer.try_push_bulk(in.data() + 5, 3), 2u); // 2 fit again
  CHECK(ring.items_quiescent() == (std::vector<std::int64_t>{3, 4, 5, 6, 7}));
  CHECK_EQ(consumer.try_pop_bulk(out.data(), 0), 0u); // nothing asked
  CHECK_EQ(*consumer.try_pop(), 3);
  CHECK_EQ(consumer.try_pop_bulk(out.data(), 8), 4u); // what there is
  CHECK((std::array<std::int64_t, 4>{out[0], out[1], out[2], out[3]}) ==
        (std::array<std::int64_t, 4>{4, 5, 6, 7}));
  CHECK_EQ(consumer.try_pop_bulk(out.data(), 8), 0u);
  CHECK_EQ(ring.check_invariants(), "");
  // A batch across the end of the slot array (4 slots): slots 3, 0, 1.
  {
    Ring<NoSpscBugs> four(4);
    auto in4 = four.producer();
    auto out4 = four.consumer();
    CHECK_EQ(in4.try_push_bulk(in.data(), 3), 3u);
    CHECK_EQ(out4.try_pop_bulk(out.data(), 3), 3u);
    CHECK_EQ(in4.try_push_bulk(in.data() + 3, 5), 4u);
    CHECK_EQ(out4.try_pop_bulk(out.data(), 8), 4u);
    CHECK((std::array<std::int64_t, 4>{out[0], out[1], out[2], out[3]}) ==
          (std::array<std::int64_t, 4>{4, 5, 6, 7}));
    CHECK_EQ(four.check_invariants(), "");
  }
  // Single and bulk ops mix: laps of a batch of 3 into a ring of 5 (8
  // slots), across the end of the array again and again.
  std::int64_t next_in = 100, next_out = 100;
  for (int round = 0; round < 500; ++round) {
    std::array<std::int64_t, 3> batch{next_in, next_in + 1, next_in + 2};
    next_in += static_cast<std::int64_t>(
        producer.try_push_bulk(batch.data(), batch.size()));
    if (producer.try_push(next_in)) ++next_in;
    const std::size_t k = consumer.try_pop_bulk(out.data(), 1 + round % 4);
    for (std::size_t i = 0; i < k; ++i)
      CHECK_EQ(out[i], next_out++);
    CHECK_EQ(ring.check_invariants(), "");
  }
}

LOCKSTEP_TEST("semantics/one producer and one consumer at a time") {
  Ring<NoSpscBugs> ring(2);
  {
    auto producer = ring.producer();
    CHECK_THROWS(ring.producer(), std::logic_error);
    auto moved = std::move(producer); // the role moves with the handle
    CHECK_THROWS(ring.producer(), std::logic_error);
    CHECK(moved.try_push(1));
  }
  auto producer = ring.producer(); // free again: the state carries over
  CHECK(producer.try_push(2));
  CHECK(!producer.try_push(3));
  {
    auto consumer = ring.consumer();
    CHECK_THROWS(ring.consumer(), std::logic_error);
    CHECK_EQ(*consumer.try_pop(), 1);
  }
  auto consumer = ring.consumer();
  CHECK_EQ(*consumer.try_pop(), 2);
  CHECK_EQ(ring.check_invariants(), "");
}

LOCKSTEP_TEST("semantics/bad capacities throw") {
  CHECK_THROWS(Ring<NoSpscBugs> r(0), std::invalid_argument);
  CHECK_THROWS(Ring<NoSpscBugs> r((std::size_t{1} << 32) + 1),
               std::invalid_argument);
}

LOCKSTEP_TEST("semantics/stale-cached-head mutant: after one lap the empty "
              "ring refuses every push") {
  Ring<lockstep::SpscStaleCachedHead> ring(2);
  auto producer = ring.producer();
  auto consumer = ring.consumer();
  for (std::int64_t v : {1, 2}) {
    CHECK(producer.try_push(v));
    CHECK_EQ(*consumer.try_pop(), v);
  }
  for (int attempt = 0; attempt < 1000; ++attempt)
    CHECK(!producer.try_push(3));
  CHECK_EQ(ring.size_approx(), 0u);
}

LOCKSTEP_TEST("semantics/full-off-by-one mutant: a full ring takes one more "
              "and loses its oldest item") {
  Ring<lockstep::SpscFullOffByOne> ring(2);
  auto producer = ring.producer();
  auto consumer = ring.consumer();
  for (std::int64_t v : {1, 2, 3})
    CHECK(producer.try_push(v)); // the third overwrites slot 0, item 1
  CHECK_EQ(ring.check_invariants(),
           "spsc ring: tail 3 and head 0 are not within one capacity (2)");
  CHECK_EQ(*consumer.try_pop(), 3); // should be 1
}

LOCKSTEP_TEST("stress/1 producer, 1 consumer, ring of 8, 1M items") {
  CHECK_EQ(stress_one_by_one<NoSpscBugs>(1'000'000, 8, 1), "");
}

LOCKSTEP_TEST("stress/bulk: batches of up to 16 each side, ring of 64, 1M "
              "items") {
  CHECK_EQ(stress_one_by_one<NoSpscBugs>(1'000'000, 64, 16), "");
}

// Batches larger than the ring: every one partial, most across the wrap
// (fewer items: a batch here moves 1 or 2, and TSan's run is the slow one).
LOCKSTEP_TEST("stress/bulk: batches of up to 5 each side, ring of 3, 250k "
              "items") {
  CHECK_EQ(stress_one_by_one<NoSpscBugs>(250'000, 3, 5), "");
}

LOCKSTEP_TEST("stress/a plain payload handed over through the ring") {
  CHECK_EQ(payload_handover<NoSpscBugs>(100'000), "");
}

LOCKSTEP_TEST("mutant/tail-before-slot under stress") {
  CHECK_EQ(stress_one_by_one<lockstep::SpscTailBeforeSlot>(1'000'000, 2, 1),
           "");
}

LOCKSTEP_TEST("mutant/full-off-by-one under stress") {
  CHECK_EQ(stress_one_by_one<lockstep::SpscFullOffByOne>(1'000'000, 8, 1), "");
}

LOCKSTEP_TEST("mutant/relaxed-tail-store: the payload read races its write") {
  CHECK_EQ(payload_handover<lockstep::SpscRelaxedTailStore>(100'000), "");
}
