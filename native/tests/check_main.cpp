// check_main.cpp — runs the registered test cases (see check.hpp).
//
// Usage: <test> [NAME_PREFIX]   runs every case whose name starts with it.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "check.hpp"

namespace lockstep::test {

std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

namespace {
int failures_in_case = 0;
}

void fail(const char* file, int line, const std::string& what) {
  ++failures_in_case;
  if (failures_in_case <= 10) {
    std::fprintf(stderr, "  %s:%d: CHECK failed: %s\n", file, line,
                 what.c_str());
  }
}

} // namespace lockstep::test

int main(int argc, char** argv) {
  using namespace lockstep::test;
  const char* prefix = argc > 1 ? argv[1] : "";
  int ran = 0;
  int failed = 0;
  for (const Case& c : registry()) {
    if (std::strncmp(c.name, prefix, std::strlen(prefix)) != 0) continue;
    failures_in_case = 0;
    const auto start = std::chrono::steady_clock::now();
    c.body();
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    ++ran;
    if (failures_in_case > 0) ++failed;
    std::printf("%s %s (%.0f ms)\n", failures_in_case ? "FAIL" : "ok  ", c.name,
                ms);
  }
  if (ran == 0) {
    std::fprintf(stderr, "no test case matches '%s'\n", prefix);
    return 2;
  }
  std::printf("%d of %d case(s) failed\n", failed, ran);
  return failed == 0 ? 0 : 1;
}
