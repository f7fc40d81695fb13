// fiber.cpp — stacks, the x86-64 context switch, the ucontext fallback and
// the AddressSanitizer annotations (see fiber.hpp).
#include "sim/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_SIM_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#else
#define LOCKSTEP_SIM_ASAN 0
#endif

#if !defined(LOCKSTEP_SIM_UCONTEXT)
// void lockstep_sim_switch(void** save_sp, void* load_sp)
// Pushes the callee-saved registers, MXCSR and the x87 control word, saves
// the stack pointer into *save_sp, loads load_sp and pops the same frame.
// A new fiber's frame (see reset) "returns" into lockstep_sim_trampoline,
// which calls r12(r13): Fiber::run_entry(the fiber).
extern "C" void lockstep_sim_switch(void** save_sp, void* load_sp) noexcept;
extern "C" void lockstep_sim_trampoline() noexcept;
asm(R"(
  .text
  .p2align 4
  .globl lockstep_sim_switch
  .hidden lockstep_sim_switch
  .type lockstep_sim_switch, @function
lockstep_sim_switch:
  .cfi_startproc
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $16, %rsp
  stmxcsr 8(%rsp)
  fnstcw (%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr 8(%rsp)
  fldcw (%rsp)
  addq $16, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .cfi_endproc
  .size lockstep_sim_switch, .-lockstep_sim_switch

  .p2align 4
  .globl lockstep_sim_trampoline
  .hidden lockstep_sim_trampoline
  .type lockstep_sim_trampoline, @function
lockstep_sim_trampoline:
  movq %r13, %rdi
  andq $-16, %rsp
  callq *%r12
  ud2
  .size lockstep_sim_trampoline, .-lockstep_sim_trampoline
)");
#endif

namespace lockstep::sim {

namespace {

// The fiber that is switching away, so that the fiber it resumes can tell
// ASan where the old stack is (only needed for the thread's own stack,
// whose bounds we learn this way).
thread_local Fiber* t_switching_from = nullptr;

std::size_t page_size() {
  static const std::size_t size =
      static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

} // namespace

void Fiber::run_entry(Fiber* self) noexcept {
#if LOCKSTEP_SIM_ASAN
  const void* bottom = nullptr;
  std::size_t size = 0;
  __sanitizer_finish_switch_fiber(nullptr, &bottom, &size);
  if (t_switching_from != nullptr && t_switching_from->mapping_bytes_ == 0) {
    t_switching_from->stack_bottom_ = bottom;
    t_switching_from->stack_bytes_ = size;
  }
#endif
  self->entry_(self->arg_);
  std::abort(); // an entry must not return
}

Fiber::Fiber() noexcept = default;

Fiber::Fiber(std::size_t stack_bytes) {
  const std::size_t page = page_size();
  const std::size_t usable = (stack_bytes + page - 1) / page * page;
  mapping_bytes_ = usable + page;
  stack_ = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack_ == MAP_FAILED) {
    stack_ = nullptr;
    throw std::bad_alloc();
  }
  // The guard page: a stack overflow faults instead of corrupting memory.
  mprotect(stack_, page, PROT_NONE);
  stack_bottom_ = static_cast<char*>(stack_) + page;
  stack_bytes_ = usable;
}

Fiber::~Fiber() {
  if (stack_ != nullptr) munmap(stack_, mapping_bytes_);
}

#if defined(LOCKSTEP_SIM_UCONTEXT)

void Fiber::ucontext_entry(unsigned lo, unsigned hi) noexcept {
  run_entry(
      reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(hi) << 32) | lo));
}

void Fiber::reset(Entry entry, void* arg) noexcept {
#if LOCKSTEP_SIM_ASAN
  ASAN_UNPOISON_MEMORY_REGION(stack_bottom_, stack_bytes_);
#endif
  entry_ = entry;
  arg_ = arg;
  getcontext(&context_);
  context_.uc_stack.ss_sp = const_cast<void*>(stack_bottom_);
  context_.uc_stack.ss_size = stack_bytes_;
  context_.uc_link = nullptr;
  const auto self = reinterpret_cast<std::uintptr_t>(this);
  makecontext(&context_, reinterpret_cast<void (*)()>(&Fiber::ucontext_entry),
              2, static_cast<unsigned>(self),
              static_cast<unsigned>(self >> 32));
}

#else

void Fiber::reset(Entry entry, void* arg) noexcept {
#if LOCKSTEP_SIM_ASAN
  ASAN_UNPOISON_MEMORY_REGION(stack_bottom_, stack_bytes_);
#endif
  // The frame lockstep_sim_switch pops, from the stack pointer up:
  // x87 control word, MXCSR, r15, r14, r13 (arg), r12 (entry), rbx, rbp,
  // the return address (the trampoline), and 8 bytes of padding.
  auto top = reinterpret_cast<std::uintptr_t>(stack_bottom_) + stack_bytes_;
  top &= ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<std::uint64_t*>(top - 80);
  frame[0] = 0x037F; // x87 control word: the default
  frame[1] = 0x1F80; // MXCSR: the default
  frame[2] = 0;      // r15
  frame[3] = 0;      // r14
  entry_ = entry;
  arg_ = arg;
  frame[4] = reinterpret_cast<std::uint64_t>(this);       // r13
  frame[5] = reinterpret_cast<std::uint64_t>(&run_entry); // r12
  frame[6] = 0;                                           // rbx
  frame[7] = 0;                                           // rbp
  frame[8] = reinterpret_cast<std::uint64_t>(&lockstep_sim_trampoline);
  frame[9] = 0;
  sp_ = frame;
}

#endif

void Fiber::start(Fiber& from, Fiber& to, bool for_good) noexcept {
  t_switching_from = &from;
#if LOCKSTEP_SIM_ASAN
  __sanitizer_start_switch_fiber(for_good ? nullptr : &from.asan_fake_stack_,
                                 to.stack_bottom_, to.stack_bytes_);
#else
  (void)for_good;
#endif
#if defined(LOCKSTEP_SIM_UCONTEXT)
  swapcontext(&from.context_, &to.context_);
#else
  lockstep_sim_switch(&from.sp_, to.sp_);
#endif
  // Resumed: `from` runs again.
#if LOCKSTEP_SIM_ASAN
  const void* bottom = nullptr;
  std::size_t size = 0;
  __sanitizer_finish_switch_fiber(from.asan_fake_stack_, &bottom, &size);
  if (t_switching_from != nullptr && t_switching_from->mapping_bytes_ == 0) {
    t_switching_from->stack_bottom_ = bottom;
    t_switching_from->stack_bytes_ = size;
  }
#endif
}

void Fiber::switch_to(Fiber& from, Fiber& to) noexcept {
  start(from, to, false);
}

void Fiber::switch_away_for_good(Fiber& from, Fiber& to) noexcept {
  start(from, to, true);
}

} // namespace lockstep::sim
