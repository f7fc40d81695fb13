// bounded_instance.hpp — what the bounded collection targets share: an
// Instance over any structure with try_push, try_pop and check_invariants
// (the MPMC queue, the tagged stack), and their capacity parameter. A
// helper of targets/, not a target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/targets.hpp"

namespace lockstep::sim {

enum BoundedOp : std::uint16_t { kPush, kPop };

// A structure with try_push, try_pop, items_quiescent, check_invariants.
template <class Structure> class BoundedInstance final : public Instance {
  using Value = std::int64_t;

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

inline ParamInfo capacity_param() {
  return {"capacity", 2, 1, 64,
          "how many items fit; small, so that full and wrap-around happen"};
}

} // namespace lockstep::sim
