// arena_target.cpp — the lock-free bump arena as a simulator target: any
// thread calls alloc(n) for n bytes at the setup's alignment; the result is
// the block's offset from the arena's start, or null when it does not fit.
// Linearizable to a sequential bump allocator.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lockstep/arena.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

template <class Bugs> class ArenaInstance final : public Instance {
public:
  explicit ArenaInstance(const TargetSetup& s)
      : bytes_(static_cast<std::size_t>(s.params[0])),
        alignment_(std::size_t{1} << s.params[1]),
        // 64-byte aligned (alignments up to 16 here), so offsets are the
        // same from one run to the next. Never touched: only addresses.
        memory_(SimSync::allocate(bytes_, 64)), arena_(memory_, bytes_) {}
  ~ArenaInstance() override { SimSync::deallocate(memory_, bytes_, 64); }

  OpResult call(int, const Call& c) noexcept override {
    void* p = arena_.allocate(static_cast<std::size_t>(c.arg), alignment_);
    if (p == nullptr) return OpResult::empty();
    return OpResult::item(static_cast<std::byte*>(p) - arena_.base());
  }
  bool drain(std::size_t, std::vector<std::int64_t>&) override { return true; }
  std::string check_invariants() const override {
    const ArenaStats s = arena_.stats();
    if (s.used > s.reserved)
      return "arena: " + std::to_string(s.used) + " bytes used of " +
             std::to_string(s.reserved);
    return {};
  }

private:
  std::size_t bytes_;
  std::size_t alignment_;
  void* memory_;
  Arena<SimSync, Bugs> arena_;
};

} // namespace

TargetInfo arena_target() {
  TargetInfo t;
  t.name = "arena";
  t.description = "lock-free bump arena: any thread allocates";
  t.ops = {{"alloc",
            true,
            {0},
            "the block's offset, or null when it does not fit (the "
            "argument is its size in bytes)"}};
  t.roles = {{"any", 0, "any thread: alloc"}};
  t.params = {{"bytes", 16, 1, 256, "the arena's size; small, so it runs out"},
              {"alignLog2", 2, 0, 4, "every block's alignment: 2^alignLog2"}};
  set_variants<ArenaVariants, ArenaInstance>(t);
  return t;
}

LOCKSTEP_TARGET(arena_target);

} // namespace lockstep::sim
