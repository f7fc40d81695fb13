// ring.hpp — a bounded single-producer single-consumer ring buffer: the
// user's own structure, written over lockstep's Sync policy so that the
// same source runs on std::atomic in production (lockstep::StdSync) and
// under lockstep's simulator (the plugin, ring_target.cpp).
//
// head counts pops, tail counts pushes; slot i % capacity holds the item
// of push i. The producer writes the slot, then publishes the tail
// (release); the consumer reads the tail (acquire), then the slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <tuple>

#include <lockstep/std_sync.hpp>
#include <lockstep/storage.hpp>

struct RingCorrect {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription = "slot written, then tail published";
  static constexpr bool kPublishFirst = false;
};
// The seeded bug: the tail is published before the slot is written, so
// the consumer may read a slot the producer has not filled yet.
struct RingPublishFirst : RingCorrect {
  static constexpr const char* kVariant = "publish-first";
  static constexpr const char* kDescription = "tail published before the slot is written";
  static constexpr bool kPublishFirst = true;
};
using RingVariants = std::tuple<RingCorrect, RingPublishFirst>;

template <class Sync = lockstep::StdSync, class Bugs = RingCorrect>
class Ring {
public:
  // The slots come from Sync::allocate (lockstep::make_array), so that the
  // simulator knows the block they are in.
  explicit Ring(std::size_t capacity)
      : capacity_(capacity), slots_(lockstep::make_array<Sync, Slot>(capacity)) {
    if (slots_ == nullptr) throw std::bad_alloc();
    // Names for the simulator's traces (nothing in production).
    Sync::label(&head_, "head");
    Sync::label(&tail_, "tail");
    for (std::size_t i = 0; i < capacity_; ++i) Sync::label(&slots_[i], "slot", static_cast<long>(i));
  }
  ~Ring() { lockstep::destroy_array<Sync>(slots_, capacity_); }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  bool try_push(std::int64_t v) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == capacity_) return false;
    if constexpr (Bugs::kPublishFirst) tail_.store(tail + 1, std::memory_order_release);
    slots_[tail % capacity_].store(v);
    if constexpr (!Bugs::kPublishFirst) tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  std::optional<std::int64_t> try_pop() {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    const std::int64_t v = slots_[head % capacity_].load();
    head_.store(head + 1, std::memory_order_release);
    return v;
  }

  std::string check_invariants() const {
    const std::uint64_t used = tail_.load() - head_.load();
    return used <= capacity_ ? "" : "more items than slots: " + std::to_string(used);
  }

private:
  const std::size_t capacity_;
  using Slot = typename Sync::template cell<std::int64_t>;
  Slot* slots_;
  typename Sync::template atomic<std::uint64_t> head_{0}, tail_{0};
};
