// simulator_test.cpp — the simulator tested on its own: litmus tests under
// sequential consistency, exhaustive exploration against a brute-force
// count, replay determinism, and each way a run can fail.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check.hpp"
#include "sim/strategies.hpp"
#include "sim/targets.hpp"

using namespace lockstep::sim;

namespace {

struct Plan {
  const TargetInfo* target;
  std::vector<std::vector<Call>> threads;
  TargetSetup setup;
};

// Threads of "op" or "op:arg" names for `target`, set up with its defaults.
Plan plan(const std::string& target, const std::string& variant,
          const std::vector<std::vector<std::string>>& threads) {
  Plan p{find_target(target), {}, {}};
  for (const auto& names : threads) {
    std::vector<Call> calls;
    for (const std::string& name : names) {
      const auto colon = name.find(':');
      const std::string op = name.substr(0, colon);
      Call c;
      for (std::size_t i = 0; i < p.target->ops.size(); ++i) {
        if (p.target->ops[i].name == op) c.op = static_cast<std::uint16_t>(i);
      }
      if (colon != std::string::npos) {
        c.has_arg = true;
        c.arg = std::stoll(name.substr(colon + 1));
      }
      calls.push_back(c);
    }
    p.threads.push_back(calls);
  }
  for (std::size_t v = 0; v < p.target->variants.size(); ++v) {
    if (p.target->variants[v].name == variant) p.setup.variant = v;
  }
  for (const ParamInfo& param : p.target->params)
    p.setup.params.push_back(param.fallback);
  const std::string error = assign_roles(*p.target, p.threads, p.setup.roles);
  if (!error.empty()) std::fprintf(stderr, "plan: %s\n", error.c_str());
  return p;
}

InstanceFactory factory(const Plan& p) {
  return [&p] { return p.target->make(p.setup); };
}

// The items each load returned, thread by thread, in op order.
std::vector<std::int64_t> loads(const RunResult& r) {
  std::vector<HistoryEntry> h = r.history;
  std::sort(h.begin(), h.end(), [](const auto& a, const auto& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.index < b.index;
  });
  std::vector<std::int64_t> out;
  for (const HistoryEntry& e : h) {
    if (e.result.kind == OpResult::Kind::kItem) out.push_back(e.result.value);
  }
  return out;
}

std::set<std::vector<std::int64_t>> outcomes(const ExploreResult& e) {
  std::set<std::vector<std::int64_t>> out;
  for (const RunResult& r : e.distinct)
    out.insert(loads(r));
  return out;
}

ExploreLimits unbounded() { return {1000, 1'000'000}; }

std::string serialize(const RunResult& r) {
  std::string s = std::string(outcome_name(r.outcome.kind)) + "@" +
                  std::to_string(r.outcome.step) + "/" +
                  std::to_string(r.steps) + ";";
  for (const HistoryEntry& h : r.history) {
    s += std::to_string(h.thread) + "." + std::to_string(h.index) + "[" +
         std::to_string(h.call) + "," + std::to_string(h.ret) +
         "]=" + std::to_string(h.result.value) + ";";
  }
  for (int c : r.choices)
    s += std::to_string(c);
  for (const TraceEntry& t : r.trace) {
    s += "|" + std::to_string(t.step) + ":" + std::to_string(t.thread) + ":" +
         std::to_string(t.location) + ":" + std::to_string(t.read) + ":" +
         std::to_string(t.written) + (t.stale ? "s" : "");
  }
  return s;
}

} // namespace

LOCKSTEP_TEST("semantics/the registry: every target once, in name order") {
  // Each file of native/sim/targets/ registers itself (LOCKSTEP_TARGET).
  CHECK_EQ(registry_problem(), std::string());
  std::vector<std::string> names;
  for (const TargetInfo& t : targets())
    names.push_back(t.name);
  const std::vector<std::string> want = {
      "arc",       "arena",       "block-pool", "chase-lev-deque",
      "litmus",    "mpmc-queue",  "mpsc-queue", "scheduler",
      "spsc-ring", "tagged-stack"};
  CHECK(names == want);
  CHECK(find_target("mpmc-queue") == &targets()[5]);
  CHECK(find_target("queue") == nullptr);
}

LOCKSTEP_TEST("semantics/SB under SC: never (0, 0), all 6 interleavings") {
  Simulator sim;
  Plan p = plan("litmus", "correct",
                {{"store-x.sc:1", "load-y.sc"}, {"store-y.sc:1", "load-x.sc"}});
  const ExploreResult e = explore(sim, factory(p), p.threads, {}, unbounded());
  CHECK(e.complete);
  CHECK_EQ(e.schedules, 6u); // C(4, 2): 2 + 2 accesses interleaved
  const std::set<std::vector<std::int64_t>> want = {{0, 1}, {1, 0}, {1, 1}};
  CHECK(outcomes(e) == want);
}

LOCKSTEP_TEST(
    "semantics/MP under SC: a reader that sees the flag sees the data") {
  Simulator sim;
  Plan p =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "store-y.rlx:1"}, {"load-y.rlx", "load-x.rlx"}});
  const ExploreResult e = explore(sim, factory(p), p.threads, {}, unbounded());
  CHECK(e.complete);
  const std::set<std::vector<std::int64_t>> want = {{0, 0}, {0, 1}, {1, 1}};
  CHECK(outcomes(e) == want); // never (flag 1, data 0)
}

LOCKSTEP_TEST("semantics/exhaustive counts match the multinomial count") {
  // Threads of 1, 2 and 1 single-access ops: 4! / (1! 2! 1!) = 12
  // interleavings; with 2 + 3 + 1 accesses: 6! / (2! 3! 1!) = 60.
  Simulator sim;
  Plan small =
      plan("litmus", "correct",
           {{"store-x.sc:1"}, {"load-x.sc", "store-y.sc:2"}, {"load-y.sc"}});
  CHECK_EQ(
      explore(sim, factory(small), small.threads, {}, unbounded()).schedules,
      12u);
  Plan big = plan("litmus", "correct",
                  {{"store-x.sc:1", "fence.sc"},
                   {"load-x.sc", "store-y.sc:2", "load-z.sc"},
                   {"load-y.sc"}});
  CHECK_EQ(explore(sim, factory(big), big.threads, {}, unbounded()).schedules,
           60u);
}

LOCKSTEP_TEST("semantics/the preemption bound prunes schedules") {
  Simulator sim;
  Plan p = plan("litmus", "correct",
                {{"store-x.sc:1", "load-y.sc"}, {"store-y.sc:1", "load-x.sc"}});
  // 0 preemptions: only whole threads in some order.
  const ExploreResult zero = explore(sim, factory(p), p.threads, {}, {0, 1000});
  CHECK(zero.complete);
  CHECK_EQ(zero.schedules, 2u);
  const ExploreResult one = explore(sim, factory(p), p.threads, {}, {1, 1000});
  CHECK(one.schedules > 2u && one.schedules <= 6u);
}

LOCKSTEP_TEST("semantics/a run replays bit for bit from its choices") {
  Simulator sim;
  Plan p = plan(
      "chase-lev-deque", "correct",
      {{"push:1", "push:2", "push:3", "pop"}, {"steal", "steal"}, {"steal"}});
  RandomStrategy random(7);
  RunLimits limits{10'000, true};
  const RunResult first = sim.run(factory(p), p.threads, random, limits);
  CHECK(first.outcome.kind == OutcomeKind::kOk);
  CHECK(!first.choices.empty());
  const std::string want = serialize(first);
  for (int i = 0; i < 1000; ++i) {
    ChoicesStrategy replay(first.choices);
    const RunResult again = sim.run(factory(p), p.threads, replay, limits);
    if (serialize(again) != want) {
      CHECK_EQ(serialize(again), want);
      break;
    }
  }
}

LOCKSTEP_TEST("semantics/the empty choice list is the sequential run") {
  Simulator sim;
  Plan p =
      plan("mpmc-queue", "correct", {{"push:1", "push:2"}, {"pop", "pop"}});
  ChoicesStrategy none({});
  const RunResult r = sim.run(factory(p), p.threads, none, {});
  CHECK(r.outcome.kind == OutcomeKind::kOk);
  CHECK(r.choices.empty());
  CHECK_EQ(r.history.size(), 4u);
  // Thread 0 finishes before thread 1 starts: its pops see both items.
  CHECK(r.history[0].thread == 0 && r.history[1].thread == 0);
  CHECK_EQ(r.history[2].result.value, 1);
  CHECK_EQ(r.history[3].result.value, 2);
}

LOCKSTEP_TEST("semantics/deadlock: every thread left waits") {
  Simulator sim;
  Plan p = plan("litmus", "correct", {{"wait-until-x"}, {"store-y.sc:1"}});
  ChoicesStrategy none({});
  const RunResult r = sim.run(factory(p), p.threads, none, {});
  CHECK(r.outcome.kind == OutcomeKind::kDeadlock);
  CHECK_EQ(r.pending.size(), 1u);
  // With the notify the same wait ends.
  Plan woken = plan("litmus", "correct",
                    {{"wait-until-x"}, {"store-x.sc:1", "notify-x"}});
  CHECK(sim.run(factory(woken), woken.threads, none, {}).outcome.kind ==
        OutcomeKind::kOk);
}

LOCKSTEP_TEST("semantics/step-limit: a spin that never ends") {
  Simulator sim;
  Plan p = plan("litmus", "correct", {{"spin-until-x"}});
  ChoicesStrategy none({});
  const RunResult r = sim.run(factory(p), p.threads, none, {500, false});
  CHECK(r.outcome.kind == OutcomeKind::kStepLimit);
  CHECK_EQ(r.outcome.thread, 0);
  CHECK_EQ(r.outcome.step, 500u);
  // A spinner yields: another thread's store ends the spin.
  Plan ends = plan("litmus", "correct", {{"spin-until-x"}, {"store-x.sc:1"}});
  CHECK(sim.run(factory(ends), ends.threads, none, {500, false}).outcome.kind ==
        OutcomeKind::kOk);
}

LOCKSTEP_TEST(
    "semantics/memory-error: a steal reads a buffer freed by growth") {
  // The thief goes first (choice 1) and reads top, then the buffer (1:
  // stay); before it publishes its hazard (0) the owner pushes twice: the
  // second push grows the ring and frees the old buffer, unprotected.
  // Without the re-check the thief then reads a slot of the freed buffer;
  // with it, the thief sees the new buffer and retries.
  Simulator sim;
  std::vector<int> schedule = {1, 1, 0};
  for (const char* variant : {"steal-without-buffer-recheck", "correct"}) {
    Plan p =
        plan("chase-lev-deque", variant, {{"push:1", "push:2"}, {"steal"}});
    p.setup.params[0] = 1; // capacity 1: the second push grows
    ChoicesStrategy choices(schedule);
    const RunResult r = sim.run(factory(p), p.threads, choices, {});
    if (std::string(variant) == "correct") {
      CHECK(r.outcome.kind == OutcomeKind::kOk);
    } else {
      CHECK(r.outcome.kind == OutcomeKind::kMemoryError);
      CHECK_EQ(r.outcome.thread, 1);
      CHECK(r.outcome.message.find("after it was freed") != std::string::npos);
    }
  }
}

namespace {
RunLimits tso(bool trace = false) { return {10'000, trace, MemoryModel::kTso}; }
} // namespace

LOCKSTEP_TEST(
    "semantics/tso: SB: store buffering shows (0, 0); seq_cst fences stop it") {
  Simulator sim;
  Plan sb =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "load-y.rlx"}, {"store-y.rlx:1", "load-x.rlx"}});
  const ExploreResult weak =
      explore(sim, factory(sb), sb.threads, tso(), unbounded());
  CHECK(weak.complete);
  const std::set<std::vector<std::int64_t>> all = {
      {0, 0}, {0, 1}, {1, 0}, {1, 1}};
  CHECK(outcomes(weak) == all);
  Plan fenced = plan("litmus", "correct",
                     {{"store-x.rlx:1", "fence.sc", "load-y.rlx"},
                      {"store-y.rlx:1", "fence.sc", "load-x.rlx"}});
  const ExploreResult strong =
      explore(sim, factory(fenced), fenced.threads, tso(), unbounded());
  CHECK(strong.complete);
  const std::set<std::vector<std::int64_t>> sc = {{0, 1}, {1, 0}, {1, 1}};
  CHECK(outcomes(strong) == sc);
  // Under SC the same unfenced program never shows (0, 0).
  CHECK(outcomes(explore(sim, factory(sb), sb.threads, {}, unbounded())) == sc);
}

LOCKSTEP_TEST(
    "semantics/tso: a load reads its own buffered store, others memory") {
  Simulator sim;
  Plan p = plan("litmus", "correct",
                {{"store-x.rlx:1", "load-x.rlx"}, {"load-x.rlx"}});
  const ExploreResult e =
      explore(sim, factory(p), p.threads, tso(), unbounded());
  CHECK(e.complete);
  // Thread 0 always reads its 1; thread 1 reads 0 or 1.
  const std::set<std::vector<std::int64_t>> want = {{1, 0}, {1, 1}};
  CHECK(outcomes(e) == want);
}

LOCKSTEP_TEST(
    "semantics/tso: a call returns when its thread's stores reach memory") {
  Simulator sim;
  Plan p = plan("litmus", "correct", {{"store-x.rlx:1", "load-y.rlx"}});
  ChoicesStrategy none({});
  const RunResult r = sim.run(factory(p), p.threads, none, tso(true));
  CHECK(r.outcome.kind == OutcomeKind::kOk);
  // Step 1 buffers the store, step 2 is the load, step 3 flushes when the
  // thread finishes: both calls complete at step 3.
  CHECK_EQ(r.steps, 3u);
  CHECK_EQ(r.history.size(), 2u);
  CHECK_EQ(r.history[0].ret, 3u);
  CHECK_EQ(r.history[1].call, 1u);
  CHECK_EQ(r.history[1].ret, 3u);
  CHECK(r.trace.size() == 3u && r.trace[2].access == Access::kFlush);
  CHECK_EQ(r.final_items[0], 1);
}

LOCKSTEP_TEST(
    "semantics/tso: random and PCT runs replay bit for bit from choices") {
  Simulator sim;
  Plan p = plan(
      "chase-lev-deque", "correct",
      {{"push:1", "push:2", "push:3", "pop"}, {"steal", "steal"}, {"steal"}});
  for (int which = 0; which < 2; ++which) {
    RandomStrategy random(11);
    PctStrategy pct(11, 3, 60);
    Strategy& s = which == 0 ? static_cast<Strategy&>(random) : pct;
    const RunResult first = sim.run(factory(p), p.threads, s, tso(true));
    CHECK(first.outcome.kind == OutcomeKind::kOk);
    bool flushed = false;
    for (const TraceEntry& t : first.trace)
      flushed = flushed || t.access == Access::kFlush;
    CHECK(flushed);
    ChoicesStrategy replay(first.choices);
    CHECK_EQ(serialize(sim.run(factory(p), p.threads, replay, tso(true))),
             serialize(first));
  }
}

LOCKSTEP_TEST("semantics/tso: PCT reaches the store-buffering outcome") {
  Simulator sim;
  Plan sb =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "load-y.rlx"}, {"store-y.rlx:1", "load-x.rlx"}});
  bool weak = false;
  for (std::uint64_t seed = 0; seed < 200 && !weak; ++seed) {
    PctStrategy pct(seed, 2, 6);
    const RunResult r = sim.run(factory(sb), sb.threads, pct, tso());
    weak = loads(r) == std::vector<std::int64_t>{0, 0};
  }
  CHECK(weak);
}

namespace {
RunLimits c11(bool trace = false) { return {10'000, trace, MemoryModel::kC11}; }
using Outcomes = std::set<std::vector<std::int64_t>>;
Outcomes c11_outcomes(Simulator& sim, const Plan& p) {
  const ExploreResult e =
      explore(sim, factory(p), p.threads, c11(), unbounded());
  CHECK(e.complete);
  return outcomes(e);
}
} // namespace

LOCKSTEP_TEST("semantics/c11: MP: relaxed reads stale data, release-acquire "
              "does not") {
  Simulator sim;
  // Thread 1 loads the flag y, then the data x.
  const Plan rlx =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "store-y.rlx:1"}, {"load-y.rlx", "load-x.rlx"}});
  const Outcomes all = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  CHECK(c11_outcomes(sim, rlx) == all);
  const Plan relacq =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "store-y.rel:1"}, {"load-y.acq", "load-x.rlx"}});
  const Outcomes ordered = {{0, 0}, {0, 1}, {1, 1}};
  CHECK(c11_outcomes(sim, relacq) == ordered);
  // Relaxed accesses with release / acquire fences synchronise too.
  const Plan fenced = plan("litmus", "correct",
                           {{"store-x.rlx:1", "fence.rel", "store-y.rlx:1"},
                            {"load-y.rlx", "fence.acq", "load-x.rlx"}});
  CHECK(c11_outcomes(sim, fenced) == ordered);
}

LOCKSTEP_TEST(
    "semantics/c11: SB: only seq_cst on every access forbids (0, 0)") {
  Simulator sim;
  const Plan relacq =
      plan("litmus", "correct",
           {{"store-x.rel:1", "load-y.acq"}, {"store-y.rel:1", "load-x.acq"}});
  const Outcomes all = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  CHECK(c11_outcomes(sim, relacq) == all);
  const Plan sc =
      plan("litmus", "correct",
           {{"store-x.sc:1", "load-y.sc"}, {"store-y.sc:1", "load-x.sc"}});
  const Outcomes no_00 = {{0, 1}, {1, 0}, {1, 1}};
  CHECK(c11_outcomes(sim, sc) == no_00);
  const Plan fences = plan("litmus", "correct",
                           {{"store-x.rlx:1", "fence.sc", "load-y.rlx"},
                            {"store-y.rlx:1", "fence.sc", "load-x.rlx"}});
  CHECK(c11_outcomes(sim, fences) == no_00);
}

LOCKSTEP_TEST("semantics/c11: coherence: a thread never reads backwards") {
  Simulator sim;
  const Plan p =
      plan("litmus", "correct",
           {{"store-x.rlx:1", "store-x.rlx:2"}, {"load-x.rlx", "load-x.rlx"}});
  for (const std::vector<std::int64_t>& o : c11_outcomes(sim, p)) {
    CHECK_EQ(o.size(), 2u);
    CHECK(o[0] <= o[1]);
  }
  // Stale reads are real: 0 after the writer finished is still allowed.
  CHECK(c11_outcomes(sim, p).count({0, 0}) == 1);
}

LOCKSTEP_TEST(
    "semantics/c11: random and PCT runs replay bit for bit from choices") {
  Simulator sim;
  Plan p = plan(
      "chase-lev-deque", "correct",
      {{"push:1", "push:2", "push:3", "pop"}, {"steal", "steal"}, {"steal"}});
  bool stale = false;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    RandomStrategy random(seed);
    PctStrategy pct(seed, 3, 60);
    for (int which = 0; which < 2; ++which) {
      Strategy& s = which == 0 ? static_cast<Strategy&>(random) : pct;
      const RunResult first = sim.run(factory(p), p.threads, s, c11(true));
      CHECK(first.outcome.kind == OutcomeKind::kOk);
      for (const TraceEntry& t : first.trace)
        stale = stale || t.stale;
      ChoicesStrategy replay(first.choices);
      CHECK_EQ(serialize(sim.run(factory(p), p.threads, replay, c11(true))),
               serialize(first));
    }
  }
  CHECK(stale);
}

LOCKSTEP_TEST("semantics/arc: runs that stop anywhere, on every variant, "
              "free what they took (LeakSanitizer) and nothing twice") {
  // The arc target's handles own its memory: a run that stops inside an
  // op (here, often: a step limit of 3 to 40 steps) may leave a count that
  // no handle holds, and a seeded bug counts the handles wrong; its
  // teardown runs none of the Arc's code and frees the object's slots and
  // the control block itself when no handle did.
  Simulator sim;
  const std::vector<std::vector<std::string>> threads = {
      {"downgrade", "use:1", "drop", "upgrade", "clone", "drop"},
      {"drop", "downgrade", "upgrade", "use:2"},
      {"clone", "clone", "drop", "drop"}};
  int stopped = 0, ok = 0;
  for (const VariantInfo& v : find_target("arc")->variants) {
    Plan p = plan("arc", v.name, threads);
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      RandomStrategy random(seed);
      const MemoryModel model =
          seed % 2 == 0 ? MemoryModel::kSc : MemoryModel::kC11;
      const RunLimits limits{seed % 4 == 0 ? 10'000 : 3 + seed % 38, false,
                             model};
      const RunResult r = sim.run(factory(p), p.threads, random, limits);
      (r.outcome.kind == OutcomeKind::kOk ? ok : stopped) += 1;
      if (v.name == "correct" && seed % 4 == 0)
        CHECK(r.outcome.kind == OutcomeKind::kOk);
    }
  }
  CHECK(ok > 0);
  CHECK(stopped > 0);
}
