/**
 * Running one native benchmark and reporting it: the loop (a binary under
 * build/bench, built on demand) prints one JSON line per measurement; this
 * takes per workload the median of the trials with the spread (min..max)
 * and each figure as a ratio against the best peer of the same run (peers:
 * the subjects that are not lockstep's), renders the markdown table, and
 * writes bench/results/<name>.json and <name>.svg (a bar chart,
 * bench/chart.ts). `lockstep bench` and `node dist/bench/native.js` use it.
 *
 * @example
 * const report = runNativeBench('queue', { trials: 7 });
 * console.log(report.table);
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderChart } from './chart.js';

export const BENCHES = {
  alloc: { binary: 'alloc_bench', unit: 'ns per alloc + free', takesMs: true },
  sched: { binary: 'sched_bench', unit: 'ns per task', takesMs: false },
  queue: { binary: 'queue_bench', unit: 'ns per item', takesMs: false },
  padding: { binary: 'padding_bench', unit: 'ns per increment', takesMs: false },
  deque: { binary: 'deque_bench', unit: 'ns per item', takesMs: false },
  latency: { binary: 'latency_bench', unit: 'ns (latency from arrival; time per request)', takesMs: false },
  pingpong: { binary: 'pingpong_bench', unit: 'ns per one-way hand-off', takesMs: false },
  stack: { binary: 'stack_bench', unit: 'ns per push + pop', takesMs: false },
  spsc: { binary: 'spsc_bench', unit: 'ns per item', takesMs: false },
  arc: { binary: 'arc_bench', unit: 'ns per clone + drop (make + drop)', takesMs: false },
} as const;
export type BenchName = keyof typeof BENCHES;

export interface BenchRow {
  workload: string;
  subject: string;
  medianNs: number;
  minNs: number;
  maxNs: number;
  trials: number;
  bestPeer: string;
  vsBestPeer: number;
}

export interface BenchReport {
  name: BenchName;
  rows: BenchRow[];
  skipped: { skipped: string; why: string }[];
  /** The markdown table, with a line on trials and skipped peers. */
  table: string;
  /** The JSON and SVG files written. */
  files: string[];
}

/** A failure of the benchmark binary (build or run), with what it printed. */
export class BenchError extends Error {}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildDir = join(root, 'build', 'bench');

/** The binary's path; built (cmake, -DLOCKSTEP_BENCH=ON, under build/bench) unless `binary` is given or it exists. */
export function benchBinary(name: BenchName, log: (line: string) => void = () => {}): string {
  const binary = join(buildDir, 'native', 'bench', BENCHES[name].binary);
  if (existsSync(binary)) return binary;
  for (const args of [
    ['-S', root, '-B', buildDir, '-DLOCKSTEP_BENCH=ON'],
    ['--build', buildDir, '--target', BENCHES[name].binary, '--parallel', '2'],
  ]) {
    log(`cmake ${args.join(' ')}\n`);
    const r = spawnSync('cmake', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new BenchError(`building ${BENCHES[name].binary} failed (cmake ${args.join(' ')}):\n${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  }
  return binary;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const isPeer = (subject: string) => !subject.startsWith('lockstep');
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export interface BenchOptions {
  trials?: number;
  /** alloc only: the least time a measurement runs. */
  ms?: number;
  /** A prebuilt binary to run instead of build/bench's. */
  binary?: string;
  /** Run the loop's smoke version (small sizes, one trial); nothing is written. */
  smoke?: boolean;
  log?: (line: string) => void;
}

/** Runs benchmark `name` and reports it (see the file comment). */
export function runNativeBench(name: BenchName, options: BenchOptions = {}): BenchReport {
  const bench = BENCHES[name];
  const trials = options.trials ?? 7;
  const ms = options.ms ?? 200;
  const binary = options.binary ?? benchBinary(name, options.log);
  const args = options.smoke ? ['--smoke'] : ['--trials', String(trials), ...(bench.takesMs ? ['--ms', String(ms)] : [])];
  const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new BenchError(`${binary} exited ${run.status ?? run.signal}\n${run.stderr}`);

  const samples: { workload: string; subject: string; ns: number }[] = [];
  const skipped: { skipped: string; why: string }[] = [];
  let pool: unknown;
  for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
    const row = JSON.parse(line) as { workload: string; subject: string; ns: number; skipped?: string; why?: string; pool?: unknown };
    if (row.skipped !== undefined) skipped.push({ skipped: row.skipped, why: row.why ?? '' });
    else if (row.pool !== undefined) pool = row.pool;
    else samples.push(row);
  }
  const workloads = [...new Set(samples.map((s) => s.workload))];
  const rows = workloads.flatMap((workload) => {
    const bySubject = new Map<string, number[]>();
    for (const s of samples.filter((x) => x.workload === workload)) bySubject.set(s.subject, [...(bySubject.get(s.subject) ?? []), s.ns]);
    const medians = [...bySubject].map(([subject, ns]) => ({ subject, ns, median: median(ns) }));
    const peers = medians.filter((m) => isPeer(m.subject));
    // No peer measured (all skipped): no ratio.
    const best = peers.reduce<(typeof peers)[number] | undefined>((b, m) => (b === undefined || m.median < b.median ? m : b), undefined);
    return medians
      .sort((x, y) => x.median - y.median)
      .map((m) => ({ workload, subject: m.subject, medianNs: m.median, minNs: Math.min(...m.ns), maxNs: Math.max(...m.ns), trials: m.ns.length, bestPeer: best?.subject ?? '-', vsBestPeer: best === undefined ? Number.NaN : m.median / best.median }));
  });
  const table = [
    `| workload | subject | ${bench.unit} (median) | spread | × best peer (lower is faster) |`,
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.workload} | ${r.subject} | ${fmt(r.medianNs)} | ${fmt(r.minNs)}..${fmt(r.maxNs)} | ${Number.isNaN(r.vsBestPeer) ? '- (no peer measured)' : `${r.vsBestPeer.toFixed(2)} (${r.bestPeer})`} |`),
    '',
    `${options.smoke ? 'smoke run (1 trial, small sizes)' : `${trials} trials${bench.takesMs ? ` of at least ${ms} ms each` : ''}`}, every subject once per trial in a fresh order.`,
    ...skipped.map((s) => `skipped ${s.skipped}: ${s.why}`),
  ].join('\n');
  const files: string[] = [];
  if (!options.smoke) {
    const out = join(root, 'bench', 'results', `${name}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), trials, ms, rows, skipped, pool }, null, 2) + '\n');
    const chart = join(root, 'bench', 'results', `${name}.svg`);
    writeFileSync(chart, renderChart(`bench:${name}`, bench.unit, rows));
    files.push(out, chart);
  }
  return { name, rows, skipped, table, files };
}
