// clash_target.cpp — a target named like a built-in one.
#include <lockstep/sdk.hpp>

template <class Sync, class Bugs> struct Nothing {};

LOCKSTEP_SDK_TARGET(clash) {
  return lockstep::sdk::Target<Nothing>("mpmc-queue", "not the real one")
      .op("noop", [](auto&) {});
}
