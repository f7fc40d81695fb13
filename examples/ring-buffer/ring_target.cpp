// ring_target.cpp — the ring as a lockstep target: one producer pushes,
// one consumer pops. lockstep runs Ring<SimSync, Bugs> in its simulator
// for each variant of RingVariants, and Ring<StdSync, Bugs> in stress mode.
#include <lockstep/sdk.hpp>

#include "ring.hpp"

LOCKSTEP_SDK_TARGET(ring) {
  return lockstep::sdk::Target<Ring, RingVariants>("my-ring", "the example's SPSC ring")
      .param("capacity", 2, 1, 4, "slots")
      .role("producer", 1)
      .role("consumer", 1)
      .op("push", [](auto& r, std::int64_t v) { return r.try_push(v); }, {"producer"})
      .op("pop", [](auto& r) { return r.try_pop(); }, {"consumer"})
      .invariants([](const auto& r) { return r.check_invariants(); });
}
