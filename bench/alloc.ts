/**
 * Allocation: allocate + free of a 64-byte block, ns per pair, for
 * lockstep's block pool and thread arena against glibc malloc, jemalloc and
 * mimalloc (when installed), in one run. The native loop
 * (native/bench/alloc_bench.cpp) times everything and measures each
 * allocator once per trial in a fresh random order; this script reports,
 * per workload, the median of the trials with the spread (min..max) and
 * each figure as a ratio against the best peer of the same run.
 *
 * Results go to stdout (a markdown table) and to bench/results/alloc.json.
 *
 * Run: npm run bench:alloc [-- --trials N --ms M]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '7' },
    ms: { type: 'string', default: '200' },
    binary: { type: 'string' },
  },
});
const trials = Number(flags.trials);
const ms = Number(flags.ms);
if (!Number.isInteger(trials) || trials < 1 || !(ms > 0)) {
  process.stderr.write('bench:alloc: --trials must be a positive integer and --ms a positive number\n');
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = flags.binary ?? join(root, 'build', 'bench', 'native', 'bench', 'alloc_bench');
if (!existsSync(binary)) {
  process.stderr.write(`bench:alloc: ${binary} is not built; \`npm run bench:alloc\` builds it first\n`);
  process.exit(2);
}

const run = spawnSync(binary, ['--trials', String(trials), '--ms', String(ms)], { encoding: 'utf8', maxBuffer: 64 << 20 });
if (run.status !== 0) {
  process.stderr.write(`bench:alloc: ${binary} exited ${run.status}\n${run.stderr}`);
  process.exit(1);
}

interface Sample {
  workload: string;
  allocator: string;
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
const isPeer = (allocator: string) => !allocator.startsWith('lockstep');

const workloads = [...new Set(samples.map((s) => s.workload))];
const rows = workloads.flatMap((workload) => {
  const byAllocator = new Map<string, number[]>();
  for (const s of samples.filter((x) => x.workload === workload)) byAllocator.set(s.allocator, [...(byAllocator.get(s.allocator) ?? []), s.ns]);
  const medians = [...byAllocator].map(([allocator, ns]) => ({ allocator, ns, median: median(ns) }));
  const peers = medians.filter((m) => isPeer(m.allocator));
  const best = peers.reduce((b, m) => (m.median < b.median ? m : b), peers[0]!);
  return medians
    .sort((x, y) => x.median - y.median)
    .map((m) => ({
      workload,
      allocator: m.allocator,
      medianNs: m.median,
      minNs: Math.min(...m.ns),
      maxNs: Math.max(...m.ns),
      trials: m.ns.length,
      bestPeer: best.allocator,
      vsBestPeer: m.median / best.median,
    }));
});

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const table = [
  '| workload | allocator | ns per alloc + free (median) | spread | × best peer (lower is faster) |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.workload} | ${r.allocator} | ${fmt(r.medianNs)} | ${fmt(r.minNs)}..${fmt(r.maxNs)} | ${r.vsBestPeer.toFixed(2)} (${r.bestPeer}) |`),
].join('\n');
process.stdout.write(`${table}\n\n${trials} trials of at least ${ms} ms each, every allocator once per trial in a fresh order.\n`);
for (const s of skipped) process.stdout.write(`skipped ${s.skipped}: ${s.why}\n`);

const out = join(root, 'bench', 'results', 'alloc.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), trials, ms, rows, skipped, pool }, null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
