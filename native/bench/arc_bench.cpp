// arc_bench.cpp — lockstep's reference count against std::shared_ptr, in
// one run: ns per clone + drop (copy + destroy) of a handle to an object
// that stays alive, and per make + drop of a short-lived one; timed here,
// one JSON line per measurement (bench/native.ts).
//
// Subjects:
//   lockstep arc       Arc: clone fetch_add relaxed, drop fetch_sub
//                      release (+ an acquire fence on the last drop);
//                      made with make_in from a BlockPool of control blocks
//   lockstep arc (malloc)  make+drop only: Arc::make, the block from
//                      operator new, to tell the pool's cost from the
//                      count's
//   std::shared_ptr    libstdc++'s: made with std::make_shared (malloc)
// Workloads:
//   clone+drop, 1 thread    copy 8 handles from one kept alive, then drop
//                           them (a request taking its tensors' handles),
//                           2,000,000 times (16 M pairs)
//   clone+drop, 2 threads   the same on two pinned threads, one object, its
//                           count's cache line moving between the cores
//                           (500,000 rounds each)
//   make+drop, 1 thread     make an object and drop its one handle (the
//                           last drop: destructor, block given back),
//                           4,000,000 times
// The objects are 64-byte tensor headers; every handle's shape is read, so
// no copy is dead; a wrong read fails the run (exit 1).
//
//   arc_bench [--trials N] [--smoke]
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/arc.hpp"
#include "lockstep/block_pool.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kHeld = 8; // handles a round holds at once

struct Tensor {
  std::int64_t shape[4];
  std::int64_t strides[4];
};

struct LockstepArc {
  using Handle = lockstep::Arc<Tensor>;
  static constexpr std::size_t kBlocks = 64;
  std::vector<std::byte> memory =
      std::vector<std::byte>(kBlocks * 256 + Handle::kBlockAlign);
  lockstep::BlockPool<> pool{memory.data(), memory.size(), Handle::kBlockSize,
                             Handle::kBlockAlign};
  Handle make(std::int64_t n) {
    return Handle::make_in(pool, Tensor{{n, 2, 3, 4}, {24, 12, 4, 1}});
  }
};

struct LockstepArcHeap {
  using Handle = lockstep::Arc<Tensor>;
  Handle make(std::int64_t n) {
    return Handle::make(Tensor{{n, 2, 3, 4}, {24, 12, 4, 1}});
  }
};

struct StdShared {
  using Handle = std::shared_ptr<Tensor>;
  Handle make(std::int64_t n) {
    return std::make_shared<Tensor>(Tensor{{n, 2, 3, 4}, {24, 12, 4, 1}});
  }
};

void check(bool ok) {
  if (!ok) {
    std::fprintf(stderr, "arc_bench: a handle read the wrong object\n");
    std::exit(1);
  }
}

// `rounds` rounds of kHeld clones of `kept`, then their drops; the sum of
// the shapes read.
template <class Subject>
std::int64_t clone_rounds(const typename Subject::Handle& kept,
                          std::uint64_t rounds) {
  std::int64_t sum = 0;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    typename Subject::Handle held[kHeld];
    for (auto& h : held)
      h = kept; // clone
    for (const auto& h : held)
      sum += h->shape[3];
  } // drops
  return sum;
}

// ns per clone + drop pair, on `threads` pinned threads, one object.
template <class Subject> double clone_drop(int threads, std::uint64_t rounds) {
  Subject subject;
  const typename Subject::Handle kept = subject.make(1);
  std::atomic<int> ready{0};
  std::atomic<std::int64_t> sum{0};
  Clock::time_point start;
  std::vector<std::thread> all;
  for (int t = 0; t < threads; ++t) {
    all.emplace_back([&, t] {
      lockstep::bench::pin_to(t);
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      if (t == 0) start = Clock::now();
      sum.fetch_add(clone_rounds<Subject>(kept, rounds));
    });
  }
  for (auto& t : all)
    t.join();
  const double ns =
      std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  check(sum.load() == static_cast<std::int64_t>(4 * kHeld * rounds) * threads);
  return ns / static_cast<double>(rounds * kHeld);
}

// ns per make + drop, one thread.
template <class Subject> double make_drop(std::uint64_t objects) {
  Subject subject;
  std::int64_t sum = 0;
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < objects; ++i) {
    const typename Subject::Handle h =
        subject.make(static_cast<std::int64_t>(i));
    sum += h->shape[0];
  }
  const double ns =
      std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  const auto n = static_cast<std::int64_t>(objects);
  check(sum == n * (n - 1) / 2);
  return ns / static_cast<double>(objects);
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t n);
};

template <class Subject>
void add(std::vector<Measurement>& all, const char* name) {
  all.push_back({"clone+drop, 1 thread", name,
                 [](std::uint64_t n) { return clone_drop<Subject>(1, n); }});
  all.push_back({"clone+drop, 2 threads", name, [](std::uint64_t n) {
                   return clone_drop<Subject>(2, n / 4);
                 }});
  all.push_back({"make+drop, 1 thread", name,
                 [](std::uint64_t n) { return make_drop<Subject>(n * 2); }});
}

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "arc_bench");
  if (!flags) return 2;
  std::vector<Measurement> all;
  add<LockstepArc>(all, "lockstep arc");
  add<StdShared>(all, "std::shared_ptr");
  all.push_back(
      {"make+drop, 1 thread", "lockstep arc (malloc)",
       [](std::uint64_t n) { return make_drop<LockstepArcHeap>(n * 2); }});
  const std::uint64_t rounds = flags->smoke ? 10'000 : 2'000'000;
  lockstep::bench::run_trials(
      all, *flags, [rounds](const Measurement& m) { return m.run(rounds); });
  return 0;
}
