// collection_targets.cpp — the bounded collections as simulator targets:
// the MPMC queue and the tagged stack (any thread pushes and pops) and the
// MPSC queue (any thread pushes, one consumer pops).
#include <optional>
#include <stdexcept>
#include <utility>

#include "lockstep/mpmc_queue.hpp"
#include "lockstep/mpsc_queue.hpp"
#include "lockstep/tagged_stack.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;
enum Op : std::uint16_t { kPush, kPop };

// A structure with try_push, try_pop, items_quiescent, check_invariants.
template <class Structure> class BoundedInstance final : public Instance {
public:
  explicit BoundedInstance(const TargetSetup& s)
      : structure_(static_cast<std::size_t>(s.params[0])) {}
  OpResult call(int, const Call& c) noexcept override {
    if (c.op == kPush) return OpResult::boolean(structure_.try_push(c.arg));
    const std::optional<Value> v = structure_.try_pop();
    return v ? OpResult::item(*v) : OpResult::empty();
  }
  bool drain(std::size_t limit, std::vector<Value>& out) override {
    while (const std::optional<Value> v = structure_.try_pop()) {
      if (out.size() >= limit) return false;
      out.push_back(*v);
    }
    return true;
  }
  std::string check_invariants() const override {
    return structure_.check_invariants();
  }

private:
  Structure structure_;
};

template <class Bugs> class MpscInstance final : public Instance {
  using Queue = MpscQueue<Value, SimSync, Bugs>;

public:
  explicit MpscInstance(const TargetSetup& s)
      : queue_(static_cast<std::size_t>(s.params[0])) {
    consumer_.emplace(queue_.consumer());
  }
  OpResult call(int, const Call& c) noexcept override {
    if (c.op == kPush) return OpResult::boolean(queue_.try_push(c.arg));
    const Take<Value> t = consumer_->pop();
    if (t.is_success()) return OpResult::item(t.value());
    return t.is_empty() ? OpResult::empty() : OpResult::retry();
  }
  bool drain(std::size_t limit, std::vector<Value>& out) override {
    for (;;) {
      const Take<Value> t = consumer_->pop();
      if (t.is_empty()) return true;
      if (t.is_retry() || out.size() >= limit)
        return false; // no producer runs now
      out.push_back(t.value());
    }
  }
  std::string check_invariants() const override {
    return queue_.check_invariants();
  }

private:
  Queue queue_; // declared first: destroyed after the consumer
  std::optional<typename Queue::Consumer> consumer_;
};

ParamInfo capacity_param() {
  return {"capacity", 2, 1, 64,
          "how many items fit; small, so that full and wrap-around happen"};
}

template <class Bugs>
using MpmcOf = BoundedInstance<MpmcQueue<Value, SimSync, Bugs>>;

// The stack with its tag width chosen at run time (setup tagBits), so that
// the ABA study can narrow the tag of any variant.
template <class Bugs, unsigned TagBits>
std::unique_ptr<Instance> stack_with(const TargetSetup& s) {
  return std::make_unique<
      BoundedInstance<TaggedStack<Value, SimSync, Bugs, TagBits>>>(s);
}
// Widths 1..8 (tagBits 1..8); 0 keeps the variant's own.
template <class Bugs, unsigned... Minus1>
std::unique_ptr<Instance>
stack_of_width(const TargetSetup& s,
               std::integer_sequence<unsigned, Minus1...>) {
  std::unique_ptr<Instance> out;
  ((s.params[1] == Minus1 + 1 ? (out = stack_with<Bugs, Minus1 + 1>(s), 0) : 0),
   ...);
  return out;
}
template <class Bugs>
std::unique_ptr<Instance> make_stack(const TargetSetup& s) {
  if (s.params[1] == 0) return stack_with<Bugs, Bugs::kTagBits>(s);
  return stack_of_width<Bugs>(s, std::make_integer_sequence<unsigned, 8>{});
}

} // namespace

TargetInfo mpmc_queue_target() {
  TargetInfo t;
  t.name = "mpmc-queue";
  t.description = "bounded Vyukov MPMC queue: any thread pushes and pops";
  t.ops = {{"push", true, {0}, "true, or false when full"},
           {"pop", false, {0}, "the oldest item, or null when empty"}};
  t.roles = {{"any", 0, "any thread: push and pop"}};
  t.params = {capacity_param()};
  set_variants<MpmcVariants, MpmcOf>(t);
  return t;
}

TargetInfo mpsc_queue_target() {
  TargetInfo t;
  t.name = "mpsc-queue";
  t.description = "Vyukov MPSC queue over a node pool: any thread pushes, one "
                  "consumer pops";
  t.ops = {
      {"push", true, {0, 1}, "true, or false when every node is in use"},
      {"pop", false, {1}, "the oldest item, null when empty, or \"retry\""}};
  t.roles = {{"producer", 0, "a producer: push"},
             {"consumer", 1, "the queue's one consumer: pop (and push)"}};
  t.params = {capacity_param()};
  set_variants<MpscVariants, MpscInstance>(t);
  return t;
}

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
  add_variants<StackVariants>(t.variants, *makers, []<class Bugs>() -> Maker {
    return &make_stack<Bugs>;
  });
  t.make = [makers](const TargetSetup& s) { return (*makers)[s.variant](s); };
  return t;
}

} // namespace lockstep::sim
