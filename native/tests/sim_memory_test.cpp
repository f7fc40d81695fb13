// sim_memory_test.cpp — the simulator's memory checks on a tiny structure
// written over SimSync: a cell access outside its array (past either end,
// or nowhere near any block) ends the run with a `memory-error` that names
// the block, instead of writing over the heap; so does one in the final
// drain, outside the run.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "check.hpp"
#include "lockstep/storage.hpp"
#include "sim/sim_sync.hpp"
#include "sim/strategies.hpp"

using namespace lockstep;
using namespace lockstep::sim;

namespace {

// A ring of 4 cells whose push forgets to wrap its index (the seeded
// out-of-range ring index): push k writes cell `base + k`, so the fifth
// push writes one past the array. With `drain_past` the drain reads one
// cell past the array too; with `setup_past` the constructor clears one
// cell too many.
class UnwrappedRing final : public Instance {
public:
  static constexpr std::size_t kSlots = 4;

  UnwrappedRing(std::int64_t base, bool drain_past, bool setup_past)
      : base_(base), drain_past_(drain_past),
        cells_(make_array<SimSync, SimSync::cell<std::int64_t>>(kSlots)) {
    for (std::size_t i = 0; i < kSlots; ++i)
      SimSync::label(&cells_[i], "ring", static_cast<long>(i));
    SimSync::label(&count_, "count");
    for (std::size_t i = 0; i < kSlots + (setup_past ? 1 : 0); ++i)
      cells_[i].store(0);
  }
  ~UnwrappedRing() override { destroy_array<SimSync>(cells_, kSlots); }

  OpResult call(int, const Call& c) noexcept override {
    // Relaxed: the tests run one thread, or only count the pushes.
    const std::int64_t k = count_.fetch_add(1, std::memory_order_relaxed);
    cells_[base_ + k].store(c.arg); // no `% kSlots`: the bug
    return OpResult::none();
  }
  std::string check_invariants() const override { return {}; }
  bool drain(std::size_t, std::vector<std::int64_t>& out) override {
    const std::size_t n = drain_past_ ? kSlots + 1 : kSlots;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(cells_[i].load());
    return true;
  }

private:
  std::int64_t base_;
  bool drain_past_;
  SimSync::cell<std::int64_t>* cells_;
  SimSync::atomic<std::int64_t> count_{0};
};

InstanceFactory ring(std::int64_t base, bool drain_past = false,
                     bool setup_past = false) {
  return [=] {
    return std::make_unique<UnwrappedRing>(base, drain_past, setup_past);
  };
}

// One thread of `n` pushes of 1, 2, 3, ...
std::vector<std::vector<Call>> pushes(int n) {
  std::vector<Call> calls;
  for (int i = 1; i <= n; ++i)
    calls.push_back({0, true, i});
  return {calls};
}

bool contains(const std::string& s, const std::string& part) {
  if (s.find(part) != std::string::npos) return true;
  std::fprintf(stderr, "  \"%s\"\n  does not contain \"%s\"\n", s.c_str(),
               part.c_str());
  return false;
}

} // namespace

LOCKSTEP_TEST("semantics/a cell one past its array is a memory error") {
  Simulator sim;
  ChoicesStrategy none({});
  const RunResult r = sim.run(ring(0), pushes(5), none, {1000, true});
  CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
  // Each push is 2 steps (fetch_add, cell write): the fifth's write is 10.
  CHECK_EQ(r.outcome.step, 10u);
  CHECK_EQ(r.outcome.thread, 0);
  CHECK(contains(r.outcome.message,
                 "cell access out of bounds: offset 32 (8 bytes) is past the "
                 "end of block 0 (32 bytes, allocated at setup)"));
  // The four pushes before it returned; the fifth never did.
  CHECK_EQ(r.history.size(), 4u);
  CHECK_EQ(r.pending.size(), 1u);
  // The access is the trace's last step, not performed.
  CHECK(!r.trace.empty());
  CHECK_EQ(r.trace.back().step, 10u);
  CHECK(r.trace.back().access == Access::kCellWrite);
  // Named as the array's next element would be.
  CHECK_EQ(r.locations[r.trace.back().location], std::string("ring[4]"));
  // The same four pushes are fine.
  CHECK(sim.run(ring(0), pushes(4), none, {}).outcome.kind == OutcomeKind::kOk);
}

LOCKSTEP_TEST("semantics/a cell before its array is a memory error") {
  Simulator sim;
  ChoicesStrategy none({});
  const RunResult r = sim.run(ring(-1), pushes(1), none, {1000, true});
  CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
  CHECK_EQ(r.outcome.step, 2u);
  CHECK_EQ(r.locations[r.trace.back().location], std::string("ring[-1]"));
  CHECK(contains(r.outcome.message,
                 "cell access out of bounds: offset -8 (8 bytes) is before the "
                 "start of block 0 (32 bytes, allocated at setup)"));
}

LOCKSTEP_TEST("semantics/a cell far from every block is a memory error") {
  Simulator sim;
  ChoicesStrategy none({});
  // A megabyte past the ring: no block there, possibly no memory at all.
  const RunResult r = sim.run(ring(std::int64_t{1} << 17), pushes(1), none, {});
  CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
  CHECK(contains(r.outcome.message,
                 "outside every block allocated in this run"));
}

LOCKSTEP_TEST("semantics/the final drain reading past an array is a memory "
              "error, outside the run") {
  Simulator sim;
  ChoicesStrategy none({});
  const RunResult r = sim.run(ring(0, true), pushes(2), none, {});
  CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
  CHECK_EQ(r.outcome.thread, -1);
  CHECK(contains(r.outcome.message,
                 "reading the final state: cell access out of bounds"));
  CHECK_EQ(r.history.size(), 2u);
}

LOCKSTEP_TEST("semantics/a cell past its array while setting up is a memory "
              "error, and no thread runs") {
  Simulator sim;
  ChoicesStrategy none({});
  const RunResult r = sim.run(ring(0, false, true), pushes(2), none, {});
  CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
  CHECK_EQ(r.outcome.thread, -1);
  CHECK(contains(r.outcome.message, "setting the target up: cell access out "
                                    "of bounds: offset 32"));
  CHECK_EQ(r.steps, 0u);
  CHECK(r.history.empty());
}

LOCKSTEP_TEST("semantics/two threads: the fifth push is caught under any "
              "schedule") {
  // Five pushes over two threads: whichever takes the fifth ticket writes
  // one past the array.
  Simulator sim;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    RandomStrategy random(seed);
    std::vector<std::vector<Call>> threads = {
        {{0, true, 1}, {0, true, 2}, {0, true, 3}},
        {{0, true, 4}, {0, true, 5}}};
    const RunResult r = sim.run(ring(0), threads, random, {});
    CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
    CHECK(contains(r.outcome.message,
                   "offset 32 (8 bytes) is past the end of block 0"));
  }
}
