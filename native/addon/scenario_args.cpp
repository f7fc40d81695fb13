// scenario_args.cpp — reading and checking a scenario (see scenario_args.hpp).
#include "scenario_args.hpp"

#include <cmath>

#include "args.hpp"

namespace lockstep::addon {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;
constexpr std::size_t kMaxThreads = 16;
constexpr std::size_t kMaxOpsPerThread = 256;
constexpr std::size_t kMaxChoices = 1'000'000;

// A JS value at a path inside the scenario, with checked accessors.
class Field {
public:
  Field(Napi::Env env, Napi::Value value, std::string path, const char* fn)
      : env_(env), value_(value), path_(std::move(path)), fn_(fn) {}

  const std::string& path() const { return path_; }
  bool absent() const { return value_.IsUndefined(); }
  Napi::Value value() const { return value_; }

  [[noreturn]] void type_error(const std::string& wanted) const {
    throw_type_error(env_, std::string(fn_) + ": " + path_ + " must be " +
                               wanted + ", got " + describe(value_));
  }
  [[noreturn]] void range_error(const std::string& message) const {
    throw_range_error(env_, std::string(fn_) + ": " + path_ + " " + message);
  }

  // A plain object whose keys are all in `known` (`what` names the list).
  Napi::Object object(const std::vector<std::string>& known,
                      const std::string& what = "known") const {
    if (value_.Type() != napi_object || value_.IsArray())
      type_error("an object");
    Napi::Object o = value_.As<Napi::Object>();
    const Napi::Array keys = o.GetPropertyNames();
    for (std::uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).ToString().Utf8Value();
      bool ok = false;
      std::string list;
      for (const std::string& k : known) {
        ok = ok || key == k;
        list += (list.empty() ? "" : ", ") + k;
      }
      if (!ok) {
        throw_type_error(env_, std::string(fn_) + ": " + path_ +
                                   " has an unknown field '" + key + "' (" +
                                   what + ": " +
                                   (list.empty() ? "none" : list) + ")");
      }
    }
    return o;
  }
  Field at(const Napi::Object& o, const char* key) const {
    return Field(env_, o.Get(key), path_ + "." + key, fn_);
  }
  Napi::Array array(std::size_t max_length) const {
    if (!value_.IsArray()) type_error("an array");
    Napi::Array a = value_.As<Napi::Array>();
    if (a.Length() > max_length) {
      range_error("may hold at most " + std::to_string(max_length) +
                  " entries, got " + std::to_string(a.Length()));
    }
    return a;
  }
  Field element(const Napi::Array& a, std::uint32_t i) const {
    return Field(env_, a.Get(i), path_ + "[" + std::to_string(i) + "]", fn_);
  }
  std::string string() const {
    if (!value_.IsString()) type_error("a string");
    return value_.As<Napi::String>().Utf8Value();
  }
  bool boolean() const {
    if (!value_.IsBoolean()) type_error("a boolean");
    return value_.As<Napi::Boolean>().Value();
  }
  std::int64_t integer(double min, double max) const {
    if (!value_.IsNumber()) type_error("a number");
    const double d = value_.As<Napi::Number>().DoubleValue();
    if (!(std::trunc(d) == d) || d < min || d > max) {
      char range[96];
      std::snprintf(range, sizeof range,
                    "must be an integer from %.0f to %.0f, got ", min, max);
      range_error(range + describe(value_));
    }
    return static_cast<std::int64_t>(d);
  }
  // One of `names`, by index.
  std::size_t one_of(const std::vector<std::string>& names,
                     const std::string& what) const {
    const std::string s = string();
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == s) return i;
      list += (list.empty() ? "" : ", ") + names[i];
    }
    range_error("must be one of " + list + " (" + what + "), got '" + s + "'");
  }

private:
  Napi::Env env_;
  Napi::Value value_;
  std::string path_;
  const char* fn_;
};

ScheduleSpec read_schedule(const Field& f) {
  ScheduleSpec s;
  if (f.absent()) return s; // the sequential run
  const Napi::Object o =
      f.object({"kind", "choices", "seed", "depth", "estimatedSteps",
                "preemptionBound", "maxSchedules"});
  const Field kind = f.at(o, "kind");
  const std::vector<std::string> kinds = {"choices", "random", "pct",
                                          "exhaustive"};
  s.kind =
      static_cast<ScheduleSpec::Kind>(kind.one_of(kinds, "schedule kinds"));
  // Each field belongs to some kinds only: a stray one is a mistake.
  auto only_for = [&](const char* key,
                      std::initializer_list<ScheduleSpec::Kind> ok) {
    const Field field = f.at(o, key);
    if (field.absent()) return field;
    for (auto k : ok) {
      if (k == s.kind) return field;
    }
    field.range_error("does not apply to schedule kind '" +
                      kinds[static_cast<std::size_t>(s.kind)] + "'");
  };
  const Field choices = only_for("choices", {ScheduleSpec::Kind::kChoices});
  if (!choices.absent()) {
    const Napi::Array a = choices.array(kMaxChoices);
    for (std::uint32_t i = 0; i < a.Length(); ++i) {
      s.choices.push_back(
          static_cast<int>(choices.element(a, i).integer(0, 1'000'000)));
    }
  }
  const Field seed =
      only_for("seed", {ScheduleSpec::Kind::kRandom, ScheduleSpec::Kind::kPct});
  if (!seed.absent())
    s.seed = static_cast<std::uint64_t>(seed.integer(0, kMaxSafeInteger));
  const Field depth = only_for("depth", {ScheduleSpec::Kind::kPct});
  if (!depth.absent()) s.depth = static_cast<int>(depth.integer(1, 100));
  const Field estimate = only_for("estimatedSteps", {ScheduleSpec::Kind::kPct});
  if (!estimate.absent())
    s.estimated_steps = static_cast<std::uint64_t>(estimate.integer(1, 1e9));
  const Field bound =
      only_for("preemptionBound", {ScheduleSpec::Kind::kExhaustive});
  if (!bound.absent())
    s.preemption_bound = static_cast<int>(bound.integer(0, 1000));
  const Field max = only_for("maxSchedules", {ScheduleSpec::Kind::kExhaustive});
  if (!max.absent())
    s.max_schedules = static_cast<std::uint64_t>(max.integer(1, 1e8));
  return s;
}

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> out;
  for (const auto& i : items)
    out.push_back(i.name);
  return out;
}

} // namespace

ScenarioSpec read_scenario(Napi::Env env, const Napi::Value& value,
                           const char* fn) {
  const Field root(env, value, "scenario", fn);
  const Napi::Object o =
      root.object({"format", "target", "variant", "setup", "threads",
                   "schedule", "memoryModel", "maxSteps", "trace"});
  ScenarioSpec spec;
  const Field format = root.at(o, "format");
  if (!format.absent() && format.integer(1, 1) != 1)
    format.range_error("must be 1");

  const std::vector<std::string> targets = names_of(sim::targets());
  spec.target =
      &sim::targets()[root.at(o, "target").one_of(targets, "the targets")];
  const sim::TargetInfo& target = *spec.target;

  const Field variant = root.at(o, "variant");
  spec.setup.variant = variant.absent()
                           ? 0
                           : variant.one_of(names_of(target.variants),
                                            target.name + "'s variants");

  const Field setup = root.at(o, "setup");
  for (const sim::ParamInfo& p : target.params)
    spec.setup.params.push_back(p.fallback);
  if (!setup.absent()) {
    const Napi::Object so =
        setup.object(names_of(target.params), target.name + "'s parameters");
    for (std::size_t i = 0; i < target.params.size(); ++i) {
      const sim::ParamInfo& p = target.params[i];
      const Field f = setup.at(so, p.name.c_str());
      if (!f.absent()) {
        spec.setup.params[i] =
            f.integer(static_cast<double>(p.min), static_cast<double>(p.max));
      }
    }
  }
  const Field threads = root.at(o, "threads");
  const Napi::Array ta = threads.array(kMaxThreads);
  if (ta.Length() == 0)
    threads.range_error("must hold at least one thread: a scenario runs "
                        "at least one operation");
  const std::vector<std::string> ops = names_of(target.ops);
  for (std::uint32_t t = 0; t < ta.Length(); ++t) {
    const Field thread = threads.element(ta, t);
    const Napi::Array ca = thread.array(kMaxOpsPerThread);
    std::vector<sim::Call> calls;
    for (std::uint32_t i = 0; i < ca.Length(); ++i) {
      const Field call = thread.element(ca, i);
      const Napi::Object co = call.object({"op", "arg"});
      sim::Call c;
      c.op = static_cast<std::uint16_t>(
          call.at(co, "op").one_of(ops, target.name + "'s ops"));
      const Field arg = call.at(co, "arg");
      if (target.ops[c.op].takes_arg) {
        if (arg.absent())
          arg.type_error("a safe integer (" + target.ops[c.op].name +
                         " takes one)");
        c.has_arg = true;
        c.arg = arg.integer(-kMaxSafeInteger, kMaxSafeInteger);
      } else if (!arg.absent()) {
        arg.range_error("must be absent: " + target.ops[c.op].name +
                        " takes no argument");
      }
      calls.push_back(c);
    }
    spec.threads.push_back(std::move(calls));
  }
  std::size_t total_calls = 0;
  for (const auto& calls : spec.threads) total_calls += calls.size();
  if (total_calls == 0)
    threads.range_error("holds no operation: a scenario runs at least one");
  const std::string roles =
      sim::assign_roles(target, spec.threads, spec.setup.roles);
  if (!roles.empty())
    throw_range_error(env, std::string(fn) + ": scenario." + roles);
  for (const auto& calls : spec.threads)
    spec.setup.calls.push_back(calls.size());

  spec.schedule = read_schedule(root.at(o, "schedule"));
  const Field model = root.at(o, "memoryModel");
  if (!model.absent()) {
    spec.memory_model = static_cast<sim::MemoryModel>(
        model.one_of({"sc", "tso", "c11"}, "memory models"));
  }
  const Field max_steps = root.at(o, "maxSteps");
  if (!max_steps.absent())
    spec.max_steps = static_cast<std::uint64_t>(max_steps.integer(1, 1e8));
  const Field trace = root.at(o, "trace");
  if (!trace.absent()) spec.trace = trace.boolean();
  return spec;
}

} // namespace lockstep::addon
