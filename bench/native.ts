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
 *
 * Results go to stdout (a markdown table), to bench/results/<name>.json and
 * to bench/results/<name>.svg (a bar chart, bench/chart.ts; the charts are
 * tracked, the JSON is not).
 *
 * Run: npm run bench:alloc [-- --trials N --ms M]; npm run bench:sched [-- --trials N];
 * npm run bench:queue [-- --trials N]; npm run bench:padding [-- --trials N];
 * npm run bench:deque [-- --trials N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { renderChart } from './chart.js';

const BENCHES = {
  alloc: { binary: 'alloc_bench', unit: 'ns per alloc + free', takesMs: true },
  sched: { binary: 'sched_bench', unit: 'ns per task', takesMs: false },
  queue: { binary: 'queue_bench', unit: 'ns per item', takesMs: false },
  padding: { binary: 'padding_bench', unit: 'ns per increment', takesMs: false },
  deque: { binary: 'deque_bench', unit: 'ns per item', takesMs: false },
} as const;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trials: { type: 'string', default: '7' },
    ms: { type: 'string', default: '200' },
    binary: { type: 'string' },
  },
});
const name = positionals[0] as keyof typeof BENCHES | undefined;
if (name === undefined || !(name in BENCHES) || positionals.length !== 1) {
  process.stderr.write(`bench: usage: node dist/bench/native.js ${Object.keys(BENCHES).join('|')} [--trials N] [--ms M]\n`);
  process.exit(2);
}
const bench = BENCHES[name];
const trials = Number(flags.trials);
const ms = Number(flags.ms);
if (!Number.isInteger(trials) || trials < 1 || !(ms > 0)) {
  process.stderr.write(`bench:${name}: --trials must be a positive integer and --ms a positive number\n`);
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = flags.binary ?? join(root, 'build', 'bench', 'native', 'bench', bench.binary);
if (!existsSync(binary)) {
  process.stderr.write(`bench:${name}: ${binary} is not built; \`npm run bench:${name}\` builds it first\n`);
  process.exit(2);
}

const args = ['--trials', String(trials), ...(bench.takesMs ? ['--ms', String(ms)] : [])];
const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
if (run.status !== 0) {
  process.stderr.write(`bench:${name}: ${binary} exited ${run.status}\n${run.stderr}`);
  process.exit(1);
}

interface Sample {
  workload: string;
  subject: string;
  ns: number;
}
const samples: Sample[] = [];
const skipped: { skipped: string; why: string }[] = [];
let pool: unknown;
for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
  const row = JSON.parse(line) as Partial<Sample> & { skipped?: string; why?: string; pool?: unknown };
  if (row.skipped !== undefined) skipped.push({ skipped: row.skipped, why: row.why ?? '' });
  else if (row.pool !== undefined) pool = row.pool;
  else samples.push(row as Sample);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const isPeer = (subject: string) => !subject.startsWith('lockstep');

const workloads = [...new Set(samples.map((s) => s.workload))];
const rows = workloads.flatMap((workload) => {
  const bySubject = new Map<string, number[]>();
  for (const s of samples.filter((x) => x.workload === workload)) bySubject.set(s.subject, [...(bySubject.get(s.subject) ?? []), s.ns]);
  const medians = [...bySubject].map(([subject, ns]) => ({ subject, ns, median: median(ns) }));
  const peers = medians.filter((m) => isPeer(m.subject));
  const best = peers.reduce((b, m) => (m.median < b.median ? m : b), peers[0]!);
  return medians
    .sort((x, y) => x.median - y.median)
    .map((m) => ({
      workload,
      subject: m.subject,
      medianNs: m.median,
      minNs: Math.min(...m.ns),
      maxNs: Math.max(...m.ns),
      trials: m.ns.length,
      bestPeer: best.subject,
      vsBestPeer: m.median / best.median,
    }));
});

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const table = [
  `| workload | subject | ${bench.unit} (median) | spread | × best peer (lower is faster) |`,
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.workload} | ${r.subject} | ${fmt(r.medianNs)} | ${fmt(r.minNs)}..${fmt(r.maxNs)} | ${r.vsBestPeer.toFixed(2)} (${r.bestPeer}) |`),
].join('\n');
process.stdout.write(`${table}\n\n${trials} trials${bench.takesMs ? ` of at least ${ms} ms each` : ''}, every subject once per trial in a fresh order.\n`);
for (const s of skipped) process.stdout.write(`skipped ${s.skipped}: ${s.why}\n`);

const out = join(root, 'bench', 'results', `${name}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), trials, ms, rows, skipped, pool }, null, 2) + '\n');
const chart = join(root, 'bench', 'results', `${name}.svg`);
writeFileSync(chart, renderChart(`bench:${name}`, bench.unit, rows));
process.stdout.write(`wrote ${out} and ${chart}\n`);
