// mpmc_queue.hpp — MpmcQueue<T>: a bounded multi-producer multi-consumer
// FIFO queue after Dmitry Vyukov.
//
// Guarantees: linearizable up to the two relaxations below; every slot is
// handed to one producer and then one consumer by a CAS on a ticket counter;
// try_push/try_pop never block and never allocate (the ring is taken at
// construction). Not lock-free in the strict sense: a producer stalled
// between winning its ticket and publishing its slot holds up the consumer
// of that slot (Vyukov's queue is "practically lock-free").
// Relaxations, which the model states and a solo run never shows:
//   - try_pop may report empty while a push that won an earlier ticket is
//     still writing its slot;
//   - try_push may report full while a pop that won the ticket of the slot
//     is still reading it.
//
// Algorithm: D. Vyukov, "Bounded MPMC queue" (1024cores.net, 2010), in the
// form with explicit laps of E. Rigtorp's MPMCQueue.h: slot i serves tickets
// i, i+C, i+2C, ...; its `turn` is 2*lap while it waits for the producer of
// lap `lap` and 2*lap+1 while it waits for that lap's consumer. Each slot is
// on its own cache line, and so are the two ticket counters.
//
//   lockstep::MpmcQueue<Task*> queue(1024);
//   if (!queue.try_push(task)) { /* full: apply back-pressure */ }
//   if (std::optional<Task*> t = queue.try_pop()) run(*t);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "lockstep/cache_padded.hpp"
#include "lockstep/std_sync.hpp"
#include "lockstep/storage.hpp"

namespace lockstep {

// Seeded defects of the MPMC queue.
// Each Bugs type names its variant and says in one line what it breaks;
// MpmcVariants lists them all, correct first.
struct NoMpmcBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "Vyukov's bounded queue with explicit laps (Rigtorp)";
  // The turn check compares only "waiting for a producer / a consumer" and
  // drops the lap: a producer whose ticket is a whole lap ahead takes a slot
  // whose previous producer has not published yet, and one item overwrites
  // another. The sequence-number ABA of ring buffers.
  static constexpr bool kLapDroppedFromTurnCheck = false;
  // The producer publishes its slot with a relaxed store of the turn instead
  // of release: a consumer on a weakly ordered machine may read the slot
  // before the value lands. The classic missing release; invisible under SC
  // and TSO, caught only by a weak memory model or real ARM hardware.
  static constexpr bool kRelaxedTurnStore = false;
  // Each slot's turn is stored in 2 bits (masked on every store) but
  // compared in full: on its third lap a slot never shows the turn its
  // producer waits for (4 reads as 0), so from then on every push is
  // refused and every pop finds the queue empty — a lost turn that blocks
  // everyone, as a sequence number narrowed to fit a packed field does.
  static constexpr bool kTurnIn2Bits = false;
};
struct MpmcLapDropped : NoMpmcBugs {
  static constexpr const char* kVariant = "lap-dropped";
  static constexpr const char* kDescription =
      "the turn check ignores the lap: a producer a lap ahead overwrites an "
      "unpublished slot";
  static constexpr bool kLapDroppedFromTurnCheck = true;
};
struct MpmcRelaxedTurnStore : NoMpmcBugs {
  static constexpr const char* kVariant = "relaxed-turn-store";
  static constexpr const char* kDescription =
      "the producer publishes its slot with a relaxed store instead of release";
  static constexpr bool kRelaxedTurnStore = true;
};

struct MpmcTurn2Bits : NoMpmcBugs {
  static constexpr const char* kVariant = "turn-2-bits";
  static constexpr const char* kDescription =
      "the slot's turn is stored in 2 bits: after two laps a slot never "
      "shows its producer's turn, and every push is refused for ever";
  static constexpr bool kTurnIn2Bits = true;
};

using MpmcVariants = std::tuple<NoMpmcBugs, MpmcLapDropped,
                                MpmcRelaxedTurnStore, MpmcTurn2Bits>;

// Layout: Padded (each slot and each ticket counter on cache lines of
// its own) or Packed (side by side: bench:padding measures the difference).
template <class T, class Sync = StdSync, class Bugs = NoMpmcBugs,
          class Layout = Padded>
class MpmcQueue {
public:
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 32;

  // Takes the ring now. Throws std::invalid_argument for a capacity of 0 or
  // above kMaxCapacity, std::bad_alloc without memory.
  explicit MpmcQueue(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        slots_(make_array<Sync, Slot>(capacity_)) {
    if (slots_ == nullptr) throw std::bad_alloc();
    Sync::label(&head_.value, "head");
    Sync::label(&tail_.value, "tail");
    for (std::size_t i = 0; i < capacity_; ++i) {
      Sync::label(&slots_[i].turn, "turn", static_cast<long>(i));
      Sync::label(&slots_[i].value, "slot", static_cast<long>(i));
    }
  }
  ~MpmcQueue() { destroy_array<Sync>(slots_, capacity_); }
  MpmcQueue(const MpmcQueue&) = delete;
  MpmcQueue& operator=(const MpmcQueue&) = delete;

  // False when the slot of the next ticket still holds the previous lap.
  bool try_push(T value) noexcept {
    std::uint64_t ticket = head_->load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[index(ticket)];
      const std::uint64_t wanted = 2 * lap(ticket);
      // (Q1) acquire: pairs with (Q4); the previous lap's consumer has
      // finished reading the slot before we overwrite it.
      const std::uint64_t turn = slot.turn.load(std::memory_order_acquire);
      if (turn_is(turn, wanted)) {
        // Win the ticket. Relaxed: the slot's turn, not the counter, orders
        // the slot's contents.
        if (head_->compare_exchange_strong(ticket, ticket + 1,
                                           std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
          slot.value.store(value);
          // (Q2) release: publish the value; pairs with (Q3).
          slot.turn.store(stored_turn(wanted + 1),
                          Bugs::kRelaxedTurnStore ? std::memory_order_relaxed
                                                  : std::memory_order_release);
          return true;
        }
        // Lost the ticket: `ticket` now holds the counter; try that one.
      } else {
        // Is the ring full? — Only if no producer moved on meanwhile.
        const std::uint64_t seen = ticket;
        ticket = head_->load(std::memory_order_relaxed);
        if (ticket == seen) return false;
      }
      Sync::spin_hint();
    }
  }

  // Nullopt when the slot of the next ticket is not yet published.
  std::optional<T> try_pop() noexcept {
    std::uint64_t ticket = tail_->load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[index(ticket)];
      const std::uint64_t wanted = 2 * lap(ticket) + 1;
      // (Q3) acquire: pairs with (Q2); the value is visible.
      const std::uint64_t turn = slot.turn.load(std::memory_order_acquire);
      if (turn_is(turn, wanted)) {
        if (tail_->compare_exchange_strong(ticket, ticket + 1,
                                           std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
          const T value = slot.value.load();
          // (Q4) release: our read of the value is done; pairs with (Q1) of
          // the next lap's producer.
          slot.turn.store(stored_turn(wanted + 1), std::memory_order_release);
          return value;
        }
      } else {
        const std::uint64_t seen = ticket;
        ticket = tail_->load(std::memory_order_relaxed);
        if (ticket == seen) return std::nullopt;
      }
      Sync::spin_hint();
    }
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // The next push and pop tickets, for an observer that reads atomics
  // without taking part in the schedule (the simulator target's checks of
  // the scheduler's injection queue): head - tail items are claimed.
  const auto& push_ticket() const noexcept { return head_.value; }
  const auto& pop_ticket() const noexcept { return tail_.value; }

  // An estimate under concurrency; exact when quiescent.
  std::size_t size_approx() const noexcept {
    const std::uint64_t tail = tail_->load(std::memory_order_relaxed);
    const std::uint64_t head = head_->load(std::memory_order_relaxed);
    return head > tail ? static_cast<std::size_t>(head - tail) : 0;
  }

  // Quiescent only. The items from oldest to newest.
  std::vector<T> items_quiescent() const {
    std::vector<T> out;
    const std::uint64_t head = head_->load(std::memory_order_acquire);
    for (std::uint64_t t = tail_->load(std::memory_order_acquire);
         t < head && out.size() < capacity_; ++t) {
      out.push_back(slots_[index(t)].value.load());
    }
    return out;
  }

  // Quiescent only. Empty when every invariant holds, else what broke:
  // 0 <= head - tail <= capacity, and each slot's turn is the one its
  // position between the two tickets implies.
  std::string check_invariants() const {
    const std::uint64_t head = head_->load(std::memory_order_acquire);
    const std::uint64_t tail = tail_->load(std::memory_order_acquire);
    if (head < tail || head - tail > capacity_) {
      return "mpmc queue: head ticket " + std::to_string(head) +
             " and tail ticket " + std::to_string(tail) +
             " are not within one capacity (" + std::to_string(capacity_) + ")";
    }
    for (std::uint64_t t = tail; t < tail + capacity_; ++t) {
      // Tickets in [tail, head) hold an item of lap(t): turn 2*lap(t)+1.
      // Tickets in [head, tail + capacity) wait for a producer: 2*lap(t).
      const std::uint64_t want = 2 * lap(t) + (t < head ? 1 : 0);
      const std::uint64_t turn =
          slots_[index(t)].turn.load(std::memory_order_acquire);
      if (turn != want) {
        return "mpmc queue: slot " + std::to_string(index(t)) + " has turn " +
               std::to_string(turn) + ", expected " + std::to_string(want);
      }
    }
    return {};
  }

private:
  struct SlotFields {
    typename Sync::template atomic<std::uint64_t> turn{0};
    typename Sync::template cell<T> value;
  };
  struct alignas(Layout::template kAlign<SlotFields>) Slot : SlotFields {};
  static_assert(!std::is_same_v<Layout, Padded> ||
                    sizeof(Slot) % kCacheLineSize == 0,
                "each slot fills whole cache lines, so that neighbouring "
                "slots written by different threads never share one");

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument("MpmcQueue: capacity must be between 1 and " +
                                  std::to_string(kMaxCapacity));
    }
    return capacity;
  }
  std::size_t index(std::uint64_t ticket) const noexcept {
    return static_cast<std::size_t>(ticket % capacity_);
  }
  std::uint64_t lap(std::uint64_t ticket) const noexcept {
    return ticket / capacity_;
  }
  // The turn as a slot holds it (all 64 bits, but for the 2-bit mutant).
  static std::uint64_t stored_turn(std::uint64_t turn) noexcept {
    return Bugs::kTurnIn2Bits ? turn & 3 : turn;
  }
  static bool turn_is(std::uint64_t turn, std::uint64_t wanted) noexcept {
    if constexpr (Bugs::kLapDroppedFromTurnCheck) {
      return (turn & 1) == (wanted & 1);
    }
    return turn == wanted;
  }

  const std::size_t capacity_;
  Slot* slots_;
  typename Layout::template Field<typename Sync::template atomic<std::uint64_t>>
      head_{};
  typename Layout::template Field<typename Sync::template atomic<std::uint64_t>>
      tail_{};
};

} // namespace lockstep
