// scheduler_target.cpp — the work-stealing scheduler as a simulator
// target.
//
// Thread 0 is the submitter: submit(v) releases a task tree with root v
// through the injection queue (true), or reports it full (false); wait
// blocks (atomic::wait) until every tree it submitted has completed. The
// other threads are workers: work runs the worker loop until shutdown (a
// second work returns at once). After the submitter's last call the
// scheduler is shut down (drain), so a run ends when the workers have run
// everything.
//
// Trees (setup `shape`): 0, the root alone; 1, the root forks two children
// and a join that must run after both. Every task counts its runs; a join
// that finds a child not yet run is an `assertion` at once; the drain
// returns each root whose whole tree ran exactly once (conservation
// against the accepted submits), and check_invariants names any task run
// twice or never. A worker parked while work waits and nobody left to
// wake it leaves the submitter's wait blocked for ever: a `deadlock`.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lockstep/scheduler.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sim {
namespace {

enum SchedulerOp : std::uint16_t { kSubmit, kWait, kWork };

// The variants the target can show so far (starvation and cancelling
// shutdowns need checks it does not make yet).
using SimSchedulerVariants =
    std::tuple<NoSchedulerBugs, SchedulerParkWithoutRecheck,
               SchedulerDoubleDecrement>;

template <class Bugs> class SchedulerInstance final : public Instance {
  using Sched = Scheduler<SimSync, Bugs>;
  using Ctx = typename Sched::Context;
  static constexpr std::size_t kMaxTrees = 64;

  // One task's bookkeeping: which tree, which part, how often it ran.
  struct Node {
    SchedulerInstance* self;
    std::size_t tree;
    int part; // 0 root, 1 and 2 children, 3 join
    int runs = 0;
  };
  struct Tree {
    std::int64_t value = 0;
    Node nodes[4];
  };

public:
  explicit SchedulerInstance(const TargetSetup& s)
      : shape_(static_cast<int>(s.params[1])), scheduler_(options(s)),
        calls_(s.calls), trees_(kMaxTrees) {
    SimSync::label(&finished_, "trees_done");
    submitters_ =
        static_cast<int>(std::count(s.roles.begin(), s.roles.end(), 0));
    std::size_t workers = 0;
    for (int role : s.roles)
      worker_index_.push_back(role == 1 ? workers++ : 0);
    if (submitters_ == 0) scheduler_.shutdown(Shutdown::kDrain);
  }

  OpResult call(int thread, const Call& c) noexcept override {
    OpResult out = OpResult::none();
    if (c.op == kSubmit) out = OpResult::boolean(submit(c.arg));
    if (c.op == kWait) wait();
    if (c.op == kWork)
      scheduler_.run_worker(worker_index_[static_cast<std::size_t>(thread)]);
    const auto t = static_cast<std::size_t>(thread);
    if (c.op != kWork && t < calls_.size() && ++done_[t] == calls_[t] &&
        --submitters_ == 0) {
      scheduler_.shutdown(Shutdown::kDrain);
    }
    return out;
  }

  bool drain(std::size_t limit, std::vector<std::int64_t>& out) override {
    for (std::size_t i = 0; i < submitted_; ++i) {
      if (out.size() >= limit) return false;
      if (whole(trees_[i])) out.push_back(trees_[i].value);
    }
    return true;
  }

  std::string check_invariants() const override {
    for (std::size_t i = 0; i < submitted_; ++i) {
      const Tree& t = trees_[i];
      for (int p = 0; p < parts(); ++p) {
        if (t.nodes[p].runs != 1)
          return "scheduler: " + part_name(p) + " of tree " +
                 std::to_string(t.value) + " ran " +
                 std::to_string(t.nodes[p].runs) + " times";
      }
    }
    if (scheduler_.outstanding() != 0)
      return "scheduler: " + std::to_string(scheduler_.outstanding()) +
             " task(s) neither ran nor were dropped";
    return {};
  }

private:
  static SchedulerOptions options(const TargetSetup& s) {
    SchedulerOptions o;
    o.workers =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::count(
                                     s.roles.begin(), s.roles.end(), 1)));
    o.max_tasks = 4 * kMaxTrees;
    o.injection_capacity = static_cast<std::size_t>(s.params[0]);
    o.deque_capacity = 4;
    o.cache_capacity = 2;
    o.injection_interval = 2;
    o.spins_before_park = 0; // park at once: the short schedules show more
    return o;
  }
  int parts() const noexcept { return shape_ == 0 ? 1 : 4; }
  static std::string part_name(int p) {
    return p == 0   ? "the root"
           : p == 3 ? "the join"
                    : "child " + std::to_string(p);
  }
  bool whole(const Tree& t) const noexcept {
    for (int p = 0; p < parts(); ++p)
      if (t.nodes[p].runs != 1) return false;
    return true;
  }
  bool submit(std::int64_t value) noexcept {
    if (submitted_ >= kMaxTrees) return false;
    Tree& t = trees_[submitted_];
    t.value = value;
    for (int p = 0; p < 4; ++p)
      t.nodes[p] = Node{this, submitted_, p, 0};
    const auto root = scheduler_.create(&SchedulerInstance::run, &t.nodes[0]);
    if (root == Sched::kNoTask) return false;
    if (scheduler_.try_release(root) != Release::kOk) {
      scheduler_.discard(root);
      return false;
    }
    ++submitted_;
    return true;
  }

  void wait() noexcept {
    for (;;) {
      const std::uint32_t done = finished_.load(std::memory_order_acquire);
      if (done >= submitted_) return;
      finished_.wait(done, std::memory_order_acquire);
    }
  }

  // A task: counts its run; the root of a fork forks; the last part of a
  // tree reports the tree done.
  static void run(Ctx& ctx, void* arg) {
    Node& n = *static_cast<Node*>(arg);
    SchedulerInstance& self = *n.self;
    Tree& tree = self.trees_[n.tree];
    ++n.runs;
    if (n.part == 0 && self.shape_ == 1) {
      const auto join = ctx.create(&SchedulerInstance::run, &tree.nodes[3]);
      const auto a = ctx.create(&SchedulerInstance::run, &tree.nodes[1]);
      const auto b = ctx.create(&SchedulerInstance::run, &tree.nodes[2]);
      if (join == Sched::kNoTask || a == Sched::kNoTask || b == Sched::kNoTask)
        Execution::current()->assertion_failed(
            "scheduler target: out of task records");
      ctx.precede(a, join);
      ctx.precede(b, join);
      ctx.release(join);
      ctx.release(a);
      ctx.release(b);
      return;
    }
    if (n.part == 3) {
      for (int p = 1; p <= 2; ++p) {
        if (tree.nodes[p].runs == 0)
          Execution::current()->assertion_failed(
              "scheduler: the join of tree " + std::to_string(tree.value) +
              " ran before child " + std::to_string(p));
      }
    }
    if (n.part == 0 || n.part == 3) {
      self.finished_.fetch_add(1, std::memory_order_release);
      self.finished_.notify_all();
    }
  }

  int shape_;
  Sched scheduler_;
  std::vector<std::size_t> calls_; // per thread
  std::vector<std::size_t> done_ = std::vector<std::size_t>(calls_.size(), 0);
  std::vector<std::size_t> worker_index_; // per thread: its worker number
  int submitters_ = 0;
  std::vector<Tree> trees_;
  std::size_t submitted_ = 0;
  SimSync::atomic<std::uint32_t> finished_{0};
};

} // namespace

TargetInfo scheduler_target() {
  TargetInfo t;
  t.name = "scheduler";
  t.description = "work-stealing scheduler: one submitter, workers run "
                  "their loops; task trees run once each, joins last";
  t.ops = {
      {"submit",
       true,
       {0},
       "true when the tree was released, false when the injection queue "
       "(or the task records) were full"},
      {"wait", false, {0}, "nothing; returns when every tree submitted ran"},
      {"work", false, {1}, "nothing; runs the worker loop until shutdown"}};
  t.roles = {{"submitter", 1, "submits trees, waits for them"},
             {"worker", 0, "a worker: its loop"}};
  t.params = {{"injection", 2, 1, 16,
               "the injection queue's capacity; small, so it fills"},
              {"shape", 1, 0, 1,
               "0: each tree is one task; 1: a root that forks two "
               "children and a join after both"}};
  set_variants<SimSchedulerVariants, SchedulerInstance>(t);
  return t;
}

} // namespace lockstep::sim
