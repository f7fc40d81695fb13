// simulator_binding.cpp — the simulator's exports: runScenario (one run,
// or every schedule for the exhaustive kind), benchScenario (many runs,
// timed natively) and listTargets (what the simulator can run).
#include <napi.h>

#include <chrono>
#include <memory>

#include "args.hpp"
#include "bindings.hpp"
#include "scenario_args.hpp"
#include "sim/plugins.hpp"
#include "sim/strategies.hpp"

namespace lockstep::addon {
namespace {

using namespace lockstep::sim;

// One simulator (and its fibers) per JS thread, reused across calls.
Simulator& simulator() {
  thread_local Simulator sim;
  return sim;
}

InstanceFactory factory_of(const ScenarioSpec& spec) {
  return [&spec] { return spec.target->make(spec.setup); };
}

RunLimits limits_of(const ScenarioSpec& spec) {
  return {spec.max_steps, spec.trace, spec.memory_model};
}

// Runs a scenario whose schedule is choices, random or pct.
RunResult run_once(const ScenarioSpec& spec, std::uint64_t seed) {
  Simulator& sim = simulator();
  const ScheduleSpec& s = spec.schedule;
  switch (s.kind) {
  case ScheduleSpec::Kind::kRandom: {
    RandomStrategy random(seed);
    return sim.run(factory_of(spec), spec.threads, random, limits_of(spec));
  }
  case ScheduleSpec::Kind::kPct: {
    std::uint64_t estimate = s.estimated_steps;
    if (estimate == 0) { // the sequential run's length
      ChoicesStrategy sequential({});
      estimate = sim.run(factory_of(spec), spec.threads, sequential,
                         {spec.max_steps, false, spec.memory_model})
                     .steps;
    }
    PctStrategy pct(seed, s.depth, estimate);
    return sim.run(factory_of(spec), spec.threads, pct, limits_of(spec));
  }
  default: {
    ChoicesStrategy choices(s.choices);
    return sim.run(factory_of(spec), spec.threads, choices, limits_of(spec));
  }
  }
}

// Creates `spec.target` once outside any run, so that parameters that do
// not fit together are a RangeError here rather than inside the simulator.
void check_setup(Napi::Env env, const ScenarioSpec& spec, const char* fn) {
  try {
    ChoicesStrategy none({});
    std::vector<std::vector<Call>> no_threads;
    simulator().run(factory_of(spec), no_threads, none, {1, false});
  } catch (const std::invalid_argument& e) {
    throw_range_error(env, std::string(fn) +
                               ": scenario.setup does not fit: " + e.what());
  } catch (const std::bad_alloc&) {
    throw_range_error(env,
                      std::string(fn) +
                          ": scenario.setup needs more memory than there is");
  }
}

Napi::Value result_value(Napi::Env env, const OpResult& r) {
  switch (r.kind) {
  case OpResult::Kind::kBool:
    return Napi::Boolean::New(env, r.value != 0);
  case OpResult::Kind::kItem:
    return Napi::Number::New(env, static_cast<double>(r.value));
  case OpResult::Kind::kEmpty:
    return env.Null();
  case OpResult::Kind::kRetry:
    return Napi::String::New(env, "retry");
  case OpResult::Kind::kNone:
    break;
  }
  return env.Undefined();
}

Napi::Object op_entry(Napi::Env env, const ScenarioSpec& spec, int thread,
                      int index, std::uint64_t call) {
  const Call& c = spec.threads[static_cast<std::size_t>(thread)]
                              [static_cast<std::size_t>(index)];
  Napi::Object e = Napi::Object::New(env);
  e.Set("thread", thread);
  e.Set("index", index);
  e.Set("op", spec.target->ops[c.op].name);
  if (c.has_arg)
    e.Set("arg", Napi::Number::New(env, static_cast<double>(c.arg)));
  e.Set("call", Napi::Number::New(env, static_cast<double>(call)));
  return e;
}

Napi::Array numbers(Napi::Env env, const auto& values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    a.Set(static_cast<std::uint32_t>(i),
          Napi::Number::New(env, static_cast<double>(values[i])));
  }
  return a;
}

// A traced value: a number, or for a pointer "null", "block3+16" (block
// numbers count the run's allocations) or "external".
Napi::Value trace_value(Napi::Env env, std::int64_t v, bool pointer,
                        LabelFormat format) {
  const auto index = [](std::uint64_t i) {
    return i == 0xFFFFFFFFu ? std::string("nil") : std::to_string(i);
  };
  if (format == LabelFormat::kIndex32 && !pointer) {
    return Napi::String::New(env, index(static_cast<std::uint32_t>(v)));
  }
  if (format == LabelFormat::kTaggedIndex && !pointer) {
    const auto word = static_cast<std::uint64_t>(v);
    return Napi::String::New(env, index(word & 0xFFFFFFFFu) + "#" +
                                      std::to_string(word >> 32));
  }
  if (!pointer) return Napi::Number::New(env, static_cast<double>(v));
  if (v == 0) return Napi::String::New(env, "null");
  if (v < 0) return Napi::String::New(env, "external");
  return Napi::String::New(env, "block" + std::to_string((v >> 32) - 1) + "+" +
                                    std::to_string(v & 0xFFFFFFFF));
}

Napi::Object to_js(Napi::Env env, const ScenarioSpec& spec,
                   const RunResult& r) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Object outcome = Napi::Object::New(env);
  outcome.Set("kind", outcome_name(r.outcome.kind));
  if (r.outcome.kind != OutcomeKind::kOk) {
    outcome.Set("step",
                Napi::Number::New(env, static_cast<double>(r.outcome.step)));
    if (r.outcome.thread >= 0) outcome.Set("thread", r.outcome.thread);
    outcome.Set("message", r.outcome.message);
  }
  out.Set("outcome", outcome);

  Napi::Array history = Napi::Array::New(env, r.history.size());
  for (std::size_t i = 0; i < r.history.size(); ++i) {
    const HistoryEntry& h = r.history[i];
    Napi::Object e = op_entry(env, spec, h.thread, h.index, h.call);
    e.Set("return", Napi::Number::New(env, static_cast<double>(h.ret)));
    e.Set("solo", h.solo);
    const Napi::Value result = result_value(env, h.result);
    if (!result.IsUndefined()) e.Set("result", result);
    if (!h.after.empty()) e.Set("after", numbers(env, h.after));
    history.Set(static_cast<std::uint32_t>(i), e);
  }
  out.Set("history", history);
  Napi::Array pending = Napi::Array::New(env, r.pending.size());
  for (std::size_t i = 0; i < r.pending.size(); ++i) {
    const PendingEntry& p = r.pending[i];
    Napi::Object e = op_entry(env, spec, p.thread, p.index, p.call);
    if (!p.after.empty()) e.Set("after", numbers(env, p.after));
    pending.Set(static_cast<std::uint32_t>(i), e);
  }
  out.Set("pending", pending);
  out.Set("choices", numbers(env, r.choices));
  if (spec.trace) out.Set("fallbacks", numbers(env, r.fallbacks));
  out.Set("steps", Napi::Number::New(env, static_cast<double>(r.steps)));
  if (r.outcome.kind == OutcomeKind::kOk || !r.final_invariants.empty()) {
    Napi::Object final = Napi::Object::New(env);
    final.Set("items", numbers(env, r.final_items));
    final.Set("invariants", r.final_invariants.empty()
                                ? env.Null()
                                : Napi::String::New(env, r.final_invariants));
    out.Set("final", final);
  }
  if (spec.trace) {
    Napi::Array trace = Napi::Array::New(env, r.trace.size());
    for (std::size_t i = 0; i < r.trace.size(); ++i) {
      const TraceEntry& t = r.trace[i];
      Napi::Object e = Napi::Object::New(env);
      e.Set("step", Napi::Number::New(env, static_cast<double>(t.step)));
      e.Set("thread", t.thread);
      if (t.location != ~0u) e.Set("location", r.locations[t.location]);
      e.Set("access", access_name(t.access));
      if (t.access == Access::kAllocate || t.access == Access::kFree) {
        // Not a step: `step` counts the steps before it.
        e.Set("block", t.block);
        e.Set("bytes", Napi::Number::New(env, static_cast<double>(t.bytes)));
        if (t.call >= 0) e.Set("call", t.call);
        trace.Set(static_cast<std::uint32_t>(i), e);
        continue;
      }
      e.Set("order", order_name(t.order));
      const LabelFormat format = t.location == ~0u
                                     ? LabelFormat::kNumber
                                     : r.location_formats[t.location];
      if (t.has_read)
        e.Set("read", trace_value(env, t.read, t.pointer, format));
      if (t.has_written)
        e.Set("written", trace_value(env, t.written, t.pointer, format));
      if (t.stale) {
        e.Set("stale", true);
        // The newest store, which it missed (or went before).
        Napi::Object missed = Napi::Object::New(env);
        missed.Set("thread", t.missed_thread);
        missed.Set("step",
                   Napi::Number::New(env, static_cast<double>(t.missed_step)));
        missed.Set("value", trace_value(env, t.missed_value, t.missed_pointer,
                                        format));
        missed.Set("newer", t.missed_newer);
        e.Set("missed", missed);
      }
      trace.Set(static_cast<std::uint32_t>(i), e);
    }
    out.Set("trace", trace);
  }
  return out;
}

Napi::Value run_scenario(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "runScenario";
  expect_arity(info, fn, 1, 1);
  const ScenarioSpec spec = read_scenario(info.Env(), info[0], fn);
  check_setup(info.Env(), spec, fn);
  if (spec.schedule.kind != ScheduleSpec::Kind::kExhaustive) {
    return to_js(info.Env(), spec, run_once(spec, spec.schedule.seed));
  }
  const ExploreResult e =
      explore(simulator(), factory_of(spec), spec.threads, limits_of(spec),
              {spec.schedule.preemption_bound, spec.schedule.max_schedules});
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("schedules",
          Napi::Number::New(info.Env(), static_cast<double>(e.schedules)));
  out.Set("complete", e.complete);
  Napi::Array results = Napi::Array::New(info.Env(), e.distinct.size());
  for (std::size_t i = 0; i < e.distinct.size(); ++i) {
    Napi::Object r = to_js(info.Env(), spec, e.distinct[i]);
    r.Set("count",
          Napi::Number::New(info.Env(), static_cast<double>(e.counts[i])));
    results.Set(static_cast<std::uint32_t>(i), r);
  }
  out.Set("results", results);
  return out;
}

Napi::Value bench_scenario(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "benchScenario";
  expect_arity(info, fn, 2, 2);
  const ScenarioSpec spec = read_scenario(info.Env(), info[0], fn);
  if (spec.schedule.kind == ScheduleSpec::Kind::kExhaustive) {
    throw_range_error(
        info.Env(),
        std::string(fn) +
            ": scenario.schedule.kind must be choices, random or pct");
  }
  const std::int64_t runs = safe_integer_arg(info, 1, fn, "runs");
  if (runs < 1 || runs > 100'000'000) {
    throw_range_error(info.Env(), std::string(fn) + ": " + arg_name(1, "runs") +
                                      " must be from 1 to 100000000");
  }
  check_setup(info.Env(), spec, fn);
  std::uint64_t steps = 0, failures = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < runs; ++i) {
    // Random and PCT runs take seeds seed, seed + 1, ...
    const RunResult r =
        run_once(spec, spec.schedule.seed + static_cast<std::uint64_t>(i));
    steps += r.steps;
    failures += r.outcome.kind == OutcomeKind::kOk ? 0 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("runs", Napi::Number::New(info.Env(), static_cast<double>(runs)));
  out.Set("steps", Napi::Number::New(info.Env(), static_cast<double>(steps)));
  out.Set("failures",
          Napi::Number::New(info.Env(), static_cast<double>(failures)));
  out.Set("seconds", seconds);
  return out;
}

// A JS array of convert(item) for each item.
template <class Items, class Convert>
Napi::Array array_of(Napi::Env env, const Items& items, Convert convert) {
  Napi::Array out = Napi::Array::New(env, items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.Set(static_cast<std::uint32_t>(i), convert(items[i]));
  }
  return out;
}

Napi::Value list_targets(const Napi::CallbackInfo& info) {
  expect_arity(info, "listTargets", 0, 0);
  Napi::Env env = info.Env();
  auto number = [&](std::int64_t v) {
    return Napi::Number::New(env, static_cast<double>(v));
  };
  return array_of(env, targets(), [&](const TargetInfo& t) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", t.name);
    o.Set("description", t.description);
    o.Set("ops", array_of(env, t.ops, [&](const OpInfo& op) {
            Napi::Object x = Napi::Object::New(env);
            x.Set("name", op.name);
            x.Set("takesArg", op.takes_arg);
            x.Set("roles", array_of(env, op.roles, [&](int r) {
                    return Napi::String::New(
                        env, t.roles[static_cast<std::size_t>(r)].name);
                  }));
            x.Set("result", op.result);
            return x;
          }));
    o.Set("roles", array_of(env, t.roles, [&](const RoleInfo& r) {
            Napi::Object x = Napi::Object::New(env);
            x.Set("name", r.name);
            if (r.max_threads != 0) x.Set("maxThreads", r.max_threads);
            x.Set("description", r.description);
            return x;
          }));
    o.Set("setup", array_of(env, t.params, [&](const ParamInfo& p) {
            Napi::Object x = Napi::Object::New(env);
            x.Set("name", p.name);
            x.Set("default", number(p.fallback));
            x.Set("min", number(p.min));
            x.Set("max", number(p.max));
            x.Set("description", p.description);
            return x;
          }));
    if (!t.plugin.empty()) o.Set("plugin", t.plugin);
    o.Set("variants", array_of(env, t.variants, [&](const VariantInfo& v) {
            Napi::Object x = Napi::Object::New(env);
            x.Set("name", v.name);
            x.Set("description", v.description);
            return x;
          }));
    return o;
  });
}

// loadPlugin(path): opens a plugin and returns the names of its targets;
// throws an Error whose message is the one line load_plugin gives.
Napi::Value load_plugin_binding(const Napi::CallbackInfo& info) {
  expect_arity(info, "loadPlugin", 1, 1);
  if (!info[0].IsString() || info[0].As<Napi::String>().Utf8Value().empty())
    throw Napi::TypeError::New(info.Env(),
                               "loadPlugin: path must be a non-empty string");
  std::vector<std::string> names;
  const std::string error =
      load_plugin(info[0].As<Napi::String>().Utf8Value(), names);
  if (!error.empty()) throw Napi::Error::New(info.Env(), error);
  return array_of(info.Env(), names, [&](const std::string& n) {
    return Napi::String::New(info.Env(), n);
  });
}

} // namespace

void init_simulator(Napi::Env env, Napi::Object exports) {
  exports.Set("runScenario",
              Napi::Function::New(env, run_scenario, "runScenario"));
  exports.Set("benchScenario",
              Napi::Function::New(env, bench_scenario, "benchScenario"));
  exports.Set("listTargets",
              Napi::Function::New(env, list_targets, "listTargets"));
  exports.Set("loadPlugin",
              Napi::Function::New(env, load_plugin_binding, "loadPlugin"));
  exports.Set("pluginStamp", Napi::String::New(env, plugin_stamp()));
}

} // namespace lockstep::addon
