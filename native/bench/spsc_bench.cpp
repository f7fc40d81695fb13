// spsc_bench.cpp — lockstep's SPSC ring against the single-producer
// single-consumer queues a user would pick instead, in one run: ns per
// item streamed from one pinned producer to one pinned consumer, timed
// here, one JSON line per measurement (the shape bench/native.ts reads).
//
// Subjects (each bounded to 1,024 items):
//   lockstep spsc                  SpscRing: try_push / try_pop
//   lockstep mpmc                  MpmcQueue (Vyukov), for reference: what
//                                  the SPSC ring saves over a CAS per item
//   boost::lockfree::spsc_queue    compile-time capacity, push / pop
//                                  (libboost-dev)
//   moodycamel::ReaderWriterQueue  try_enqueue / try_dequeue, which never
//                                  allocate (libreaderwriterqueue-dev)
// Workloads: 1p1c (one item per operation) and 1p1c-bulk (batches of up
// to 64 items per operation each side, one publication per batch; only
// the queues that have a bulk operation: the SPSC ring's try_push_bulk /
// try_pop_bulk, boost's push(const T*, n) / pop(T*, n)). The producer
// pushes 1,000,000 distinct values (the smoke run: 10,000), the consumer
// pops them all; threads pinned to the first two CPUs this process may
// use; a full or empty queue is retried with a pause. The consumer's sum
// is checked, so a queue that loses or duplicates an item fails the run
// (exit 1) instead of reporting a time.
//
//   spsc_bench [--trials N] [--smoke]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/spsc_ring.hpp"
#include "lockstep/std_sync.hpp"

#if defined(LOCKSTEP_BENCH_BOOST)
#include <boost/lockfree/spsc_queue.hpp>
#endif
#if defined(LOCKSTEP_BENCH_READERWRITERQUEUE)
#include <readerwriterqueue/readerwriterqueue.h>
#endif

namespace {

constexpr std::size_t kCapacity = 1024;
constexpr std::size_t kBatch = 64;

// Each adapter: a fresh queue per measurement; push / pop one item, and
// push_bulk / pop_bulk (how many moved) where the queue has them.
struct LockstepSpsc {
  lockstep::SpscRing<std::uint64_t> ring{kCapacity};
  lockstep::SpscRing<std::uint64_t>::Producer in = ring.producer();
  lockstep::SpscRing<std::uint64_t>::Consumer out = ring.consumer();
  bool push(std::uint64_t v) { return in.try_push(v); }
  bool pop(std::uint64_t& v) {
    const std::optional<std::uint64_t> got = out.try_pop();
    if (got) v = *got;
    return got.has_value();
  }
  std::size_t push_bulk(const std::uint64_t* items, std::size_t n) {
    return in.try_push_bulk(items, n);
  }
  std::size_t pop_bulk(std::uint64_t* items, std::size_t n) {
    return out.try_pop_bulk(items, n);
  }
};

struct LockstepMpmc {
  lockstep::MpmcQueue<std::uint64_t> q{kCapacity};
  bool push(std::uint64_t v) { return q.try_push(v); }
  bool pop(std::uint64_t& v) {
    const std::optional<std::uint64_t> got = q.try_pop();
    if (got) v = *got;
    return got.has_value();
  }
};

#if defined(LOCKSTEP_BENCH_BOOST)
struct BoostSpsc {
  boost::lockfree::spsc_queue<std::uint64_t,
                              boost::lockfree::capacity<kCapacity>>
      q;
  bool push(std::uint64_t v) { return q.push(v); }
  bool pop(std::uint64_t& v) { return q.pop(v); }
  std::size_t push_bulk(const std::uint64_t* items, std::size_t n) {
    return q.push(items, n);
  }
  std::size_t pop_bulk(std::uint64_t* items, std::size_t n) {
    return q.pop(items, n);
  }
};
#endif

#if defined(LOCKSTEP_BENCH_READERWRITERQUEUE)
struct MoodycamelRwq {
  // Room for 1,024 taken now; try_enqueue never allocates.
  moodycamel::ReaderWriterQueue<std::uint64_t> q{kCapacity};
  bool push(std::uint64_t v) { return q.try_enqueue(v); }
  bool pop(std::uint64_t& v) { return q.try_dequeue(v); }
};
#endif

// Ends the run when the consumer's sum of 0..items-1 is wrong.
void check_sum(std::uint64_t sum, std::uint64_t items) {
  if (sum != items * (items - 1) / 2) {
    std::fprintf(stderr, "spsc_bench: items lost or duplicated\n");
    std::exit(1);
  }
}

// ns per item, one at a time.
template <class Queue> double stream(std::uint64_t items) {
  auto queue = std::make_unique<Queue>();
  std::uint64_t sum = 0;
  const double ns = lockstep::bench::timed_pair([&](int k) {
    if (k == 0) {
      for (std::uint64_t v = 0; v < items; ++v)
        while (!queue->push(v))
          lockstep::StdSync::spin_hint();
      return;
    }
    std::uint64_t mine = 0, v = 0;
    for (std::uint64_t n = 0; n < items; ++n) {
      while (!queue->pop(v))
        lockstep::StdSync::spin_hint();
      mine += v;
    }
    sum = mine;
  });
  check_sum(sum, items);
  return ns / static_cast<double>(items);
}

// ns per item, in batches of up to kBatch each side.
template <class Queue> double stream_bulk(std::uint64_t items) {
  auto queue = std::make_unique<Queue>();
  std::uint64_t sum = 0;
  const double ns = lockstep::bench::timed_pair([&](int k) {
    std::uint64_t batch[kBatch];
    if (k == 0) {
      for (std::uint64_t v = 0; v < items;) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kBatch, items - v));
        for (std::size_t i = 0; i < want; ++i)
          batch[i] = v + i;
        std::size_t done = 0;
        while (done < want) {
          const std::size_t moved = queue->push_bulk(batch + done, want - done);
          if (moved == 0) lockstep::StdSync::spin_hint();
          done += moved;
        }
        v += want;
      }
      return;
    }
    std::uint64_t mine = 0;
    for (std::uint64_t n = 0; n < items;) {
      const std::size_t got = queue->pop_bulk(batch, kBatch);
      if (got == 0) lockstep::StdSync::spin_hint();
      for (std::size_t i = 0; i < got; ++i)
        mine += batch[i];
      n += got;
    }
    sum = mine;
  });
  check_sum(sum, items);
  return ns / static_cast<double>(items);
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t items);
};

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "spsc_bench");
  if (!flags) return 2;
  std::vector<Measurement> all = {
      {"1p1c", "lockstep spsc", stream<LockstepSpsc>},
      {"1p1c", "lockstep mpmc", stream<LockstepMpmc>},
      {"1p1c-bulk", "lockstep spsc", stream_bulk<LockstepSpsc>},
  };
#if defined(LOCKSTEP_BENCH_BOOST)
  all.push_back({"1p1c", "boost::lockfree::spsc_queue", stream<BoostSpsc>});
  all.push_back(
      {"1p1c-bulk", "boost::lockfree::spsc_queue", stream_bulk<BoostSpsc>});
#else
  lockstep::bench::print_skipped("boost::lockfree::spsc_queue", "libboost-dev");
#endif
#if defined(LOCKSTEP_BENCH_READERWRITERQUEUE)
  all.push_back(
      {"1p1c", "moodycamel::ReaderWriterQueue", stream<MoodycamelRwq>});
#else
  lockstep::bench::print_skipped("moodycamel::ReaderWriterQueue",
                                 "libreaderwriterqueue-dev");
#endif
  const std::uint64_t items = flags->smoke ? 10'000 : 1'000'000;
  lockstep::bench::run_trials(
      all, *flags, [items](const Measurement& m) { return m.run(items); });
  return 0;
}
