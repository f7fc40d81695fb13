// stress_binding.cpp — stress mode: stressRun(options) runs one structure
// of the production build on pinned OS threads and returns the timestamped
// history as typed arrays (one row per operation, never one object each).
//
//   stressRun({ target: 'chase-lev-deque', threads: 2, ops: 1e6, seed: 1 })
//   // { thread: Uint8Array, op: Uint8Array, value: Uint32Array,
//   //   call: Float64Array, ret: Float64Array, opNames, threads, ops,
//   //   pinned, ms, stuck: [], progressTimeoutMs: 10000 }
//
// Workloads (each thread's sequence from seed and thread index), besides
// the generic one for the SDK's targets (run_generic, below):
// - mpmc-queue, tagged-stack: every thread pushes unique values and pops,
//   at random, holding at most `depth` (default 4) of its own pushes not
//   yet matched by a successful pop; the capacity is threads * depth, so a
//   push is refused only transiently and retries within its interval.
// - chase-lev-deque: thread 0 is the owner (push / pop at random, at most
//   `depth` pushes ahead of its pops), every other thread steals.
// After the threads end, thread 0 drains what is left with pops, recorded
// like the rest: the history ends quiescent, so a value never removed was
// lost. Times are nanoseconds from the start of the run.
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
#include <bit>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "args.hpp"
#include "bindings.hpp"
#include "lockstep/chase_lev_deque.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/tagged_stack.hpp"
#include "sim/targets.hpp"
#include "stress_recorder.hpp"
#include "stress_watchdog.hpp"
#include "variants.hpp"

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

std::uint32_t taken(const std::optional<std::uint32_t>& v) noexcept {
  return v ? *v : kStressEmpty;
}

// The state every run shares with its threads: config and logs (sized for
// each thread's share, thread 0's also for the drain), and the structure.
template <class Structure> struct StressState : StressShared {
  template <class... Args>
  StressState(const StressConfig& c, std::size_t drain, Args&&... args)
      : cfg(c), s(std::forward<Args>(args)...) {
    logs.reserve(static_cast<std::size_t>(c.threads));
    for (int t = 0; t < c.threads; ++t)
      logs.push_back(
          std::make_unique<StressLog>(share(c, t) + (t == 0 ? drain : 0)));
  }
  StressConfig cfg;
  Structure s;
};

// After the threads end: pops until empty (or the log is full: a broken
// structure may hand back more than was pushed), or until stopped.
template <class Pop>
void drain(StressLog& log, const std::atomic<bool>& stop, Pop&& pop) noexcept {
  bool empty = false;
  // Relaxed: see detail::Watch::stop.
  while (!empty && !log.full() && !stop.load(std::memory_order_relaxed)) {
    log.record(kStressPop, kStressEmpty, [&] {
      const std::uint32_t v = taken(pop());
      empty = v == kStressEmpty;
      return StressResult{kStressPop, v};
    });
  }
}

// Room for every thread's `depth` pushes ahead of its pops.
std::size_t capacity_for(const StressConfig& cfg) {
  return static_cast<std::size_t>(cfg.threads) * cfg.depth;
}

// Thread t's share of pushes and pops at random, at most `depth` pushes
// ahead of its successful pops, until done or stopped. `empty_means_none`:
// an empty pop proves the thread holds nothing (the deque's owner: only
// thieves take its items besides itself); elsewhere other threads' items
// may be what it popped.
template <class TryPush, class Pop>
void push_and_pop(StressLog& log, const StressConfig& cfg, int t,
                  bool empty_means_none, const std::atomic<bool>& stop,
                  TryPush&& try_push, Pop&& pop) noexcept {
  StressRandom random(cfg.seed, t);
  std::uint64_t pushed = 0, balance = 0;
  for (std::size_t i = 0; i < share(cfg, t); ++i) {
    // Relaxed: see detail::Watch::stop.
    if (stop.load(std::memory_order_relaxed)) return;
    if (balance == 0 || (balance < cfg.depth && random.coin())) {
      const std::uint32_t v = unique_value(cfg, t, pushed++);
      std::uint8_t done = kStressPush;
      log.record(kStressPush, v, [&] {
        done = push_until_accepted([&] { return try_push(v); }, stop);
        return StressResult{done, v};
      });
      if (done == kStressPush) ++balance;
    } else {
      log.record(kStressPop, kStressEmpty, [&] {
        const std::uint32_t v = taken(pop());
        if (v != kStressEmpty)
          --balance;
        else if (empty_means_none)
          balance = 0;
        return StressResult{kStressPop, v};
      });
    }
  }
}

// The run, then (unless it was stopped) the drain on a thread of its own
// recording into logs[0], both watched.
template <class State>
StressHistory run_watched_phases(
    std::shared_ptr<State> state,
    void (*body)(State&, int, const std::atomic<bool>&),
    void (*drain_body)(State&, int, const std::atomic<bool>&)) {
  const StressConfig& cfg = state->cfg;
  StressHistory h;
  const WatchResult run =
      run_watched(state, cfg.threads, cfg.progress_timeout, body);
  h.pinned = run.pinned;
  h.ms = run.ms;
  h.stuck = run.stuck;
  if (h.stuck.empty()) {
    h.stuck = run_watched(state, 1, cfg.progress_timeout, drain_body).stuck;
    h.in_drain = !h.stuck.empty();
  }
  h.state = std::move(state);
  return h;
}

template <class Collection>
StressHistory run_collection(const StressConfig& cfg) {
  using State = StressState<Collection>;
  auto state = std::make_shared<State>(cfg, capacity_for(cfg) + 1,
                                       capacity_for(cfg));
  return run_watched_phases<State>(
      std::move(state),
      +[](State& st, int t, const std::atomic<bool>& stop) {
        push_and_pop(
            *st.logs[static_cast<std::size_t>(t)], st.cfg, t, false, stop,
            [&](std::uint32_t v) { return st.s.try_push(v); },
            [&] { return st.s.try_pop(); });
      },
      +[](State& st, int, const std::atomic<bool>& stop) {
        drain(*st.logs[0], stop, [&] { return st.s.try_pop(); });
      });
}

template <class Bugs> StressHistory run_queue(const StressConfig& cfg) {
  return run_collection<MpmcQueue<std::uint32_t, StdSync, Bugs>>(cfg);
}

template <class Bugs> StressHistory run_stack(const StressConfig& cfg) {
  return run_collection<TaggedStack<std::uint32_t, StdSync, Bugs>>(cfg);
}

// The deque with its owner's handle and one stealer per thief.
template <class Bugs> struct DequeParts {
  using Deque = ChaseLevDeque<std::uint32_t, StdSync, Bugs>;
  // Starts at 2 slots and grows to hold `depth`: growth is exercised.
  explicit DequeParts(const StressConfig& cfg)
      : deque(2, static_cast<std::size_t>(cfg.threads - 1),
              std::max<std::size_t>(2, std::bit_ceil(cfg.depth))),
        worker(deque.worker()) {
    for (int t = 1; t < cfg.threads; ++t)
      stealers.push_back(deque.stealer());
  }
  Deque deque;
  typename Deque::Worker worker;
  std::vector<typename Deque::Stealer> stealers;
};

// The owner (thread 0) pushes and pops; every other thread steals.
template <class Bugs> StressHistory run_deque(const StressConfig& cfg) {
  using State = StressState<DequeParts<Bugs>>;
  auto state = std::make_shared<State>(cfg, cfg.depth + 1, cfg);
  return run_watched_phases<State>(
      std::move(state),
      +[](State& st, int t, const std::atomic<bool>& stop) {
        StressLog& log = *st.logs[static_cast<std::size_t>(t)];
        if (t > 0) {
          auto& stealer = st.s.stealers[static_cast<std::size_t>(t - 1)];
          for (std::size_t i = 0; i < share(st.cfg, t); ++i) {
            // Relaxed: see detail::Watch::stop.
            if (stop.load(std::memory_order_relaxed)) return;
            log.record(kStressSteal, kStressEmpty, [&] {
              const Take<std::uint32_t> s = stealer.steal();
              return StressResult{kStressSteal, s.is_success() ? s.value()
                                                : s.is_empty() ? kStressEmpty
                                                               : kStressRetry};
            });
          }
          return;
        }
        push_and_pop(
            log, st.cfg, t, true, stop,
            [&](std::uint32_t v) { return st.s.worker.push(v); },
            [&] { return st.s.worker.pop(); });
      },
      +[](State& st, int, const std::atomic<bool>& stop) {
        drain(*st.logs[0], stop, [&] { return st.s.worker.pop(); });
      });
}

// A target of the simulator's registry with a production build (make_real:
// the SDK's targets, built-in or from a plugin), stressed as a collection:
// its one op that inserts (takes a value) and its one op that removes
// (takes none). Threads take roles as in the simulator: first one thread
// for each role with a thread limit, then the rest the first role without
// one. A thread whose role may insert and remove pushes and pops at random
// (at most `depth` ahead, as above); one that may only insert pushes (each
// push retried while refused), one that may only remove pops (each pop
// retried while empty; see GenericState).
struct GenericParts {
  GenericParts(const sim::TargetInfo& t, const sim::TargetSetup& setup,
               std::uint16_t insert_op, std::uint16_t remove_op,
               std::vector<std::pair<bool, bool>> abilities)
      : instance(t.make_real(setup)), insert(insert_op), remove(remove_op),
        can(std::move(abilities)) {}
  std::unique_ptr<sim::Instance> instance;
  std::uint16_t insert, remove;
  std::vector<std::pair<bool, bool>> can; // per thread: insert, remove
  bool push(std::uint32_t v) noexcept {
    return instance->call(0, sim::Call{insert, true, v}).value != 0;
  }
  std::optional<std::uint32_t> pop() noexcept {
    const sim::OpResult r = instance->call(0, sim::Call{remove, false, 0});
    if (r.kind == sim::OpResult::Kind::kItem)
      return static_cast<std::uint32_t>(r.value);
    return std::nullopt;
  }
};

// What is wrong with stressing `t` on `threads` threads as a collection
// ("" if nothing); sets the ops and each thread's abilities.
std::string generic_plan(const sim::TargetInfo& t, int threads,
                         std::uint16_t& insert, std::uint16_t& remove,
                         std::vector<std::pair<bool, bool>>& can) {
  int inserts = 0, removes = 0;
  for (std::size_t i = 0; i < t.ops.size(); ++i) {
    if (t.ops[i].takes_arg) {
      insert = static_cast<std::uint16_t>(i);
      ++inserts;
    } else {
      remove = static_cast<std::uint16_t>(i);
      ++removes;
    }
  }
  if (inserts != 1 || removes != 1)
    return "stress mode runs a collection: one op that takes a value "
           "(insert) and one that takes none (remove); " +
           t.name + " has " + std::to_string(inserts) + " and " +
           std::to_string(removes);
  std::vector<int> roles;
  for (std::size_t r = 0; r < t.roles.size(); ++r)
    if (t.roles[r].max_threads != 0) roles.push_back(static_cast<int>(r));
  int free_role = -1;
  for (std::size_t r = 0; r < t.roles.size() && free_role < 0; ++r)
    if (t.roles[r].max_threads == 0) free_role = static_cast<int>(r);
  if (free_role < 0 && threads > static_cast<int>(roles.size()))
    return t.name + " takes at most " + std::to_string(roles.size()) +
           " threads in stress mode (one per role), got " +
           std::to_string(threads);
  while (static_cast<int>(roles.size()) < threads) roles.push_back(free_role);
  roles.resize(static_cast<std::size_t>(threads));
  bool any_insert = false, any_remove = false;
  can.clear();
  for (int r : roles) {
    auto allows = [&](std::uint16_t op) {
      const std::vector<int>& rs = t.ops[op].roles;
      return std::find(rs.begin(), rs.end(), r) != rs.end();
    };
    can.emplace_back(allows(insert), allows(remove));
    any_insert = any_insert || can.back().first;
    any_remove = any_remove || can.back().second;
  }
  if (!any_insert || !any_remove)
    return "with " + std::to_string(threads) + " thread(s) no thread of " +
           t.name + " may " + (any_insert ? "remove" : "insert") +
           ": give more threads";
  return {};
}

// The generic run's state: the parts, and each thread's count of ops —
// its share, except a thread that may only remove, which takes an equal
// part of the items the insert-only threads push (each pop waits for an
// item), so that every pushed item finds a taker and no push waits for
// ever on a full structure.
struct GenericState : StressShared {
  GenericState(const StressConfig& c, const sim::TargetInfo& t,
               const sim::TargetSetup& setup, std::uint16_t insert,
               std::uint16_t remove, std::vector<std::pair<bool, bool>> can)
      : cfg(c), s(t, setup, insert, remove, std::move(can)) {
    std::size_t pushed = 0, removers = 0;
    for (int i = 0; i < c.threads; ++i) {
      const auto [may_insert, may_remove] = s.can[static_cast<std::size_t>(i)];
      if (may_insert && !may_remove) pushed += share(c, i);
      if (!may_insert && may_remove) ++removers;
    }
    std::size_t k = 0;
    for (int i = 0; i < c.threads; ++i) {
      const auto [may_insert, may_remove] = s.can[static_cast<std::size_t>(i)];
      std::size_t n = share(c, i);
      if (!may_insert && may_remove)
        n = pushed / removers + (k++ < pushed % removers ? 1 : 0);
      count.push_back(n);
      // Thread 0's log also holds the drain: at most every push, and the
      // empty pop that ends it.
      logs.push_back(std::make_unique<StressLog>(n + (i == 0 ? c.ops + 1 : 0)));
    }
  }
  StressConfig cfg;
  GenericParts s;
  std::vector<std::size_t> count;
};

StressHistory run_generic(const StressConfig& cfg, const sim::TargetInfo& t,
                          std::size_t variant, std::uint16_t insert,
                          std::uint16_t remove,
                          std::vector<std::pair<bool, bool>> can) {
  sim::TargetSetup setup;
  setup.variant = variant;
  for (const sim::ParamInfo& p : t.params)
    setup.params.push_back(p.fallback);
  auto state = std::make_shared<GenericState>(cfg, t, setup, insert, remove,
                                              std::move(can));
  return run_watched_phases<GenericState>(
      std::move(state),
      +[](GenericState& st, int t, const std::atomic<bool>& stop) {
        StressLog& log = *st.logs[static_cast<std::size_t>(t)];
        const auto [may_insert, may_remove] =
            st.s.can[static_cast<std::size_t>(t)];
        if (may_insert && may_remove) {
          push_and_pop(
              log, st.cfg, t, false, stop,
              [&](std::uint32_t v) { return st.s.push(v); },
              [&] { return st.s.pop(); });
          return;
        }
        for (std::size_t i = 0; i < st.count[static_cast<std::size_t>(t)];
             ++i) {
          // Relaxed: see detail::Watch::stop.
          if (stop.load(std::memory_order_relaxed)) return;
          if (may_insert) {
            const std::uint32_t v = unique_value(st.cfg, t, i);
            log.record(kStressPush, v, [&] {
              return StressResult{
                  push_until_accepted([&] { return st.s.push(v); }, stop), v};
            });
          } else {
            // One pop, retried while empty: its interval covers every try,
            // and the tries that found nothing changed nothing.
            log.record(kStressPop, kStressEmpty, [&] {
              for (;;) {
                const std::optional<std::uint32_t> v = st.s.pop();
                if (v || stop.load(std::memory_order_relaxed))
                  return StressResult{kStressPop, taken(v)};
                StdSync::spin_hint();
              }
            });
          }
        }
      },
      +[](GenericState& st, int, const std::atomic<bool>& stop) {
        drain(*st.logs[0], stop, [&] { return st.s.pop(); });
      });
}

using Runner = StressHistory (*)(const StressConfig&);
struct StressVariant {
  const char* name;
  Runner run;
};
struct StressTarget {
  const char* name;
  int min_threads;
  std::vector<StressVariant> variants;
  // Variants that may touch freed memory on real threads: refused here
  // (the simulator, which poisons freed blocks, is where they are checked).
  std::vector<std::string> unsafe;
};

template <class Variants, template <class> class Run>
std::vector<StressVariant> stress_variants() {
  std::vector<StressVariant> out;
  for_each_variant<Variants>([&]<class Bugs>() {
    out.push_back({Bugs::kVariant, &Run<Bugs>::run});
  });
  return out;
}
template <class Bugs> struct QueueRun {
  static StressHistory run(const StressConfig& c) { return run_queue<Bugs>(c); }
};
template <class Bugs> struct StackRun {
  static StressHistory run(const StressConfig& c) { return run_stack<Bugs>(c); }
};
template <class Bugs> struct DequeRun {
  static StressHistory run(const StressConfig& c) { return run_deque<Bugs>(c); }
};

const std::vector<StressTarget>& targets() {
  static const std::vector<StressTarget> kTargets = {
      {"mpmc-queue", 1, stress_variants<MpmcVariants, QueueRun>(), {}},
      {"chase-lev-deque",
       2,
       stress_variants<DequeVariants, DequeRun>(),
       {"steal-without-fence", "steal-without-buffer-recheck"}},
      {"tagged-stack", 1, stress_variants<StackVariants, StackRun>(), {}},
  };
  return kTargets;
}

template <class T> std::string names_of(const std::vector<T>& list) {
  std::string out;
  for (const T& item : list)
    out += (out.empty() ? "" : ", ") + std::string(item.name);
  return out;
}

Runner find_runner(Napi::Env env, const std::string& target,
                   const std::string& variant, int threads) {
  for (const StressTarget& t : targets()) {
    if (target != t.name) continue;
    if (threads < t.min_threads)
      throw_range_error(env, std::string(kFn) + ": option threads must be at " +
                                 "least " + std::to_string(t.min_threads) +
                                 " for " + target + " (an owner and a " +
                                 "thief), got " + std::to_string(threads));
    if (std::find(t.unsafe.begin(), t.unsafe.end(), variant) != t.unsafe.end())
      throw_range_error(env, std::string(kFn) + ": variant '" + variant +
                                 "' may read freed memory on real threads; " +
                                 "check it in the simulator (lockstep fuzz)");
    for (const StressVariant& v : t.variants)
      if (variant == v.name) return v.run;
    throw_range_error(env, std::string(kFn) + ": option variant must be " +
                               "one of " + names_of(t.variants) + " for " +
                               target + ", got '" + variant + "'");
  }
  throw_range_error(env, std::string(kFn) + ": option target must be one of " +
                             names_of(targets()) +
                             " or a target built with the SDK (a plugin's), "
                             "got '" + target + "'");
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
                                     "required (one of " + names_of(targets()) +
                                     ")");
  StressConfig c{};
  c.threads = static_cast<int>(options.size("threads", 2, 1, kMaxThreads));
  c.ops = options.size("ops", 100'000, 1, kMaxOps);
  c.seed = options.size("seed", 1, 0, (std::size_t{1} << 53) - 1);
  c.depth = options.size("depth", 4, 1, kMaxDepth);
  const std::size_t timeout_ms =
      options.size("progressTimeoutMs", 10'000, 1, kMaxProgressTimeoutMs);
  c.progress_timeout = std::chrono::milliseconds(timeout_ms);
  const std::string variant = options.string("variant", "correct");
  // A target of the registry with a production build (the SDK's), else
  // one of the workloads above.
  const sim::TargetInfo* generic = sim::find_target(target);
  if (generic != nullptr && !generic->make_real) generic = nullptr;
  std::uint16_t insert = 0, remove = 0;
  std::vector<std::pair<bool, bool>> can;
  std::size_t variant_index = 0;
  Runner run = nullptr;
  if (generic != nullptr) {
    const std::string problem =
        generic_plan(*generic, c.threads, insert, remove, can);
    if (!problem.empty())
      throw_range_error(info.Env(), std::string(kFn) + ": " + problem);
    while (variant_index < generic->variants.size() &&
           generic->variants[variant_index].name != variant)
      ++variant_index;
    if (variant_index == generic->variants.size())
      throw_range_error(info.Env(), std::string(kFn) +
                                        ": option variant must be a variant "
                                        "of " + target + ", got '" + variant +
                                        "'");
  } else {
    run = find_runner(info.Env(), target, variant, c.threads);
  }
  StressHistory h;
  try {
    h = generic != nullptr ? run_generic(c, *generic, variant_index, insert,
                                         remove, std::move(can))
                           : run(c);
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
