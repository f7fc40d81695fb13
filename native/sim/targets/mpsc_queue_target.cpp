// mpsc_queue_target.cpp — the Vyukov MPSC queue as a simulator target: any
// thread pushes, one consumer pops.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/mpsc_queue.hpp"
#include "lockstep/std_sync.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"
#include "sim/targets/bounded_instance.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;

template <class Bugs, class Sync> class MpscInstance final : public Instance {
  using Queue = MpscQueue<Value, Sync, Bugs>;

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

template <class Bugs> using SimMpsc = MpscInstance<Bugs, SimSync>;
template <class Bugs> using RealMpsc = MpscInstance<Bugs, StdSync>;

} // namespace

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
  set_variants<MpscVariants, SimMpsc, RealMpsc>(t);
  return t;
}

LOCKSTEP_TARGET(mpsc_queue_target);

} // namespace lockstep::sim
