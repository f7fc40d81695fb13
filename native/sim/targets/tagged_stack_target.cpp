// tagged_stack_target.cpp — the Treiber stack with a tagged head as a simulator
// target: any thread pushes and pops; setup tagBits narrows the tag. Its
// StdSync build for stress mode.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "lockstep/std_sync.hpp"
#include "lockstep/tagged_stack.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"
#include "sim/targets/bounded_instance.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;

// The stack with its tag width chosen at run time (setup tagBits), so that
// the ABA study can narrow the tag of any variant.
template <class Sync, class Bugs, unsigned TagBits>
std::unique_ptr<Instance> stack_with(const TargetSetup& s) {
  return std::make_unique<
      BoundedInstance<TaggedStack<Value, Sync, Bugs, TagBits>>>(s);
}
// Widths 1..8 (tagBits 1..8); 0 keeps the variant's own.
template <class Sync, class Bugs, unsigned... Minus1>
std::unique_ptr<Instance>
stack_of_width(const TargetSetup& s,
               std::integer_sequence<unsigned, Minus1...>) {
  std::unique_ptr<Instance> out;
  ((s.params[1] == Minus1 + 1 ? (out = stack_with<Sync, Bugs, Minus1 + 1>(s), 0)
                              : 0),
   ...);
  return out;
}
template <class Sync, class Bugs>
std::unique_ptr<Instance> make_stack(const TargetSetup& s) {
  if (s.params[1] == 0) return stack_with<Sync, Bugs, Bugs::kTagBits>(s);
  return stack_of_width<Sync, Bugs>(s,
                                    std::make_integer_sequence<unsigned, 8>{});
}

} // namespace

TargetInfo tagged_stack_target() {
  TargetInfo t;
  t.name = "tagged-stack";
  t.description =
      "Treiber stack with a tagged head: any thread pushes and pops";
  t.ops = {{"push", true, {0}, "true, or false when every node is in use"},
           {"pop", false, {0}, "the newest item, or null when empty"}};
  t.roles = {{"any", 0, "any thread: push and pop"}};
  t.params = {
      capacity_param(),
      {"tagBits", 0, 0, 8,
       "the tag's width: 0 for the variant's own (32; 2 for tag-2-bits), "
       "or 1 to 8 bits, to study ABA"}};
  auto makers = std::make_shared<std::vector<Maker>>();
  auto real = std::make_shared<std::vector<Maker>>();
  add_variants<StackVariants>(t.variants, *makers, [&]<class Bugs>() -> Maker {
    real->push_back(&make_stack<StdSync, Bugs>);
    return &make_stack<SimSync, Bugs>;
  });
  t.make = [makers](const TargetSetup& s) { return (*makers)[s.variant](s); };
  t.make_real = [real](const TargetSetup& s) { return (*real)[s.variant](s); };
  return t;
}

LOCKSTEP_TARGET(tagged_stack_target);

} // namespace lockstep::sim
