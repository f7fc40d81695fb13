// bench_main.hpp — what every native benchmark's main shares: the
// `--trials N` and `--smoke` flags, the "skipped" line for a peer that is
// not installed, and the trial loop (every subject once per trial, in a
// fresh random order, so that a noisy moment on a shared machine hits a
// different subject each time), printing one JSON line per measurement:
//   {"workload":"1p1c","subject":"lockstep mpmc","trial":0,"ns":61.2}
// which bench/native.ts reads.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

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

// Runs `measure(m)` (ns) for each of `all`, `trials` times.
template <class M, class Measure>
void run_trials(std::vector<M> all, int trials, Measure measure) {
  std::mt19937 shuffle(20261130);
  for (int trial = 0; trial < trials; ++trial) {
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

} // namespace lockstep::bench
