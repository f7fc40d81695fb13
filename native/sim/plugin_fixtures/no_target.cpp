// no_target.cpp — a library that registers no target.
int lockstep_fixture_nothing() { return 0; }
