// stress_watchdog_test.cpp — stress mode's watchdog (native/addon/
// stress_watchdog.hpp) on bodies that finish, make slow progress, retry
// until stopped, and never return from an operation: a stuck thread is
// named with the operation it is in, one that observes the stop flag is
// joined, and one stuck inside is detached with its state kept alive until
// it returns, then freed. Under ASan + UBSan and TSan.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "../addon/stress_watchdog.hpp"
#include "check.hpp"

using lockstep::addon::kStressEmpty;
using lockstep::addon::kStressPop;
using lockstep::addon::kStressPush;
using lockstep::addon::kStressPushRefused;
using lockstep::addon::run_watched;
using lockstep::addon::StressLog;
using lockstep::addon::StressResult;
using lockstep::addon::StressShared;
using namespace std::chrono_literals;

namespace {

// Released by the test; the stuck body waits for it, ignoring stop.
std::atomic<bool> g_release{false};
std::atomic<bool> g_freed{false};

struct State : StressShared {
  explicit State(int threads, std::size_t rows) {
    for (int t = 0; t < threads; ++t)
      logs.push_back(std::make_unique<StressLog>(rows));
  }
  ~State() override { g_freed.store(true, std::memory_order_release); }
};

std::shared_ptr<State> make_state(int threads, std::size_t rows) {
  g_freed.store(false, std::memory_order_relaxed);
  return std::make_shared<State>(threads, rows);
}

// Waits up to 5 s for `flag`.
bool eventually(const std::atomic<bool>& flag) {
  for (int i = 0; i < 500 && !flag.load(std::memory_order_acquire); ++i)
    std::this_thread::sleep_for(10ms);
  return flag.load(std::memory_order_acquire);
}

} // namespace

LOCKSTEP_TEST("semantics/threads that finish: nothing stuck, every row kept") {
  auto state = make_state(3, 100);
  const auto r = run_watched<State>(
      state, 3, 1000ms, +[](State& s, int t, const std::atomic<bool>&) {
        StressLog& log = *s.logs[static_cast<std::size_t>(t)];
        for (std::uint32_t k = 0; k < 100; ++k)
          log.record(kStressPop, kStressEmpty,
                     [&] { return StressResult{kStressPop, k}; });
      });
  CHECK(r.stuck.empty());
  for (const auto& log : state->logs) {
    CHECK_EQ(log->rows().size(), 100u);
    CHECK(!log->progress().busy);
  }
}

LOCKSTEP_TEST("semantics/slow but steady progress is not stuck") {
  auto state = make_state(1, 20);
  const auto r = run_watched<State>(
      state, 1, 200ms, +[](State& s, int, const std::atomic<bool>&) {
        for (std::uint32_t k = 0; k < 10; ++k)
          s.logs[0]->record(kStressPop, kStressEmpty, [&] {
            std::this_thread::sleep_for(40ms); // 400 ms in all, 40 each
            return StressResult{kStressPop, k};
          });
      });
  CHECK(r.stuck.empty());
  CHECK_EQ(state->logs[0]->rows().size(), 10u);
}

LOCKSTEP_TEST("semantics/a push refused until stopped is named, then joined") {
  auto state = make_state(2, 10);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_watched<State>(
      state, 2, 100ms, +[](State& s, int t, const std::atomic<bool>& stop) {
        auto& log = *s.logs[static_cast<std::size_t>(t)];
        log.record(kStressPush, 7,
                   [&] { return StressResult{kStressPush, 7}; });
        if (t == 0) return; // thread 0 finishes
        log.record(kStressPush, 9, [&] {
          while (!stop.load(std::memory_order_relaxed)) // refused for ever
            std::this_thread::yield();
          return StressResult{kStressPushRefused, 9};
        });
      });
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK_EQ(r.stuck.size(), 1u);
  CHECK_EQ(r.stuck[0].thread, 1);
  CHECK(r.stuck[0].at.busy);
  CHECK_EQ(int{r.stuck[0].at.op}, int{kStressPush});
  CHECK_EQ(r.stuck[0].at.value, 9u);
  CHECK_EQ(r.stuck[0].at.ops, 1u);
  CHECK(!r.stuck[0].detached);
  // Its refused push is recorded whole, after it stopped.
  const auto rows = state->logs[1]->rows();
  CHECK_EQ(rows.size(), 2u);
  CHECK_EQ(int{rows[1].op}, int{kStressPushRefused});
  CHECK(rows[1].call < rows[1].ret);
}

LOCKSTEP_TEST("semantics/a thread stuck inside is detached, its state kept "
              "until it returns") {
  g_release.store(false, std::memory_order_relaxed);
  auto state = make_state(2, 10);
  const auto r = run_watched<State>(
      state, 2, 100ms, +[](State& s, int t, const std::atomic<bool>& stop) {
        auto& log = *s.logs[static_cast<std::size_t>(t)];
        if (t == 0) {
          // Busy until stopped: it stops, and is joined.
          for (std::uint32_t k = 0;
               k < 10 && !stop.load(std::memory_order_relaxed); ++k)
            log.record(kStressPop, kStressEmpty, [&] {
              std::this_thread::sleep_for(20ms);
              return StressResult{kStressPop, k};
            });
          return;
        }
        log.record(kStressPop, kStressEmpty, [&] {
          while (!g_release.load(std::memory_order_acquire)) // ignores stop
            std::this_thread::yield();
          return StressResult{kStressPop, 1};
        });
      });
  CHECK_EQ(r.stuck.size(), 1u);
  CHECK_EQ(r.stuck[0].thread, 1);
  CHECK(r.stuck[0].detached);
  CHECK(r.stuck[0].at.busy);
  CHECK_EQ(int{r.stuck[0].at.op}, int{kStressPop});
  CHECK_EQ(r.stuck[0].at.ops, 0u);
  CHECK_EQ(state->logs[1]->rows().size(), 0u); // nothing half-written
  // The caller lets go; the detached thread still owns the state.
  state.reset();
  std::this_thread::sleep_for(50ms);
  CHECK(!g_freed.load(std::memory_order_acquire));
  // Once it returns, it drops the last reference.
  g_release.store(true, std::memory_order_release);
  CHECK(eventually(g_freed));
}
