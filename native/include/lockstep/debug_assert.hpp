// debug_assert.hpp — LOCKSTEP_DEBUG_ASSERT, the engine's runtime invariant
// check.
//
// Checks an invariant in debug builds (NDEBUG not defined, or LOCKSTEP_DEBUG
// defined) and reports a failure through the atomics policy, so that the
// production policy aborts with file and line while the simulator can record
// it as an `assertion` outcome instead of crashing.
//
//   LOCKSTEP_DEBUG_ASSERT(Sync, bottom - top >= 0, "deque size is negative");
#pragma once

#if !defined(NDEBUG) || defined(LOCKSTEP_DEBUG)
#define LOCKSTEP_DEBUG_ASSERTS_ENABLED 1
#else
#define LOCKSTEP_DEBUG_ASSERTS_ENABLED 0
#endif

// Checked when debug asserts are enabled, and always under a policy whose
// kAlwaysAssert is true (the simulator's: there a broken invariant is an
// `assertion` outcome with its step and thread).
#define LOCKSTEP_DEBUG_ASSERT(Sync, cond, message)                             \
  do {                                                                         \
    if constexpr (LOCKSTEP_DEBUG_ASSERTS_ENABLED || Sync::kAlwaysAssert) {     \
      if (!(cond))                                                             \
        Sync::assertion_failed(#cond, (message), __FILE__, __LINE__);          \
    }                                                                          \
  } while (false)
