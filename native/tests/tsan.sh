#!/usr/bin/env bash
# Builds the native real-thread tests (each structure's semantics and
# stress cases, the scheduler's) with ThreadSanitizer and runs them: a data
# race between threads of the production (std::atomic) build fails the
# run. Suppressions, each with its reason: native/tests/tsan.supp. Part of
# `npm test`. The simulator's tests are not built here (TSan does not
# follow the fibers' stack switch).
set -euo pipefail
cd "$(dirname "$0")/../.."

tests=(chase_lev_deque mpmc_queue mpsc_queue spsc_ring tagged_stack arena block_pool scheduler arc stress_watchdog)
mkdir -p build
log=build/native-tsan.log
{
  cmake -S . -B build/native-tsan -DLOCKSTEP_NATIVE_TESTS=ON -DLOCKSTEP_SANITIZE=thread &&
    cmake --build build/native-tsan --parallel 2 --target "${tests[@]/%/_test}"
} >"$log" 2>&1 || {
  cat "$log"
  exit 1
}

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/native/tests/tsan.supp"
pattern="^($(IFS='|'; echo "${tests[*]}"))\.(semantics|stress)\$"
ctest --test-dir build/native-tsan --output-on-failure -R "$pattern"

# Not vacuous: seeded memory-order bugs that x86 never shows (the MPMC
# queue publishing its slot, the SPSC ring its tail, with a relaxed store;
# the reference count's last owner destroying without acquiring the other
# owners' writes) must be reported.
for mutant in mpmc_queue:relaxed-turn-store spsc_ring:relaxed-tail-store \
  arc:relaxed-decrement arc:no-acquire-fence; do
  test=${mutant%%:*} variant=${mutant#*:}
  if "build/native-tsan/native/tests/${test}_test" "mutant/$variant" >build/native-tsan-mutant.log 2>&1 ||
    ! grep -q "ThreadSanitizer: data race" build/native-tsan-mutant.log; then
    cat build/native-tsan-mutant.log
    echo "tsan.sh: ThreadSanitizer did not report the $variant mutant's race" >&2
    exit 1
  fi
  echo "tsan.sh: the $variant mutant's race is reported (as it must be)"
done
