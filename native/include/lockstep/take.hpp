// take.hpp — Take<T>: the result of an attempt to take an item that a
// concurrent operation can make inconclusive.
//
// Empty, Success(value) or Retry, never folded into an optional: Retry says
// "lost a race, the structure may not be empty, try again", which a caller
// that polls many victims must tell apart from Empty (crossbeam's Steal).
//
//   Take<int> t = stealer.steal();
//   if (t.is_success()) run(t.value()); else if (t.is_retry()) again();
#pragma once

#include <cstdint>

namespace lockstep {

enum class TakeKind : std::uint8_t { kEmpty, kSuccess, kRetry };

template <class T> class Take {
public:
  static Take empty() noexcept { return Take(TakeKind::kEmpty, T{}); }
  static Take retry() noexcept { return Take(TakeKind::kRetry, T{}); }
  static Take success(T value) noexcept {
    return Take(TakeKind::kSuccess, value);
  }

  TakeKind kind() const noexcept { return kind_; }
  bool is_empty() const noexcept { return kind_ == TakeKind::kEmpty; }
  bool is_success() const noexcept { return kind_ == TakeKind::kSuccess; }
  bool is_retry() const noexcept { return kind_ == TakeKind::kRetry; }
  // The item; only meaningful when is_success().
  T value() const noexcept { return value_; }

private:
  Take(TakeKind kind, T value) noexcept : kind_(kind), value_(value) {}
  TakeKind kind_;
  T value_;
};

} // namespace lockstep
