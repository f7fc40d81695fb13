// execution.hpp — one simulated run: logical threads as fibers on this OS
// thread, a scheduling point before every access the engine makes through
// SimSync, a strategy that picks who runs at each point, poisoned memory,
// and the recorder (history, trace, the concrete schedule).
//
// Scheduling model. Before each access (load, store, RMW, fence, cell
// read/write, spin, wait, notify) the running thread reaches a point; where
// k >= 2 threads are runnable the strategy picks one of them by its index
// among the runnable threads in id order, and that thread performs its
// pending access. A thread that finishes, or blocks in wait, leaves the
// choice among the rest. So one choice is made per access (and per finish
// or block with two or more left), the choices taken replay the run
// exactly, and a list that runs out means "the current thread goes on"
// (after a spin_hint: "the next thread"; after a finish or block: "the
// lowest").
//
// Memory is sequentially consistent: an access reads the last value
// written. The weak models come with issue 6.
//
//   Simulator sim;
//   RunResult r = sim.run(make_instance, threads, strategy, limits);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lockstep/label.hpp"
#include "sim/c11_memory.hpp"
#include "sim/fiber.hpp"
#include "sim/outcome.hpp"

namespace lockstep::sim {

// What a strategy sees at a scheduling point.
struct Point {
  int k;              // candidates, >= 2
  int current;        // the running thread's index among them; -1 when
                      // it cannot go on (it finished or blocked)
  int fallback;       // the index taken when a choice list runs out
  std::uint64_t step; // steps done so far
  Access access;      // the access pending (kSpin at a spin_hint)
  int threads;        // runnable threads: the first `threads` candidates
  // The candidates: the runnable threads' ids, ascending; then, under TSO,
  // `threads + j` for each thread j whose store buffer is not empty
  // (choosing it flushes that buffer's oldest store).
  const int* runnable;
  // C11: not a scheduling point but the choice of the store a load reads
  // (the k candidates: the stores it may read, oldest first) or of where
  // a store goes in modification order (the places it may take, the last
  // the end); fallback k - 1, the newest; current -1, threads 0, runnable
  // nullptr.
  bool memory_choice = false;
};

class Strategy {
public:
  virtual ~Strategy() = default;
  // A run of `threads` threads begins.
  virtual void begin(int threads) { (void)threads; }
  // An index in [0, k).
  virtual int choose(const Point& point) = 0;
};

// A target set up for one run: runs the scenario's calls.
class Instance {
public:
  virtual ~Instance() = default;
  virtual OpResult call(int thread, const Call& call) noexcept = 0;
  // Quiescent: its invariants ("" if they hold).
  virtual std::string check_invariants() const = 0;
  // Quiescent: empties the structure through its own removal op (pop,
  // try_pop), appending what comes out to `out`; false if that does not end
  // within `limit` items (a cycle) or a removal fails at quiescence (the
  // outcome then quotes check_invariants, where it says what broke).
  virtual bool drain(std::size_t limit, std::vector<std::int64_t>& out) = 0;
};

using InstanceFactory = std::function<std::unique_ptr<Instance>()>;

struct RunLimits {
  std::uint64_t max_steps = 10'000;
  bool trace = false;
  MemoryModel memory_model = MemoryModel::kSc;
};

class Execution {
public:
  // The execution running on this OS thread, or nullptr.
  static Execution* current() noexcept { return t_current_; }

  // A scheduling point before an access to `location` (nullptr for fences
  // and spins). Returns when this thread may perform the access; may
  // instead end the run (memory error, step limit), never returning.
  // `drains`: under TSO the access first writes this thread's buffered
  // stores to memory (a seq_cst fence or store, a read-modify-write).
  void point(const void* location, Access access, std::memory_order order,
             bool drains = false) {
    if (mode_ != Mode::kRunning) {
      if (poisoned_blocks_ != 0) check_outside_run(location);
      return;
    }
    Thread& me = threads_[current_];
    // The run's first point starts a thread; no thread is preempted there.
    if (!me.fresh && (runnable_.size() >= 2 || buffered_ != 0)) {
      schedule(access, started_);
    }
    started_ = true;
    me.fresh = false;
    if (drains && me.buffer_head < me.buffer.size()) drain(me);
    if (poisoned_blocks_ != 0) check_poison(location, access, order);
    if (step_ >= max_steps_) step_limit();
    ++step_;
    ++me.own_steps;
    if (tracing_) record_trace(location, access, order);
  }

  // A cell access (Sync::cell load or store) of `size` bytes at
  // `location`: a scheduling point, as `point`, and a bounds check. Cells
  // are slot and node memory, taken through Sync::allocate, so a cell
  // must lie wholly inside a live block: one in a block's red zone (an
  // index past either end of its array), or in no block at all, is a
  // `memory-error` naming the block, and the access is not performed.
  // During the run that stops the run; outside it (setup, the final
  // drain) it records the outcome and returns false: the caller skips
  // the access.
  bool cell_point(const void* location, std::size_t size, Access access) {
    if (mode_ != Mode::kRunning) [[unlikely]]
      return cell_outside_run(location, size);
    point(location, access, std::memory_order_relaxed);
    // The access is this step, traced; out of bounds, the run stops before
    // it is performed.
    if (!in_checked_block(location, size)) [[unlikely]]
      check_cell(location, size);
    return true;
  }
  // After the access, when tracing: what it read and wrote.
  bool tracing() const noexcept { return tracing_ && mode_ == Mode::kRunning; }
  void traced_read(std::int64_t v) noexcept;
  void traced_write(std::int64_t v) noexcept;
  // A CAS that failed: it only read.
  void traced_cas_failure(std::int64_t read) noexcept;
  // The values of the current trace entry are pointers.
  void traced_pointer() noexcept;
  // A pointer as the trace shows it: block number and offset, so that
  // traces are the same from one process to the next.
  std::int64_t encode_pointer(const void* p) const noexcept;

  // Whether stores are buffered now (TSO, during the run).
  bool tso() const noexcept {
    return model_ == MemoryModel::kTso && mode_ == Mode::kRunning;
  }
  // TSO: buffers the running thread's store of `size` bytes at `location`;
  // `traced` and `pointer`: the value as the trace shows it.
  void tso_store(void* location, const void* value, std::size_t size,
                 std::memory_order order, std::int64_t traced, bool pointer);
  // TSO: the running thread's newest buffered store to `location`, copied
  // to `out`; false when it has none.
  bool tso_forward(const void* location, void* out,
                   std::size_t size) const noexcept;

  // Whether loads choose among stores (C11, during the run).
  bool c11() const noexcept {
    return model_ == MemoryModel::kC11 && mode_ == Mode::kRunning;
  }
  // C11: a load of `size` bytes at `location` with `order`; the value it
  // reads (a choice where several stores are visible) goes to `out`.
  void c11_load(const void* location, void* out, std::size_t size,
                std::memory_order order);
  // C11: a store, at a place in modification order the strategy picks
  // among those allowed; memory holds the newest store's value.
  void c11_store(void* location, const void* value, std::size_t size,
                 std::memory_order order, std::int64_t traced, bool pointer);
  // C11: a read-modify-write's read: its place in modification order (a
  // choice among those allowed) and so the store right before it, whose
  // value goes to `out`. Then exactly one of c11_rmw_write (it writes
  // `value` there) or c11_rmw_fail (a CAS that failed: a load with its
  // failure order `order`), with no scheduling point between.
  void c11_rmw_read(const void* location, void* out, std::size_t size,
                    std::memory_order order);
  void c11_rmw_write(void* location, const void* value, std::size_t size,
                     std::memory_order order, std::int64_t traced,
                     bool pointer);
  void c11_rmw_fail(std::memory_order order);
  void c11_fence(std::memory_order order);

  // atomic::wait: blocks the running thread until a notify on `location`.
  void block_on(const void* location);
  // atomic::notify_one / notify_all on `location`.
  void wake(const void* location, bool all) noexcept;

  // Names `location` in traces: name, name[index], name<group>[index],
  // after the prefix of the label scopes open (Sync::LabelScope).
  void label(const void* location, const char* name, long index, long group,
             LabelFormat format) noexcept;
  // Opens a label scope: "name<index>." before every label until closed.
  void push_label_scope(const char* name, long index) noexcept;
  void pop_label_scope() noexcept;

  void* allocate(std::size_t bytes, std::size_t alignment) noexcept;
  void deallocate(void* p, std::size_t bytes, std::size_t alignment) noexcept;

  [[noreturn]] void assertion_failed(const std::string& message);

private:
  friend class Simulator;
  enum class Mode : std::uint8_t { kSetup, kRunning, kFinal, kTeardown };
  static constexpr int kFreedAtSetup = -2;
  // A store waiting in a TSO buffer.
  struct Buffered {
    void* location;
    std::uint64_t bytes;
    std::int64_t traced;
    std::uint8_t size;
    bool pointer;
    std::memory_order order; // the store's, shown on its flush
  };
  struct Thread {
    std::vector<Buffered> buffer; // TSO: its stores, oldest first, from
    std::size_t buffer_head = 0;  // buffer_head on (before it: flushed)
    std::uint64_t stores = 0;     // TSO: stores buffered, ever
    std::uint64_t flushed = 0;    // and flushed
    // TSO: returned calls (history indices) not complete until `flushed`
    // reaches the second number; oldest first, from waiting_head on.
    std::vector<std::pair<std::size_t, std::uint64_t>> waiting;
    std::size_t waiting_head = 0;
    Fiber* fiber = nullptr;
    const std::vector<Call>* calls = nullptr;
    bool fresh = true; // not started: its first access is already granted
    bool done = false;
    bool blocked = false;
    const void* waiting_on = nullptr;
    int in_flight = -1; // the call running, or -1
    std::uint64_t in_flight_call = 0;
    std::uint64_t own_steps = 0;                // steps this thread performed
    std::uint64_t in_flight_own = 0;            // own_steps when the call began
    std::vector<std::uint32_t> in_flight_after; // C11: known() at the call
    std::uint32_t returned = 0;                 // calls returned
    Execution* execution = nullptr;
    int id = 0;
  };
  // A block from allocate: [start, end) as asked for, inside the memory
  // [raw, limit) taken for it, whose rest is red zones (before and
  // after: never written, so that an index a little out of its array's
  // range lands in its own block's red zone, not in another block).
  struct Block {
    std::uintptr_t start;
    std::uintptr_t end;
    std::uintptr_t raw;
    std::uintptr_t limit;
    std::uint32_t id;
    bool poisoned;
    std::size_t alignment;
    // The thread that allocated it during the run (-1: at setup), and the
    // steps done then.
    int allocated_by = -1;
    std::uint64_t allocated_at = 0;
    // The thread that freed it during the run, or -1. Under TSO its own
    // stores to the block may still be buffered: they land in memory no
    // one may read (x86 keeps them before anything that publishes the
    // free), so only another thread's buffered store there is an error.
    int freed_by = -1; // a thread; kFreedAtSetup; -1: after the run
    std::uint64_t freed_at = 0; // the steps done when it was freed
  };

  Execution(Fiber& main, Instance* instance, Strategy& strategy,
            const RunLimits& limits);
  ~Execution() { free_poisoned(); }
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  static void thread_main(void* arg);
  void run_calls(Thread& me);
  // Picks who performs the next access; switches to them unless it is us.
  // `me_runnable`: the running thread can go on (not finishing/blocking).
  void schedule(Access access, bool me_runnable);
  // The candidates now: runnable threads, then non-empty buffers.
  const std::vector<int>& gather_candidates();
  // Chooses among the candidates, flushing chosen buffers, until a thread
  // is chosen; returns its id, or -1 when no thread can run and every
  // buffer has been flushed. The running thread is `current_`, able to go
  // on when `me_runnable`.
  int choose_thread(Access access, bool me_runnable);
  // TSO: writes the oldest store of thread `id`'s buffer to memory (a step
  // of that thread).
  void flush_one(int id);
  // TSO: flushes all of the running thread's buffer (a drain).
  void drain(Thread& me);
  // C11: the strategy's pick among k >= 2 stores a load may read, or
  // places a store may take.
  int choose_value(int k);
  // C11: the place in modification order a store or read-modify-write at
  // `location` takes (a choice among c11_.places, left in places_).
  std::uint32_t c11_place(const void* location, std::size_t size,
                          std::memory_order order);
  // After a run: writes every store still buffered (oldest first, thread
  // by thread), except to freed blocks; no steps, no trace.
  void flush_all() noexcept;
  void leave_runnable(int id);
  [[noreturn]] void finish_thread(Thread& me);
  // Ends the run: records the outcome (naming thread current_) and leaves
  // the fiber of `running` (by default the current thread) for good.
  [[noreturn]] void stop(OutcomeKind kind, std::string message);
  [[noreturn]] void stop(OutcomeKind kind, std::string message,
                         Thread& running);
  [[noreturn]] void step_limit();
  void check_poison(const void* location, Access access,
                    std::memory_order order);
  void check_outside_run(const void* location) noexcept;
  // Whether a cell of `size` bytes at `location` lies in one of the two
  // live blocks the last cell checks found (the common case: a structure
  // works on one or two arrays at a time, slots and links).
  bool in_checked_block(const void* location, std::size_t size) const noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(location);
    return (at >= checked_[0].start && at + size <= checked_[0].end) ||
           (at >= checked_[1].start && at + size <= checked_[1].end);
  }
  // Whether a cell lies inside a block, which it then caches (a live one:
  // an access to a poisoned one is check_poison's to report).
  bool find_cell_block(const void* location, std::size_t size) noexcept;
  // During the run, a cell that missed the cached blocks: caches its
  // block, or stops the run with a memory error (cell_error).
  void check_cell(const void* location, std::size_t size);
  // Outside the run (setup, the final drain): the poison and bounds checks
  // of a cell access; false (the outcome recorded) when it is out of
  // bounds.
  bool cell_outside_run(const void* location, std::size_t size) noexcept;
  // Why a cell access of `size` bytes at `location` is out of bounds.
  std::string cell_error(const void* location, std::size_t size) const;
  // "40 bytes, allocated by thread 0 after step 12, freed by thread 1
  // after step 20"; describe_block: "block 3 (" that ")".
  static std::string block_history(const Block& block);
  static std::string describe_block(const Block& block);
  // The block whose memory (red zones included) holds `p`, or nullptr.
  const Block* find_block(const void* p) const noexcept;
  // The same, only where `p` is inside the block proper.
  const Block* block_holding(const void* p) const noexcept;
  void record_trace(const void* location, Access access,
                    std::memory_order order);
  // C11: the current trace entry read an older store than the newest at
  // `location` (`newer` stores are newer), or went before newer stores.
  void traced_stale(const void* location, std::uint32_t newer);
  // A row of the trace for `block` allocated or freed by the running
  // thread (kAllocate, kFree): not a step.
  void record_block(Access access, const Block& block);
  std::uint32_t location_id(const void* location);
  // The name of an unlabelled location in `block`'s red zone (a cell past
  // either end of an array): the array's label with the index it would
  // have, "ring4[4]", when labelled elements of the array show the stride;
  // else "".
  std::string extrapolated_label(const void* location, const Block& block,
                                 LabelFormat& format) const;
  void free_poisoned() noexcept;

  static thread_local Execution* t_current_;

  Fiber& main_;
  Instance* instance_;
  Strategy& strategy_;
  Mode mode_ = Mode::kSetup;
  std::uint64_t max_steps_;
  bool tracing_;
  std::vector<Thread> threads_;
  std::vector<int> runnable_;   // ids, ascending
  std::vector<int> candidates_; // runnable_, then threads + j per buffer
  MemoryModel model_ = MemoryModel::kSc;
  std::size_t buffered_ = 0; // stores waiting in all buffers
  C11Memory c11_;
  std::vector<std::uint32_t> places_;  // C11: scratch for a store's places
  const void* rmw_location_ = nullptr; // C11: the read-modify-write under way
  std::uint32_t rmw_at_ = 0;           // and its place
  int current_ = 0;
  bool started_ = false; // a thread has performed an access
  std::uint64_t step_ = 0;
  std::vector<int> fallbacks_; // beside result_.choices, for trimming
  RunResult result_;
  std::map<std::uintptr_t, Block> blocks_; // by start address
  // The live blocks the last two cell checks found, newest first
  // ([0, 0): none).
  struct Range {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
  };
  Range checked_[2];
  std::uint32_t next_block_id_ = 0;
  std::size_t poisoned_blocks_ = 0;
  std::unordered_map<const void*, std::uint32_t> location_ids_;
  struct Label {
    std::string text;   // as traces show it: base[index]
    LabelFormat format;
    std::size_t base;   // text's length before "[index]"
    long index;         // -1: none
  };
  std::unordered_map<const void*, Label> labels_;
  std::string label_prefix_;             // the open label scopes
  std::vector<std::size_t> label_scopes_; // label_prefix_'s length before each
};

// Owns the fibers, which it reuses from run to run.
class Simulator {
public:
  Simulator();
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Sets the target up with `make`, runs `threads` (one list of calls per
  // thread) under `strategy`, then records the final items and invariants.
  RunResult run(const InstanceFactory& make,
                const std::vector<std::vector<Call>>& threads,
                Strategy& strategy, const RunLimits& limits);

private:
  Fiber main_;
  std::vector<std::unique_ptr<Fiber>> fibers_;
};

} // namespace lockstep::sim
