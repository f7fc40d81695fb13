// crash_note.cpp — setCrashNote(text): what this process is doing, printed
// to stderr if it dies of a signal. A structure bug the simulator cannot
// catch (a wild pointer outside any simulated cell) crashes the process
// that runs the scenario; with a note set before each run (the properties
// set the scenario's JSON), the crash still ends in the case that caused
// it, on stderr, instead of in a bare "worker exited unexpectedly".
//
//   setCrashNote(JSON.stringify(scenario)); runScenario(scenario);
//   // on SIGSEGV: "lockstep: died of signal 11 while running: {...}"
//
// The note lives in a static buffer (no allocation in the handler, only
// write(2)); the handler then puts back the handler it replaced and lets
// the signal take its course (a fault re-executes into it; a sent signal
// is raised again), so Node's own handlers still see every signal.
#include <napi.h>

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstring>

#include "args.hpp"
#include "bindings.hpp"

namespace lockstep::addon {
namespace {

constexpr const char* kFn = "setCrashNote";
constexpr std::size_t kMaxNote = std::size_t{1} << 20;
constexpr std::array<int, 5> kSignals = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
                                         SIGILL};

char g_note[kMaxNote];
// The note's length; 0 while it is rewritten (the handler then prints none).
std::atomic<std::size_t> g_length{0};
std::array<struct sigaction, kSignals.size()> g_previous{};
bool g_installed = false;

void write_all(const char* p, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void on_signal(int sig, siginfo_t* info, void*) noexcept {
  const std::size_t n = g_length.load(std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_acquire); // pairs with (N1)
  if (n > 0) {
    char head[64] = "\nlockstep: died of signal ";
    std::size_t len = std::strlen(head);
    char digits[8];
    int d = 0;
    for (int s = sig; s > 0 && d < 8; s /= 10) digits[d++] = static_cast<char>('0' + s % 10);
    while (d > 0) head[len++] = digits[--d];
    const char tail[] = " while running: ";
    std::memcpy(head + len, tail, sizeof tail - 1);
    len += sizeof tail - 1;
    write_all(head, len);
    write_all(g_note, n);
    write_all("\n", 1);
  }
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    if (kSignals[i] == sig) sigaction(sig, &g_previous[i], nullptr);
  }
  // A sent signal (kill, abort) does not come back by itself: raise it again.
  if (info == nullptr || info->si_code <= 0) raise(sig);
}

void install() {
  struct sigaction action{};
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    sigaction(kSignals[i], &action, &g_previous[i]);
  }
  g_installed = true;
}

Napi::Value set_crash_note(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  expect_arity(info, kFn, 1, 1);
  if (!info[0].IsString()) {
    throw_type_error(env, std::string(kFn) + ": " + arg_name(0, "text") +
                              " must be a string, got " + describe(info[0]));
  }
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  if (text.size() > kMaxNote) {
    throw_range_error(env, std::string(kFn) + ": " + arg_name(0, "text") +
                               " must be at most 1 MiB of UTF-8, got " +
                               std::to_string(text.size()) + " bytes");
  }
  if (!g_installed) install();
  g_length.store(0, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_release);
  std::memcpy(g_note, text.data(), text.size());
  // (N1) release: the note is whole before its length says so.
  std::atomic_signal_fence(std::memory_order_release);
  g_length.store(text.size(), std::memory_order_relaxed);
  return env.Undefined();
}

} // namespace

void init_crash_note(Napi::Env env, Napi::Object exports) {
  exports.Set("setCrashNote", Napi::Function::New(env, set_crash_note, kFn));
}

} // namespace lockstep::addon
