// targets.hpp — what the simulator can run: each engine structure (and the
// litmus target that tests the simulator itself) with its operations, the
// roles its threads take, its setup parameters and its variants, and a
// factory that sets it up (the SimSync instantiation of the variant) for
// one run; one file per target in targets/, each registering itself
// (LOCKSTEP_TARGET). listTargets() in the addon returns this metadata, so
// the suite generates scenarios for any target generically.
//
//   const TargetInfo* deque = find_target("chase-lev-deque");
//   std::vector<int> roles;
//   std::string error = assign_roles(*deque, threads, roles);
//   auto instance = deque->make({variant, params, roles});
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/execution.hpp"
#include "sim/outcome.hpp"

namespace lockstep::sim {

struct OpInfo {
  std::string name;
  bool takes_arg;
  std::vector<int> roles; // indices into TargetInfo::roles that may call it
  std::string result;     // what it returns, for the documentation
};

struct RoleInfo {
  std::string name;
  int max_threads; // 0: any number
  std::string description;
};

struct ParamInfo {
  std::string name;
  std::int64_t fallback, min, max;
  std::string description;
};

struct VariantInfo {
  std::string name, description;
  // The variant may touch freed memory on real threads (its Bugs type says
  // kUnsafeOnRealThreads): stress mode refuses it; the simulator, which
  // poisons freed blocks, is where it is checked.
  bool unsafe_on_real_threads = false;
};

// The row of one Bugs type: kVariant, kDescription and, if it has one,
// kUnsafeOnRealThreads.
template <class Bugs> VariantInfo variant_info() {
  VariantInfo v{Bugs::kVariant, Bugs::kDescription};
  if constexpr (requires { Bugs::kUnsafeOnRealThreads; })
    v.unsafe_on_real_threads = Bugs::kUnsafeOnRealThreads;
  return v;
}

struct TargetSetup {
  std::size_t variant;              // index into TargetInfo::variants
  std::vector<std::int64_t> params; // one per TargetInfo::params, in order
  std::vector<int> roles;           // one per thread
  std::vector<std::size_t> calls;   // each thread's number of calls
};

struct TargetInfo {
  std::string name, description;
  std::vector<OpInfo> ops;
  std::vector<RoleInfo> roles;
  std::vector<ParamInfo> params;
  std::vector<VariantInfo> variants;
  // The plugin (shared library) that registered it; "" for a built-in.
  std::string plugin;
  // Builds the target for one run. Throws std::invalid_argument when the
  // parameters do not fit together.
  std::function<std::unique_ptr<Instance>(const TargetSetup&)> make;
  // The production build (StdSync) of the variant asked, for stress mode's
  // real threads: the same ops through Instance::call(thread, ...), each
  // thread calling as the role the setup gives it. Empty where the target
  // has none (stress mode then refuses it).
  std::function<std::unique_ptr<Instance>(const TargetSetup&)> make_real;
  // Stress mode's parameters for `threads` threads, each at most `depth`
  // items ahead of its removals. Empty: every parameter's fallback, except
  // one named "capacity", which gets room for threads * depth items (so
  // that a push is refused only while others are about to remove).
  std::function<std::vector<std::int64_t>(int threads, std::uint64_t depth)>
      stress_params;
};

// Stress mode's parameters for `t` (its stress_params, or the default
// above).
std::vector<std::int64_t> stress_params(const TargetInfo& t, int threads,
                                        std::uint64_t depth);

const std::vector<TargetInfo>& targets();
const TargetInfo* find_target(std::string_view name);

// Gives each thread the first role (in the target's order) that allows
// every op it calls, and checks each role's thread limit. Returns "" or
// what is wrong, naming the thread.
std::string assign_roles(const TargetInfo& target,
                         const std::vector<std::vector<Call>>& threads,
                         std::vector<int>& roles);

// The registry. A target registers itself in its own file, once, after the
// function that builds its TargetInfo:
//   TargetInfo ring_target() { TargetInfo t; t.name = "ring"; ...; return t; }
//   LOCKSTEP_TARGET(ring_target);
// targets() builds every registered TargetInfo at its first call and keeps
// them in name order; nothing else lists the targets (the build compiles
// every file of targets/, and the addon's listTargets() is this list).
// A plugin's files register the same way, while load_plugin (plugins.hpp)
// opens it; load_plugin then adds them.
using TargetMaker = TargetInfo (*)();
// Records `make` (from `where`, for messages); true, so it can initialise
// a static. Register at static initialisation: a built-in's before
// targets()'s first call, a plugin's while load_plugin opens it.
bool register_target(TargetMaker make, const char* where) noexcept;
// For load_plugin: how many registrations there are; and, after a plugin
// registered more, builds them (from `plugin`), checks them (shape, names
// clashing with a loaded target) and adds them, appending their names to
// `names`. Returns "" or what is wrong (then adds none). Either way the
// registrations since `first` are forgotten.
std::size_t registration_count() noexcept;
void forget_registrations_since(std::size_t first) noexcept;
std::string add_registered_since(std::size_t first, const std::string& plugin,
                                 std::vector<std::string>& names);
// What is wrong with the registry ("" if nothing): two targets of one
// name, a target without a name, ops, roles or variants. targets() aborts
// with this message; the native tests check it stays "".
std::string registry_problem();

#define LOCKSTEP_TARGET(make)                                                  \
  [[maybe_unused]] static const bool lockstep_registered_##make =              \
      ::lockstep::sim::register_target(&make, __FILE__)

// Variant rows from a structure's variant list (its Bugs types), with the
// factory `make_for<Bugs>()` gives for each, into `variants` and `makers`.
template <class Variants, class Factory, class MakeFor>
void add_variants(std::vector<VariantInfo>& variants,
                  std::vector<Factory>& makers, MakeFor make_for);

using Maker = std::unique_ptr<Instance> (*)(const TargetSetup&);

// Sets t.variants from `Variants` and t.make to build InstanceOf<Bugs>
// (constructed from the TargetSetup) for the variant asked; with a second
// template (the same instance over StdSync), t.make_real to build
// RealOf<Bugs>.
template <class Variants, template <class> class InstanceOf>
void set_variants(TargetInfo& t);
template <class Variants, template <class> class InstanceOf,
          template <class> class RealOf>
void set_variants(TargetInfo& t);

} // namespace lockstep::sim

#include "lockstep/variants.hpp"

template <class Variants, class Factory, class MakeFor>
void lockstep::sim::add_variants(std::vector<VariantInfo>& variants,
                                 std::vector<Factory>& makers,
                                 MakeFor make_for) {
  lockstep::for_each_variant<Variants>([&]<class Bugs>() {
    variants.push_back(variant_info<Bugs>());
    makers.push_back(make_for.template operator()<Bugs>());
  });
}

template <class Variants, template <class> class InstanceOf>
void lockstep::sim::set_variants(TargetInfo& t) {
  auto makers = std::make_shared<std::vector<Maker>>();
  add_variants<Variants>(t.variants, *makers, []<class Bugs>() -> Maker {
    return [](const TargetSetup& s) -> std::unique_ptr<Instance> {
      return std::make_unique<InstanceOf<Bugs>>(s);
    };
  });
  t.make = [makers](const TargetSetup& s) { return (*makers)[s.variant](s); };
}

template <class Variants, template <class> class InstanceOf,
          template <class> class RealOf>
void lockstep::sim::set_variants(TargetInfo& t) {
  set_variants<Variants, InstanceOf>(t);
  auto makers = std::make_shared<std::vector<Maker>>();
  lockstep::for_each_variant<Variants>([&]<class Bugs>() {
    makers->push_back([](const TargetSetup& s) -> std::unique_ptr<Instance> {
      return std::make_unique<RealOf<Bugs>>(s);
    });
  });
  t.make_real = [makers](const TargetSetup& s) {
    return (*makers)[s.variant](s);
  };
}
