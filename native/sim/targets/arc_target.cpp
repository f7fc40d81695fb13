// arc_target.cpp — the reference count as a simulator target: one shared
// object, and every thread starts with a strong handle to it.
//
// The object (a stand-in for a tensor) holds one slot per thread in memory
// from SimSync::allocate, which its destructor reads (a sum of what the
// owners wrote) and frees: the simulator poisons it, so an access after
// the destruction is a memory-error. Ops: clone a strong handle, drop one
// (returning the destructor's sum when it was the last), use the object
// (add the argument to this thread's slot: a load and a store through a
// handle held), downgrade (a weak handle), upgrade (the newest weak handle
// becomes a strong one, or the object is gone). The history says when the
// object died and what its destructor saw, so the model (models/arc.ts)
// checks the count and that the destructor saw every use: a use whose
// store is not ordered before the destruction (a missing release or
// acquire) shows as a smaller sum. The control block comes from a pool
// that counts what it hands out and gets back. At quiescence the counts
// must equal the handles held, the destructor have run iff none is; the
// drain drops every handle, and the destructor must then have run once
// and the block come back once.
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "lockstep/arc.hpp"
#include "lockstep/storage.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

// "1 strong handle", "2 strong handles"; "once", "2 times".
std::string handles(std::size_t n, const char* kind) {
  return std::to_string(n) + " " + kind + (n == 1 ? " handle" : " handles");
}
std::string times(std::size_t n) {
  return n == 1 ? "once" : std::to_string(n) + " times";
}

enum ArcOp : std::uint16_t { kClone, kDrop, kUse, kDowngrade, kUpgrade };

// What the instance sees of the object's life, in plain memory (all
// threads are fibers of one OS thread): not part of what is tested.
struct Life {
  int destructor_runs = 0;
  std::int64_t seen = 0;    // the sum the destructor read
  bool slots_freed = false; // (a run may stop inside the destructor)
  bool outside_run = false; // the drain: no assertions there
};

// The shared object: a slot per thread, freed by the destructor.
class Tensor {
  using Slot = SimSync::cell<std::int64_t>;

public:
  Tensor(std::size_t threads, Life& life)
      : slots_(make_array<SimSync, Slot>(threads)), threads_(threads),
        life_(life) {
    if (slots_ == nullptr) throw std::bad_alloc();
    for (std::size_t t = 0; t < threads; ++t)
      SimSync::label(&slots_[t], "object.slot", static_cast<long>(t));
  }
  ~Tensor() {
    if (++life_.destructor_runs > 1) {
      // A second destruction: in the run, the check; in the drain, the
      // drain's check. It reads and frees nothing more. (The message is
      // no temporary: the run stops on this fiber, which never returns.)
      static const std::string kTwice =
          "the object's destructor runs a second time";
      if (!life_.outside_run) Execution::current()->assertion_failed(kTwice);
      return;
    }
    std::int64_t sum = 0;
    for (std::size_t t = 0; t < threads_; ++t)
      sum += slots_[t].load();
    life_.seen = sum;
    destroy_array<SimSync>(slots_, threads_);
    life_.slots_freed = true;
  }
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  void use(int thread, std::int64_t v) noexcept {
    Slot& mine = slots_[static_cast<std::size_t>(thread)];
    mine.store(mine.load() + v);
  }
  // The teardown's: the slots when the destructor never freed them (it
  // never ran, or a run stopped inside it).
  void release_memory() noexcept { destroy_array<SimSync>(slots_, threads_); }

private:
  Slot* slots_;
  std::size_t threads_;
  Life& life_;
};

// Control blocks from SimSync::allocate (so that the simulator poisons a
// block given back), counted; a second give-back is counted, not freed.
struct CountingPool {
  std::size_t bytes, align;
  void* block = nullptr;
  int frees = 0;

  void* allocate() noexcept { return block = SimSync::allocate(bytes, align); }
  void free(void* p) noexcept {
    if (++frees == 1 && p == block) SimSync::deallocate(p, bytes, align);
  }
};

template <class Bugs> class ArcInstance final : public Instance {
  using Strong = Arc<Tensor, SimSync, Bugs>;
  using WeakHandle = Weak<Tensor, SimSync, Bugs>;

public:
  explicit ArcInstance(const TargetSetup& s)
      : pool_{Strong::kBlockSize, Strong::kBlockAlign, nullptr, 0},
        strong_(s.roles.size()), weak_(s.roles.size()) {
    // Room for every handle a thread can come to hold: no reallocation
    // while a handle is being made.
    for (std::size_t t = 0; t < s.roles.size(); ++t) {
      const std::size_t calls = t < s.calls.size() ? s.calls[t] : 0;
      strong_[t].reserve(calls + 1);
      weak_[t].reserve(calls);
    }
    Strong first = Strong::make_in(pool_, s.roles.size(), life_);
    if (!first) throw std::bad_alloc();
    object_ = first.get();
    for (auto& mine : strong_)
      mine.push_back(first); // setup: the clones take no steps
  }
  // Runs none of the Arc's code: after a run that stopped (or a seeded
  // bug) the counts may not match the handles. The handles are given up,
  // and what the object and its block still hold is freed here.
  ~ArcInstance() override {
    for (auto& mine : strong_)
      for (Strong& h : mine)
        h.into_raw();
    for (auto& mine : weak_)
      for (WeakHandle& h : mine)
        h.into_raw();
    if (!life_.slots_freed) object_->release_memory();
    if (pool_.frees == 0)
      SimSync::deallocate(pool_.block, pool_.bytes, pool_.align);
  }

  OpResult call(int thread, const Call& c) noexcept override {
    std::vector<Strong>& mine = strong_[static_cast<std::size_t>(thread)];
    std::vector<WeakHandle>& weak = weak_[static_cast<std::size_t>(thread)];
    switch (c.op) {
    case kClone: {
      if (mine.empty()) return OpResult::empty();
      Strong copy = mine.back();
      mine.push_back(std::move(copy));
      return OpResult::boolean(true);
    }
    case kDrop: {
      if (mine.empty()) return OpResult::empty();
      const int runs = life_.destructor_runs;
      mine.pop_back(); // the handle leaves the list, then drops
      if (life_.destructor_runs != runs) return OpResult::item(life_.seen);
      return OpResult::boolean(false);
    }
    case kUse:
      if (mine.empty()) return OpResult::empty();
      mine.back()->use(thread, c.arg);
      return OpResult::boolean(true);
    case kDowngrade:
      if (mine.empty()) return OpResult::empty();
      weak.push_back(mine.back().downgrade());
      return OpResult::boolean(true);
    default: { // kUpgrade
      if (weak.empty()) return OpResult::empty();
      Strong got = weak.back().upgrade();
      const bool alive = static_cast<bool>(got);
      if (alive) mine.push_back(std::move(got));
      weak.pop_back();
      return OpResult::boolean(alive);
    }
    }
  }

  // Drops every handle left, one by one, strong ones first: the object
  // must die with the last strong handle, not before, and the block come
  // back with the last handle. Only from a state whose counts are the
  // handles held (check_invariants), and it stops at the first surprise:
  // past it the counts say nothing (what broke: check_invariants).
  bool drain(std::size_t, std::vector<std::int64_t>&) override {
    if (!check_invariants().empty()) return false;
    life_.outside_run = true;
    std::size_t strong = 0, left = 0;
    for (const auto& mine : strong_)
      strong += mine.size();
    for (const auto& mine : weak_)
      left += mine.size();
    left += strong;
    for (auto& mine : strong_) {
      while (!mine.empty()) {
        mine.pop_back();
        --strong, --left;
        if (life_.destructor_runs != (strong == 0 ? 1 : 0)) {
          problem_ = "dropping the handles left one by one, the destructor "
                     "had run " +
                     times(life_.destructor_runs) + " with " +
                     handles(strong, "strong") + " left";
          return false;
        }
      }
    }
    for (auto& mine : weak_) {
      while (!mine.empty()) {
        mine.pop_back();
        if (pool_.frees != (--left == 0 ? 1 : 0)) {
          problem_ = "dropping the handles left one by one, the control "
                     "block came back with " +
                     handles(left, "weak") + " left";
          return false;
        }
      }
    }
    if (life_.destructor_runs != 1 || pool_.frees != 1) {
      problem_ = "with every handle dropped, the destructor has run " +
                 times(life_.destructor_runs) +
                 " and the control block come back " + times(pool_.frees) +
                 " (once each, as they must)";
      return false;
    }
    return true;
  }

  // Quiescent: the block is alive iff a handle is, the object iff a strong
  // handle is, and the counts are the handles held. After a drain that
  // failed, what it found.
  std::string check_invariants() const override {
    if (!problem_.empty()) return "arc: " + problem_;
    std::size_t strong = 0, weak = 0;
    for (const auto& mine : strong_)
      strong += mine.size();
    for (const auto& mine : weak_)
      weak += mine.size();
    if (pool_.frees > 0 || strong + weak == 0) {
      if (strong + weak == 0) return {}; // (the drain checks the rest)
      return "arc: the control block was given back while the threads hold " +
             handles(strong, "strong") + " and " + handles(weak, "weak");
    }
    const std::size_t count =
        strong > 0 ? first_strong().use_count() : first_weak().use_count();
    const std::size_t weak_count =
        strong > 0 ? first_strong().weak_count() : first_weak().weak_count();
    if (life_.destructor_runs != (strong == 0 ? 1 : 0))
      return "arc: the destructor has run " + times(life_.destructor_runs) +
             " while the threads hold " + handles(strong, "strong");
    if (count != strong || weak_count != weak)
      return "arc: the counts say " + handles(count, "strong") + " and " +
             handles(weak_count, "weak") + ", but the threads hold " +
             handles(strong, "strong") + " and " + handles(weak, "weak");
    return {};
  }

private:
  const Strong& first_strong() const {
    for (const auto& mine : strong_)
      if (!mine.empty()) return mine.front();
    return strong_.front().front(); // (not reached: a strong one is held)
  }
  const WeakHandle& first_weak() const {
    for (const auto& mine : weak_)
      if (!mine.empty()) return mine.front();
    return weak_.front().front(); // (not reached: a weak one is held)
  }
  Life life_;
  CountingPool pool_;
  Tensor* object_ = nullptr;
  std::vector<std::vector<Strong>> strong_; // each thread's, newest last
  std::vector<std::vector<WeakHandle>> weak_;
  std::string problem_; // what the drain found
};

} // namespace

TargetInfo arc_target() {
  TargetInfo t;
  t.name = "arc";
  t.description = "atomic reference count (strong and weak handles): every "
                  "thread starts with a strong handle to one object";
  t.ops = {
      {"clone",
       false,
       {0},
       "true (one more strong handle), or null when this thread holds none"},
      {"drop",
       false,
       {0},
       "false when other owners remain; the sum the destructor read when "
       "this drop was the last; null when this thread holds no strong "
       "handle"},
      {"use",
       true,
       {0},
       "true (the argument added to this thread's slot of the object, "
       "through its newest strong handle), or null when it holds none"},
      {"downgrade",
       false,
       {0},
       "true (a weak handle made), or null when it holds no strong handle"},
      {"upgrade",
       false,
       {0},
       "true (its newest weak handle became a strong one), false (the "
       "object is gone: the weak handle is dropped), or null when it holds "
       "no weak handle"}};
  t.roles = {{"any", 0,
              "any thread: starts with one strong handle; clone, drop, use, "
              "downgrade, upgrade"}};
  set_variants<ArcVariants, ArcInstance>(t);
  return t;
}

LOCKSTEP_TARGET(arc_target);

} // namespace lockstep::sim
