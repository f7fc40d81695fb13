// strategies.hpp — who runs at each scheduling point.
//
// ChoicesStrategy: an explicit list; at a point with k candidates (the
// runnable threads, then under TSO the non-empty store buffers) the next
// entry c picks candidate c mod k; when the list runs out the point's
// fallback is taken (the current thread goes on), so the empty list is the
// sequential run and a shorter list has fewer preemptions.
// RandomStrategy: a uniform pick at every point, from a seed.
// PctStrategy: probabilistic concurrency testing (Burckhardt, Kothari,
// Musuvathi, Nagarakatte, ASPLOS 2010): random distinct thread priorities,
// the highest-priority runnable thread runs, and at depth - 1 random change
// points (among the estimated steps) the running thread drops to the
// lowest priority. A bug of depth d is found with probability at least
// 1 / (n * k^(d-1)) per run, for n threads and k steps. Under TSO each
// store buffer is a candidate with its own random priority too; under C11
// the store a load reads is drawn uniformly.
//
//   lockstep::sim::RandomStrategy random(42);
//   RunResult r = sim.run(make, threads, random, limits);
//   // r.choices replays the same run: ChoicesStrategy replay(r.choices);
#pragma once

#include <cstdint>
#include <vector>

#include "sim/execution.hpp"

namespace lockstep::sim {

// splitmix64: small, fast, and the same sequence on every platform.
class SplitMix64 {
public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; its bias is
  // below 2^-32 for the small n used here).
  std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>(
        (static_cast<unsigned __int128>(next()) * n) >> 64);
  }

private:
  std::uint64_t state_;
};

class ChoicesStrategy final : public Strategy {
public:
  explicit ChoicesStrategy(std::vector<int> choices)
      : choices_(std::move(choices)) {}
  void begin(int) override { next_ = 0; }
  int choose(const Point& p) override {
    if (next_ >= choices_.size()) return p.fallback;
    return choices_[next_++] % p.k;
  }

private:
  std::vector<int> choices_;
  std::size_t next_ = 0;
};

class RandomStrategy final : public Strategy {
public:
  explicit RandomStrategy(std::uint64_t seed) : seed_(seed), rng_(seed) {}
  void begin(int) override { rng_ = SplitMix64(seed_); }
  int choose(const Point& p) override {
    return static_cast<int>(rng_.below(static_cast<std::uint64_t>(p.k)));
  }

private:
  std::uint64_t seed_;
  SplitMix64 rng_;
};

class PctStrategy final : public Strategy {
public:
  // `estimated_steps`: the run's expected length, over which the change
  // points are drawn (the sequential run's length is a good estimate).
  PctStrategy(std::uint64_t seed, int depth, std::uint64_t estimated_steps)
      : seed_(seed), depth_(depth < 1 ? 1 : depth),
        estimated_steps_(estimated_steps < 1 ? 1 : estimated_steps) {}
  void begin(int threads) override;
  int choose(const Point& p) override;

private:
  std::uint64_t seed_;
  int depth_;
  std::uint64_t estimated_steps_;
  std::vector<int> priority_; // per candidate id (threads, then buffers)
  std::vector<std::uint64_t> change_at_; // steps, ascending
  std::size_t next_change_ = 0;
  SplitMix64 values_{0}; // C11: which store a load reads
};

// Follows `prefix`, then the fallbacks, recording each point it passes:
// the exhaustive explorer's instrument.
class PrefixStrategy final : public Strategy {
public:
  struct Seen {
    int k;
    int fallback;
    int threads; // candidates from here on flush a store buffer
    bool current_runnable;
    bool spin;
    int chosen;
  };
  explicit PrefixStrategy(const std::vector<int>& prefix) : prefix_(prefix) {}
  void begin(int) override { seen_.clear(); }
  int choose(const Point& p) override {
    const std::size_t i = seen_.size();
    const int chosen = i < prefix_.size() ? prefix_[i] % p.k : p.fallback;
    seen_.push_back({p.k, p.fallback, p.threads, p.current >= 0,
                     p.access == Access::kSpin, chosen});
    return chosen;
  }
  const std::vector<Seen>& seen() const { return seen_; }

private:
  const std::vector<int>& prefix_;
  std::vector<Seen> seen_;
};

struct ExploreLimits {
  // Schedules with more preemptions (a switch away from a thread that
  // could go on, other than at a spin_hint) are not explored. Flushing a
  // TSO store buffer early is not a preemption: every flush order is
  // explored.
  int preemption_bound = 2;
  std::uint64_t max_schedules = 100'000;
};

struct ExploreResult {
  std::uint64_t schedules = 0;
  bool complete = false; // every schedule within the bound was run
  // One run per distinct (outcome, history, final state), with how many
  // schedules gave it; in the order first met.
  std::vector<RunResult> distinct;
  std::vector<std::uint64_t> counts;
};

// Every schedule within the preemption bound, depth first, each exactly
// once (stateless model checking by re-execution, as CHESS does).
ExploreResult explore(Simulator& sim, const InstanceFactory& make,
                      const std::vector<std::vector<Call>>& threads,
                      const RunLimits& run_limits, const ExploreLimits& limits);

} // namespace lockstep::sim
