// deque_bench.cpp — the Chase-Lev deque's owner end against a plain array,
// and owner + thief against a locked std::deque: ns per item, timed here,
// one JSON line per measurement on stdout (the shape bench/native.ts
// reads: workload, subject, trial, ns).
//
// Workloads:
//   owner     one thread pushes 64 items and pops them back, over and over
//             (10,000,000 items): the owner's fast path (push: a store and
//             a release store; pop: a store, a seq_cst fence, loads)
//             against std::vector push_back / pop_back and a std::deque
//             used as a stack — the floor no deque can beat
//   steal     an owner pushes 1,000,000 items in bursts of 64 and pops 16
//             after each burst while one thief (pinned to the other CPU)
//             steals until all are taken: lockstep against std::deque
//             behind a std::mutex (owner at the back, thief at the front)
//   steal, by layout  the same, lockstep's deque built with each layout
//             policy: Padded (top, bottom, the buffer pointer and the
//             hazard slot on lines of their own, the default) and Packed
//             (side by side): what the padding buys
//
//   deque_bench [--trials N] [--smoke]
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bench_main.hpp"
#include "lockstep/chase_lev_deque.hpp"
#include "lockstep/topology.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kBurst = 64;
volatile std::uint64_t g_sink = 0; // keeps the popped values alive

double per_item(Clock::time_point start, std::uint64_t items) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start)
             .count() /
         static_cast<double>(items);
}

void pin(int cpu) {
  try {
    lockstep::pin_current_thread(std::vector<int>{cpu});
  } catch (const std::exception&) {
    // Not allowed here: unpinned.
  }
}

double owner_lockstep(std::uint64_t items) {
  lockstep::ChaseLevDeque<std::uint64_t> deque(kBurst, 1);
  auto worker = deque.worker();
  std::uint64_t sum = 0;
  const auto start = Clock::now();
  for (std::uint64_t done = 0; done < items; done += kBurst) {
    for (std::uint64_t k = 0; k < kBurst; ++k)
      if (!worker.push(done + k)) std::abort();
    for (std::uint64_t k = 0; k < kBurst; ++k)
      sum += *worker.pop();
  }
  const double ns = per_item(start, items);
  g_sink = sum;
  return ns;
}

template <class Stack> double owner_plain(std::uint64_t items) {
  Stack stack;
  std::uint64_t sum = 0;
  const auto start = Clock::now();
  for (std::uint64_t done = 0; done < items; done += kBurst) {
    for (std::uint64_t k = 0; k < kBurst; ++k)
      stack.push_back(done + k);
    for (std::uint64_t k = 0; k < kBurst; ++k) {
      sum += stack.back();
      stack.pop_back();
    }
  }
  const double ns = per_item(start, items);
  g_sink = sum;
  return ns;
}

// The owner's side of `steal`, given push and pop; the thief runs `steal`
// until `taken` reaches `items`.
template <class Push, class Pop, class Steal>
double owner_and_thief(std::uint64_t items, Push push, Pop pop, Steal steal) {
  std::atomic<std::uint64_t> taken{0};
  std::atomic<bool> go{false};
  std::thread thief([&] {
    pin(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    while (taken.load(std::memory_order_relaxed) < items)
      if (steal()) taken.fetch_add(1, std::memory_order_relaxed);
  });
  pin(0);
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::uint64_t next = 0; next < items;) {
    for (std::uint64_t k = 0; k < kBurst && next < items; ++k)
      push(next++);
    for (int k = 0; k < 16; ++k)
      if (pop()) taken.fetch_add(1, std::memory_order_relaxed);
  }
  while (taken.load(std::memory_order_relaxed) < items)
    if (pop()) taken.fetch_add(1, std::memory_order_relaxed);
  thief.join();
  return per_item(start, items);
}

template <class Layout = lockstep::Padded>
double steal_lockstep(std::uint64_t items) {
  lockstep::ChaseLevDeque<std::uint64_t, lockstep::StdSync,
                          lockstep::NoDequeBugs, Layout>
      deque(1024, 1);
  auto worker = deque.worker();
  auto stealer = deque.stealer();
  return owner_and_thief(
      items,
      [&](std::uint64_t v) {
        if (!worker.push(v)) std::abort();
      },
      [&] { return worker.pop().has_value(); },
      [&] { return stealer.steal().is_success(); });
}

double steal_mutex(std::uint64_t items) {
  std::mutex m;
  std::deque<std::uint64_t> q;
  return owner_and_thief(
      items,
      [&](std::uint64_t v) {
        std::lock_guard<std::mutex> g(m);
        q.push_back(v);
      },
      [&] {
        std::lock_guard<std::mutex> g(m);
        if (q.empty()) return false;
        q.pop_back();
        return true;
      },
      [&] {
        std::lock_guard<std::mutex> g(m);
        if (q.empty()) return false;
        q.pop_front();
        return true;
      });
}

struct Measurement {
  const char* workload;
  const char* subject;
  double (*run)(std::uint64_t items);
  std::uint64_t items;
};

} // namespace

int main(int argc, char** argv) {
  const auto flags = lockstep::bench::parse_flags(argc, argv, "deque_bench");
  if (!flags) return 2;
  const std::uint64_t scale = flags->smoke ? 100 : 1;
  const std::vector<Measurement> all = {
      {"owner", "lockstep chase-lev", &owner_lockstep, 10'000'000 / scale},
      {"owner", "plain array (std::vector)",
       &owner_plain<std::vector<std::uint64_t>>, 10'000'000 / scale},
      {"owner", "std::deque", &owner_plain<std::deque<std::uint64_t>>,
       10'000'000 / scale},
      {"steal", "lockstep chase-lev", &steal_lockstep<>, 1'000'000 / scale},
      {"steal", "std::mutex + std::deque", &steal_mutex, 1'000'000 / scale},
      {"steal, by layout", "lockstep chase-lev (Padded layout)",
       &steal_lockstep<lockstep::Padded>, 1'000'000 / scale},
      {"steal, by layout", "packed (Packed layout)",
       &steal_lockstep<lockstep::Packed>, 1'000'000 / scale},
  };
  lockstep::bench::run_trials(
      all, *flags, [](const Measurement& m) { return m.run(m.items); });
  return 0;
}
