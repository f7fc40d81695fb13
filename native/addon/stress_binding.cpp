// stress_binding.cpp — stress mode: stressRun(options) runs one structure
// of the production build on pinned OS threads and returns the timestamped
// history as typed arrays (one row per operation, never one object each).
//
//   stressRun({ target, threads: 2, ops: 1e6, seed: 1 })
//   // { thread: Uint8Array, op: Uint8Array, value: Uint32Array,
//   //   call: Float64Array, ret: Float64Array, opNames, threads, ops,
//   //   pinned, ms, stuck: [], progressTimeoutMs: 10000 }
//
// Any target of the simulator's registry with a production build
// (TargetInfo::make_real: the built-in collections and the SDK's targets)
// runs as a collection: its one op that takes a value inserts, its one or
// two ops that take none remove (recorded as pop and, for a second one such
// as the deque's steal, steal). Threads take roles as in the simulator
// (first one thread per role with a thread limit, then the rest the first
// role without one); each thread's sequence comes from seed and thread
// index:
// - a thread that may insert and remove pushes unique values and removes,
//   at random, holding at most `depth` (default 4) of its pushes not yet
//   matched by a successful removal. A parameter named capacity gets room
//   for threads * depth items (TargetInfo::stress_params), so a push is
//   refused only transiently and retries within its interval;
// - one that may only insert pushes its share, each push retried while
//   refused; one that may only remove takes an equal part of those items,
//   each removal retried while it finds nothing, or, where no thread only
//   inserts (the deque's thieves), tries its share once each. Where some
//   thread only inserts, a thread that may also remove only removes (the
//   MPSC queue's consumer): its own pushes could wait for ever behind
//   theirs on a full structure.
// After the threads end, a thread of its own drains what is left, calling
// as the first thread that may remove and recording into thread 0's log:
// the history ends quiescent, so a value never removed was lost. Times are
// nanoseconds from the start of the run.
//
// Progress: both phases run under the watchdog (stress_watchdog.hpp). A
// thread that completes no operation for `progressTimeoutMs` (default 10 s)
// stops the run: `stuck` names each such thread and the operation it is
// in; the history holds every completed operation (a push still refused
// when the run stopped is recorded as push-refused) and nothing is
// drained. A thread stuck inside the structure is left running, and the
// structure with it (see "Lifetime" there).
#include <napi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "args.hpp"
#include "bindings.hpp"
#include "lockstep/std_sync.hpp"
#include "sim/targets.hpp"
#include "stress_recorder.hpp"
#include "stress_watchdog.hpp"

namespace lockstep::addon {
namespace {

constexpr const char* kFn = "stressRun";
constexpr std::size_t kMaxThreads = 64;
constexpr std::size_t kMaxOps = 20'000'000; // 22 bytes a row: 440 MB
constexpr std::size_t kMaxDepth = 1024;
constexpr std::size_t kMaxProgressTimeoutMs = 600'000;

struct StressConfig {
  int threads;
  std::size_t ops;
  std::uint64_t seed;
  std::uint64_t depth; // pushes a thread may be ahead of its pops
  std::chrono::milliseconds progress_timeout;
};

// What a run leaves: its logs (one per thread; the drain goes to logs[0])
// in the state the threads shared, and what the watchdog saw.
struct StressHistory {
  std::shared_ptr<StressShared> state;
  bool pinned = false;
  double ms = 0;
  std::vector<StuckThread> stuck; // empty: every thread finished
  bool in_drain = false;          // the stuck thread was draining
};

// Ops for thread t: an even share of the total.
std::size_t share(const StressConfig& c, int t) {
  const auto n = static_cast<std::size_t>(c.threads);
  return c.ops / n + (static_cast<std::size_t>(t) < c.ops % n ? 1 : 0);
}

// Thread t's k-th push: unique over the run.
std::uint32_t unique_value(const StressConfig& c, int t, std::uint64_t k) {
  return static_cast<std::uint32_t>(k * static_cast<std::uint64_t>(c.threads) +
                                    static_cast<std::uint64_t>(t));
}

// Retries a refused push until it is accepted or the run is stopped (a
// push refused for the whole progress timeout is no progress).
template <class TryPush>
std::uint8_t push_until_accepted(TryPush&& try_push,
                                 const std::atomic<bool>& stop) noexcept {
  for (;;) {
    if (try_push()) return kStressPush;
    // Relaxed: see detail::Watch::stop.
    if (stop.load(std::memory_order_relaxed)) return kStressPushRefused;
    StdSync::spin_hint();
  }
}

// After the threads end: removals until empty (or the log is full: a
// broken structure may hand back more than was pushed), or until stopped.
template <class Remove>
void drain(StressLog& log, const std::atomic<bool>& stop, StressOp code,
           Remove&& remove) noexcept {
  bool empty = false;
  // Relaxed: see detail::Watch::stop.
  while (!empty && !log.full() && !stop.load(std::memory_order_relaxed)) {
    log.record(code, kStressEmpty, [&] {
      const std::uint32_t v = remove();
      empty = v == kStressEmpty;
      return StressResult{code, v};
    });
  }
}

// What stress mode does with a target: its one insert op (the op that takes
// a value) and its removal ops (those that take none: one, or two as the
// deque's pop and steal), recorded as push, pop and steal; and per thread,
// its role (as in the simulator: first one thread for each role with a
// thread limit, then the rest the first role without one), whether it may
// insert and which removal op it calls (-1: none).
struct Plan {
  std::uint16_t insert = 0;
  std::vector<std::uint16_t> removals;
  std::vector<int> roles;
  std::vector<bool> may_insert;
  std::vector<int> removal; // index into `removals`, or -1
  int inserters = 0;        // threads that may insert
  bool insert_only = false; // some thread may only insert
  int drainer = -1;         // the first thread that may remove
};

// The row op of removal op `k` (its index among the removal ops).
StressOp removal_code(int k) noexcept {
  return k == 0 ? kStressPop : kStressSteal;
}

// What is wrong with stressing `t` on `threads` threads as a collection
// ("" if nothing); sets `plan`.
std::string plan_for(const sim::TargetInfo& t, int threads, Plan& plan) {
  int inserts = 0;
  for (std::size_t i = 0; i < t.ops.size(); ++i) {
    if (t.ops[i].takes_arg) {
      plan.insert = static_cast<std::uint16_t>(i);
      ++inserts;
    } else {
      plan.removals.push_back(static_cast<std::uint16_t>(i));
    }
  }
  if (inserts != 1 || plan.removals.empty() || plan.removals.size() > 2)
    return "stress mode runs a collection: one op that takes a value "
           "(insert) and one or two that take none (remove); " +
           t.name + " has " + std::to_string(inserts) + " and " +
           std::to_string(plan.removals.size());
  for (std::size_t r = 0; r < t.roles.size(); ++r)
    if (t.roles[r].max_threads != 0) plan.roles.push_back(static_cast<int>(r));
  int free_role = -1;
  for (std::size_t r = 0; r < t.roles.size() && free_role < 0; ++r)
    if (t.roles[r].max_threads == 0) free_role = static_cast<int>(r);
  if (free_role < 0 && threads > static_cast<int>(plan.roles.size()))
    return t.name + " takes at most " + std::to_string(plan.roles.size()) +
           " threads in stress mode (one per role), got " +
           std::to_string(threads);
  while (static_cast<int>(plan.roles.size()) < threads)
    plan.roles.push_back(free_role);
  plan.roles.resize(static_cast<std::size_t>(threads));
  for (int thread = 0; thread < threads; ++thread) {
    const int r = plan.roles[static_cast<std::size_t>(thread)];
    auto allows = [&](std::uint16_t op) {
      const std::vector<int>& rs = t.ops[op].roles;
      return std::find(rs.begin(), rs.end(), r) != rs.end();
    };
    plan.may_insert.push_back(allows(plan.insert));
    int k = -1;
    for (std::size_t i = 0; i < plan.removals.size() && k < 0; ++i)
      if (allows(plan.removals[i])) k = static_cast<int>(i);
    plan.removal.push_back(k);
    plan.inserters += plan.may_insert.back() ? 1 : 0;
    plan.insert_only = plan.insert_only || (plan.may_insert.back() && k < 0);
    if (k >= 0 && plan.drainer < 0) plan.drainer = thread;
  }
  // Where some thread may only insert, one that may also remove only
  // removes: a push of its own could wait for ever behind theirs on a full
  // structure, with no other thread to remove.
  if (plan.insert_only)
    for (std::size_t i = 0; i < plan.roles.size(); ++i)
      if (plan.removal[i] >= 0 && plan.may_insert[i]) {
        plan.may_insert[i] = false;
        --plan.inserters;
      }
  if (plan.inserters == 0 || plan.drainer < 0)
    return "with " + std::to_string(threads) + " thread(s) no thread of " +
           t.name + " may " + (plan.inserters > 0 ? "remove" : "insert") +
           ": give more threads";
  return {};
}

// The production build of the target, called by each thread as its role.
struct GenericParts {
  GenericParts(const sim::TargetInfo& t, const sim::TargetSetup& setup, Plan p)
      : instance(t.make_real(setup)), plan(std::move(p)) {}
  std::unique_ptr<sim::Instance> instance;
  Plan plan;
  bool push(int thread, std::uint32_t v) noexcept {
    return instance->call(thread, sim::Call{plan.insert, true, v}).value != 0;
  }
  // Thread `thread`'s removal: the item, kStressEmpty or kStressRetry.
  std::uint32_t remove(int thread) noexcept {
    const int k = plan.removal[static_cast<std::size_t>(thread)];
    const sim::OpResult r = instance->call(
        thread,
        sim::Call{plan.removals[static_cast<std::size_t>(k)], false, 0});
    if (r.kind == sim::OpResult::Kind::kItem)
      return static_cast<std::uint32_t>(r.value);
    return r.kind == sim::OpResult::Kind::kRetry ? kStressRetry : kStressEmpty;
  }
};

// The run's state: the parts, and each thread's count of ops — its share,
// except a thread that may only remove while some thread may only insert:
// it takes an equal part of the items the insert-only threads push (each
// removal waits for an item), so that every pushed item finds a taker and
// no push waits for ever on a full structure.
struct GenericState : StressShared {
  GenericState(const StressConfig& c, const sim::TargetInfo& t,
               sim::TargetSetup setup, Plan p)
      : cfg(c) {
    std::size_t pushed = 0, waiters = 0, inserted = 0;
    for (int i = 0; i < c.threads; ++i) {
      const bool ins = p.may_insert[static_cast<std::size_t>(i)];
      const bool rem = p.removal[static_cast<std::size_t>(i)] >= 0;
      if (ins && !rem) pushed += share(c, i);
      if (!ins && rem && p.insert_only) ++waiters;
      if (ins) inserted += share(c, i);
    }
    std::size_t k = 0;
    for (int i = 0; i < c.threads; ++i) {
      const bool ins = p.may_insert[static_cast<std::size_t>(i)];
      const bool rem = p.removal[static_cast<std::size_t>(i)] >= 0;
      std::size_t n = share(c, i);
      if (!ins && rem && p.insert_only)
        n = pushed / waiters + (k++ < pushed % waiters ? 1 : 0);
      count.push_back(n);
      setup.calls.push_back(n);
      // Thread 0's log also holds the drain: at most every push, and the
      // empty removal that ends it.
      logs.push_back(
          std::make_unique<StressLog>(n + (i == 0 ? inserted + 1 : 0)));
    }
    s = std::make_unique<GenericParts>(t, setup, std::move(p));
  }
  StressConfig cfg;
  std::unique_ptr<GenericParts> s;
  std::vector<std::size_t> count;
};

// Thread t's share of pushes and removals at random, at most `depth`
// pushes ahead of its successful removals, until done or stopped.
// `empty_means_none`: an empty removal proves the thread holds nothing
// (it is the only thread that inserts); elsewhere other threads' items may
// be what it took.
void push_and_remove(StressLog& log, GenericState& st, int t,
                     bool empty_means_none, const std::atomic<bool>& stop) {
  const StressConfig& cfg = st.cfg;
  const StressOp code =
      removal_code(st.s->plan.removal[static_cast<std::size_t>(t)]);
  StressRandom random(cfg.seed, t);
  std::uint64_t pushed = 0, balance = 0;
  for (std::size_t i = 0; i < st.count[static_cast<std::size_t>(t)]; ++i) {
    // Relaxed: see detail::Watch::stop.
    if (stop.load(std::memory_order_relaxed)) return;
    if (balance == 0 || (balance < cfg.depth && random.coin())) {
      const std::uint32_t v = unique_value(cfg, t, pushed++);
      std::uint8_t done = kStressPush;
      log.record(kStressPush, v, [&] {
        done = push_until_accepted([&] { return st.s->push(t, v); }, stop);
        return StressResult{done, v};
      });
      if (done == kStressPush) ++balance;
    } else {
      log.record(code, kStressEmpty, [&] {
        const std::uint32_t v = st.s->remove(t);
        if (v < kStressRetry)
          --balance;
        else if (v == kStressEmpty && empty_means_none)
          balance = 0;
        return StressResult{code, v};
      });
    }
  }
}

// Thread t's part when it may only insert (each push retried while
// refused) or only remove (each removal retried while it finds nothing if
// some thread only inserts; else one try each, as a thief's steals).
void insert_or_remove(StressLog& log, GenericState& st, int t,
                      const std::atomic<bool>& stop) {
  const Plan& plan = st.s->plan;
  const bool ins = plan.may_insert[static_cast<std::size_t>(t)];
  const StressOp code = removal_code(plan.removal[static_cast<std::size_t>(t)]);
  for (std::size_t i = 0; i < st.count[static_cast<std::size_t>(t)]; ++i) {
    // Relaxed: see detail::Watch::stop.
    if (stop.load(std::memory_order_relaxed)) return;
    if (ins) {
      const std::uint32_t v = unique_value(st.cfg, t, i);
      log.record(kStressPush, v, [&] {
        return StressResult{
            push_until_accepted([&] { return st.s->push(t, v); }, stop), v};
      });
    } else if (!plan.insert_only) {
      log.record(code, kStressEmpty, [&] {
        return StressResult{code, st.s->remove(t)};
      });
    } else {
      // One removal, retried while it finds nothing: its interval covers
      // every try, and the tries that found nothing changed nothing.
      log.record(code, kStressEmpty, [&] {
        for (;;) {
          const std::uint32_t v = st.s->remove(t);
          if (v < kStressRetry || stop.load(std::memory_order_relaxed))
            return StressResult{code, v < kStressRetry ? v : kStressEmpty};
          StdSync::spin_hint();
        }
      });
    }
  }
}

// The target on real threads, then (unless it was stopped) the drain on a
// thread of its own, calling as the first thread that may remove and
// recording into thread 0's log (the one the watchdog watches), both
// watched.
StressHistory run_generic(const StressConfig& cfg, const sim::TargetInfo& t,
                          std::size_t variant, Plan plan) {
  sim::TargetSetup setup;
  setup.variant = variant;
  setup.params = sim::stress_params(t, cfg.threads, cfg.depth);
  setup.roles = plan.roles;
  auto state =
      std::make_shared<GenericState>(cfg, t, std::move(setup), std::move(plan));
  StressHistory h;
  const WatchResult run = run_watched(
      state, cfg.threads, cfg.progress_timeout,
      +[](GenericState& st, int t, const std::atomic<bool>& stop) {
        StressLog& log = *st.logs[static_cast<std::size_t>(t)];
        const Plan& plan = st.s->plan;
        if (plan.may_insert[static_cast<std::size_t>(t)] &&
            plan.removal[static_cast<std::size_t>(t)] >= 0)
          push_and_remove(log, st, t, plan.inserters == 1, stop);
        else
          insert_or_remove(log, st, t, stop);
      });
  h.pinned = run.pinned;
  h.ms = run.ms;
  h.stuck = run.stuck;
  if (h.stuck.empty()) {
    h.stuck = run_watched(
                  state, 1, cfg.progress_timeout,
                  +[](GenericState& st, int, const std::atomic<bool>& stop) {
                    const int d = st.s->plan.drainer;
                    drain(*st.logs[0], stop,
                          removal_code(
                              st.s->plan.removal[static_cast<std::size_t>(d)]),
                          [&] { return st.s->remove(d); });
                  })
                  .stuck;
    h.in_drain = !h.stuck.empty();
  }
  h.state = std::move(state);
  return h;
}

// The targets stress mode can run: those with a production build.
std::string stress_target_names() {
  std::string out;
  for (const sim::TargetInfo& t : sim::targets())
    if (t.make_real) out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

// One entry of `stuck`: the thread, the operation it was in (with its
// argument, if it takes one) and its call time, how many operations it had
// completed, whether it was draining, and whether it was left running.
Napi::Object stuck_to_js(Napi::Env env, const StuckThread& s, bool in_drain,
                         std::int64_t origin) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("thread", Napi::Number::New(env, s.thread));
  o.Set("op", Napi::String::New(env, kStressOpNames[s.at.op]));
  if (s.at.busy && s.at.value != kStressEmpty)
    o.Set("value", Napi::Number::New(env, s.at.value));
  o.Set("ops", Napi::Number::New(env, static_cast<double>(s.at.ops)));
  if (s.at.busy)
    o.Set("call",
          Napi::Number::New(env, static_cast<double>(s.at.call - origin)));
  o.Set("inOp", Napi::Boolean::New(env, s.at.busy));
  o.Set("drain", Napi::Boolean::New(env, in_drain));
  o.Set("detached", Napi::Boolean::New(env, s.detached));
  return o;
}

Napi::Value to_js(Napi::Env env, const StressHistory& h, int threads,
                  std::size_t progress_timeout_ms) {
  // One snapshot of each log: a detached thread may still add rows.
  std::vector<std::span<const StressRow>> logs;
  for (const auto& log : h.state->logs)
    logs.push_back(log->rows());
  std::size_t n = 0;
  std::int64_t origin = INT64_MAX;
  for (const auto& rows : logs) {
    n += rows.size();
    if (!rows.empty()) origin = std::min(origin, rows[0].call);
  }
  for (const StuckThread& s : h.stuck)
    if (s.at.busy) origin = std::min(origin, s.at.call);
  auto thread = Napi::Uint8Array::New(env, n);
  auto op = Napi::Uint8Array::New(env, n);
  auto value = Napi::Uint32Array::New(env, n);
  auto call = Napi::Float64Array::New(env, n);
  auto ret = Napi::Float64Array::New(env, n);
  std::size_t i = 0;
  for (std::size_t t = 0; t < logs.size(); ++t) {
    for (const StressRow& r : logs[t]) {
      thread[i] = static_cast<std::uint8_t>(t);
      op[i] = r.op;
      value[i] = r.value;
      call[i] = static_cast<double>(r.call - origin);
      ret[i] = static_cast<double>(r.ret - origin);
      ++i;
    }
  }
  Napi::Array names = Napi::Array::New(env, std::size(kStressOpNames));
  for (std::uint32_t k = 0; k < std::size(kStressOpNames); ++k)
    names.Set(k, kStressOpNames[k]);
  Napi::Array stuck = Napi::Array::New(env, h.stuck.size());
  for (std::uint32_t k = 0; k < h.stuck.size(); ++k)
    stuck.Set(k, stuck_to_js(env, h.stuck[k], h.in_drain, origin));
  Napi::Object out = Napi::Object::New(env);
  out.Set("thread", thread);
  out.Set("op", op);
  out.Set("value", value);
  out.Set("call", call);
  out.Set("ret", ret);
  out.Set("opNames", names);
  out.Set("threads", Napi::Number::New(env, threads));
  out.Set("ops", Napi::Number::New(env, static_cast<double>(n)));
  out.Set("pinned", Napi::Boolean::New(env, h.pinned));
  out.Set("ms", Napi::Number::New(env, h.ms));
  out.Set("stuck", stuck);
  out.Set("progressTimeoutMs",
          Napi::Number::New(env, static_cast<double>(progress_timeout_ms)));
  return out;
}

Napi::Value stress_run(const Napi::CallbackInfo& info) {
  expect_arity(info, kFn, 1, 1);
  const Options options(info, 0, kFn,
                        {"target", "variant", "threads", "ops", "seed", "depth",
                         "progressTimeoutMs"});
  const std::string target = options.string("target", "");
  if (target.empty())
    throw_type_error(info.Env(), std::string(kFn) + ": option target is " +
                                     "required (one of " +
                                     stress_target_names() + ")");
  StressConfig c{};
  c.threads = static_cast<int>(options.size("threads", 2, 1, kMaxThreads));
  c.ops = options.size("ops", 100'000, 1, kMaxOps);
  c.seed = options.size("seed", 1, 0, (std::size_t{1} << 53) - 1);
  c.depth = options.size("depth", 4, 1, kMaxDepth);
  const std::size_t timeout_ms =
      options.size("progressTimeoutMs", 10'000, 1, kMaxProgressTimeoutMs);
  c.progress_timeout = std::chrono::milliseconds(timeout_ms);
  const std::string variant = options.string("variant", "correct");
  const sim::TargetInfo* t = sim::find_target(target);
  if (t == nullptr || !t->make_real)
    throw_range_error(
        info.Env(), std::string(kFn) + ": option target must be one of " +
                        stress_target_names() +
                        " or a target built with the SDK (a plugin's), got '" +
                        target + "'" +
                        (t == nullptr ? "" : " (it has no production build)"));
  std::size_t variant_index = 0;
  while (variant_index < t->variants.size() &&
         t->variants[variant_index].name != variant)
    ++variant_index;
  if (variant_index == t->variants.size()) {
    std::string names;
    for (const sim::VariantInfo& v : t->variants)
      names += (names.empty() ? "" : ", ") + v.name;
    throw_range_error(info.Env(),
                      std::string(kFn) + ": option variant must be one of " +
                          names + " for " + target + ", got '" + variant + "'");
  }
  if (t->variants[variant_index].unsafe_on_real_threads)
    throw_range_error(info.Env(), std::string(kFn) + ": variant '" + variant +
                                      "' may read freed memory on real "
                                      "threads; check it in the simulator "
                                      "(lockstep fuzz)");
  Plan plan;
  const std::string problem = plan_for(*t, c.threads, plan);
  if (!problem.empty())
    throw_range_error(info.Env(), std::string(kFn) + ": " + problem);
  StressHistory h;
  try {
    h = run_generic(c, *t, variant_index, std::move(plan));
  } catch (const std::invalid_argument& e) {
    throw_range_error(info.Env(), std::string(kFn) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    throw_range_error(info.Env(), std::string(kFn) +
                                      ": not enough memory for " +
                                      std::to_string(c.ops) + " ops");
  }
  return to_js(info.Env(), h, c.threads, timeout_ms);
}

} // namespace

void init_stress(Napi::Env env, Napi::Object exports) {
  exports.Set("stressRun", Napi::Function::New(env, stress_run, kFn));
}

} // namespace lockstep::addon
