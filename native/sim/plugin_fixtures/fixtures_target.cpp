// fixtures_target.cpp — small SDK targets whose ops misbehave, for
// plugins.test.ts: one throws, one spins for ever, one crashes the process,
// one spins on a raw std::atomic.
#include <atomic>
#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <lockstep/sdk.hpp>

template <class Sync, class Bugs> struct Cell {
  typename Sync::template atomic<std::int64_t> value{0};
};

LOCKSTEP_SDK_TARGET(throws) {
  return lockstep::sdk::Target<Cell>("fixture-throws", "an op that throws on 3")
      .op("put", [](auto& c, std::int64_t v) {
        if (v == 3) throw std::runtime_error("three is not allowed");
        c.value.store(v);
      });
}

LOCKSTEP_SDK_TARGET(spins) {
  return lockstep::sdk::Target<Cell>("fixture-spins", "an op that waits for ever")
      .op("wait", [](auto& c) {
        while (c.value.load() == 0) {
        }
      });
}

LOCKSTEP_SDK_TARGET(crashes) {
  return lockstep::sdk::Target<Cell>("fixture-crashes", "an op that crashes on 2")
      .op("put", [](auto& c, std::int64_t v) {
        if (v == 2) std::raise(SIGSEGV);
        c.value.store(v);
      });
}

// What the SDK forbids: a raw std::atomic, which the simulator cannot see.
// A spin on it never reaches a scheduling point, so the run never ends.
template <class Sync, class Bugs> struct Raw {
  std::atomic<int> flag{0};
};

LOCKSTEP_SDK_TARGET(raw_spin) {
  return lockstep::sdk::Target<Raw>("fixture-raw-spin", "spins on a raw std::atomic")
      .op("wait", [](auto& r) {
        while (r.flag.load() == 0) {
        }
      });
}
