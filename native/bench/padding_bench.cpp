// padding_bench.cpp — what false sharing costs, and what CachePadded buys:
// ns per increment, timed here, one JSON line per measurement on stdout
// (the shape bench/native.ts reads: workload, subject, trial, ns).
//
// Two threads, pinned to CPUs 0 and 1 when this process may use them,
// each increment their own counter 10,000,000 times:
//   counters  the two counters packed side by side (one cache line:
//             every increment takes the line from the other core), 64 B
//             apart (adjacent lines: x86's spatial prefetcher still pairs
//             them), and each in a CachePadded (128 B, a line pair of its
//             own), with a relaxed fetch_add (a locked RMW) and with a
//             plain load + store of the atomic (what a single writer
//             does, e.g. a deque's bottom)
//   mpmc queue 1p1c  the same MpmcQueue built with each layout policy:
//             Padded (every slot and both ticket counters on lines of
//             their own, the default) and Packed (16-byte slots side by
//             side, the counters adjacent); one producer on CPU 0 hands
//             1,000,000 items to one consumer on CPU 1 (ns per item)
// The "peer" is the packed layout: bench/native.ts reports each figure as
// a ratio against the best packed one, so the padded rows read as the
// speed-up padding gives.
//
//   padding_bench [--trials N] [--smoke]
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/cache_padded.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/topology.hpp"

namespace {

// Two counters `Gap` bytes apart (8: side by side), the first at the
// start of a line pair.
template <std::size_t Gap> struct alignas(lockstep::kCacheLineSize) Pair {
  static_assert(Gap % 8 == 0 && sizeof(std::atomic<std::uint64_t>) == 8);
  std::atomic<std::uint64_t> words[Gap / 8 + 1] = {};
  std::atomic<std::uint64_t>& a() { return words[0]; }
  std::atomic<std::uint64_t>& b() { return words[Gap / 8]; }
};

struct PaddedPair {
  lockstep::CachePadded<std::atomic<std::uint64_t>> first{std::in_place, 0};
  lockstep::CachePadded<std::atomic<std::uint64_t>> second{std::in_place, 0};
  std::atomic<std::uint64_t>& a() { return *first; }
  std::atomic<std::uint64_t>& b() { return *second; }
};

enum class Op { kRmw, kStore };

template <Op op> void bump(std::atomic<std::uint64_t>& c, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    if constexpr (op == Op::kRmw) {
      c.fetch_add(1, std::memory_order_relaxed);
    } else {
      c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
  }
}

// ns per increment, both threads counting at once.
template <class P, Op op> double run(std::uint64_t n) {
  auto pair = std::make_unique<P>();
  return lockstep::bench::timed_pair(
             [&](int k) { bump<op>(k == 0 ? pair->a() : pair->b(), n); }) /
         static_cast<double>(n);
}

// ns per item through a 1,024-slot MpmcQueue with layout L, producer and
// consumer pinned to CPUs 0 and 1.
template <class L> double queue_1p1c(std::uint64_t n) {
  auto q =
      std::make_unique<lockstep::MpmcQueue<std::uint64_t, lockstep::StdSync,
                                           lockstep::NoMpmcBugs, L>>(1024);
  std::uint64_t sum = 0;
  const double ns = lockstep::bench::timed_pair([&](int k) {
    for (std::uint64_t i = 0; i < n; ++i) {
      if (k == 0) {
        while (!q->try_push(i))
          lockstep::StdSync::spin_hint();
        continue;
      }
      std::optional<std::uint64_t> v;
      while (!(v = q->try_pop()))
        lockstep::StdSync::spin_hint();
      sum += *v;
    }
  });
  if (sum != n * (n - 1) / 2) {
    std::fprintf(stderr, "padding_bench: the queue lost or duplicated items\n");
    std::exit(1);
  }
  return ns / static_cast<double>(n);
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t n);
};

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "padding_bench");
  if (!flags) return 2;
  const std::vector<Measurement> all = {
      {"counters fetch_add", "packed (same line)", &run<Pair<8>, Op::kRmw>},
      {"counters fetch_add", "packed (64 B apart)", &run<Pair<64>, Op::kRmw>},
      {"counters fetch_add", "lockstep CachePadded (128 B)",
       &run<PaddedPair, Op::kRmw>},
      {"counters store", "packed (same line)", &run<Pair<8>, Op::kStore>},
      {"counters store", "packed (64 B apart)", &run<Pair<64>, Op::kStore>},
      {"counters store", "lockstep CachePadded (128 B)",
       &run<PaddedPair, Op::kStore>},
      {"mpmc queue 1p1c", "packed (Packed layout)",
       &queue_1p1c<lockstep::Packed>},
      {"mpmc queue 1p1c", "lockstep mpmc (Padded layout)",
       &queue_1p1c<lockstep::Padded>},
  };
  const std::uint64_t n = flags->smoke ? 100'000 : 10'000'000;
  lockstep::bench::run_trials(all, *flags,
                              [n](const Measurement& m) { return m.run(n); });
  return 0;
}
