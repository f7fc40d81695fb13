/**
 * Collection monitor speed and memory, on real stress histories: for the
 * MPMC queue, the Chase-Lev deque and the tagged stack (stack monitor),
 * a stress run of `--ops` operations (default 1,000,000) on 2 pinned
 * threads of the correct build, then its monitor timed over `--trials`
 * runs (median, min..max). Memory: the history's columns, and what the
 * check allocated (heap and array buffers after the check, less before,
 * with a collection first: an upper bound of what it held at once, since
 * nothing is collected in between unless the heap needs it).
 *
 * Run: npm run bench:monitor [-- --trials N --ops M]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { stressTargets } from '../fuzz/stress.js';
import { COLLECTION_MONITORS } from '../models/collection_monitors.js';
import { addon, type StressTarget } from '../native/index.js';

const { values: flags } = parseArgs({ options: { trials: { type: 'string', default: '5' }, ops: { type: 'string', default: '1000000' } } });
const trials = Number(flags.trials);
const ops = Number(flags.ops);
if (!Number.isSafeInteger(trials) || trials < 1 || !Number.isSafeInteger(ops) || ops < 1 || ops > 20_000_000) {
  process.stderr.write('bench:monitor: --trials must be a whole number from 1, --ops from 1 to 20000000\n');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('bench:monitor: run node with --expose-gc (npm run bench:monitor does)\n');
  process.exit(2);
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Record<string, string | number>[] = [];
const STRESS_TARGETS = stressTargets();
for (const target of Object.keys(STRESS_TARGETS) as StressTarget[]) {
  const h = addon().stressRun({ target, threads: 2, ops, seed: 1 });
  const historyBytes = [h.thread, h.op, h.value, h.call, h.ret].reduce((s, a) => s + a.byteLength, 0);
  const times: number[] = [];
  const allocated: number[] = [];
  for (let t = 0; t < trials; t++) {
    gc();
    const before = process.memoryUsage();
    const started = performance.now();
    const verdict = COLLECTION_MONITORS[STRESS_TARGETS[target]!.monitor].check(h);
    times.push(performance.now() - started);
    const after = process.memoryUsage();
    allocated.push(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers);
    if (verdict.kind !== 'ok') throw new Error(`${target}: the correct build's history was rejected: ${verdict.message}`);
  }
  rows.push({
    target,
    monitor: STRESS_TARGETS[target]!.checks,
    ops: h.ops,
    'check ms (median)': Number(median(times).toFixed(0)),
    'min..max': `${Math.min(...times).toFixed(0)}..${Math.max(...times).toFixed(0)}`,
    'history MB': mb(historyBytes),
    'check allocated MB (median)': mb(median(allocated)),
  });
}

const header = Object.keys(rows[0]!);
const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${header.map((k) => String(r[k])).join(' | ')} |`)].join('\n');
process.stdout.write(`collection monitors, ${trials} trials each, stress histories of ${ops.toLocaleString('en-US')} ops on 2 threads\n\n${table}\n`);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'monitor.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ trials, ops, rows }, null, 2) + '\n');
