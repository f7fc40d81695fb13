// storage.hpp — arrays of policy objects in memory taken from Sync::allocate.
//
// Structures take their slot and node arrays once, at construction, through
// the atomics policy, so that the simulator sees every allocation and can
// poison what is freed. These helpers construct and destroy such arrays.
//
//   Slot* slots = lockstep::make_array<Sync, Slot>(capacity);  // nullptr: OOM
//   lockstep::destroy_array<Sync>(slots, capacity);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

namespace lockstep {

// n value-initialised U, or nullptr when the memory cannot be had.
template <class Sync, class U> U* make_array(std::size_t n) noexcept {
  static_assert(std::is_nothrow_default_constructible_v<U>,
                "array elements are built without exceptions");
  if (n == 0 || n > SIZE_MAX / sizeof(U)) return nullptr;
  void* raw = Sync::allocate(n * sizeof(U), alignof(U));
  if (raw == nullptr) return nullptr;
  U* items = static_cast<U*>(raw);
  for (std::size_t i = 0; i < n; ++i)
    ::new (static_cast<void*>(items + i)) U();
  return items;
}

template <class Sync, class U>
void destroy_array(U* items, std::size_t n) noexcept {
  if (items == nullptr) return;
  std::destroy_n(items, n);
  Sync::deallocate(items, n * sizeof(U), alignof(U));
}

} // namespace lockstep
