// tagged_stack_test.cpp — the tagged Treiber stack's single-threaded
// semantics and a real-thread stress run (2 threads pushing and popping),
// under ASan and UBSan. "mutant/" cases run seeded bugs (expected to FAIL).
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "lockstep/tagged_stack.hpp"
#include "stress.hpp"

using lockstep::NoStackBugs;
using lockstep::TaggedStack;

namespace {

template <class Bugs, unsigned TagBits = 32>
using Stack = TaggedStack<std::int64_t, lockstep::StdSync, Bugs, TagBits>;

// Two threads each push their own values (thread t: t, t+2, ...) in bursts
// and pop some back; then the stack is drained. "" when every value was
// taken exactly once and the node lists are intact.
template <class Bugs, unsigned TagBits = 32>
std::string stress_push_pop(std::int64_t items, std::size_t capacity) {
  Stack<Bugs, TagBits> stack(capacity);
  std::vector<std::vector<std::int64_t>> taken(3);
  lockstep::test::run_threads(2, [&](int me) {
    auto& mine = taken[static_cast<std::size_t>(me)];
    std::int64_t v = me;
    std::int64_t idle = 0; // a bug that loses nodes wedges the stack
    while (v < items && idle < 100'000'000) {
      const int burst = 1 + static_cast<int>((v * 31) % 5);
      for (int k = 0; k < burst && v < items; ++k) {
        if (stack.try_push(v)) {
          v += 2;
          idle = 0;
        } else if (auto got = stack.try_pop()) { // full: make room
          mine.push_back(*got);
        } else {
          ++idle;
        }
      }
      for (int k = 0; k < burst; ++k) {
        if (auto got = stack.try_pop()) mine.push_back(*got);
      }
    }
  });
  std::string broken = stack.check_invariants();
  if (broken.empty()) { // a cycle would make the drain endless
    while (auto got = stack.try_pop())
      taken[2].push_back(*got);
  }
  const std::string counts = lockstep::test::exactly_once(taken, items);
  return broken.empty() ? counts : broken + "; " + counts;
}

} // namespace

LOCKSTEP_TEST("semantics/LIFO up to capacity, then full") {
  Stack<NoStackBugs> stack(3);
  CHECK(!stack.try_pop().has_value());
  for (std::int64_t v : {1, 2, 3})
    CHECK(stack.try_push(v));
  CHECK(!stack.try_push(4));
  CHECK_EQ(stack.check_invariants(), "");
  CHECK_EQ(*stack.try_pop(), 3);
  CHECK(stack.try_push(4));
  for (std::int64_t v : {4, 2, 1})
    CHECK_EQ(*stack.try_pop(), v);
  CHECK(!stack.try_pop().has_value());
  CHECK_EQ(stack.check_invariants(), "");
}

LOCKSTEP_TEST(
    "semantics/the tag advances on every CAS and wraps at its width") {
  lockstep::TaggedIndexStack<>::Link links[2];
  lockstep::TaggedIndexStack<> wide(links);
  wide.push(0);
  wide.push(1);
  CHECK_EQ(*wide.pop(), 1u);
  CHECK_EQ(wide.tag_quiescent(), 3u);

  lockstep::TaggedIndexStack<lockstep::StdSync, NoStackBugs, 2> narrow(links);
  for (int i = 0; i < 5; ++i)
    narrow.push(0), (void)narrow.pop();
  CHECK_EQ(narrow.tag_quiescent(), 10u % 4u);

  lockstep::TaggedIndexStack<lockstep::StdSync, lockstep::StackUntaggedHead>
      untagged(links);
  untagged.push(0);
  CHECK_EQ(untagged.tag_quiescent(), 0u);
}

LOCKSTEP_TEST("semantics/bad capacities throw") {
  CHECK_THROWS(Stack<NoStackBugs> s(0), std::invalid_argument);
}

LOCKSTEP_TEST("stress/2 threads push and pop, 16 nodes, 1M items") {
  CHECK_EQ(stress_push_pop<NoStackBugs>(1'000'000, 16), "");
}

LOCKSTEP_TEST("mutant/untagged-head under stress") {
  CHECK_EQ(stress_push_pop<lockstep::StackUntaggedHead>(1'000'000, 4), "");
}
LOCKSTEP_TEST("mutant/1-bit tag under stress") {
  CHECK_EQ((stress_push_pop<NoStackBugs, 1>(1'000'000, 4)), "");
}
