// fiber.hpp — Fiber: a stack and a saved context, switched on one OS thread.
//
// The simulator runs each logical thread as a fiber; switching between them
// is its speed limit. On x86-64 the switch is a dozen instructions of
// hand-written assembly (callee-saved registers, MXCSR and the x87 control
// word); elsewhere, or with LOCKSTEP_SIM_UCONTEXT defined, it is POSIX
// ucontext (portable, but swapcontext makes a signal-mask system call per
// switch). Under AddressSanitizer every switch is announced to it, and a
// stack is unpoisoned before reuse.
//
//   lockstep::sim::Fiber main;                  // adopts this thread's stack
//   lockstep::sim::Fiber worker(256 * 1024);    // a stack of its own
//   worker.reset(&body, &state);                // body(&state) runs next
//   lockstep::sim::Fiber::switch_to(main, worker);
#pragma once

#include <cstddef>

#if !defined(__x86_64__) && !defined(LOCKSTEP_SIM_UCONTEXT)
#define LOCKSTEP_SIM_UCONTEXT 1
#endif
#if defined(LOCKSTEP_SIM_UCONTEXT)
#include <ucontext.h>
#endif

namespace lockstep::sim {

class Fiber {
public:
  // The entry of a fiber. It must not return: a finished fiber switches
  // away for good (switch_away_for_good).
  using Entry = void (*)(void* arg);

  // The calling OS thread's own stack and context.
  Fiber() noexcept;
  // A fiber with a stack of `stack_bytes` (rounded up to whole pages) and a
  // guard page below it. Throws std::bad_alloc.
  explicit Fiber(std::size_t stack_bytes);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Makes the fiber start afresh at entry(arg) when next switched to,
  // abandoning whatever it was running.
  void reset(Entry entry, void* arg) noexcept;

  // Saves the running context into `from` (which must be the running
  // fiber) and resumes `to`. Returns when something switches back to `from`.
  static void switch_to(Fiber& from, Fiber& to) noexcept;

  // As switch_to, for a `from` that will never be resumed (until reset).
  static void switch_away_for_good(Fiber& from, Fiber& to) noexcept;

private:
  static void start(Fiber& from, Fiber& to, bool for_good) noexcept;
  // The first code a fresh fiber runs: finishes the switch for ASan, then
  // calls entry_(arg_).
  [[noreturn]] static void run_entry(Fiber* self) noexcept;

  void* stack_ = nullptr;              // the mapping, guard page included
  std::size_t mapping_bytes_ = 0;      // 0 for the thread's own stack
  const void* stack_bottom_ = nullptr; // usable stack, for ASan
  std::size_t stack_bytes_ = 0;
  void* asan_fake_stack_ = nullptr;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
#if defined(LOCKSTEP_SIM_UCONTEXT)
  ucontext_t context_{};
  static void ucontext_entry(unsigned lo, unsigned hi) noexcept;
#else
  void* sp_ = nullptr; // the saved stack pointer
#endif
};

} // namespace lockstep::sim
