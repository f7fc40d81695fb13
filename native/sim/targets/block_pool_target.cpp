// block_pool_target.cpp — the fixed-block pool as a simulator target.
//
// block-pool: any thread allocates a block (alloc), frees the oldest block
// it holds (free), or passes one to whoever passes next through a mailbox
// (pass: an acq_rel exchange), so blocks are freed by threads that did not
// allocate them. Each block has an owner cell: alloc finds it 0 and sets
// it, free clears it before the block goes back, so a block handed to a
// second owner while the first still holds it is an `assertion` at once.
// With setup `cache`, each thread allocates and frees through its own
// BlockPool::Cache of that capacity (blocks move to and from the pool in
// batches, one CAS each). The drain flushes the caches, gives back every
// block held and then allocates until the pool is empty: every block must
// come out exactly once (conservation).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/block_pool.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

enum PoolOp : std::uint16_t { kAlloc, kFree, kPass };

template <class Bugs> class PoolInstance final : public Instance {
  using Pool = BlockPool<SimSync, Bugs>;
  static constexpr std::uint32_t kNone = Pool::kNone;
  static constexpr std::size_t kBlockSize = 8;

public:
  explicit PoolInstance(const TargetSetup& s)
      : blocks_(static_cast<std::size_t>(s.params[0])),
        memory_(SimSync::allocate(blocks_ * kBlockSize, kBlockSize)),
        pool_(memory_, blocks_ * kBlockSize, kBlockSize, kBlockSize),
        owners_(make_array<SimSync, SimSync::cell<std::int64_t>>(blocks_)),
        held_(s.roles.size()) {
    for (std::size_t i = 0; i < blocks_; ++i)
      SimSync::label(&owners_[i], "owner", static_cast<long>(i));
    SimSync::label(&mailbox_, "mailbox", -1, -1, LabelFormat::kIndex32);
    // Setup (no scheduling points yet): the first `prefreed` blocks go
    // through the pool once, so the run starts with them on the free list
    // (block 0 on top) and the rest fresh.
    const auto prefreed =
        std::min<std::size_t>(static_cast<std::size_t>(s.params[1]), blocks_);
    for (std::size_t i = 0; i < prefreed; ++i)
      pool_.allocate_index();
    for (std::size_t i = prefreed; i-- > 0;)
      pool_.free_index(static_cast<std::uint32_t>(i));
    if (s.params[2] != 0) {
      const auto capacity =
          std::max<std::size_t>(2, static_cast<std::size_t>(s.params[2]));
      for (std::size_t t = 0; t < held_.size(); ++t)
        caches_.push_back(std::make_unique<Cache>(pool_, capacity));
    }
  }
  ~PoolInstance() override {
    caches_.clear(); // they flush into the pool
    destroy_array<SimSync>(owners_, blocks_);
    SimSync::deallocate(memory_, blocks_ * kBlockSize, kBlockSize);
  }

  OpResult call(int thread, const Call& c) noexcept override {
    std::vector<std::uint32_t>& mine = held_[static_cast<std::size_t>(thread)];
    if (c.op == kAlloc) {
      const std::optional<std::uint32_t> b =
          caches_.empty()
              ? pool_.allocate_index()
              : caches_[static_cast<std::size_t>(thread)]->allocate_index();
      if (!b) return OpResult::empty();
      if (owners_[*b].load() != 0) {
        Execution::current()->assertion_failed(
            "block " + std::to_string(*b) +
            " handed out while it was still out of the pool (held by a "
            "thread or being passed)");
      }
      owners_[*b].store(thread + 1);
      mine.push_back(*b);
      return OpResult::item(*b);
    }
    if (c.op == kFree) {
      if (mine.empty()) return OpResult::empty();
      const std::uint32_t b = mine.front();
      mine.erase(mine.begin());
      give_back(b, thread);
      return OpResult::item(b);
    }
    // kPass: give the oldest block held (or nothing), take what was left.
    std::uint32_t give = kNone;
    if (!mine.empty()) {
      give = mine.front();
      mine.erase(mine.begin());
    }
    const std::uint32_t got =
        mailbox_.exchange(give, std::memory_order_acq_rel);
    if (got == kNone) return OpResult::empty();
    mine.push_back(got);
    return OpResult::item(got);
  }

  bool drain(std::size_t limit, std::vector<std::int64_t>& out) override {
    for (const auto& cache : caches_)
      cache->flush();
    for (std::vector<std::uint32_t>& list : held_) {
      for (std::uint32_t b : list)
        give_back(b, -1);
      list.clear();
    }
    const std::uint32_t passed = mailbox_.exchange(kNone);
    if (passed != kNone) give_back(passed, -1);
    while (const std::optional<std::uint32_t> b = pool_.allocate_index()) {
      if (out.size() >= limit) return false;
      out.push_back(*b);
    }
    return true;
  }

  // Quiescent: the pool's own invariants, and every block handed out is
  // in exactly one place: held by one thread, in the mailbox, or free.
  std::string check_invariants() const override {
    std::string broken = pool_.check_invariants();
    if (!broken.empty()) return broken;
    std::vector<int> places(blocks_, 0);
    for (const auto& list : held_)
      for (std::uint32_t b : list)
        ++places[b];
    const std::uint32_t passed = mailbox_.load();
    if (passed != kNone) ++places[passed];
    for (const auto& cache : caches_)
      for (std::uint32_t b : cache->cached_blocks())
        ++places[b];
    const auto free = pool_.free_list_quiescent(); // no cycle: checked
    for (std::uint32_t b : *free)
      ++places[b];
    const std::size_t fresh = pool_.fresh_quiescent();
    for (std::size_t b = 0; b < blocks_; ++b) {
      const int want = b < fresh ? 1 : 0;
      if (places[b] != want)
        return "block pool: block " + std::to_string(b) + " is in " +
               std::to_string(places[b]) +
               " places (held, passed, cached, free), not " +
               std::to_string(want);
    }
    return {};
  }

private:
  using Cache = typename Pool::Cache;

  // Through `thread`'s cache when there are caches (-1: straight back).
  void give_back(std::uint32_t b, int thread) noexcept {
    owners_[b].store(0);
    if (caches_.empty() || thread < 0)
      pool_.free_index(b);
    else
      caches_[static_cast<std::size_t>(thread)]->free_index(b);
  }

  std::size_t blocks_;
  void* memory_;
  Pool pool_;
  SimSync::cell<std::int64_t>* owners_;
  SimSync::atomic<std::uint32_t> mailbox_{kNone};
  // Each thread's blocks, oldest first: only that thread touches its list.
  std::vector<std::vector<std::uint32_t>> held_;
  std::vector<std::unique_ptr<Cache>> caches_; // one per thread, or none
};

} // namespace

TargetInfo block_pool_target() {
  TargetInfo t;
  t.name = "block-pool";
  t.description = "fixed-block pool over the tagged free list: any thread "
                  "allocates, frees, passes blocks on";
  t.ops = {{"alloc", false, {0}, "a block's index, or null when none is free"},
           {"free",
            false,
            {0},
            "the block given back (the oldest this thread holds), or null "
            "when it holds none"},
           {"pass",
            false,
            {0},
            "the block taken from the mailbox (after leaving the oldest "
            "this thread holds there), or null"}};
  t.roles = {{"any", 0, "any thread: alloc, free, pass"}};
  t.params = {{"blocks", 2, 1, 64, "how many blocks; small, so they run out"},
              {"prefreed", 2, 0, 64,
               "blocks on the free list at the start (the first ones, block "
               "0 on top; at most `blocks`), the rest never handed out"},
              {"cache", 0, 0, 8,
               "each thread's cache capacity: 0 for none (the pool alone), "
               "else 2 to 8 (1 is taken as 2)"}};
  set_variants<PoolVariants, PoolInstance>(t);
  return t;
}

LOCKSTEP_TARGET(block_pool_target);

} // namespace lockstep::sim
