// bad_declaration_target.cpp — an op that names a role the target lacks.
#include <lockstep/sdk.hpp>

template <class Sync, class Bugs> struct Nothing {};

LOCKSTEP_SDK_TARGET(bad) {
  return lockstep::sdk::Target<Nothing>("fixture-bad", "a mistake")
      .role("producer", 1)
      .op("noop", [](auto&) {}, {"consumer"});
}
