// bench_main.hpp — what every native benchmark's main shares: the
// `--trials N` and `--smoke` flags, the "skipped" line for a peer that is
// not installed, and the trial loop (a warm-up round, then every subject
// once per trial, in a fresh random order, so that a noisy moment on a shared
// machine hits a different subject each time), printing one JSON line per
// measurement:
//   {"workload":"1p1c","subject":"lockstep mpmc","trial":0,"ns":61.2}
// which bench/native.ts reads.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "lockstep/topology.hpp"

namespace lockstep::bench {

struct Flags {
  int trials = 7;
  bool smoke = false; // one trial, small sizes: it builds and runs
};

// The flags, or nullopt after a usage message (exit 2).
inline std::optional<Flags> parse_flags(int argc, char** argv,
                                        const char* name) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      f.smoke = true;
      f.trials = 1;
    } else if (std::strcmp(argv[i], "--trials") == 0 && i + 1 < argc) {
      f.trials = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--trials N] [--smoke]\n", name);
      return std::nullopt;
    }
  }
  if (f.trials < 1) {
    std::fprintf(stderr, "%s: --trials must be positive\n", name);
    return std::nullopt;
  }
  return f;
}

inline void print_skipped(const char* peer, const char* package) {
  std::printf("{\"skipped\":\"%s\",\"why\":\"%s is not installed\"}\n", peer,
              package);
}

// Runs `measure(m)` (ns) once for each of `all` unrecorded (the warm-up:
// caches, page faults, the CPU's clock; not in a smoke run), then
// flags.trials times, printing each.
template <class M, class Measure>
void run_trials(std::vector<M> all, const Flags& flags, Measure measure) {
  if (!flags.smoke)
    for (const M& m : all)
      measure(m);
  std::mt19937 shuffle(20261130);
  for (int trial = 0; trial < flags.trials; ++trial) {
    std::shuffle(all.begin(), all.end(), shuffle);
    for (const M& m : all) {
      const double ns = measure(m);
      std::printf("{\"workload\":\"%s\",\"subject\":\"%s\",\"trial\":%d,"
                  "\"ns\":%.3f}\n",
                  m.workload, m.subject, trial, ns);
      std::fflush(stdout);
    }
  }
}

// The CPUs this process may use, read once, before any thread is pinned
// (a pinned thread's own affinity is its one CPU).
inline const std::vector<int>& allowed_cpus() {
  static const std::vector<int> all = [] {
    try {
      return current_thread_affinity();
    } catch (const std::exception&) {
      return std::vector<int>{};
    }
  }();
  return all;
}

// Pins the calling thread to the k-th CPU this process may use (round
// robin); left unpinned when the kernel refuses.
inline void pin_to(int k) {
  const std::vector<int>& cpus = allowed_cpus();
  if (cpus.empty()) return;
  try {
    pin_current_thread(
        std::vector<int>{cpus[static_cast<std::size_t>(k) % cpus.size()]});
  } catch (const std::exception&) {
  }
}

// Runs body(0) and body(1) on two threads pinned to the first two CPUs,
// released together; returns the ns from the release until both are done.
template <class Body> double timed_pair(Body body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  auto side = [&](int k) {
    pin_to(k);
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    body(k);
  };
  std::thread t0(side, 0), t1(side, 1);
  while (ready.load() < 2) {
  }
  const auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  t0.join();
  t1.join();
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace lockstep::bench
