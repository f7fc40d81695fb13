// mpmc_queue_target.cpp — the bounded Vyukov MPMC queue as a simulator target:
// any thread pushes and pops; its StdSync build for stress mode.
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"
#include "sim/targets/bounded_instance.hpp"

namespace lockstep::sim {
namespace {

template <class Bugs>
using MpmcOf = BoundedInstance<MpmcQueue<std::int64_t, SimSync, Bugs>>;
template <class Bugs>
using RealMpmcOf = BoundedInstance<MpmcQueue<std::int64_t, StdSync, Bugs>>;

} // namespace

TargetInfo mpmc_queue_target() {
  TargetInfo t;
  t.name = "mpmc-queue";
  t.description = "bounded Vyukov MPMC queue: any thread pushes and pops";
  t.ops = {{"push", true, {0}, "true, or false when full"},
           {"pop", false, {0}, "the oldest item, or null when empty"}};
  t.roles = {{"any", 0, "any thread: push and pop"}};
  t.params = {capacity_param()};
  set_variants<MpmcVariants, MpmcOf, RealMpmcOf>(t);
  return t;
}

LOCKSTEP_TARGET(mpmc_queue_target);

} // namespace lockstep::sim
