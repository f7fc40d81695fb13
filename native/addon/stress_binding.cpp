// stress_binding.cpp — stress mode: stressRun(options) runs one structure
// of the production build on pinned OS threads and returns the timestamped
// history as typed arrays (one row per operation, never one object each).
//
//   stressRun({ target: 'chase-lev-deque', threads: 2, ops: 1e6, seed: 1 })
//   // { thread: Uint8Array, op: Uint8Array, value: Uint32Array,
//   //   call: Float64Array, ret: Float64Array, opNames, threads, ops,
//   //   pinned, ms }
//
// Workloads (each thread's sequence from seed and thread index):
// - mpmc-queue, tagged-stack: every thread pushes unique values and pops,
//   at random, holding at most `depth` (default 4) of its own pushes not
//   yet matched by a successful pop; the capacity is threads * depth, so a
//   push is refused only transiently and retries within its interval.
// - chase-lev-deque: thread 0 is the owner (push / pop at random, at most
//   `depth` pushes ahead of its pops), every other thread steals.
// After the threads join, thread 0 drains what is left with pops, recorded
// like the rest: the history ends quiescent, so a value never removed was
// lost. Times are nanoseconds from the start of the run.
#include <napi.h>

#include <algorithm>
#include <bit>
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
#include "stress_recorder.hpp"
#include "variants.hpp"

namespace lockstep::addon {
namespace {

constexpr const char* kFn = "stressRun";
constexpr std::size_t kMaxThreads = 64;
constexpr std::size_t kMaxOps = 20'000'000; // 22 bytes a row: 440 MB
constexpr std::size_t kMaxDepth = 1024;

struct StressConfig {
  int threads;
  std::size_t ops;
  std::uint64_t seed;
  std::uint64_t depth; // pushes a thread may be ahead of its pops
};

struct StressHistory {
  std::vector<StressLog> logs; // one per thread; the drain goes to logs[0]
  bool pinned = false;
  double ms = 0;
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

template <class TryPush>
std::uint8_t push_until_accepted(TryPush&& try_push) noexcept {
  for (std::uint64_t i = 0; i < kStressPushAttempts; ++i) {
    if (try_push()) return kStressPush;
    StdSync::spin_hint();
  }
  return kStressPushRefused;
}

std::uint32_t taken(const std::optional<std::uint32_t>& v) noexcept {
  return v ? *v : kStressEmpty;
}

// Logs sized for each thread's share, thread 0's also for the drain.
StressHistory make_history(const StressConfig& c, std::size_t drain) {
  StressHistory h;
  h.logs.reserve(static_cast<std::size_t>(c.threads));
  for (int t = 0; t < c.threads; ++t)
    h.logs.emplace_back(share(c, t) + (t == 0 ? drain : 0));
  return h;
}

template <class Body> void timed(StressHistory& h, int threads, Body&& body) {
  const std::int64_t start = monotonic_ns();
  h.pinned = run_pinned(threads, body);
  h.ms = static_cast<double>(monotonic_ns() - start) / 1e6;
}

// After the threads join: pops until empty (or the log is full: a broken
// structure may hand back more than was pushed).
template <class Pop> void drain(StressLog& log, Pop&& pop) noexcept {
  bool empty = false;
  while (!empty && !log.full()) {
    log.record([&] {
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
// ahead of its successful pops. `empty_means_none`: an empty pop proves
// the thread holds nothing (the deque's owner: only thieves take its items
// besides itself); elsewhere other threads' items may be what it popped.
template <class TryPush, class Pop>
void push_and_pop(StressLog& log, const StressConfig& cfg, int t,
                  bool empty_means_none, TryPush&& try_push, Pop&& pop) {
  StressRandom random(cfg.seed, t);
  std::uint64_t pushed = 0, balance = 0;
  for (std::size_t i = 0; i < share(cfg, t); ++i) {
    if (balance == 0 || (balance < cfg.depth && random.coin())) {
      const std::uint32_t v = unique_value(cfg, t, pushed++);
      log.record([&] {
        return StressResult{push_until_accepted([&] { return try_push(v); }),
                            v};
      });
      if (log.rows().back().op == kStressPush) ++balance;
    } else {
      log.record([&] {
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

template <class Collection>
StressHistory run_collection(Collection& c, const StressConfig& cfg) {
  StressHistory h = make_history(cfg, capacity_for(cfg) + 1);
  timed(h, cfg.threads, [&](int t) {
    push_and_pop(
        h.logs[static_cast<std::size_t>(t)], cfg, t, false,
        [&](std::uint32_t v) { return c.try_push(v); },
        [&] { return c.try_pop(); });
  });
  drain(h.logs[0], [&] { return c.try_pop(); });
  return h;
}

template <class Bugs> StressHistory run_queue(const StressConfig& cfg) {
  MpmcQueue<std::uint32_t, StdSync, Bugs> q(capacity_for(cfg));
  return run_collection(q, cfg);
}

template <class Bugs> StressHistory run_stack(const StressConfig& cfg) {
  TaggedStack<std::uint32_t, StdSync, Bugs> s(capacity_for(cfg));
  return run_collection(s, cfg);
}

// The owner (thread 0) pushes and pops; every other thread steals.
template <class Bugs> StressHistory run_deque(const StressConfig& cfg) {
  using Deque = ChaseLevDeque<std::uint32_t, StdSync, Bugs>;
  // Starts at 2 slots and grows to hold `depth`: growth is exercised.
  Deque deque(2, static_cast<std::size_t>(cfg.threads - 1),
              std::max<std::size_t>(2, std::bit_ceil(cfg.depth)));
  auto worker = deque.worker();
  std::vector<typename Deque::Stealer> stealers;
  for (int t = 1; t < cfg.threads; ++t)
    stealers.push_back(deque.stealer());
  StressHistory h = make_history(cfg, cfg.depth + 1);
  timed(h, cfg.threads, [&](int t) {
    StressLog& log = h.logs[static_cast<std::size_t>(t)];
    if (t > 0) {
      auto& stealer = stealers[static_cast<std::size_t>(t - 1)];
      for (std::size_t i = 0; i < share(cfg, t); ++i) {
        log.record([&] {
          const Take<std::uint32_t> s = stealer.steal();
          return StressResult{kStressSteal, s.is_success() ? s.value()
                                            : s.is_empty() ? kStressEmpty
                                                           : kStressRetry};
        });
      }
      return;
    }
    push_and_pop(
        log, cfg, t, true, [&](std::uint32_t v) { return worker.push(v); },
        [&] { return worker.pop(); });
  });
  drain(h.logs[0], [&] { return worker.pop(); });
  return h;
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
                             names_of(targets()) + ", got '" + target + "'");
}

Napi::Value to_js(Napi::Env env, const StressHistory& h, int threads) {
  std::size_t n = 0;
  for (const StressLog& log : h.logs)
    n += log.rows().size();
  std::int64_t origin = INT64_MAX;
  for (const StressLog& log : h.logs)
    if (!log.rows().empty()) origin = std::min(origin, log.rows()[0].call);
  auto thread = Napi::Uint8Array::New(env, n);
  auto op = Napi::Uint8Array::New(env, n);
  auto value = Napi::Uint32Array::New(env, n);
  auto call = Napi::Float64Array::New(env, n);
  auto ret = Napi::Float64Array::New(env, n);
  std::size_t i = 0;
  for (std::size_t t = 0; t < h.logs.size(); ++t) {
    for (const StressRow& r : h.logs[t].rows()) {
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
  return out;
}

Napi::Value stress_run(const Napi::CallbackInfo& info) {
  expect_arity(info, kFn, 1, 1);
  const Options options(
      info, 0, kFn, {"target", "variant", "threads", "ops", "seed", "depth"});
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
  const Runner run = find_runner(
      info.Env(), target, options.string("variant", "correct"), c.threads);
  StressHistory h;
  try {
    h = run(c);
  } catch (const std::bad_alloc&) {
    throw_range_error(info.Env(), std::string(kFn) +
                                      ": not enough memory for " +
                                      std::to_string(c.ops) + " ops");
  }
  return to_js(info.Env(), h, c.threads);
}

} // namespace

void init_stress(Napi::Env env, Napi::Object exports) {
  exports.Set("stressRun", Napi::Function::New(env, stress_run, kFn));
}

} // namespace lockstep::addon
