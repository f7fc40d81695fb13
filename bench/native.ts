/**
 * The native benchmarks' reporter: runs one of the native loops (timing is
 * done there, each subject measured once per trial in a fresh random
 * order), and reports per workload the median of the trials with the
 * spread (min..max) and each figure as a ratio against the best peer of
 * the same run (peers: the subjects that are not lockstep's).
 *
 * - alloc (native/bench/alloc_bench.cpp): allocate + free of a 64-byte
 *   block, ns per pair: the block pool (alone and with a thread cache) and
 *   the thread arena against glibc malloc, jemalloc and mimalloc.
 * - sched (native/bench/sched_bench.cpp): ns per task: the work-stealing
 *   scheduler against oneTBB's task_group and a mutex + condition-variable
 *   pool, spawning from outside and fork-join fib.
 * - queue (native/bench/queue_bench.cpp): ns per item handed over: the
 *   bounded MPMC queue against boost::lockfree::queue,
 *   moodycamel::ConcurrentQueue, tbb::concurrent_bounded_queue, a mutex +
 *   std::deque and a batched mutex queue, 1 producer + 1 consumer and 2 + 2.
 * - padding (native/bench/padding_bench.cpp): ns per increment of two
 *   threads' own counters, side by side, 64 B apart and in CachePadded:
 *   what false sharing costs (the packed layouts are the "peers").
 * - deque (native/bench/deque_bench.cpp): ns per item: the Chase-Lev
 *   owner's push + pop against a plain array, and owner + one thief
 *   against a locked std::deque.
 * - latency (native/bench/latency_bench.cpp): an LLM-serving-like
 *   workload (Pareto request sizes, open-loop Poisson arrivals, two
 *   workers): p50 / p99 / p99.9 latency and time per request, for the
 *   MPMC queue + workers, the scheduler, a mutex + condvar queue and a
 *   batched mutex queue.
 * - pingpong (native/bench/pingpong_bench.cpp): the core-to-core limit:
 *   one token handed between two pinned threads through a cache line
 *   (the machine's limit), two MPMC queues, two locked deques.
 * - stack (native/bench/stack_bench.cpp): ns per push + pop: the tagged
 *   stack against boost::lockfree::stack and a locked std::vector, 1 and
 *   2 threads.
 * - spsc (native/bench/spsc_bench.cpp): ns per item streamed from one
 *   pinned producer to one pinned consumer: the SPSC ring against
 *   boost::lockfree::spsc_queue and moodycamel::ReaderWriterQueue (the
 *   MPMC queue for reference), one item per operation and in batches.
 * - arc (native/bench/arc_bench.cpp): ns per clone + drop of a handle to
 *   an object that stays alive, on 1 and 2 pinned threads, and per make +
 *   drop: the reference count against std::shared_ptr.
 *
 * The work is done by bench/native_bench.ts (also behind `lockstep bench`).
 * Results go to stdout (a markdown table), to bench/results/<name>.json and
 * to bench/results/<name>.svg (a bar chart, bench/chart.ts; the charts are
 * tracked, the JSON is not).
 *
 * Run: npm run bench:alloc [-- --trials N --ms M]; npm run bench:sched [-- --trials N];
 * npm run bench:queue [-- --trials N]; npm run bench:padding [-- --trials N];
 * npm run bench:deque [-- --trials N]; npm run bench:latency [-- --trials N];
 * npm run bench:pingpong [-- --trials N]; npm run bench:stack [-- --trials N];
 * npm run bench:spsc [-- --trials N]; npm run bench:arc [-- --trials N]
 */
import { parseArgs } from 'node:util';

import { BenchError, BENCHES, runNativeBench, type BenchName } from './native_bench.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trials: { type: 'string', default: '7' },
    ms: { type: 'string', default: '200' },
    binary: { type: 'string' },
  },
});
const name = positionals[0] as BenchName | undefined;
if (name === undefined || !(name in BENCHES) || positionals.length !== 1) {
  process.stderr.write(`bench: usage: node dist/bench/native.js ${Object.keys(BENCHES).join('|')} [--trials N] [--ms M]\n`);
  process.exit(2);
}
const trials = Number(flags.trials);
const ms = Number(flags.ms);
if (!Number.isInteger(trials) || trials < 1 || !(ms > 0)) {
  process.stderr.write(`bench:${name}: --trials must be a positive integer and --ms a positive number\n`);
  process.exit(2);
}
try {
  const report = runNativeBench(name, { trials, ms, ...(flags.binary ? { binary: flags.binary } : {}), log: (l) => process.stderr.write(l) });
  process.stdout.write(`${report.table}\nwrote ${report.files.join(' and ')}\n`);
} catch (e) {
  if (!(e instanceof BenchError)) throw e;
  process.stderr.write(`bench:${name}: ${e.message}\n`);
  process.exit(1);
}
