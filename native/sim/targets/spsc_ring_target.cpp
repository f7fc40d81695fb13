// spsc_ring_target.cpp — the SPSC ring as a simulator target: one producer
// pushes, one consumer pops. The bulk operations are not ops here (a batch
// returns several items, and how many it moves is decided on an index that
// the other side may advance meanwhile); native/tests/spsc_ring_test.cpp
// tests them single-threaded and on real threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/spsc_ring.hpp"
#include "lockstep/std_sync.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"
#include "sim/targets/bounded_instance.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;

template <class Bugs, class Sync> class SpscInstance final : public Instance {
  using Ring = SpscRing<Value, Sync, Bugs>;

public:
  explicit SpscInstance(const TargetSetup& s)
      : ring_(static_cast<std::size_t>(s.params[0])) {
    producer_.emplace(ring_.producer());
    consumer_.emplace(ring_.consumer());
  }
  OpResult call(int, const Call& c) noexcept override {
    if (c.op == kPush) return OpResult::boolean(producer_->try_push(c.arg));
    const std::optional<Value> v = consumer_->try_pop();
    return v ? OpResult::item(*v) : OpResult::empty();
  }
  bool drain(std::size_t limit, std::vector<Value>& out) override {
    while (const std::optional<Value> v = consumer_->try_pop()) {
      if (out.size() >= limit) return false;
      out.push_back(*v);
    }
    return true;
  }
  std::string check_invariants() const override {
    return ring_.check_invariants();
  }

private:
  Ring ring_; // declared first: destroyed after the handles
  std::optional<typename Ring::Producer> producer_;
  std::optional<typename Ring::Consumer> consumer_;
};

template <class Bugs> using SimSpsc = SpscInstance<Bugs, SimSync>;
template <class Bugs> using RealSpsc = SpscInstance<Bugs, StdSync>;

} // namespace

TargetInfo spsc_ring_target() {
  TargetInfo t;
  t.name = "spsc-ring";
  t.description = "bounded SPSC ring with cached indices: one producer "
                  "pushes, one consumer pops";
  t.ops = {{"push", true, {0}, "true, or false when full"},
           {"pop", false, {1}, "the oldest item, or null when empty"}};
  t.roles = {{"producer", 1, "the ring's one producer: push"},
             {"consumer", 1, "the ring's one consumer: pop"}};
  t.params = {capacity_param()};
  set_variants<SpscVariants, SimSpsc, RealSpsc>(t);
  return t;
}

LOCKSTEP_TARGET(spsc_ring_target);

} // namespace lockstep::sim
