// check.hpp — the native tests' harness: named test cases, CHECK macros and
// a main() that runs the cases whose name starts with argv[1].
//
// Plain executables under CTest (the issue allows them; no test framework
// has to be installed). A failed CHECK prints file:line and the values and
// marks the case failed; the executable exits 1 if any case failed.
//
//   LOCKSTEP_TEST("semantics/push then pop") { CHECK_EQ(1 + 1, 2); }
#pragma once

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace lockstep::test {

struct Case {
  const char* name;
  void (*body)();
};

std::vector<Case>& registry();
void fail(const char* file, int line, const std::string& what);

struct Registrar {
  Registrar(const char* name, void (*body)()) {
    registry().push_back({name, body});
  }
};

template <class A, class B>
std::string describe(const char* a_text, const char* b_text, const A& a,
                     const B& b) {
  std::ostringstream out;
  out << a_text << " == " << b_text << " (" << a << " vs " << b << ")";
  return out.str();
}

} // namespace lockstep::test

#define LOCKSTEP_TEST_CAT2(a, b) a##b
#define LOCKSTEP_TEST_CAT(a, b) LOCKSTEP_TEST_CAT2(a, b)
#define LOCKSTEP_TEST(name)                                                    \
  static void LOCKSTEP_TEST_CAT(test_body_, __LINE__)();                       \
  static ::lockstep::test::Registrar LOCKSTEP_TEST_CAT(                        \
      test_registrar_, __LINE__)(name,                                         \
                                 &LOCKSTEP_TEST_CAT(test_body_, __LINE__));    \
  static void LOCKSTEP_TEST_CAT(test_body_, __LINE__)()

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) ::lockstep::test::fail(__FILE__, __LINE__, #cond);            \
  } while (false)

#define CHECK_EQ(a, b)                                                         \
  do {                                                                         \
    const auto check_a_ = (a); /* copies: (a) may refer into a temporary */    \
    const auto check_b_ = (b);                                                 \
    if (!(check_a_ == check_b_)) {                                             \
      ::lockstep::test::fail(                                                  \
          __FILE__, __LINE__,                                                  \
          ::lockstep::test::describe(#a, #b, check_a_, check_b_));             \
    }                                                                          \
  } while (false)

// Checks that `statement` throws an `exception` (or a type derived from it).
#define CHECK_THROWS(statement, exception)                                     \
  do {                                                                         \
    bool check_threw_ = false;                                                 \
    try {                                                                      \
      statement;                                                               \
    } catch (const exception&) {                                               \
      check_threw_ = true;                                                     \
    }                                                                          \
    if (!check_threw_)                                                         \
      ::lockstep::test::fail(__FILE__, __LINE__,                               \
                             #statement " throws " #exception);                \
  } while (false)
