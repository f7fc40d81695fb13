// pingpong_bench.cpp — the core-to-core limit: two threads pinned to two
// CPUs hand one token back and forth; ns per one-way hand-off (half a
// round trip), timed here, one JSON line per measurement (bench/native.ts).
//
// Subjects:
//   cache line (the machine's limit)  one atomic word: each side waits to
//                                     see the other's value, then writes
//                                     its own; nothing a queue can beat
//   lockstep mpmc                     two MpmcQueues, one per direction
//   std::mutex + std::deque           two locked deques, one per direction
// 200,000 round trips a measurement (the smoke run: 2,000). With fewer
// than two CPUs the threads are not pinned (and the figure means little).
//
//   pingpong_bench [--trials N] [--smoke]
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/cache_padded.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/topology.hpp"

namespace {

// ns per one-way trip: two pinned threads, `rounds` round trips.
template <class Side> double timed(std::uint64_t rounds, Side side) {
  return lockstep::bench::timed_pair(side) / static_cast<double>(2 * rounds);
}

double cache_line(std::uint64_t rounds) {
  lockstep::CachePadded<std::atomic<std::uint64_t>> word{};
  return timed(rounds, [&](int k) {
    // Side 0 writes odd values, side 1 even ones; each waits for its turn.
    for (std::uint64_t i = 0; i < rounds; ++i) {
      const std::uint64_t mine = 2 * i + 1 + static_cast<std::uint64_t>(k);
      while (word->load(std::memory_order_acquire) != mine - 1) {
        // No pause: the fastest a waiting core can notice the line.
      }
      word->store(mine, std::memory_order_release);
    }
  });
}

// Two queues, one per direction: side 0 sends i and waits for it back.
template <class Queue> double two_queues(std::uint64_t rounds) {
  Queue there, back;
  return timed(rounds, [&](int k) {
    Queue& in = k == 0 ? back : there;
    Queue& out = k == 0 ? there : back;
    for (std::uint64_t i = 0; i < rounds; ++i) {
      if (k == 0) out.push(i);
      std::uint64_t got = 0;
      while (!in.pop(got))
        lockstep::StdSync::spin_hint();
      if (k == 1) out.push(got);
    }
  });
}

struct MpmcPair {
  lockstep::MpmcQueue<std::uint64_t> q{64};
  void push(std::uint64_t v) {
    while (!q.try_push(v))
      lockstep::StdSync::spin_hint();
  }
  bool pop(std::uint64_t& v) {
    std::optional<std::uint64_t> got = q.try_pop();
    if (got) v = *got;
    return got.has_value();
  }
};

struct MutexPair {
  std::mutex m;
  std::deque<std::uint64_t> q;
  void push(std::uint64_t v) {
    std::lock_guard<std::mutex> g(m);
    q.push_back(v);
  }
  bool pop(std::uint64_t& v) {
    std::lock_guard<std::mutex> g(m);
    if (q.empty()) return false;
    v = q.front();
    q.pop_front();
    return true;
  }
};

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t);
};

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "pingpong_bench");
  if (!flags) return 2;
  const std::uint64_t rounds = flags->smoke ? 2'000 : 200'000;
  const char* w = "one-way hand-off, CPU to CPU";
  lockstep::bench::run_trials(
      std::vector<Measurement>{
          {w, "cache line (the machine's limit)", cache_line},
          {w, "lockstep mpmc", two_queues<MpmcPair>},
          {w, "std::mutex + std::deque", two_queues<MutexPair>}},
      *flags, [rounds](const Measurement& m) { return m.run(rounds); });
  return 0;
}
