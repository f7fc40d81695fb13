// c11_memory.cpp — stores in modification order, views, messages and S
// (see c11_memory.hpp).
#include "sim/c11_memory.hpp"

#include <algorithm>
#include <cstring>

namespace lockstep::sim {

namespace {

bool acquires(std::memory_order o) {
  return o == std::memory_order_acquire || o == std::memory_order_acq_rel ||
         o == std::memory_order_seq_cst || o == std::memory_order_consume;
}
bool releases(std::memory_order o) {
  return o == std::memory_order_release || o == std::memory_order_acq_rel ||
         o == std::memory_order_seq_cst;
}

} // namespace

void C11Memory::reset(int threads) {
  ids_.clear();
  stores_.clear();
  messages_.clear();
  threads_.assign(static_cast<std::size_t>(threads), ThreadState{});
  for (ThreadState& t : threads_)
    t.view.calls.assign(static_cast<std::size_t>(threads), 0);
  sc_ = View{};
}

namespace {
void join_max(std::vector<std::uint32_t>& into,
              const std::vector<std::uint32_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i)
    into[i] = std::max(into[i], from[i]);
}
} // namespace

void C11Memory::join(View& into, const View& from) {
  join_max(into.at, from.at);
  join_max(into.calls, from.calls);
}

void C11Memory::raise(View& view, std::uint32_t location, std::uint32_t at) {
  if (view.at.size() <= location) view.at.resize(location + 1, 0);
  view.at[location] = std::max(view.at[location], at);
}

void C11Memory::returned(int thread) {
  std::vector<std::uint32_t>& calls =
      threads_[static_cast<std::size_t>(thread)].view.calls;
  if (calls.size() <= static_cast<std::size_t>(thread))
    calls.resize(static_cast<std::size_t>(thread) + 1, 0);
  ++calls[static_cast<std::size_t>(thread)];
}

std::uint32_t C11Memory::location(const void* address, std::size_t size,
                                  const void* memory) {
  auto [it, added] =
      ids_.try_emplace(address, static_cast<std::uint32_t>(stores_.size()));
  if (added) { // its value so far: the first store
    std::uint64_t bytes = 0;
    std::memcpy(&bytes, memory, size);
    stores_.emplace_back();
    stores_.back().push_back({bytes, kNone, 0, false});
  }
  return it->second;
}

std::uint32_t C11Memory::message_of(const View& view) {
  messages_.push_back(view);
  return static_cast<std::uint32_t>(messages_.size() - 1);
}

void C11Memory::acquire(ThreadState& t, std::uint32_t message,
                        std::memory_order order) {
  if (message == kNone) return;
  if (acquires(order)) {
    join(t.view, messages_[message]);
  } else {
    join(t.acquired, messages_[message]);
  }
}

void C11Memory::insert(std::uint32_t location, std::uint32_t at,
                       const Store& s) {
  std::vector<Store>& list = stores_[location];
  if (at < list.size()) {
    const auto shift = [&](View& v) {
      if (location < v.at.size() && v.at[location] >= at) ++v.at[location];
    };
    for (ThreadState& t : threads_) {
      shift(t.view);
      shift(t.acquired);
    }
    for (View& m : messages_)
      shift(m);
    shift(sc_);
  }
  list.insert(list.begin() + at, s);
}

C11Memory::Visible C11Memory::visible(int thread, const void* address,
                                      std::size_t size, const void* memory,
                                      std::memory_order order) {
  const std::uint32_t loc = location(address, size, memory);
  const auto n = static_cast<std::uint32_t>(stores_[loc].size());
  const ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  std::uint32_t floor = loc < t.view.at.size() ? t.view.at[loc] : 0;
  if (order == std::memory_order_seq_cst && loc < sc_.at.size())
    floor = std::max(floor, sc_.at[loc]);
  if (n > kMaxVisible) floor = std::max(floor, n - kMaxVisible);
  return {loc, floor, n - floor};
}

const C11Memory::Store& C11Memory::take(int thread, const Visible& v,
                                        std::uint32_t choice,
                                        std::memory_order order) {
  ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  const std::uint32_t at = v.first + choice;
  raise(t.view, v.location, at); // coherence: never older again
  if (order == std::memory_order_seq_cst) raise(sc_, v.location, at);
  acquire(t, stores_[v.location][at].message, order);
  return stores_[v.location][at];
}

void C11Memory::places(int thread, const void* address, std::size_t size,
                       const void* memory, std::memory_order order,
                       std::vector<std::uint32_t>& out) {
  out.clear();
  const std::uint32_t loc = location(address, size, memory);
  const std::vector<Store>& list = stores_[loc];
  const auto n = static_cast<std::uint32_t>(list.size());
  const ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  // After every store its view has seen (coherence), and under seq_cst
  // after every seq_cst store and every store a seq_cst load read.
  std::uint32_t after = loc < t.view.at.size() ? t.view.at[loc] : 0;
  if (order == std::memory_order_seq_cst && loc < sc_.at.size())
    after = std::max(after, sc_.at[loc]);
  std::uint32_t from = after + 1;
  if (n >= kMaxVisible) from = std::max(from, n - kMaxVisible + 1);
  for (std::uint32_t p = from; p < n; ++p) {
    if (!list[p].rmw) out.push_back(p); // atomicity: not inside an RMW pair
  }
  out.push_back(n);
}

bool C11Memory::store(int thread, const void* address, std::uint32_t at,
                      std::uint64_t bytes, std::memory_order order,
                      std::int64_t traced, bool pointer, std::uint64_t step) {
  const std::uint32_t loc = ids_.at(address);
  const bool newest = at == stores_[loc].size();
  ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  insert(loc, at, {bytes, kNone, traced, pointer, false, thread, step});
  raise(t.view, loc, at);
  stores_[loc][at].message = releases(order) ? message_of(t.view) : t.released;
  if (order == std::memory_order_seq_cst) raise(sc_, loc, at);
  return newest;
}

const C11Memory::Store& C11Memory::before(const void* address,
                                          std::uint32_t at) const {
  return stores_[ids_.at(address)][at - 1];
}

bool C11Memory::rmw(int thread, const void* address, std::uint32_t at,
                    bool writes, std::uint64_t bytes, std::memory_order order,
                    std::int64_t traced, bool pointer, std::uint64_t step) {
  const std::uint32_t loc = ids_.at(address);
  ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  const bool newest = at == stores_[loc].size();
  // Atomicity: the store right before ours.
  const Store read = stores_[loc][at - 1];
  raise(t.view, loc, at - 1);
  if (order == std::memory_order_seq_cst) raise(sc_, loc, at - 1);
  acquire(t, read.message, order);
  if (!writes) return false;
  insert(loc, at, {bytes, kNone, traced, pointer, true, thread, step});
  raise(t.view, loc, at);
  // Ours continues the release sequence of the store it read.
  std::uint32_t message = releases(order) ? message_of(t.view) : kNone;
  if (message == kNone && t.released != kNone) {
    const View released = messages_[t.released];
    message = message_of(released);
  }
  if (read.message != kNone) {
    if (message == kNone) {
      message = read.message;
    } else {
      const View from = messages_[read.message];
      join(messages_[message], from);
    }
  }
  stores_[loc][at].message = message;
  if (order == std::memory_order_seq_cst) raise(sc_, loc, at);
  return newest;
}

void C11Memory::fence(int thread, std::memory_order order) {
  ThreadState& t = threads_[static_cast<std::size_t>(thread)];
  if (acquires(order)) {
    join(t.view, t.acquired);
    t.acquired = View{};
  }
  if (order == std::memory_order_seq_cst) {
    // S orders; it does not synchronise: only locations, no clocks.
    join_max(t.view.at, sc_.at);
    sc_.at = t.view.at;
  }
  if (releases(order)) t.released = message_of(t.view);
}

} // namespace lockstep::sim
