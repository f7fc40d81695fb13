// scenario_args.hpp — reading a scenario (docs/formats.md, "Scenario",
// "Result") from JavaScript, every field checked; errors name the function
// and the field's path:
//   runScenario: scenario.threads[1][0].op must be one of push, pop, steal
//   (chase-lev-deque's ops), got 'pul'
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/outcome.hpp"
#include "sim/targets.hpp"

namespace lockstep::addon {

struct ScheduleSpec {
  enum class Kind { kChoices, kRandom, kPct, kExhaustive };
  Kind kind = Kind::kChoices;
  std::vector<int> choices;
  std::uint64_t seed = 0;
  int depth = 3;
  std::uint64_t estimated_steps = 0; // 0: measure with a sequential run
  int preemption_bound = 2;
  std::uint64_t max_schedules = 10'000;
};

struct ScenarioSpec {
  const sim::TargetInfo* target = nullptr;
  sim::TargetSetup setup;
  std::vector<std::vector<sim::Call>> threads;
  ScheduleSpec schedule;
  std::uint64_t max_steps = 10'000;
  bool trace = false;
  sim::MemoryModel memory_model = sim::MemoryModel::kSc;
};

// Reads and checks `value` as a scenario; throws TypeError/RangeError
// naming `fn` and the field.
ScenarioSpec read_scenario(Napi::Env env, const Napi::Value& value,
                           const char* fn);

} // namespace lockstep::addon
