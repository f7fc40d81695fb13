// chase_lev_deque_target.cpp — the Chase-Lev deque as a simulator target:
// one owner thread (push, pop) and any number of thieves (steal); its
// StdSync build for stress mode.
#include <algorithm>
#include <bit>
#include <optional>

#include "lockstep/chase_lev_deque.hpp"
#include "lockstep/std_sync.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;
enum Op : std::uint16_t { kPush, kPop, kSteal };
enum Role : int { kOwner, kThief };
enum Param : std::size_t { kCapacity, kMaxCapacity };

template <class Bugs, class Sync> class DequeInstance final : public Instance {
  using Deque = ChaseLevDeque<Value, Sync, Bugs>;

public:
  explicit DequeInstance(const TargetSetup& s)
      : deque_(static_cast<std::size_t>(s.params[kCapacity]), thieves(s),
               static_cast<std::size_t>(s.params[kMaxCapacity])) {
    worker_.emplace(deque_.worker());
    stealers_.resize(s.roles.size());
    for (std::size_t t = 0; t < s.roles.size(); ++t) {
      if (s.roles[t] == kThief) stealers_[t].emplace(deque_.stealer());
    }
  }

  OpResult call(int thread, const Call& c) noexcept override {
    switch (c.op) {
    case kPush:
      return OpResult::boolean(worker_->push(c.arg));
    case kPop: {
      const std::optional<Value> v = worker_->pop();
      return v ? OpResult::item(*v) : OpResult::empty();
    }
    default: {
      const Take<Value> t =
          stealers_[static_cast<std::size_t>(thread)]->steal();
      if (t.is_success()) return OpResult::item(t.value());
      return t.is_empty() ? OpResult::empty() : OpResult::retry();
    }
    }
  }
  bool drain(std::size_t limit, std::vector<Value>& out) override {
    while (const std::optional<Value> v = worker_->pop()) {
      if (out.size() >= limit) return false;
      out.push_back(*v);
    }
    return true;
  }
  std::string check_invariants() const override {
    return deque_.check_invariants();
  }

private:
  static std::size_t thieves(const TargetSetup& s) {
    std::size_t n = 0;
    for (int r : s.roles)
      n += r == kThief ? 1 : 0;
    return n == 0 ? 1 : n;
  }

  Deque deque_; // declared first: destroyed after its handles
  std::optional<typename Deque::Worker> worker_;
  std::vector<std::optional<typename Deque::Stealer>> stealers_;
};

template <class Bugs> using SimDeque = DequeInstance<Bugs, SimSync>;
template <class Bugs> using RealDeque = DequeInstance<Bugs, StdSync>;

} // namespace

TargetInfo chase_lev_deque_target() {
  TargetInfo t;
  t.name = "chase-lev-deque";
  t.description = "Chase-Lev work-stealing deque: the owner pushes and pops "
                  "at the bottom, thieves steal from the top";
  t.ops = {{"push", true, {kOwner}, "true, or false when full at maxCapacity"},
           {"pop", false, {kOwner}, "the newest item, or null when empty"},
           {"steal",
            false,
            {kThief},
            "the oldest item, null when empty, or \"retry\""}};
  t.roles = {{"owner", 1, "the deque's one owner: push and pop"},
             {"thief", 0, "a thief: steal"}};
  t.params = {
      {"capacity", 2, 1, 64,
       "initial ring capacity (rounded up to a power of two); small, so that "
       "growth happens"},
      {"maxCapacity", 1024, 1, 1 << 20, "the ring never grows past this"}};
  set_variants<DequeVariants, SimDeque, RealDeque>(t);
  // Stress mode starts the ring at 2 slots and lets it grow to hold what
  // the owner may be ahead (`depth`): growth happens on real threads too.
  t.stress_params = [](int, std::uint64_t depth) {
    return std::vector<std::int64_t>{
        2, static_cast<std::int64_t>(
               std::max<std::uint64_t>(2, std::bit_ceil(depth)))};
  };
  return t;
}

LOCKSTEP_TARGET(chase_lev_deque_target);

} // namespace lockstep::sim
