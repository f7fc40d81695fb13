// queue_bench.cpp — lockstep's bounded MPMC queue against the queues a
// user would pick instead, in one run: ns per item handed from producers
// to consumers, timed here, one JSON line per measurement on stdout (the
// shape bench/native.ts reads: workload, subject, trial, ns).
//
// Subjects (each bounded to 1,024 items where the queue can be bounded):
//   lockstep mpmc                  MpmcQueue (Vyukov, explicit laps)
//   lockstep mpsc                  MpscQueue (Vyukov's node-based MPSC over
//                                  a node pool), 2p1c only
//   boost::lockfree::queue         fixed_sized, bounded_push (libboost-dev)
//   moodycamel::ConcurrentQueue    try_enqueue / try_dequeue with producer
//                                  and consumer tokens, its fast path; room
//                                  for 1,024 per producer; not FIFO across
//                                  producers (libconcurrentqueue-dev)
//   tbb::concurrent_bounded_queue  try_push / try_pop, capacity 1,024
//                                  (libtbb-dev)
//   std::mutex + std::deque        one lock per item
//   batched mutex queue            one lock per 64 items each side
// Workloads: 1p1c (one producer, one consumer, pinned to CPUs 0 and 1
// when this process may use them), 2p1c (two producers, one consumer: the
// MPSC queue's case, where lockstep's MpscQueue joins) and 2p2c (two of
// each: on a 2-core
// machine four threads share two cores, so a spinning thread can hold a
// core its peer needs; a full or empty queue is retried 64 times with a
// pause, then the thread yields). Producers push 1,000,000 distinct values
// in all; the consumers' sum is checked, so a queue that loses or
// duplicates an item fails the run (exit 1) instead of reporting a time.
//
//   queue_bench [--trials N] [--smoke]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/mpsc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/topology.hpp"

#if defined(LOCKSTEP_BENCH_BOOST)
#include <boost/lockfree/queue.hpp>
#endif
#if defined(LOCKSTEP_BENCH_MOODYCAMEL)
#include <concurrentqueue/concurrentqueue.h>
#endif
#if defined(LOCKSTEP_BENCH_TBB)
#include <oneapi/tbb/concurrent_queue.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kCapacity = 1024;
constexpr std::size_t kBatch = 64;

// Retries a full or empty queue: a pause 64 times, then a yield (two
// cores, four threads: the one we wait for may need this core).
struct Backoff {
  int spins = 0;
  void wait() {
    if (++spins < 64) {
      lockstep::StdSync::spin_hint();
    } else {
      spins = 0;
      std::this_thread::yield();
    }
  }
};

// Each adapter: a fresh queue per measurement; producer() and consumer()
// give each thread its handle (tokens where the queue has them).
struct LockstepQueue {
  lockstep::MpmcQueue<std::uint64_t> q{kCapacity};
  struct End {
    LockstepQueue& s;
    bool push(std::uint64_t v) { return s.q.try_push(v); }
    bool pop(std::uint64_t& v) {
      const auto got = s.q.try_pop();
      if (got) v = *got;
      return got.has_value();
    }
    void flush() {}
  };
  End producer() { return {*this}; }
  End consumer() { return {*this}; }
};

// The MPSC queue: any number of producers, its one consumer's end.
struct LockstepMpsc {
  lockstep::MpscQueue<std::uint64_t> q{kCapacity};
  struct Producer {
    LockstepMpsc& s;
    bool push(std::uint64_t v) { return s.q.try_push(v); }
    void flush() {}
  };
  struct Consumer {
    lockstep::MpscQueue<std::uint64_t>::Consumer end;
    bool pop(std::uint64_t& v) {
      const lockstep::Take<std::uint64_t> got = end.pop();
      if (got.is_success()) v = got.value();
      return got.is_success();
    }
  };
  Producer producer() { return {*this}; }
  Consumer consumer() { return {q.consumer()}; }
};

#if defined(LOCKSTEP_BENCH_BOOST)
struct BoostQueue {
  boost::lockfree::queue<std::uint64_t, boost::lockfree::fixed_sized<true>> q{
      kCapacity};
  struct End {
    BoostQueue& s;
    bool push(std::uint64_t v) { return s.q.bounded_push(v); }
    bool pop(std::uint64_t& v) { return s.q.pop(v); }
    void flush() {}
  };
  End producer() { return {*this}; }
  End consumer() { return {*this}; }
};
#endif

#if defined(LOCKSTEP_BENCH_MOODYCAMEL)
struct MoodycamelQueue {
  // Blocks for 1,024 items per producer (2 at most); try_enqueue never
  // allocates.
  moodycamel::ConcurrentQueue<std::uint64_t> q{kCapacity, 2, 0};
  struct Producer {
    MoodycamelQueue& s;
    moodycamel::ProducerToken token{s.q};
    bool push(std::uint64_t v) { return s.q.try_enqueue(token, v); }
    void flush() {}
  };
  struct Consumer {
    MoodycamelQueue& s;
    moodycamel::ConsumerToken token{s.q};
    bool pop(std::uint64_t& v) { return s.q.try_dequeue(token, v); }
  };
  Producer producer() { return {*this}; }
  Consumer consumer() { return {*this}; }
};
#endif

#if defined(LOCKSTEP_BENCH_TBB)
struct TbbQueue {
  tbb::concurrent_bounded_queue<std::uint64_t> q;
  TbbQueue() { q.set_capacity(kCapacity); }
  struct End {
    TbbQueue& s;
    bool push(std::uint64_t v) { return s.q.try_push(v); }
    bool pop(std::uint64_t& v) { return s.q.try_pop(v); }
    void flush() {}
  };
  End producer() { return {*this}; }
  End consumer() { return {*this}; }
};
#endif

struct MutexQueue {
  std::mutex m;
  std::deque<std::uint64_t> q;
  struct End {
    MutexQueue& s;
    bool push(std::uint64_t v) {
      std::lock_guard<std::mutex> g(s.m);
      if (s.q.size() >= kCapacity) return false;
      s.q.push_back(v);
      return true;
    }
    bool pop(std::uint64_t& v) {
      std::lock_guard<std::mutex> g(s.m);
      if (s.q.empty()) return false;
      v = s.q.front();
      s.q.pop_front();
      return true;
    }
    void flush() {}
  };
  End producer() { return {*this}; }
  End consumer() { return {*this}; }
};

// The seed's batched-mutex architecture: each side moves up to 64 items
// per lock through a local buffer.
struct BatchedMutexQueue {
  std::mutex m;
  std::deque<std::uint64_t> q;
  struct Producer {
    BatchedMutexQueue& s;
    std::vector<std::uint64_t> batch{};
    bool push(std::uint64_t v) {
      if (batch.size() == kBatch && !flush_some()) return false;
      batch.push_back(v);
      return true;
    }
    bool flush_some() {
      std::lock_guard<std::mutex> g(s.m);
      const std::size_t room = kCapacity - std::min(kCapacity, s.q.size());
      const std::size_t n = std::min(room, batch.size());
      s.q.insert(s.q.end(), batch.begin(), batch.begin() + n);
      batch.erase(batch.begin(), batch.begin() + n);
      return n > 0;
    }
    void flush() {
      for (Backoff b; !batch.empty(); b.wait())
        flush_some();
    }
  };
  struct Consumer {
    BatchedMutexQueue& s;
    std::vector<std::uint64_t> batch{};
    std::size_t next = 0;
    bool pop(std::uint64_t& v) {
      if (next == batch.size()) {
        batch.clear();
        next = 0;
        std::lock_guard<std::mutex> g(s.m);
        const std::size_t n = std::min(kBatch, s.q.size());
        batch.assign(s.q.begin(), s.q.begin() + n);
        s.q.erase(s.q.begin(), s.q.begin() + n);
        if (n == 0) return false;
      }
      v = batch[next++];
      return true;
    }
  };
  Producer producer() { return {*this, {}}; }
  Consumer consumer() { return {*this, {}, 0}; }
};

// ns per item: `producers` threads push items/producers distinct values
// each, `consumers` threads pop until all are taken; exits 1 when the
// consumers' sum is not the producers'.
template <class Queue>
double transfer(int producers, int consumers, std::uint64_t items) {
  auto queue = std::make_unique<Queue>();
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> taken{0}, sum{0};
  std::vector<std::thread> threads;
  const int n = producers + consumers;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      lockstep::bench::pin_to(t % 2);
      if (t < producers) {
        // Each producer's first item goes in before the clock starts:
        // moodycamel's producer takes its first block from the shared
        // pool then, before another can take them all (try_enqueue never
        // allocates; blocks stay in their producer's ring).
        auto end = queue->producer();
        auto v = static_cast<std::uint64_t>(t);
        for (Backoff b; !end.push(v); b.wait()) {
        }
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) {
        }
        for (v += static_cast<std::uint64_t>(producers); v < items;
             v += static_cast<std::uint64_t>(producers)) {
          for (Backoff b; !end.push(v); b.wait()) {
          }
        }
        end.flush();
        return;
      }
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      auto end = queue->consumer();
      std::uint64_t mine = 0, count = 0, v = 0;
      for (Backoff b; taken.load(std::memory_order_relaxed) < items;) {
        if (end.pop(v)) {
          mine += v;
          ++count;
          taken.fetch_add(1, std::memory_order_relaxed);
        } else {
          b.wait();
        }
      }
      sum.fetch_add(mine);
    });
  }
  while (ready.load() < n) {
  }
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  for (auto& t : threads)
    t.join();
  const double ns =
      std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  if (sum.load() != items * (items - 1) / 2) {
    std::fprintf(stderr, "queue_bench: items lost or duplicated\n");
    std::exit(1);
  }
  return ns / static_cast<double>(items);
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t items);
};

template <class Queue, int Producers, int Consumers>
double transfer_items(std::uint64_t items) {
  return transfer<Queue>(Producers, Consumers, items);
}

// The measurement of `Queue` for a workload: 1p1c, 2p2c, or 2p1c.
template <class Queue>
Measurement make(const char* workload, const char* subject) {
  if (std::strcmp(workload, "1p1c") == 0)
    return {workload, subject, transfer_items<Queue, 1, 1>};
  if (std::strcmp(workload, "2p1c") == 0)
    return {workload, subject, transfer_items<Queue, 2, 1>};
  return {workload, subject, transfer_items<Queue, 2, 2>};
}

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "queue_bench");
  if (!flags) return 2;
  std::vector<Measurement> all;
  for (const char* w : {"1p1c", "2p2c", "2p1c"}) {
    if (std::strcmp(w, "2p1c") == 0)
      all.push_back(make<LockstepMpsc>(w, "lockstep mpsc"));
    all.push_back(make<LockstepQueue>(w, "lockstep mpmc"));
    all.push_back(make<MutexQueue>(w, "std::mutex + std::deque"));
    all.push_back(make<BatchedMutexQueue>(w, "batched mutex queue"));
#if defined(LOCKSTEP_BENCH_BOOST)
    all.push_back(make<BoostQueue>(w, "boost::lockfree::queue"));
#endif
#if defined(LOCKSTEP_BENCH_MOODYCAMEL)
    all.push_back(make<MoodycamelQueue>(w, "moodycamel::ConcurrentQueue"));
#endif
#if defined(LOCKSTEP_BENCH_TBB)
    all.push_back(make<TbbQueue>(w, "tbb::concurrent_bounded_queue"));
#endif
  }
#if !defined(LOCKSTEP_BENCH_BOOST)
  lockstep::bench::print_skipped("boost::lockfree::queue", "libboost-dev");
#endif
#if !defined(LOCKSTEP_BENCH_MOODYCAMEL)
  lockstep::bench::print_skipped("moodycamel::ConcurrentQueue",
                                 "libconcurrentqueue-dev");
#endif
#if !defined(LOCKSTEP_BENCH_TBB)
  lockstep::bench::print_skipped("tbb::concurrent_bounded_queue", "libtbb-dev");
#endif
  const std::uint64_t items = flags->smoke ? 10'000 : 1'000'000;
  lockstep::bench::run_trials(
      all, *flags, [items](const Measurement& m) { return m.run(items); });
  return 0;
}
