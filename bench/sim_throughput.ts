/**
 * Simulator throughput: simulated steps per second and scenarios per second
 * for a 2-thread x 3-op Chase-Lev deque scenario, on one core, under each
 * memory model (sc, tso, c11), with the tso/sc and c11/sc ratios of the
 * same run.
 *
 * - native loop: benchScenario runs the scenario many times inside the addon
 *   (random, PCT and the sequential schedule), timed there; under tso a
 *   step is an access or a flush of a buffered store; under c11 a load
 *   also picks the store it reads (random and PCT draw it, the sequential
 *   schedule takes the newest);
 * - from JS: runScenario called in a loop, each result converted to JS
 *   objects, as a fuzz campaign sees it.
 * Each row is the median of several trials, with the spread (min..max).
 * Results go to stdout and to bench/results/sim_throughput.json.
 *
 * Run: npm run bench:sim [-- --trials N --runs N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { addon, type MemoryModel, type Scenario, type Schedule } from '../native/index.js';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '7' },
    runs: { type: 'string', default: '100000' },
  },
});
const trials = Number(flags.trials);
const runs = Number(flags.runs);
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:sim: --trials and --runs must be positive integers\n');
  process.exit(2);
}

const a = addon();
const scenario = (schedule: Schedule, memoryModel: MemoryModel = 'sc'): Scenario => ({
  target: 'chase-lev-deque',
  threads: [
    [{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }, { op: 'pop' }],
    [{ op: 'steal' }, { op: 'steal' }, { op: 'steal' }],
  ],
  schedule,
  memoryModel,
});

interface Row {
  name: string;
  stepsPerSecond: number[];
  scenariosPerSecond: number[];
  stepsPerScenario: number;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

function nativeRow(name: string, schedule: Schedule, model: MemoryModel): Row {
  const row: Row = { name: `${name}, ${model}`, stepsPerSecond: [], scenariosPerSecond: [], stepsPerScenario: 0 };
  a.benchScenario(scenario(schedule, model), Math.min(runs, 10_000)); // warm-up
  for (let t = 0; t < trials; t++) {
    const r = a.benchScenario(scenario(schedule, model), runs);
    if (r.failures > 0) throw new Error(`${name}: ${r.failures} runs failed on the correct deque`);
    row.stepsPerSecond.push(r.steps / r.seconds);
    row.scenariosPerSecond.push(r.runs / r.seconds);
    row.stepsPerScenario = r.steps / r.runs;
  }
  return row;
}

function jsRow(model: MemoryModel): Row {
  const row: Row = { name: `random, runScenario from JS, ${model}`, stepsPerSecond: [], scenariosPerSecond: [], stepsPerScenario: 0 };
  const n = Math.max(1, Math.floor(runs / 5));
  for (let t = 0; t < trials; t++) {
    let steps = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) steps += a.runScenario(scenario({ kind: 'random', seed: i }, model)).steps;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    row.stepsPerSecond.push(steps / seconds);
    row.scenariosPerSecond.push(n / seconds);
    row.stepsPerScenario = steps / n;
  }
  return row;
}

// Per schedule, the three models measured one after the other, so that the
// ratios compare runs made under the same load.
const MODELS = ['sc', 'tso', 'c11'] as const;
const kinds: { name: string; measure: (m: MemoryModel) => Row }[] = [
  { name: 'random, native loop', measure: (m) => nativeRow('random, native loop', { kind: 'random', seed: 1 }, m) },
  { name: 'pct (depth 3), native loop', measure: (m) => nativeRow('pct (depth 3), native loop', { kind: 'pct', seed: 1, depth: 3 }, m) },
  { name: 'sequential, native loop', measure: (m) => nativeRow('sequential, native loop', { kind: 'choices', choices: [] }, m) },
  { name: 'random, runScenario from JS', measure: jsRow },
];
const measured = kinds.map((k) => ({ name: k.name, byModel: Object.fromEntries(MODELS.map((m) => [m, k.measure(m)])) as Record<(typeof MODELS)[number], Row> }));
const rows = MODELS.flatMap((m) => measured.map((k) => k.byModel[m]));
const ratios = measured.flatMap((k) =>
  (['tso', 'c11'] as const).map((m) => ({
    name: `${k.name}: ${m} / sc`,
    stepsPerSecond: median(k.byModel[m].stepsPerSecond) / median(k.byModel.sc.stepsPerSecond),
    scenariosPerSecond: median(k.byModel[m].scenariosPerSecond) / median(k.byModel.sc.scenariosPerSecond),
  })),
);

process.stdout.write(`simulator throughput: 2-thread x 3-op chase-lev-deque, ${trials} trials, median (min..max)\n\n`);
process.stdout.write('| schedule | steps/s | scenarios/s | steps/scenario |\n|---|---|---|---|\n');
for (const r of rows) {
  const spread = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}..${fmt(Math.max(...xs))})`;
  process.stdout.write(`| ${r.name} | ${spread(r.stepsPerSecond)} | ${spread(r.scenariosPerSecond)} | ${r.stepsPerScenario.toFixed(1)} |\n`);
}
process.stdout.write('\n| ratio to sc | steps/s | scenarios/s |\n|---|---|---|\n');
for (const r of ratios) process.stdout.write(`| ${r.name} | ${r.stepsPerSecond.toFixed(2)} | ${r.scenariosPerSecond.toFixed(2)} |\n`);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'sim_throughput.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), trials, runs, rows, ratios }, null, 2) + '\n');
process.stdout.write(`\nwritten: ${out}\n`);
