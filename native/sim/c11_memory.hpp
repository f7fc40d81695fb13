// c11_memory.hpp — the C11 memory model of the simulator: which stores a
// load may read, as the C++20 memory model (with the RC11 repairs of
// seq_cst, Lahav et al., PLDI 2017) allows them.
//
// Each location keeps its stores in modification order (mo), oldest first.
// A store goes after every store its thread's view has seen, but where
// exactly among the newer ones is a choice (by default: last), never
// between a read-modify-write and the store it read. A read-modify-write
// takes such a place too, and reads the store right before it (atomicity):
// not always the newest, as on ARM, where two relaxed RMWs of one thread
// may reach memory out of order with its other stores. Each thread has a
// view: per location, the oldest store it may still read — raised by its
// own stores and reads (coherence) and by synchronisation, since a release
// store (or a relaxed one after a release fence) carries its thread's view
// as a message, which an acquire load (or a relaxed load followed by an
// acquire fence) that reads it joins into its own. A view is happens-before
// in the form a load needs: a store hidden by one that happens before the
// load is below the load's view. A read-modify-write reads the newest
// store and extends the release sequence it reads from (its message joins
// the one it read). seq_cst: one view S for the single total order; a
// seq_cst fence joins S into its view and its view into S; a seq_cst store
// raises S at its location, a seq_cst load reads no older than S there and
// raises it to what it read — together the C++20 constraints on S.
//
// Not modelled: a load never reads a store performed after it (load
// buffering; so no out-of-thin-air values either). A load may read one of
// the kMaxVisible newest stores its view allows, and a store go among as
// many; a thread that has not seen a location yet still places its store
// after the location's first. A compare-exchange that fails reads what it
// would have read had it succeeded, so never the store right before a
// read-modify-write.
//
//   C11Memory m;
//   m.reset(2);
//   auto c = m.visible(0, loc, sizeof(long), loc, std::memory_order_acquire);
//   const C11Memory::Store& s = m.take(0, c, c.count - 1, order);
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace lockstep::sim {

class C11Memory {
public:
  static constexpr std::uint32_t kMaxVisible = 8;

  struct Store {
    std::uint64_t bytes;
    std::uint32_t message; // index into messages_, or kNone
    std::int64_t traced;   // the value as traces show it
    bool pointer;
    bool rmw = false; // written by a read-modify-write: nothing goes before
    // Who wrote it, at which step (for traces); -1: the location's value
    // before the run touched it.
    int thread = -1;
    std::uint64_t step = 0;
  };
  // The stores a load may read: count of them, oldest first.
  struct Visible {
    std::uint32_t location;
    std::uint32_t first;
    std::uint32_t count; // >= 1
  };

  // Forgets everything: a new run with `threads` threads.
  void reset(int threads);

  // The stores `thread` may read at `address` (`size` bytes) with a load
  // of `order`. A location met for the first time starts with one store of
  // its current bytes at `memory` (set before the run, or by a constructor
  // since; the simulator zero-fills what it allocates), seen by every
  // thread.
  Visible visible(int thread, const void* address, std::size_t size,
                  const void* memory, std::memory_order order);
  // Reads store `first + choice` of `v`: raises the thread's view and
  // synchronises as `order` says.
  const Store& take(int thread, const Visible& v, std::uint32_t choice,
                    std::memory_order order);
  // Where a store by `thread` with `order` may go in mo: positions (a
  // store at position p goes before the one now there), ascending; the
  // last is the end. The location is met as by `visible`.
  void places(int thread, const void* address, std::size_t size,
              const void* memory, std::memory_order order,
              std::vector<std::uint32_t>& out);
  // A store of `bytes` at mo position `at` (one of `places`), step `step`
  // of the run; returns whether it is the newest, so memory holds it.
  bool store(int thread, const void* address, std::uint32_t at,
             std::uint64_t bytes, std::memory_order order, std::int64_t traced,
             bool pointer, std::uint64_t step);
  // The store a read-modify-write placed at `at` (one of `places`) reads:
  // the one right before it.
  const Store& before(const void* address, std::uint32_t at) const;
  // A read-modify-write at mo position `at`: reads the store before it
  // with `order` and, when `writes`, puts `bytes` at `at`, continuing the
  // release sequence it read from. A failed CAS reads with `order` its
  // failure order and does not write. Returns whether it wrote the newest
  // store, so memory holds it.
  bool rmw(int thread, const void* address, std::uint32_t at, bool writes,
           std::uint64_t bytes, std::memory_order order, std::int64_t traced,
           bool pointer, std::uint64_t step);
  // The newest store at `address` (met before), and how many stores it
  // holds: what a stale read missed, for traces.
  const Store& newest(const void* address) const {
    return stores_[ids_.at(address)].back();
  }
  std::uint32_t count(const void* address) const {
    return static_cast<std::uint32_t>(stores_[ids_.at(address)].size());
  }
  void fence(int thread, std::memory_order order);

  // Happens-before between calls, by vector clocks that travel with the
  // views: per thread, how many of its calls have returned before (in
  // happens-before) now, for `thread`.
  const std::vector<std::uint32_t>& known(int thread) const {
    return threads_[static_cast<std::size_t>(thread)].view.calls;
  }
  // `thread`'s call returned.
  void returned(int thread);

private:
  static constexpr std::uint32_t kNone = ~0u;
  struct View {
    std::vector<std::uint32_t> at;    // per location: the oldest readable
    std::vector<std::uint32_t> calls; // per thread: calls returned
  };

  struct ThreadState {
    View view;
    std::uint32_t released = kNone; // message of its last release fence
    View acquired; // messages its relaxed loads read, for an acquire fence
  };

  std::uint32_t location(const void* address, std::size_t size,
                         const void* memory);
  static void join(View& into, const View& from);
  static void raise(View& view, std::uint32_t location, std::uint32_t at);
  void acquire(ThreadState& t, std::uint32_t message, std::memory_order order);
  std::uint32_t message_of(const View& view);
  // Puts a store at mo position `at`, moving every view past the stores
  // from there on.
  void insert(std::uint32_t location, std::uint32_t at, const Store& s);

  std::unordered_map<const void*, std::uint32_t> ids_;
  std::vector<std::vector<Store>> stores_; // per location, in mo
  std::vector<View> messages_;
  std::vector<ThreadState> threads_;
  View sc_; // S, the seq_cst view
};

} // namespace lockstep::sim
