// stress.hpp — helpers for the real-thread stress tests: start threads
// together, then check that every item was taken exactly once.
//
//   std::vector<std::vector<int64_t>> taken(2);
//   run_threads(2, [&](int i) { ... taken[i].push_back(v); ... });
//   CHECK_EQ(exactly_once(taken, kItems), "");
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace lockstep::test {

// Runs body(0..n-1) on n threads released at the same moment; joins them.
inline void run_threads(int n, const std::function<void(int)>& body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (std::thread& t : threads)
    t.join();
}

// "" when the values in `taken` are exactly 0..n-1, each once; otherwise
// how many were lost, duplicated or never inserted, with the first of each.
inline std::string
exactly_once(const std::vector<std::vector<std::int64_t>>& taken,
             std::int64_t n) {
  std::vector<std::uint32_t> count(static_cast<std::size_t>(n), 0);
  std::int64_t foreign = 0;
  std::int64_t first_foreign = 0;
  for (const auto& list : taken) {
    for (std::int64_t v : list) {
      if (v < 0 || v >= n) {
        if (foreign++ == 0) first_foreign = v;
        continue;
      }
      ++count[static_cast<std::size_t>(v)];
    }
  }
  std::int64_t lost = 0, duplicated = 0, first_lost = -1, first_dup = -1;
  for (std::int64_t v = 0; v < n; ++v) {
    const std::uint32_t c = count[static_cast<std::size_t>(v)];
    if (c == 0 && lost++ == 0) first_lost = v;
    if (c > 1 && duplicated++ == 0) first_dup = v;
  }
  if (lost == 0 && duplicated == 0 && foreign == 0) return {};
  return std::to_string(lost) + " lost (first " + std::to_string(first_lost) +
         "), " + std::to_string(duplicated) + " taken twice (first " +
         std::to_string(first_dup) + "), " + std::to_string(foreign) +
         " never inserted (first " + std::to_string(first_foreign) + ")";
}

// "" when each consumer's list holds each producer's items in increasing
// order, where producer p pushed p, p + producers, p + 2 * producers, ...:
// FIFO as each consumer sees it. Otherwise the first inversion.
inline std::string
per_producer_fifo(const std::vector<std::vector<std::int64_t>>& taken,
                  int producers) {
  for (const auto& mine : taken) {
    std::vector<std::int64_t> last(static_cast<std::size_t>(producers), -1);
    for (std::int64_t v : mine) {
      auto& prev = last[static_cast<std::size_t>(v % producers)];
      if (v <= prev) {
        return "a consumer saw " + std::to_string(v) + " after " +
               std::to_string(prev) + " from the same producer";
      }
      prev = v;
    }
  }
  return {};
}

// The first non-empty report of `checks`, or "".
inline std::string first_broken(std::initializer_list<std::string> checks) {
  for (const std::string& c : checks)
    if (!c.empty()) return c;
  return {};
}

} // namespace lockstep::test
