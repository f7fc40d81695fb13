// scheduler_binding.cpp — the work-stealing scheduler from JavaScript:
// schedulerRunGraph(graph, options) runs a task graph described in
// JavaScript on a ThreadPool (real threads, the production build) and
// returns what each task saw.
//
//   schedulerRunGraph({ tasks: 3, edges: [[0, 2], [1, 2]], work: [10, 0, 5] },
//                     { workers: 2 })
//   // { runs: Uint32Array [1, 1, 1], started, finished, worker, ran: 3,
//   //   dropped: 0, outstanding: 0, timedOut: false, ms }
//
// Every task is created held, the edges added (edge [a, b]: b waits for
// a), then each task released from this thread in index order: those with
// nothing pending go through the injection queue, the others are pushed by
// the worker that completes their last prerequisite. A task counts its
// runs, stamps its start and its finish from one shared counter (so edge
// [a, b] is respected iff finished[a] < started[b]) and spins `work[i]`
// iterations in between. The call returns when every task ran, or after
// timeoutMs: then the pool is cancelled, and what never ran is `dropped`
// (cancelled) or `outstanding` (lost: neither run nor dropped). The call
// blocks this thread while the graph runs.
#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "args.hpp"
#include "bindings.hpp"
#include "lockstep/scheduler.hpp"
#include "variants.hpp"

namespace lockstep::addon {
namespace {

constexpr const char* kFn = "schedulerRunGraph";
constexpr std::int64_t kMaxWork = 1'000'000;   // spin iterations per task
constexpr std::size_t kMaxWorkers = 64;        // threads one call starts
constexpr std::size_t kMaxTimeoutMs = 600'000; // 10 minutes

struct Graph {
  std::size_t tasks = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  std::vector<std::uint32_t> work;
};

struct RunConfig {
  std::size_t workers, injection;
  std::chrono::milliseconds timeout;
};

struct Outcome {
  std::vector<std::uint32_t> runs, started, finished, worker;
  std::uint64_t ran = 0, dropped = 0, outstanding = 0;
  bool timed_out = false;
  double ms = 0;
};

// What the tasks write: shared by the workers, read after the pool stops.
struct Ledger {
  explicit Ledger(const Graph& g)
      : work(g.work), runs(g.tasks), started(g.tasks), finished(g.tasks),
        worker(g.tasks) {}
  std::vector<std::uint32_t> work;
  std::vector<std::atomic<std::uint32_t>> runs, started, finished, worker;
  std::atomic<std::uint32_t> clock{0};
  std::atomic<std::size_t> done{0};
};

struct TaskArg {
  Ledger* ledger;
  std::uint32_t index;
};

template <class Bugs> struct GraphRunner {
  using Sched = Scheduler<StdSync, Bugs>;

  static void task(typename Sched::Context& ctx, void* arg) {
    const auto& a = *static_cast<const TaskArg*>(arg);
    Ledger& l = *a.ledger;
    l.runs[a.index].fetch_add(1, std::memory_order_relaxed);
    l.started[a.index].store(l.clock.fetch_add(1), std::memory_order_relaxed);
    volatile std::uint32_t sink = 0;
    for (std::uint32_t i = 0; i < l.work[a.index]; ++i)
      sink = sink + i;
    l.worker[a.index].store(static_cast<std::uint32_t>(ctx.worker()),
                            std::memory_order_relaxed);
    l.finished[a.index].store(l.clock.fetch_add(1), std::memory_order_relaxed);
    l.done.fetch_add(1, std::memory_order_release);
  }

  static Outcome run(const Graph& g, const RunConfig& c) {
    const auto begin = std::chrono::steady_clock::now();
    Ledger ledger(g); // outlives the pool: no task runs after it stops
    std::vector<TaskArg> args(g.tasks);
    SchedulerOptions o;
    o.workers = c.workers;
    o.max_tasks = g.tasks;
    o.injection_capacity = c.injection;
    o.deque_capacity = std::bit_ceil(std::max<std::size_t>(g.tasks, 2));
    ThreadPool<Bugs> pool(o);
    Sched& s = pool.scheduler();
    std::vector<typename Sched::TaskId> ids(g.tasks);
    for (std::size_t i = 0; i < g.tasks; ++i) {
      args[i] = {&ledger, static_cast<std::uint32_t>(i)};
      ids[i] = s.create(&task, &args[i]); // max_tasks: never kNoTask
    }
    for (const auto& [before, after] : g.edges)
      s.precede(ids[before], ids[after]); // out-degree checked
    const auto deadline = begin + c.timeout;
    bool timed_out = false;
    for (std::size_t i = 0; i < g.tasks; ++i) {
      while (s.try_release(ids[i]) == Release::kFull) {
        if (std::chrono::steady_clock::now() >= deadline) {
          timed_out = true; // workers stuck: this task and the rest held
          break;
        }
        std::this_thread::yield();
      }
      if (timed_out) {
        for (std::size_t j = i; j < g.tasks; ++j)
          s.discard(ids[j]);
        break;
      }
    }
    while (!timed_out &&
           ledger.done.load(std::memory_order_acquire) < g.tasks) {
      if (std::chrono::steady_clock::now() >= deadline) timed_out = true;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    pool.shutdown(timed_out ? Shutdown::kCancel : Shutdown::kDrain);
    Outcome out;
    out.timed_out = timed_out;
    out.ran = s.ran();
    out.dropped = s.dropped();
    out.outstanding = s.outstanding();
    for (std::size_t i = 0; i < g.tasks; ++i) {
      out.runs.push_back(ledger.runs[i].load());
      out.started.push_back(ledger.started[i].load());
      out.finished.push_back(ledger.finished[i].load());
      out.worker.push_back(ledger.worker[i].load());
    }
    out.ms = std::chrono::duration<double, std::milli>(
                 std::chrono::steady_clock::now() - begin)
                 .count();
    return out;
  }
};

using RunFactory = Outcome (*)(const Graph&, const RunConfig&);
const auto kSchedulerVariants = variant_table<SchedulerVariants, RunFactory>(
    []<class Bugs>() -> RunFactory { return &GraphRunner<Bugs>::run; });

[[noreturn]] void type_error(Napi::Env env, const std::string& what) {
  throw_type_error(env, std::string(kFn) + ": " + what);
}
[[noreturn]] void range_error(Napi::Env env, const std::string& what) {
  throw_range_error(env, std::string(kFn) + ": " + what);
}

// An integer in [min, max] at `where` (graph.tasks, graph.edges[3][1]):
// anything but an integer is a TypeError, an integer out of range a
// RangeError.
std::int64_t integer_at(Napi::Env env, const Napi::Value& v,
                        const std::string& where, std::int64_t min,
                        std::int64_t max) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.5;
  if (!std::isfinite(d) || std::trunc(d) != d)
    type_error(env, where + " must be an integer, got " + describe(v));
  if (d < static_cast<double>(min) || d > static_cast<double>(max))
    range_error(env, where + " must be from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got " + describe(v));
  return static_cast<std::int64_t>(d);
}

Napi::Array array_at(Napi::Env env, const Napi::Value& v,
                     const std::string& where) {
  if (!v.IsArray())
    type_error(env, where + " must be an array, got " + describe(v));
  return v.As<Napi::Array>();
}

// Kahn's algorithm: a task on a cycle, or -1.
std::int64_t task_on_cycle(const Graph& g) {
  std::vector<std::uint32_t> pending(g.tasks, 0), ready;
  std::vector<std::vector<std::uint32_t>> next(g.tasks);
  for (const auto& [a, b] : g.edges) {
    next[a].push_back(b);
    ++pending[b];
  }
  for (std::uint32_t i = 0; i < g.tasks; ++i)
    if (pending[i] == 0) ready.push_back(i);
  std::size_t seen = 0;
  while (!ready.empty()) {
    const std::uint32_t t = ready.back();
    ready.pop_back();
    ++seen;
    for (std::uint32_t s : next[t])
      if (--pending[s] == 0) ready.push_back(s);
  }
  if (seen == g.tasks) return -1;
  for (std::uint32_t i = 0; i < g.tasks; ++i)
    if (pending[i] != 0) return i;
  return -1;
}

Graph read_graph(Napi::Env env, const Napi::Value& v) {
  if (v.Type() != napi_object || v.IsArray())
    type_error(env,
               arg_name(0, "graph") + " must be an object, got " + describe(v));
  const Napi::Object o = v.As<Napi::Object>();
  const Napi::Array keys = o.GetPropertyNames();
  for (std::uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string key = keys.Get(i).ToString().Utf8Value();
    if (key != "tasks" && key != "edges" && key != "work")
      type_error(env, "graph has an unknown field '" + key +
                          "' (known: tasks, edges, work)");
  }
  Graph g;
  g.tasks = static_cast<std::size_t>(
      integer_at(env, o.Get("tasks"), "graph.tasks", 1,
                 static_cast<std::int64_t>(kMaxJsCapacity)));
  const auto last = static_cast<std::int64_t>(g.tasks) - 1;
  if (const Napi::Value e = o.Get("edges"); !e.IsUndefined()) {
    const Napi::Array edges = array_at(env, e, "graph.edges");
    if (edges.Length() > Scheduler<>::kMaxSuccessors * g.tasks)
      range_error(env,
                  "graph.edges holds " + std::to_string(edges.Length()) +
                      " edges; " + std::to_string(g.tasks) +
                      " tasks have at most " +
                      std::to_string(Scheduler<>::kMaxSuccessors * g.tasks));
    std::vector<std::uint32_t> successors(g.tasks, 0);
    for (std::uint32_t i = 0; i < edges.Length(); ++i) {
      const std::string where = "graph.edges[" + std::to_string(i) + "]";
      const Napi::Array pair = array_at(env, edges.Get(i), where);
      if (pair.Length() != 2)
        range_error(env, where + " must be a pair [before, after], got " +
                             std::to_string(pair.Length()) + " items");
      const auto a = static_cast<std::uint32_t>(
          integer_at(env, pair.Get(0u), where + "[0]", 0, last));
      const auto b = static_cast<std::uint32_t>(
          integer_at(env, pair.Get(1u), where + "[1]", 0, last));
      if (a == b)
        range_error(env, where + " makes task " + std::to_string(a) +
                             " wait for itself");
      if (++successors[a] > Scheduler<>::kMaxSuccessors)
        range_error(env, where + " gives task " + std::to_string(a) +
                             " more than " +
                             std::to_string(Scheduler<>::kMaxSuccessors) +
                             " successors (the scheduler's limit)");
      g.edges.emplace_back(a, b);
    }
  }
  g.work.assign(g.tasks, 0);
  if (const Napi::Value w = o.Get("work"); !w.IsUndefined()) {
    const Napi::Array work = array_at(env, w, "graph.work");
    if (work.Length() != g.tasks)
      range_error(env, "graph.work must have one entry per task (" +
                           std::to_string(g.tasks) + "), got " +
                           std::to_string(work.Length()));
    for (std::uint32_t i = 0; i < work.Length(); ++i)
      g.work[i] = static_cast<std::uint32_t>(
          integer_at(env, work.Get(i), "graph.work[" + std::to_string(i) + "]",
                     0, kMaxWork));
  }
  if (const std::int64_t t = task_on_cycle(g); t >= 0)
    range_error(env, "graph.edges make a cycle (task " + std::to_string(t) +
                         " waits for itself through it)");
  return g;
}

Napi::Uint32Array typed(Napi::Env env, const std::vector<std::uint32_t>& v) {
  Napi::Uint32Array out = Napi::Uint32Array::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

Napi::Value run_graph(const Napi::CallbackInfo& info) {
  expect_arity(info, kFn, 1, 2);
  const Graph graph = read_graph(info.Env(), info[0]);
  const Options options(
      info, 1, kFn, {"workers", "injectionCapacity", "timeoutMs", "variant"});
  RunConfig c{};
  c.workers = options.size("workers", 2, 1, kMaxWorkers);
  c.injection = options.size("injectionCapacity", 1024, 1, kMaxJsCapacity);
  c.timeout = std::chrono::milliseconds(
      options.size("timeoutMs", 10'000, 1, kMaxTimeoutMs));
  const auto& variant = find_variant(info.Env(), kSchedulerVariants,
                                     options.string("variant", "correct"), kFn);
  const Outcome r =
      construct(info.Env(), kFn, [&] { return variant.make(graph, c); });
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("runs", typed(env, r.runs));
  out.Set("started", typed(env, r.started));
  out.Set("finished", typed(env, r.finished));
  out.Set("worker", typed(env, r.worker));
  out.Set("ran", Napi::Number::New(env, static_cast<double>(r.ran)));
  out.Set("dropped", Napi::Number::New(env, static_cast<double>(r.dropped)));
  out.Set("outstanding",
          Napi::Number::New(env, static_cast<double>(r.outstanding)));
  out.Set("timedOut", Napi::Boolean::New(env, r.timed_out));
  out.Set("ms", Napi::Number::New(env, r.ms));
  return out;
}

} // namespace

void init_scheduler(Napi::Env env, Napi::Object exports) {
  exports.Set("schedulerRunGraph",
              Napi::Function::New(env, run_graph, "schedulerRunGraph"));
}

} // namespace lockstep::addon
