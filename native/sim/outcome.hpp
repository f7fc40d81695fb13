// outcome.hpp — what a simulated run records: its outcome, the history of
// operations, the trace of every step, and an operation's result.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "lockstep/label.hpp"

namespace lockstep::sim {

// How a run ended.
enum class OutcomeKind : std::uint8_t {
  kOk,          // every thread finished and the invariants hold
  kDeadlock,    // no thread runnable, some blocked
  kStepLimit,   // the run exceeded max_steps: a livelock, or too long
  kAssertion,   // LOCKSTEP_DEBUG_ASSERT or check_invariants failed
  kMemoryError, // a freed (poisoned) block was touched, or a cell out of
                // bounds (outside the block it falls in)
};
const char* outcome_name(OutcomeKind kind);

struct Outcome {
  OutcomeKind kind = OutcomeKind::kOk;
  std::uint64_t step = 0; // the step at which it happened
  int thread = -1;        // the thread running then; -1 for none
  std::string message;
};

// One kind of access, each a scheduling point.
enum class Access : std::uint8_t {
  kLoad,
  kStore,
  kRmw,     // exchange, fetch_add, a CAS that succeeds
  kCasFail, // a CAS that fails (a load)
  kFence,
  kCellRead,
  kCellWrite,
  kSpin,   // spin_hint(): a yield
  kWait,   // atomic::wait
  kNotify, // atomic::notify_one / notify_all
  kFlush,  // TSO: a buffered store reaches memory
  // Not accesses, never scheduling points: rows of the trace only.
  kAllocate, // a block allocated during the run
  kFree,     // a block freed during the run (poisoned until it ends)
};

// What a load may read. kSc: the last store. kTso: as x86 — each thread's
// stores wait in its FIFO buffer until flushed (a scheduling choice, or a
// drain by a seq_cst fence, seq_cst store or read-modify-write), and a
// load reads its own buffer first. kC11: as C++20 — any store that
// happens-before and coherence do not hide, a choice (c11_memory.hpp).
enum class MemoryModel : std::uint8_t { kSc, kTso, kC11 };
const char* access_name(Access access);
const char* order_name(std::memory_order order);

// An operation's result, as the history records it.
struct OpResult {
  enum class Kind : std::uint8_t { kNone, kBool, kItem, kEmpty, kRetry };
  Kind kind = Kind::kNone;
  std::int64_t value = 0; // kBool: 0 or 1; kItem: the item

  static OpResult none() { return {Kind::kNone, 0}; }
  static OpResult boolean(bool b) { return {Kind::kBool, b ? 1 : 0}; }
  static OpResult item(std::int64_t v) { return {Kind::kItem, v}; }
  static OpResult empty() { return {Kind::kEmpty, 0}; }
  static OpResult retry() { return {Kind::kRetry, 0}; }
  bool operator==(const OpResult&) const = default;
};

// An operation as a scenario names it: the op's index in its target's op
// list, and its argument.
struct Call {
  std::uint16_t op = 0;
  bool has_arg = false;
  std::int64_t arg = 0;
};

// A completed operation: `call` steps had run when it began, `ret` when it
// returned; its own accesses are steps in (call, ret]. Under TSO a call is
// complete only when every store its thread made before it returned has
// reached memory: `ret` is that step where it came later (so the thread's
// next call may begin before it).
struct HistoryEntry {
  int thread;
  int index; // its position in the thread's list
  std::uint64_t call;
  std::uint64_t ret;
  OpResult result;
  bool solo; // no other thread took a step between call and return
  // C11 only: per thread, how many of its calls returned before this call
  // in happens-before (which then orders calls instead of steps).
  std::vector<std::uint32_t> after;
};

// An operation that had begun but not returned when the run stopped.
struct PendingEntry {
  int thread;
  int index;
  std::uint64_t call;
  std::vector<std::uint32_t> after; // as HistoryEntry::after
};

struct TraceEntry {
  std::uint64_t step;
  int thread;
  std::uint32_t location; // index into RunResult::locations; ~0u for none
  Access access;
  std::memory_order order;
  bool has_read = false, has_written = false;
  bool pointer = false; // read and written are encoded pointers
  bool stale = false;   // C11: the load read a store older than the newest
  std::int64_t read = 0, written = 0;
  // C11, when stale: the newest store to the location in modification
  // order (what memory holds), which the access did not read or went
  // before — its thread, step and value — and how many stores are newer
  // than the one it read (or than it, for a store).
  int missed_thread = -1;
  std::uint64_t missed_step = 0;
  std::int64_t missed_value = 0;
  bool missed_pointer = false;
  std::uint32_t missed_newer = 0;
  // kAllocate and kFree, rows that are not steps (`step`: the steps done
  // before them): the block, its size in bytes, and the thread's call
  // that did it (its index in the thread's list; -1: none).
  std::uint32_t block = 0;
  std::uint64_t bytes = 0;
  int call = -1;
};

struct RunResult {
  Outcome outcome;
  std::vector<HistoryEntry> history; // in order of return
  std::vector<PendingEntry> pending;
  std::vector<int> choices; // the concrete schedule: replays as `choices`
  // When tracing: per choice, the one a run makes where the list has run
  // out (the running thread goes on; under C11 the newest store), so that
  // a counterexample's choices can be simplified one at a time.
  std::vector<int> fallbacks;
  std::uint64_t steps = 0;
  // After an ok run: what draining the structure through its own removal
  // op gave, and its invariants before the drain ("" when they hold).
  std::vector<std::int64_t> final_items;
  std::string final_invariants;
  std::vector<TraceEntry> trace; // when requested
  std::vector<std::string> locations;
  std::vector<LabelFormat> location_formats; // how each shows its values
};

} // namespace lockstep::sim
