// execution.cpp — the scheduler, poisoned memory and the recorder of one
// simulated run (see execution.hpp).
#include "sim/execution.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace lockstep::sim {

thread_local Execution* Execution::t_current_ = nullptr;

namespace {
// Fiber stacks: the engine's operations are shallow, but ASan's redzones
// make frames several times larger.
constexpr std::size_t kStackBytes = 256 * 1024;
} // namespace

Execution::Execution(Fiber& main, Instance* instance, Strategy& strategy,
                     const RunLimits& limits)
    : main_(main), instance_(instance), strategy_(strategy),
      max_steps_(limits.max_steps), tracing_(limits.trace),
      model_(limits.memory_model) {}

void Execution::thread_main(void* arg) {
  Thread& me = *static_cast<Thread*>(arg);
  Execution& ex = *me.execution;
  ex.run_calls(me);
  ex.finish_thread(me);
}

void Execution::run_calls(Thread& me) {
  const std::vector<Call>& calls = *me.calls;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    me.in_flight = static_cast<int>(i);
    me.in_flight_call = step_;
    me.in_flight_own = me.own_steps;
    bool sees_all = true; // C11: every other call so far happens before it
    if (model_ == MemoryModel::kC11) {
      me.in_flight_after = c11_.known(me.id);
      for (const Thread& t : threads_) {
        if (t.id == me.id) continue;
        sees_all =
            sees_all && t.in_flight < 0 &&
            me.in_flight_after[static_cast<std::size_t>(t.id)] == t.returned;
      }
    }
    const OpResult r = instance_->call(me.id, calls[i]);
    // Solo: every step in (call, return] was this thread's — and under C11
    // it could read no stale store (a stale read is interference too).
    const bool solo =
        step_ - me.in_flight_call == me.own_steps - me.in_flight_own &&
        sees_all;
    result_.history.push_back({me.id, static_cast<int>(i), me.in_flight_call,
                               step_, r, solo, std::move(me.in_flight_after)});
    me.in_flight_after.clear();
    ++me.returned;
    if (model_ == MemoryModel::kC11) c11_.returned(me.id);
    if (me.stores != me.flushed)
      me.waiting.emplace_back(result_.history.size() - 1, me.stores);
    me.in_flight = -1;
  }
}

const std::vector<int>& Execution::gather_candidates() {
  if (buffered_ == 0) return runnable_; // SC, or no store waiting
  candidates_.assign(runnable_.begin(), runnable_.end());
  const int n = static_cast<int>(threads_.size());
  for (int j = 0; j < n; ++j) {
    const Thread& t = threads_[static_cast<std::size_t>(j)];
    if (t.buffer_head < t.buffer.size()) candidates_.push_back(n + j);
  }
  return candidates_;
}

int Execution::choose_thread(Access access, bool me_runnable) {
  const int n = static_cast<int>(threads_.size());
  for (;;) {
    const std::vector<int>& candidates = gather_candidates();
    const int k = static_cast<int>(candidates.size());
    if (k == 0) return -1;
    int current = -1;
    if (me_runnable) {
      current = static_cast<int>(
          std::lower_bound(runnable_.begin(), runnable_.end(), current_) -
          runnable_.begin());
    }
    int choice = 0;
    if (k >= 2) {
      // Where a choice list runs out: the running thread goes on (buffered
      // stores stay buffered); a spinner lets the buffers drain, then
      // yields; a finished or blocked thread hands over to the lowest.
      const int threads = static_cast<int>(runnable_.size());
      int fallback = 0;
      if (access == Access::kSpin && current >= 0) {
        fallback = k > threads ? threads : (current + 1) % threads;
      } else if (current >= 0) {
        fallback = current;
      }
      const Point point{k,      current, fallback,         step_,
                        access, threads, candidates.data()};
      choice = strategy_.choose(point);
      if (choice < 0 || choice >= k) choice = fallback; // a strategy bug
      result_.choices.push_back(choice);
      fallbacks_.push_back(fallback);
    }
    const int chosen = candidates[static_cast<std::size_t>(choice)];
    if (chosen < n) return chosen;
    flush_one(chosen - n); // then choose again
  }
}

void Execution::schedule(Access access, bool me_runnable) {
  const int next = choose_thread(access, me_runnable);
  if (next == current_) return;
  Thread& me = threads_[static_cast<std::size_t>(current_)];
  current_ = next;
  Fiber::switch_to(*me.fiber, *threads_[static_cast<std::size_t>(next)].fiber);
  // Resumed: some thread chose us; current_ is our id again.
}

void Execution::leave_runnable(int id) {
  runnable_.erase(std::find(runnable_.begin(), runnable_.end(), id));
}

void Execution::finish_thread(Thread& me) {
  me.done = true;
  leave_runnable(me.id);
  const int next = choose_thread(Access::kLoad, false);
  if (next < 0) { // no thread can run; every buffer is flushed
    for (const Thread& t : threads_) {
      if (t.blocked) {
        current_ = t.id; // the outcome names the first blocked thread
        stop(OutcomeKind::kDeadlock,
             "every thread left is blocked in wait; thread " +
                 std::to_string(t.id) + " waits first",
             me);
      }
    }
    Fiber::switch_away_for_good(*me.fiber, main_);
  }
  current_ = next;
  Fiber::switch_away_for_good(*me.fiber,
                              *threads_[static_cast<std::size_t>(next)].fiber);
  std::abort(); // never resumed
}

void Execution::block_on(const void* location) {
  Thread& me = threads_[static_cast<std::size_t>(current_)];
  me.blocked = true;
  me.waiting_on = location;
  leave_runnable(me.id);
  const int next = choose_thread(Access::kWait, false);
  if (next < 0) {
    stop(OutcomeKind::kDeadlock,
         "thread " + std::to_string(me.id) +
             " waits and no thread is left to notify it",
         me);
  }
  current_ = next;
  Fiber::switch_to(*me.fiber, *threads_[static_cast<std::size_t>(next)].fiber);
}

void Execution::tso_store(void* location, const void* value, std::size_t size,
                          std::memory_order order, std::int64_t traced,
                          bool pointer) {
  Thread& me = threads_[static_cast<std::size_t>(current_)];
  Buffered b{location, 0,    traced, static_cast<std::uint8_t>(size),
             pointer,  order};
  std::memcpy(&b.bytes, value, size);
  me.buffer.push_back(b);
  ++me.stores;
  ++buffered_;
}

bool Execution::tso_forward(const void* location, void* out,
                            std::size_t size) const noexcept {
  const Thread& me = threads_[static_cast<std::size_t>(current_)];
  for (std::size_t i = me.buffer.size(); i-- > me.buffer_head;) {
    if (me.buffer[i].location == location) {
      std::memcpy(out, &me.buffer[i].bytes, size);
      return true;
    }
  }
  return false;
}

void Execution::flush_one(int id) {
  Thread& t = threads_[static_cast<std::size_t>(id)];
  const Buffered b = t.buffer[t.buffer_head++];
  if (t.buffer_head == t.buffer.size()) {
    t.buffer.clear();
    t.buffer_head = 0;
  }
  --buffered_;
  if (poisoned_blocks_ != 0) {
    const Block* block = block_holding(b.location);
    if (block != nullptr && block->poisoned && block->freed_by != id) {
      Thread& running = threads_[static_cast<std::size_t>(current_)];
      current_ = id; // the outcome names the store's thread
      ++step_;
      if (tracing_) record_trace(b.location, Access::kFlush, b.order);
      // Built in a call of its own: stop never returns, so no temporary of
      // this frame would be destroyed.
      stop(OutcomeKind::kMemoryError,
           [&] {
             return "a buffered store of thread " + std::to_string(id) +
                    " reached block " + std::to_string(block->id) +
                    " after it was freed (" + block_history(*block) + ")";
           }(),
           running);
    }
  }
  if (step_ >= max_steps_) step_limit();
  ++step_;
  ++t.own_steps;
  std::memcpy(b.location, &b.bytes, b.size);
  ++t.flushed;
  // Under TSO a call is complete when every store its thread made before
  // it returned has reached memory: the returns that waited for this one
  // move here.
  while (t.waiting_head < t.waiting.size() &&
         t.waiting[t.waiting_head].second <= t.flushed) {
    result_.history[t.waiting[t.waiting_head++].first].ret = step_;
  }
  if (tracing_) {
    const int running = current_;
    current_ = id; // the flush is a step of the buffer's thread
    record_trace(b.location, Access::kFlush, b.order);
    current_ = running;
    result_.trace.back().has_written = true;
    result_.trace.back().written = b.traced;
    result_.trace.back().pointer = b.pointer;
  }
}

void Execution::drain(Thread& me) {
  while (me.buffer_head < me.buffer.size())
    flush_one(me.id);
}

int Execution::choose_value(int k) {
  Point point{k, -1, k - 1, step_, Access::kLoad, 0, nullptr};
  point.memory_choice = true;
  int choice = strategy_.choose(point);
  if (choice < 0 || choice >= k) choice = k - 1; // a strategy bug
  result_.choices.push_back(choice);
  fallbacks_.push_back(k - 1);
  return choice;
}

std::uint32_t Execution::c11_place(const void* location, std::size_t size,
                                   std::memory_order order) {
  c11_.places(current_, location, size, location, order, places_);
  const int k = static_cast<int>(places_.size());
  return places_[static_cast<std::size_t>(k >= 2 ? choose_value(k) : 0)];
}

void Execution::c11_load(const void* location, void* out, std::size_t size,
                         std::memory_order order) {
  const C11Memory::Visible v =
      c11_.visible(current_, location, size, location, order);
  const int choice = v.count >= 2 ? choose_value(static_cast<int>(v.count)) : 0;
  const C11Memory::Store& s =
      c11_.take(current_, v, static_cast<std::uint32_t>(choice), order);
  std::memcpy(out, &s.bytes, size);
  if (tracing_ && choice != static_cast<int>(v.count) - 1)
    traced_stale(location, v.count - 1 - static_cast<std::uint32_t>(choice));
}

void Execution::traced_stale(const void* location, std::uint32_t newer) {
  TraceEntry& e = result_.trace.back();
  const C11Memory::Store& missed = c11_.newest(location);
  e.stale = true;
  e.missed_thread = missed.thread;
  e.missed_step = missed.step;
  e.missed_value = missed.traced;
  e.missed_pointer = missed.pointer;
  e.missed_newer = newer;
}

void Execution::c11_store(void* location, const void* value, std::size_t size,
                          std::memory_order order, std::int64_t traced,
                          bool pointer) {
  std::uint64_t bytes = 0;
  std::memcpy(&bytes, value, size);
  const std::uint32_t at = c11_place(location, size, order);
  const bool newest = c11_.store(current_, location, at, bytes, order, traced,
                                 pointer, step_);
  if (newest) {
    std::memcpy(location, value, size);
  } else if (tracing_) { // placed before newer stores
    traced_stale(location, c11_.count(location) - 1 - at);
  }
}

void Execution::c11_rmw_read(const void* location, void* out, std::size_t size,
                             std::memory_order order) {
  rmw_location_ = location;
  rmw_at_ = c11_place(location, size, order);
  std::memcpy(out, &c11_.before(location, rmw_at_).bytes, size);
  // Not the newest store: it goes before a newer one.
  if (tracing_ && rmw_at_ != places_.back())
    traced_stale(location, c11_.count(location) - rmw_at_);
}

void Execution::c11_rmw_write(void* location, const void* value,
                              std::size_t size, std::memory_order order,
                              std::int64_t traced, bool pointer) {
  std::uint64_t bytes = 0;
  std::memcpy(&bytes, value, size);
  if (c11_.rmw(current_, location, rmw_at_, true, bytes, order, traced,
               pointer, step_)) {
    std::memcpy(location, value, size); // memory holds the newest store
  }
}

void Execution::c11_rmw_fail(std::memory_order order) {
  c11_.rmw(current_, rmw_location_, rmw_at_, false, 0, order, 0, false,
           step_);
}

void Execution::c11_fence(std::memory_order order) {
  c11_.fence(current_, order);
}

void Execution::flush_all() noexcept {
  for (Thread& t : threads_) {
    for (std::size_t i = t.buffer_head; i < t.buffer.size(); ++i) {
      const Buffered& b = t.buffer[i];
      const Block* block = find_block(b.location);
      if (block == nullptr || !block->poisoned)
        std::memcpy(b.location, &b.bytes, b.size);
    }
    t.buffer.clear();
    t.buffer_head = 0;
  }
  buffered_ = 0;
}

void Execution::wake(const void* location, bool all) noexcept {
  for (Thread& t : threads_) {
    if (!t.blocked || t.waiting_on != location) continue;
    t.blocked = false;
    t.waiting_on = nullptr;
    runnable_.insert(std::upper_bound(runnable_.begin(), runnable_.end(), t.id),
                     t.id);
    if (!all) return;
  }
}

void Execution::stop(OutcomeKind kind, std::string message) {
  stop(kind, std::move(message), threads_[static_cast<std::size_t>(current_)]);
}

void Execution::stop(OutcomeKind kind, std::string message, Thread& running) {
  result_.outcome = {kind, step_, current_, std::move(message)};
  Fiber::switch_away_for_good(*running.fiber, main_);
  std::abort(); // never resumed
}

void Execution::step_limit() {
  stop(OutcomeKind::kStepLimit, "the run reached its limit of " +
                                    std::to_string(max_steps_) +
                                    " steps (livelock, or raise maxSteps)");
}

void Execution::assertion_failed(const std::string& message) {
  if (mode_ != Mode::kRunning) {
    std::fprintf(stderr, "lockstep: invariant broken outside a run: %s\n",
                 message.c_str());
    std::abort();
  }
  stop(OutcomeKind::kAssertion, message);
}

const Execution::Block* Execution::find_block(const void* p) const noexcept {
  const auto address = reinterpret_cast<std::uintptr_t>(p);
  auto it = blocks_.upper_bound(address);
  // In the red zone before the next block?
  if (it != blocks_.end() && address >= it->second.raw) return &it->second;
  if (it == blocks_.begin()) return nullptr;
  --it;
  return address < it->second.limit ? &it->second : nullptr;
}

const Execution::Block*
Execution::block_holding(const void* p) const noexcept {
  const Block* block = find_block(p);
  const auto address = reinterpret_cast<std::uintptr_t>(p);
  return block != nullptr && address >= block->start && address < block->end
             ? block
             : nullptr;
}

std::string Execution::block_history(const Block& block) {
  std::string s = std::to_string(block.end - block.start) + " bytes, ";
  s += block.allocated_by < 0
           ? std::string("allocated at setup")
           : "allocated by thread " + std::to_string(block.allocated_by) +
                 " after step " + std::to_string(block.allocated_at);
  if (block.poisoned) {
    s += block.freed_by == kFreedAtSetup ? std::string(", freed at setup")
         : block.freed_by < 0            ? std::string(", freed")
                            : ", freed by thread " +
                                  std::to_string(block.freed_by) +
                                  " after step " +
                                  std::to_string(block.freed_at);
  }
  return s;
}

std::string Execution::describe_block(const Block& block) {
  return "block " + std::to_string(block.id) + " (" + block_history(block) +
         ")";
}

void Execution::check_poison(const void* location, Access access,
                             std::memory_order order) {
  if (location == nullptr) return;
  const Block* block = block_holding(location);
  if (block == nullptr || !block->poisoned) return;
  ++step_; // the access that touches it is this step, traced, not performed
  if (tracing_) record_trace(location, access, order);
  stop(OutcomeKind::kMemoryError, [&] { // (as in flush_one)
    return "an access touched block " + std::to_string(block->id) +
           " (offset " +
           std::to_string(reinterpret_cast<std::uintptr_t>(location) -
                          block->start) +
           ") after it was freed (" + block_history(*block) + ")";
  }());
}

void Execution::check_outside_run(const void* location) noexcept {
  if (location == nullptr || result_.outcome.kind != OutcomeKind::kOk) return;
  const Block* block = block_holding(location);
  if (block != nullptr && block->poisoned) {
    result_.outcome = {OutcomeKind::kMemoryError, step_, -1,
                       "reading the final state touched freed " +
                           describe_block(*block)};
  }
}

bool Execution::find_cell_block(const void* location,
                                std::size_t size) noexcept {
  const Block* block = find_block(location);
  const auto at = reinterpret_cast<std::uintptr_t>(location);
  if (block == nullptr || at < block->start || at + size > block->end)
    return false;
  if (!block->poisoned) { // (a poisoned one is check_poison's to report)
    checked_[1] = checked_[0];
    checked_[0] = {block->start, block->end};
  }
  return true;
}

std::string Execution::cell_error(const void* location,
                                  std::size_t size) const {
  const Block* block = find_block(location);
  const auto at = reinterpret_cast<std::uintptr_t>(location);
  const std::string bytes = " (" + std::to_string(size) + " bytes)";
  if (block == nullptr) {
    return "cell access out of bounds: a cell" + bytes +
           " outside every block allocated in this run (a wild index or "
           "pointer)";
  }
  if (at < block->start) {
    return "cell access out of bounds: offset -" +
           std::to_string(block->start - at) + bytes +
           " is before the start of " + describe_block(*block);
  }
  return "cell access out of bounds: offset " +
         std::to_string(at - block->start) + bytes + " is past the end of " +
         describe_block(*block);
}

void Execution::check_cell(const void* location, std::size_t size) {
  if (!find_cell_block(location, size))
    stop(OutcomeKind::kMemoryError, cell_error(location, size));
}

bool Execution::cell_outside_run(const void* location,
                                 std::size_t size) noexcept {
  if (poisoned_blocks_ != 0) check_outside_run(location);
  if (in_checked_block(location, size) || find_cell_block(location, size))
    return true;
  if (result_.outcome.kind == OutcomeKind::kOk) {
    const char* when = mode_ == Mode::kSetup ? "setting the target up: "
                       : mode_ == Mode::kFinal
                           ? "reading the final state: "
                           : "tearing the target down: ";
    result_.outcome = {OutcomeKind::kMemoryError, step_, -1,
                       when + cell_error(location, size)};
  }
  return false;
}

namespace {
// Red zones: before a block, this much (rounded up to its alignment);
// after it, as much as the block itself, at least kMinRedZone and at most
// kMaxRedZone, so that an index up to twice its array's length lands in
// the block's own red zone.
constexpr std::size_t kMinRedZone = 64;
constexpr std::size_t kMaxRedZone = 64 * 1024;
} // namespace

void* Execution::allocate(std::size_t bytes, std::size_t alignment) noexcept {
  const std::size_t before =
      (kMinRedZone + alignment - 1) / alignment * alignment;
  const std::size_t after = std::clamp(bytes, kMinRedZone, kMaxRedZone);
  if (bytes > SIZE_MAX - before - after) return nullptr;
  void* raw = ::operator new (before + bytes + after,
                              std::align_val_t{alignment}, std::nothrow);
  if (raw == nullptr) return nullptr;
  const auto base = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t start = base + before;
  // Zeroed: what a C11 load of memory no constructor wrote reads, the same
  // in every run.
  void* p = reinterpret_cast<void*>(start);
  std::memset(p, 0, bytes);
  const bool running = mode_ == Mode::kRunning;
  Block& b = blocks_[start];
  b = {start, start + bytes, base, start + bytes + after, next_block_id_++,
       false, alignment};
  b.allocated_by = running ? current_ : -1;
  b.allocated_at = step_;
  if (running && tracing_) record_block(Access::kAllocate, b);
  return p;
}

void Execution::deallocate(void* p, std::size_t,
                           std::size_t alignment) noexcept {
  auto it = blocks_.find(reinterpret_cast<std::uintptr_t>(p));
  if (it == blocks_.end()) { // not ours (allocated outside this run)
    ::operator delete (p, std::align_val_t{alignment});
    return;
  }
  checked_[0] = checked_[1] = {}; // a cached block may be this one
  // After the run nothing else can hold the block: free it. While the
  // target is set up something still may (a seeded bug that frees early,
  // with handles left to it): keep it poisoned, as during the run, so that
  // a later access is a memory error, not a real use after free.
  if (mode_ == Mode::kTeardown) {
    if (it->second.poisoned) --poisoned_blocks_;
    ::operator delete (reinterpret_cast<void*>(it->second.raw),
                       std::align_val_t{alignment});
    blocks_.erase(it);
    return;
  }
  // During the run: keep the memory, poison it. Freed at the end.
  if (!it->second.poisoned) {
    it->second.poisoned = true;
    it->second.freed_by = mode_ == Mode::kRunning ? current_
                          : mode_ == Mode::kSetup  ? kFreedAtSetup
                                                   : -1;
    it->second.freed_at = step_;
    ++poisoned_blocks_;
    if (mode_ == Mode::kRunning && tracing_)
      record_block(Access::kFree, it->second);
  }
}

void Execution::free_poisoned() noexcept {
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    if (it->second.poisoned) {
      ::operator delete (reinterpret_cast<void*>(it->second.raw),
                         std::align_val_t{it->second.alignment});
      it = blocks_.erase(it);
    } else {
      ++it;
    }
  }
  poisoned_blocks_ = 0;
  checked_[0] = checked_[1] = {};
}

void Execution::label(const void* location, const char* name, long index,
                      long group, LabelFormat format) noexcept {
  if (!tracing_) return; // names only appear in traces
  std::string text = label_prefix_ + name;
  if (group >= 0) text += std::to_string(group);
  const std::size_t base = text.size();
  if (index >= 0) text += "[" + std::to_string(index) + "]";
  labels_[location] = {std::move(text), format, base, index};
}

std::string Execution::extrapolated_label(const void* location,
                                          const Block& block,
                                          LabelFormat& format) const {
  const auto at = reinterpret_cast<std::intptr_t>(location);
  // The labelled elements in the block, array by array (by base name):
  // two of one array give its stride.
  struct Seen {
    const Label* label;
    std::intptr_t at;
  };
  std::map<std::string, Seen> first;
  for (const auto& [where, label] : labels_) {
    const auto p = reinterpret_cast<std::intptr_t>(where);
    if (label.index < 0 || p < static_cast<std::intptr_t>(block.start) ||
        p >= static_cast<std::intptr_t>(block.end))
      continue;
    const std::string base = label.text.substr(0, label.base);
    auto [seen, fresh] = first.try_emplace(base, Seen{&label, p});
    if (fresh || label.index == seen->second.label->index) continue;
    const std::intptr_t span = p - seen->second.at;
    const long steps = label.index - seen->second.label->index;
    if (span % steps != 0) continue;
    const std::intptr_t stride = span / steps;
    const std::intptr_t offset = at - seen->second.at;
    if (stride == 0 || offset % stride != 0) continue;
    format = label.format;
    return base + "[" +
           std::to_string(seen->second.label->index + offset / stride) + "]";
  }
  return {};
}

void Execution::push_label_scope(const char* name, long index) noexcept {
  if (!tracing_) return;
  label_scopes_.push_back(label_prefix_.size());
  label_prefix_ += name;
  if (index >= 0) label_prefix_ += std::to_string(index);
  label_prefix_ += '.';
}

void Execution::pop_label_scope() noexcept {
  if (!tracing_ || label_scopes_.empty()) return;
  label_prefix_.resize(label_scopes_.back());
  label_scopes_.pop_back();
}

std::uint32_t Execution::location_id(const void* location) {
  auto [it, fresh] = location_ids_.try_emplace(
      location, static_cast<std::uint32_t>(result_.locations.size()));
  if (fresh) {
    const Block* block = find_block(location);
    std::string name;
    LabelFormat format = LabelFormat::kNumber;
    if (auto label = labels_.find(location); label != labels_.end()) {
      name = label->second.text;
      format = label->second.format;
    } else if (block != nullptr &&
               !(name = extrapolated_label(location, *block, format))
                    .empty()) {
      // ring4[4]: one past the ring of 4
    } else if (block != nullptr) {
      const auto at = reinterpret_cast<std::uintptr_t>(location);
      name = "block" + std::to_string(block->id) +
             (at >= block->start ? "+" + std::to_string(at - block->start)
                                 : "-" + std::to_string(block->start - at));
    } else {
      name = "L" + std::to_string(result_.locations.size());
    }
    result_.locations.push_back(std::move(name));
    result_.location_formats.push_back(format);
  }
  return it->second;
}

void Execution::record_trace(const void* location, Access access,
                             std::memory_order order) {
  TraceEntry e{};
  e.step = step_;
  e.thread = current_;
  e.location = location == nullptr ? ~0u : location_id(location);
  e.access = access;
  e.order = order;
  result_.trace.push_back(e);
}

void Execution::record_block(Access access, const Block& block) {
  TraceEntry e{};
  e.step = step_;
  e.thread = current_;
  e.location = ~0u;
  e.access = access;
  e.order = std::memory_order_relaxed; // (none: not an access)
  e.block = block.id;
  e.bytes = block.end - block.start;
  e.call = threads_[static_cast<std::size_t>(current_)].in_flight;
  result_.trace.push_back(e);
}

void Execution::traced_read(std::int64_t v) noexcept {
  if (result_.trace.empty()) return;
  result_.trace.back().has_read = true;
  result_.trace.back().read = v;
}

void Execution::traced_write(std::int64_t v) noexcept {
  if (result_.trace.empty()) return;
  result_.trace.back().has_written = true;
  result_.trace.back().written = v;
}

void Execution::traced_pointer() noexcept {
  if (!result_.trace.empty()) result_.trace.back().pointer = true;
}

void Execution::traced_cas_failure(std::int64_t read) noexcept {
  if (result_.trace.empty()) return;
  result_.trace.back().access = Access::kCasFail;
  result_.trace.back().has_read = true;
  result_.trace.back().read = read;
}

std::int64_t Execution::encode_pointer(const void* p) const noexcept {
  if (p == nullptr) return 0;
  const Block* block = find_block(p);
  // Outside every tracked block (or before one: in its red zone).
  if (block == nullptr || reinterpret_cast<std::uintptr_t>(p) < block->start)
    return -1;
  return (static_cast<std::int64_t>(block->id) + 1) << 32 |
         static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(p) -
                                   block->start);
}

Simulator::Simulator() = default;
Simulator::~Simulator() = default;

RunResult Simulator::run(const InstanceFactory& make,
                         const std::vector<std::vector<Call>>& threads,
                         Strategy& strategy, const RunLimits& limits) {
  while (fibers_.size() < threads.size()) {
    fibers_.push_back(std::make_unique<Fiber>(kStackBytes));
  }
  Execution ex(main_, nullptr, strategy, limits);
  Execution* const outer = Execution::t_current_;
  Execution::t_current_ = &ex;
  struct Restore {
    Execution* outer;
    ~Restore() { Execution::t_current_ = outer; }
  } restore{outer};

  std::unique_ptr<Instance> instance = make(); // setup: direct accesses
  ex.instance_ = instance.get();

  const int n = static_cast<int>(threads.size());
  ex.threads_.resize(threads.size());
  for (int t = 0; t < n; ++t) {
    Execution::Thread& th = ex.threads_[static_cast<std::size_t>(t)];
    th.fiber = fibers_[static_cast<std::size_t>(t)].get();
    th.calls = &threads[static_cast<std::size_t>(t)];
    th.execution = &ex;
    th.id = t;
    th.fiber->reset(&Execution::thread_main, &th);
    ex.runnable_.push_back(t);
  }
  strategy.begin(n);
  if (limits.memory_model == MemoryModel::kC11) ex.c11_.reset(n);
  // A cell out of bounds while setting up recorded a memory error: no run.
  if (n > 0 && ex.result_.outcome.kind == OutcomeKind::kOk) {
    ex.mode_ = Execution::Mode::kRunning;
    ex.current_ = 0;
    ex.threads_[0].fresh = false; // thread 0's first point chooses
    Fiber::switch_to(main_, *ex.threads_[0].fiber);
  }

  // Back on the main stack: every thread finished, or the run stopped.
  ex.mode_ = Execution::Mode::kFinal;
  ex.flush_all(); // a stopped run's buffered stores land before the final read
  RunResult& r = ex.result_;
  r.steps = ex.step_;
  for (const Execution::Thread& t : ex.threads_) {
    if (t.in_flight >= 0)
      r.pending.push_back(
          {t.id, t.in_flight, t.in_flight_call, t.in_flight_after});
  }
  // Trailing choices that only repeat the fallback change nothing on replay.
  while (!r.choices.empty() && r.choices.back() == ex.fallbacks_.back()) {
    r.choices.pop_back();
    ex.fallbacks_.pop_back();
  }
  if (limits.trace) r.fallbacks = ex.fallbacks_;
  if (r.outcome.kind == OutcomeKind::kOk) {
    r.final_invariants = instance->check_invariants();
    // More items than calls means the drain is going round a cycle.
    std::size_t calls = 0;
    for (const auto& t : threads)
      calls += t.size();
    const bool drained = instance->drain(calls + 1, r.final_items);
    if (r.outcome.kind != OutcomeKind::kOk) {
      // Draining touched freed memory (recorded by the poison check).
    } else if (!r.final_invariants.empty()) {
      r.outcome = {OutcomeKind::kAssertion, r.steps, -1,
                   "check_invariants: " + r.final_invariants};
    } else if (!drained) {
      // What the target's invariants say now, where they name what broke.
      const std::string why = instance->check_invariants();
      r.outcome = {OutcomeKind::kAssertion, r.steps, -1,
                   why.empty() ? "draining the structure did not end with it "
                                 "empty (more items than were pushed, or a "
                                 "failed removal)"
                               : "draining the structure failed: " + why};
    }
  }
  ex.mode_ = Execution::Mode::kTeardown;
  instance.reset();
  ex.free_poisoned();
  return std::move(ex.result_);
}

const char* outcome_name(OutcomeKind kind) {
  switch (kind) {
  case OutcomeKind::kOk:
    return "ok";
  case OutcomeKind::kDeadlock:
    return "deadlock";
  case OutcomeKind::kStepLimit:
    return "step-limit";
  case OutcomeKind::kAssertion:
    return "assertion";
  case OutcomeKind::kMemoryError:
    return "memory-error";
  }
  return "unknown";
}

const char* access_name(Access access) {
  switch (access) {
  case Access::kLoad:
    return "load";
  case Access::kStore:
    return "store";
  case Access::kRmw:
    return "rmw";
  case Access::kCasFail:
    return "cas-fail";
  case Access::kFence:
    return "fence";
  case Access::kCellRead:
    return "cell-read";
  case Access::kCellWrite:
    return "cell-write";
  case Access::kSpin:
    return "spin";
  case Access::kWait:
    return "wait";
  case Access::kNotify:
    return "notify";
  case Access::kFlush:
    return "flush";
  case Access::kAllocate:
    return "allocate";
  case Access::kFree:
    return "free";
  }
  return "unknown";
}

const char* order_name(std::memory_order order) {
  switch (order) {
  case std::memory_order_relaxed:
    return "relaxed";
  case std::memory_order_consume:
    return "consume";
  case std::memory_order_acquire:
    return "acquire";
  case std::memory_order_release:
    return "release";
  case std::memory_order_acq_rel:
    return "acq_rel";
  case std::memory_order_seq_cst:
    return "seq_cst";
  }
  return "unknown";
}

} // namespace lockstep::sim
