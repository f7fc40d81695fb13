// targets.cpp — the registry and role assignment (see targets.hpp).
#include "sim/targets.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace lockstep::sim {

namespace {

struct Registration {
  TargetMaker make;
  const char* where;
};

// Function-local, so that registrations from any file's static
// initialisation find it constructed.
std::vector<Registration>& registrations() {
  static std::vector<Registration> all;
  return all;
}

std::string check(const std::vector<TargetInfo>& all,
                  const std::vector<std::string>& where) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    const TargetInfo& t = all[i];
    if (t.name.empty()) return where[i] + ": a target without a name";
    if (t.ops.empty() || t.roles.empty() || t.variants.empty() || !t.make)
      return where[i] + ": target '" + t.name +
             "' has no ops, roles, variants or factory";
    for (std::size_t j = 0; j < i; ++j) {
      if (all[j].name == t.name)
        return "target '" + t.name + "' is registered twice: in " + where[j] +
               " and in " + where[i];
    }
  }
  return {};
}

struct Registry {
  std::vector<TargetInfo> targets; // in name order
  std::string problem;             // the built-in targets' (registry_problem)
  std::size_t built_in = 0;        // registrations() made before the build
};

void sort_by_name(std::vector<TargetInfo>& all) {
  std::stable_sort(
      all.begin(), all.end(),
      [](const TargetInfo& a, const TargetInfo& b) { return a.name < b.name; });
}

Registry& registry() {
  static Registry r = [] {
    Registry out;
    std::vector<std::string> where;
    for (const Registration& reg : registrations()) {
      out.targets.push_back(reg.make());
      where.emplace_back(reg.where);
    }
    out.built_in = registrations().size();
    out.problem = check(out.targets, where);
    // Name order: the same whatever order the files were linked in.
    sort_by_name(out.targets);
    return out;
  }();
  return r;
}

} // namespace

bool register_target(TargetMaker make, const char* where) noexcept {
  registrations().push_back({make, where});
  return true;
}

std::string registry_problem() { return registry().problem; }

std::vector<std::int64_t> stress_params(const TargetInfo& t, int threads,
                                        std::uint64_t depth) {
  if (t.stress_params) return t.stress_params(threads, depth);
  std::vector<std::int64_t> out;
  for (const ParamInfo& p : t.params) {
    const auto room =
        static_cast<std::int64_t>(static_cast<std::uint64_t>(threads) * depth);
    out.push_back(p.name == "capacity" ? std::max(p.fallback, room)
                                       : p.fallback);
  }
  return out;
}

const std::vector<TargetInfo>& targets() {
  const Registry& r = registry();
  if (!r.problem.empty()) {
    std::fprintf(stderr, "lockstep: the target registry is broken: %s\n",
                 r.problem.c_str());
    std::abort();
  }
  return r.targets;
}

std::string add_registered_since(std::size_t first, const std::string& plugin,
                                 std::vector<std::string>& names) {
  targets(); // the built-in targets first
  std::vector<Registration>& regs = registrations();
  std::vector<TargetInfo> made;
  std::vector<std::string> where;
  std::string problem;
  for (std::size_t i = first; i < regs.size() && problem.empty(); ++i) {
    try {
      made.push_back(regs[i].make());
      made.back().plugin = plugin;
      where.emplace_back(regs[i].where);
    } catch (const std::exception& e) {
      problem = std::string(regs[i].where) +
                ": building its target threw: " + e.what();
    } catch (...) {
      problem =
          std::string(regs[i].where) + ": building its target threw something";
    }
  }
  regs.resize(first); // kept by `made` (if at all) from here on
  if (problem.empty() && made.empty())
    problem = "it registers no target (LOCKSTEP_TARGET)";
  if (problem.empty()) problem = check(made, where);
  for (std::size_t i = 0; i < made.size() && problem.empty(); ++i) {
    for (const TargetInfo& t : registry().targets) {
      if (t.name != made[i].name) continue;
      problem =
          "its target '" + made[i].name + "' clashes with " +
          (t.plugin.empty() ? std::string("the built-in target of that name")
                            : "the target of that name from " + t.plugin) +
          ": rename it";
    }
  }
  if (!problem.empty()) return problem;
  for (TargetInfo& t : made) {
    names.push_back(t.name);
    registry().targets.push_back(std::move(t));
  }
  sort_by_name(registry().targets);
  return {};
}

std::size_t registration_count() noexcept { return registrations().size(); }

void forget_registrations_since(std::size_t first) noexcept {
  if (first < registrations().size()) registrations().resize(first);
}

const TargetInfo* find_target(std::string_view name) {
  for (const TargetInfo& t : targets()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string assign_roles(const TargetInfo& target,
                         const std::vector<std::vector<Call>>& threads,
                         std::vector<int>& roles) {
  const int role_count = static_cast<int>(target.roles.size());
  roles.assign(threads.size(), 0);
  std::vector<int> used(target.roles.size(), 0);
  for (std::size_t t = 0; t < threads.size(); ++t) {
    // Roles allowed by every op of the thread. A thread without ops takes
    // a role without a thread limit; where every role has one (the SPSC
    // ring's producer and consumer), the first role, not counted against
    // its limit: it calls nothing.
    std::vector<bool> allowed(target.roles.size(), true);
    for (const Call& c : threads[t]) {
      std::vector<bool> by_op(target.roles.size(), false);
      for (int r : target.ops[c.op].roles)
        by_op[static_cast<std::size_t>(r)] = true;
      for (std::size_t r = 0; r < allowed.size(); ++r)
        allowed[r] = allowed[r] && by_op[r];
    }
    int role = -1;
    for (int r = 0; r < role_count && role < 0; ++r) {
      const bool unlimited =
          target.roles[static_cast<std::size_t>(r)].max_threads == 0;
      if (allowed[static_cast<std::size_t>(r)] &&
          (!threads[t].empty() || unlimited))
        role = r;
    }
    if (role < 0 && threads[t].empty()) {
      roles[t] = 0;
      continue;
    }
    if (role < 0) {
      std::string ops;
      for (const Call& c : threads[t]) {
        const std::string& name = target.ops[c.op].name;
        if (ops.find(name) == std::string::npos)
          ops += (ops.empty() ? "" : ", ") + name;
      }
      return "threads[" + std::to_string(t) + "] calls " + ops +
             ", which no single " + target.name + " role may call together";
    }
    const RoleInfo& info = target.roles[static_cast<std::size_t>(role)];
    if (info.max_threads != 0 &&
        ++used[static_cast<std::size_t>(role)] > info.max_threads) {
      return "threads[" + std::to_string(t) + "] would be a second " +
             info.name + " of the " + target.name + ", which allows " +
             std::to_string(info.max_threads);
    }
    roles[t] = role;
  }
  return {};
}

} // namespace lockstep::sim
