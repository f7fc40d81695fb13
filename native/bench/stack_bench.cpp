// stack_bench.cpp — the ABA-safe tagged Treiber stack against the stacks a
// user would pick instead, in one run: ns per push + pop pair, timed here,
// one JSON line per measurement (bench/native.ts).
//
// Subjects (each holds 1,024 items):
//   lockstep tagged stack      TaggedStack (a tagged index CAS over a node
//                              pool; push and pop also move a node through
//                              its free list)
//   boost::lockfree::stack     capacity<1024>: a fixed-size node array with
//                              a tagged index (libboost-dev)
//   std::mutex + std::vector   one lock per operation
// Workloads: 1 thread (uncontended: the cost of the atomics alone) and 2
// threads (pinned to two CPUs, both pushing and popping the same stack).
// Each thread pushes then pops 1,000,000 times, alternating in runs of 8
// so the stack holds a few items; the values popped must sum to those
// pushed, or the run fails (exit 1).
//
//   stack_bench [--trials N] [--smoke]
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/tagged_stack.hpp"
#include "lockstep/topology.hpp"

#if defined(LOCKSTEP_BENCH_BOOST)
#include <boost/lockfree/stack.hpp>
#endif

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kCapacity = 1024;
constexpr int kRun = 8;

struct LockstepStack {
  lockstep::TaggedStack<std::uint64_t> s{kCapacity};
  bool push(std::uint64_t v) { return s.try_push(v); }
  bool pop(std::uint64_t& v) {
    const std::optional<std::uint64_t> got = s.try_pop();
    if (got) v = *got;
    return got.has_value();
  }
};

#if defined(LOCKSTEP_BENCH_BOOST)
struct BoostStack {
  boost::lockfree::stack<std::uint64_t, boost::lockfree::capacity<kCapacity>> s;
  bool push(std::uint64_t v) { return s.bounded_push(v); }
  bool pop(std::uint64_t& v) { return s.pop(v); }
};
#endif

struct MutexStack {
  std::mutex m;
  std::vector<std::uint64_t> s;
  MutexStack() { s.reserve(kCapacity); }
  bool push(std::uint64_t v) {
    std::lock_guard<std::mutex> g(m);
    if (s.size() == kCapacity) return false;
    s.push_back(v);
    return true;
  }
  bool pop(std::uint64_t& v) {
    std::lock_guard<std::mutex> g(m);
    if (s.empty()) return false;
    v = s.back();
    s.pop_back();
    return true;
  }
};

// ns per push + pop pair, `threads` threads, `pairs` pairs each.
template <class Stack> double pairs_per(int threads, std::uint64_t pairs) {
  auto stack = std::make_unique<Stack>();
  std::atomic<int> ready{0};
  std::atomic<std::uint64_t> pushed{0}, popped{0};
  std::vector<std::thread> all;
  Clock::time_point start;
  for (int t = 0; t < threads; ++t) {
    all.emplace_back([&, t] {
      lockstep::bench::pin_to(t);
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      if (t == 0) start = Clock::now();
      std::uint64_t in = 0, out = 0, v = 0;
      for (std::uint64_t i = 0; i < pairs; i += kRun) {
        for (int k = 0; k < kRun; ++k) {
          v = i + static_cast<std::uint64_t>(k) + 1;
          while (!stack->push(v))
            lockstep::StdSync::spin_hint();
          in += v;
        }
        for (int k = 0; k < kRun; ++k) {
          while (!stack->pop(v))
            lockstep::StdSync::spin_hint();
          out += v;
        }
      }
      pushed.fetch_add(in);
      popped.fetch_add(out);
    });
  }
  for (auto& t : all)
    t.join();
  const double ns =
      std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  if (pushed.load() != popped.load()) {
    std::fprintf(stderr, "stack_bench: items lost or duplicated\n");
    std::exit(1);
  }
  return ns / static_cast<double>(pairs);
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t pairs);
};

template <class Stack> void add(std::vector<Measurement>& all, const char* s) {
  all.push_back(
      {"1 thread", s, [](std::uint64_t p) { return pairs_per<Stack>(1, p); }});
  all.push_back(
      {"2 threads", s, [](std::uint64_t p) { return pairs_per<Stack>(2, p); }});
}

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "stack_bench");
  if (!flags) return 2;
  std::vector<Measurement> all;
  add<LockstepStack>(all, "lockstep tagged stack");
  add<MutexStack>(all, "std::mutex + std::vector");
#if defined(LOCKSTEP_BENCH_BOOST)
  add<BoostStack>(all, "boost::lockfree::stack");
#else
  lockstep::bench::print_skipped("boost::lockfree::stack", "libboost-dev");
#endif
  const std::uint64_t pairs = flags->smoke ? 8'000 : 1'000'000;
  lockstep::bench::run_trials(
      all, *flags, [pairs](const Measurement& m) { return m.run(pairs); });
  return 0;
}
