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
        return "target '" + t.name + "' is registered twice: in " +
               where[j] + " and in " + where[i];
    }
  }
  return {};
}

struct Built {
  std::vector<TargetInfo> targets;
  std::string problem;
};

const Built& built() {
  static const Built b = [] {
    Built out;
    std::vector<std::string> where;
    for (const Registration& r : registrations()) {
      out.targets.push_back(r.make());
      where.emplace_back(r.where);
    }
    out.problem = check(out.targets, where);
    // Name order: the same whatever order the files were linked in.
    std::vector<std::size_t> order(out.targets.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return out.targets[a].name < out.targets[b].name;
    });
    std::vector<TargetInfo> sorted;
    for (std::size_t i : order)
      sorted.push_back(std::move(out.targets[i]));
    out.targets = std::move(sorted);
    return out;
  }();
  return b;
}

} // namespace

bool register_target(TargetMaker make, const char* where) noexcept {
  registrations().push_back({make, where});
  return true;
}

std::string registry_problem() { return built().problem; }

const std::vector<TargetInfo>& targets() {
  const Built& b = built();
  if (!b.problem.empty()) {
    std::fprintf(stderr, "lockstep: the target registry is broken: %s\n",
                 b.problem.c_str());
    std::abort();
  }
  return b.targets;
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
