// fiber_test.cpp — the simulator's fibers: switching keeps each fiber's
// state (locals in callee-saved registers, floating point), fibers run
// interleaved in the order they are switched, and a reset fiber starts
// afresh on its old stack.
#include <cmath>
#include <string>
#include <vector>

#include "check.hpp"
#include "sim/fiber.hpp"

using lockstep::sim::Fiber;

namespace {

struct PingPong {
  Fiber main;
  Fiber a{64 * 1024};
  Fiber b{64 * 1024};
  std::vector<std::string> log;
  double sum_a = 0, sum_b = 0;
};

// Each fiber does `rounds` steps, switching to the other after each; the
// last one to finish returns to main.
void body_a(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  double local = 0.5; // lives across switches
  for (int i = 0; i < 3; ++i) {
    local += std::sqrt(static_cast<double>(i + 1));
    p->log.push_back("a" + std::to_string(i));
    Fiber::switch_to(p->a, p->b);
  }
  p->sum_a = local;
  Fiber::switch_away_for_good(p->a, p->b);
}

void body_b(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  long local = 7;
  for (int i = 0; i < 3; ++i) {
    local *= 3;
    p->log.push_back("b" + std::to_string(i));
    Fiber::switch_to(p->b, p->a);
  }
  p->sum_b = static_cast<double>(local);
  Fiber::switch_away_for_good(p->b, p->main);
}

} // namespace

LOCKSTEP_TEST("semantics/fibers interleave and keep their state") {
  PingPong p;
  for (int round = 0; round < 3; ++round) { // reset reuses the stacks
    p.log.clear();
    p.a.reset(&body_a, &p);
    p.b.reset(&body_b, &p);
    Fiber::switch_to(p.main, p.a);
    CHECK_EQ(p.log.size(), 6u);
    std::string joined;
    for (const auto& s : p.log)
      joined += s + " ";
    CHECK_EQ(joined, "a0 b0 a1 b1 a2 b2 ");
    CHECK(std::fabs(p.sum_a - (0.5 + 1 + std::sqrt(2.0) + std::sqrt(3.0))) <
          1e-12);
    CHECK_EQ(p.sum_b, 189.0);
  }
}

namespace {
struct Counter {
  Fiber main;
  Fiber f{64 * 1024};
  long switches = 0;
};
void count_body(void* arg) {
  auto* c = static_cast<Counter*>(arg);
  for (;;) {
    ++c->switches;
    Fiber::switch_to(c->f, c->main);
  }
}
} // namespace

LOCKSTEP_TEST("semantics/a million switches") {
  Counter c;
  c.f.reset(&count_body, &c);
  for (int i = 0; i < 500'000; ++i)
    Fiber::switch_to(c.main, c.f);
  CHECK_EQ(c.switches, 500'000);
}
