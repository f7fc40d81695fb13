// targets.cpp — the registry and role assignment (see targets.hpp).
#include "sim/targets.hpp"

namespace lockstep::sim {

const std::vector<TargetInfo>& targets() {
  static const std::vector<TargetInfo> all = {
      chase_lev_deque_target(), mpmc_queue_target(), mpsc_queue_target(),
      tagged_stack_target(),    arena_target(),      block_pool_target(),
      scheduler_target(),       litmus_target()};
  return all;
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
    // a role without a thread limit.
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
