// strategies.cpp — PCT and the exhaustive explorer (see strategies.hpp).
#include "sim/strategies.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace lockstep::sim {

void PctStrategy::begin(int threads) {
  SplitMix64 rng(seed_);
  // Priorities are doubled so that a store buffer's can fall between two
  // threads'. Initial thread priorities 2 * (depth .. depth + n - 1), in
  // random order.
  const auto n = static_cast<std::size_t>(threads);
  priority_.resize(2 * n);
  for (std::size_t t = 0; t < n; ++t)
    priority_[t] = 2 * (depth_ + static_cast<int>(t));
  for (std::size_t t = n; t-- > 1;) {
    const auto j = static_cast<std::size_t>(rng.below(t + 1));
    std::swap(priority_[t], priority_[j]);
  }
  // depth - 1 change points among the estimated steps.
  change_at_.clear();
  for (int i = 1; i < depth_; ++i)
    change_at_.push_back(1 + rng.below(estimated_steps_));
  std::sort(change_at_.begin(), change_at_.end());
  next_change_ = 0;
  // TSO: thread j's store buffer (candidate id n + j) gets an odd
  // priority just above a random thread's initial one or below them all:
  // above the running thread it flushes at once, below it waits.
  for (std::size_t j = 0; j < n; ++j) {
    const int slot = static_cast<int>(rng.below(n + 1)) - 1;
    priority_[n + j] = 2 * (depth_ + slot) + 1;
  }
  values_ = SplitMix64(rng.next());
}

int PctStrategy::choose(const Point& p) {
  // C11: which store a load reads, or where a store goes, is no thread's
  // priority: uniform.
  if (p.memory_choice)
    return static_cast<int>(values_.below(static_cast<std::uint64_t>(p.k)));
  // Passing the i-th change point (i = 1 .. depth - 1) drops the running
  // thread to priority i, below every initial priority.
  while (next_change_ < change_at_.size() &&
         change_at_[next_change_] <= p.step) {
    ++next_change_;
    if (p.current >= 0) {
      priority_[static_cast<std::size_t>(p.runnable[p.current])] =
          2 * static_cast<int>(next_change_);
    }
  }
  // The highest-priority runnable thread; at a spin, the spinner yields.
  int best = -1;
  for (int i = 0; i < p.k; ++i) {
    if (p.access == Access::kSpin && i == p.current) continue;
    if (best < 0 || priority_[static_cast<std::size_t>(p.runnable[i])] >
                        priority_[static_cast<std::size_t>(p.runnable[best])]) {
      best = i;
    }
  }
  return best;
}

namespace {

// The alternatives at a point in the order the explorer tries them: the
// fallback first, then the others ascending.
int alternative(const PrefixStrategy::Seen& s, int rank) {
  if (rank == 0) return s.fallback;
  const int other = rank - 1;
  return other < s.fallback ? other : other + 1;
}
int rank_of(const PrefixStrategy::Seen& s, int chosen) {
  if (chosen == s.fallback) return 0;
  return chosen < s.fallback ? chosen + 1 : chosen;
}
bool preempts(const PrefixStrategy::Seen& s, int chosen) {
  return chosen != s.fallback && chosen < s.threads && s.current_runnable &&
         !s.spin;
}

std::string fingerprint(const RunResult& r) {
  std::string key = outcome_name(r.outcome.kind);
  key += '|';
  for (const HistoryEntry& h : r.history) {
    key += std::to_string(h.thread) + ':' + std::to_string(h.index) + ':' +
           std::to_string(h.call) + '-' + std::to_string(h.ret) + '=' +
           std::to_string(static_cast<int>(h.result.kind)) + ',' +
           std::to_string(h.result.value);
    for (std::uint32_t a : h.after) // C11: happens-before orders calls
      key += '/' + std::to_string(a);
    key += ';';
  }
  key += '|';
  for (std::int64_t v : r.final_items)
    key += std::to_string(v) + ',';
  return key;
}

} // namespace

ExploreResult explore(Simulator& sim, const InstanceFactory& make,
                      const std::vector<std::vector<Call>>& threads,
                      const RunLimits& run_limits,
                      const ExploreLimits& limits) {
  ExploreResult out;
  std::map<std::string, std::size_t> seen_results;
  std::vector<int> prefix;
  for (;;) {
    if (out.schedules >= limits.max_schedules) return out;
    PrefixStrategy strategy(prefix);
    RunResult r = sim.run(make, threads, strategy, run_limits);
    ++out.schedules;
    auto [it, fresh] =
        seen_results.try_emplace(fingerprint(r), out.distinct.size());
    if (fresh) {
      out.distinct.push_back(std::move(r));
      out.counts.push_back(1);
    } else {
      ++out.counts[it->second];
    }
    // Backtrack: the deepest point with an untried alternative within the
    // preemption bound.
    const auto& points = strategy.seen();
    std::vector<int> preemptions_before(points.size() + 1, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      preemptions_before[i + 1] =
          preemptions_before[i] +
          (preempts(points[i], points[i].chosen) ? 1 : 0);
    }
    bool advanced = false;
    for (std::size_t i = points.size(); i-- > 0;) {
      const auto& s = points[i];
      for (int rank = rank_of(s, s.chosen) + 1; rank < s.k; ++rank) {
        const int c = alternative(s, rank);
        if (preemptions_before[i] + (preempts(s, c) ? 1 : 0) >
            limits.preemption_bound) {
          continue;
        }
        prefix.resize(i);
        for (std::size_t j = 0; j < i; ++j)
          prefix[j] = points[j].chosen;
        prefix.push_back(c);
        advanced = true;
        break;
      }
      if (advanced) break;
    }
    if (!advanced) {
      out.complete = true;
      return out;
    }
  }
}

} // namespace lockstep::sim
