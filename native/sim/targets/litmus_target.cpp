// litmus_target.cpp — the litmus target: three shared locations x, y, z
// (initially 0) and one op per access kind and memory order, so that the
// classic litmus tests (SB, MP, LB, IRIW, ...) are scenarios like any
// other, and the simulator can be tested on its own. Its final items are
// the values of x, y and z. One more op, store-cell(i), stores 1 in cell i
// of an array of 4 cells, whatever i is: the simulator's bounds check of
// cell accesses (an i outside 0..3 is a `memory-error`).
//
//   SB: threads [[store-x.sc 1, load-y.sc], [store-y.sc 1, load-x.sc]]
//   a release sequence: [[store-x.rlx 1, store-y.rel 1], [fadd-y.rlx 1],
//                        [load-y.acq, load-x.rlx]]
#include <array>
#include <cstdint>
#include <new>

#include "lockstep/debug_assert.hpp"
#include "lockstep/storage.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

using Value = std::int64_t;

enum class Kind : std::uint8_t {
  kStore,
  kLoad,
  kFetchAdd,
  kFence,
  kSpinUntil,
  kWaitUntil,
  kNotify,
  kAssertZero,
  kStoreCell
};

constexpr std::size_t kCells = 4; // store-cell's array
struct LitmusOp {
  Kind kind;
  int location; // 0..2, or -1 for a fence
  std::memory_order order;
};

const std::vector<LitmusOp>& litmus_ops(std::vector<OpInfo>* infos) {
  static std::vector<LitmusOp> ops;
  static std::vector<OpInfo> names;
  if (ops.empty()) {
    const char* locations[] = {"x", "y", "z"};
    const std::pair<const char*, std::memory_order> stores[] = {
        {"rlx", std::memory_order_relaxed},
        {"rel", std::memory_order_release},
        {"sc", std::memory_order_seq_cst}};
    const std::pair<const char*, std::memory_order> loads[] = {
        {"rlx", std::memory_order_relaxed},
        {"acq", std::memory_order_acquire},
        {"sc", std::memory_order_seq_cst}};
    const std::pair<const char*, std::memory_order> rmws[] = {
        {"rlx", std::memory_order_relaxed},
        {"acq", std::memory_order_acquire},
        {"rel", std::memory_order_release},
        {"acq_rel", std::memory_order_acq_rel},
        {"sc", std::memory_order_seq_cst}};
    for (int l = 0; l < 3; ++l) {
      const std::string loc = locations[l];
      for (const auto& [suffix, order] : stores) {
        ops.push_back({Kind::kStore, l, order});
        names.push_back({"store-" + loc + "." + suffix, true, {0}, "nothing"});
      }
      for (const auto& [suffix, order] : loads) {
        ops.push_back({Kind::kLoad, l, order});
        names.push_back(
            {"load-" + loc + "." + suffix, false, {0}, "the value read"});
      }
      for (const auto& [suffix, order] : rmws) {
        ops.push_back({Kind::kFetchAdd, l, order});
        names.push_back({"fadd-" + loc + "." + suffix,
                         true,
                         {0},
                         "the value read (fetch_add of the argument)"});
      }
      ops.push_back({Kind::kSpinUntil, l, std::memory_order_acquire});
      names.push_back(
          {"spin-until-" + loc,
           false,
           {0},
           "nothing; spins (spin_hint) until " + loc + " is not 0"});
      ops.push_back({Kind::kWaitUntil, l, std::memory_order_acquire});
      names.push_back(
          {"wait-until-" + loc,
           false,
           {0},
           "nothing; blocks (atomic wait) until " + loc + " is not 0"});
      ops.push_back({Kind::kNotify, l, std::memory_order_relaxed});
      names.push_back({"notify-" + loc,
                       false,
                       {0},
                       "nothing; wakes every waiter on " + loc});
      ops.push_back({Kind::kAssertZero, l, std::memory_order_seq_cst});
      names.push_back({"assert-" + loc + "-is-0",
                       false,
                       {0},
                       "nothing; LOCKSTEP_DEBUG_ASSERT that " + loc + " is 0"});
    }
    const std::pair<const char*, std::memory_order> fences[] = {
        {"acq", std::memory_order_acquire},
        {"rel", std::memory_order_release},
        {"acq_rel", std::memory_order_acq_rel},
        {"sc", std::memory_order_seq_cst}};
    for (const auto& [suffix, order] : fences) {
      ops.push_back({Kind::kFence, -1, order});
      names.push_back({std::string("fence.") + suffix, false, {0}, "nothing"});
    }
    ops.push_back({Kind::kStoreCell, -1, std::memory_order_relaxed});
    names.push_back({"store-cell",
                     true,
                     {0},
                     "nothing; stores 1 in cell `arg` of an array of 4 "
                     "cells (an index outside 0..3 is a memory error: the "
                     "simulator's bounds check)"});
  }
  if (infos != nullptr) *infos = names;
  return ops;
}

class LitmusInstance final : public Instance {
public:
  explicit LitmusInstance(const TargetSetup&)
      : ops_(litmus_ops(nullptr)),
        cells_(make_array<SimSync, SimSync::cell<Value>>(kCells)) {
    if (cells_ == nullptr) throw std::bad_alloc();
    const char* names[] = {"x", "y", "z"};
    for (std::size_t l = 0; l < locations_.size(); ++l)
      SimSync::label(&locations_[l], names[l]);
    for (std::size_t i = 0; i < kCells; ++i)
      SimSync::label(&cells_[i], "cell", static_cast<long>(i));
  }
  ~LitmusInstance() override { destroy_array<SimSync>(cells_, kCells); }
  LitmusInstance(const LitmusInstance&) = delete;
  LitmusInstance& operator=(const LitmusInstance&) = delete;

  OpResult call(int, const Call& c) noexcept override {
    const LitmusOp& op = ops_[c.op];
    switch (op.kind) {
    case Kind::kStore:
      locations_[static_cast<std::size_t>(op.location)].store(c.arg, op.order);
      return OpResult::none();
    case Kind::kLoad:
      return OpResult::item(
          locations_[static_cast<std::size_t>(op.location)].load(op.order));
    case Kind::kFetchAdd:
      return OpResult::item(
          locations_[static_cast<std::size_t>(op.location)].fetch_add(
              c.arg, op.order));
    case Kind::kFence:
      SimSync::fence(op.order);
      return OpResult::none();
    case Kind::kSpinUntil:
      while (locations_[static_cast<std::size_t>(op.location)].load(op.order) ==
             0) {
        SimSync::spin_hint();
      }
      return OpResult::none();
    case Kind::kWaitUntil:
      locations_[static_cast<std::size_t>(op.location)].wait(0, op.order);
      return OpResult::none();
    case Kind::kNotify:
      locations_[static_cast<std::size_t>(op.location)].notify_all();
      return OpResult::none();
    case Kind::kAssertZero: {
      const Value v =
          locations_[static_cast<std::size_t>(op.location)].load(op.order);
      LOCKSTEP_DEBUG_ASSERT(SimSync, v == 0, "litmus: the location is not 0");
      return OpResult::none();
    }
    case Kind::kStoreCell: {
      // Any index, in unsigned arithmetic (no pointer overflow): the cell
      // access itself is what the simulator checks.
      const auto at = reinterpret_cast<std::uintptr_t>(cells_) +
                      static_cast<std::uintptr_t>(c.arg) * sizeof(*cells_);
      reinterpret_cast<SimSync::cell<Value>*>(at)->store(1);
      return OpResult::none();
    }
    }
    return OpResult::none();
  }
  // The final values of x, y and z.
  bool drain(std::size_t, std::vector<Value>& out) override {
    for (const auto& location : locations_)
      out.push_back(location.load());
    return true;
  }
  std::string check_invariants() const override { return {}; }

private:
  const std::vector<LitmusOp>& ops_;
  std::array<SimSync::atomic<Value>, 3> locations_{};
  SimSync::cell<Value>* cells_;
};

} // namespace

TargetInfo litmus_target() {
  TargetInfo t;
  t.name = "litmus";
  t.description = "three shared locations x, y, z (initially 0) and an op per "
                  "access and memory order: litmus tests, and tests of the "
                  "simulator itself; its final items are x, y, z";
  litmus_ops(&t.ops);
  t.roles = {{"any", 0, "any thread: any op"}};
  t.variants = {{"correct", "each op as written"}};
  t.make = [](const TargetSetup& s) -> std::unique_ptr<Instance> {
    return std::make_unique<LitmusInstance>(s);
  };
  return t;
}

LOCKSTEP_TARGET(litmus_target);

} // namespace lockstep::sim
