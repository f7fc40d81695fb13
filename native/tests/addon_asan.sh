#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs the JS suite that drives it (native/ and properties/) with the
# sanitizer runtimes preloaded into node, so that a use-after-free or an
# overflow reached from JavaScript fails the run even where a plain build
# would not crash. Part of `npm test`. The litmus property and the tagged
# stack's ABA property are left out: they check the memory models'
# outcomes and one structure's tags, not memory safety, and the simulator
# runs under ASan in native/tests/simulator_test.cpp and, from JavaScript,
# in properties/simulation.test.ts (they would add ~25 s and ~30 s here).
set -euo pipefail
cd "$(dirname "$0")/../.."

mkdir -p build
node_modules/.bin/cmake-js compile --config RelWithDebInfo --out build/addon-asan \
  --parallel 2 --CDLOCKSTEP_SANITIZE=address,undefined >build/addon-asan.log 2>&1 || {
  cat build/addon-asan.log
  exit 1
}

runtimes="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)"
# Leak checking is off: node itself keeps allocations until exit.
LD_PRELOAD="$runtimes" \
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LOCKSTEP_ADDON="$PWD/build/addon-asan/RelWithDebInfo/lockstep.node" \
  node_modules/.bin/vitest run native properties --exclude properties/litmus.test.ts \
  --exclude properties/tagged_stack_aba.test.ts
