// undefined_symbol_target.cpp — needs a function nothing defines.
void lockstep_fixture_missing();

namespace {
[[maybe_unused]] const bool called = (lockstep_fixture_missing(), true);
}
