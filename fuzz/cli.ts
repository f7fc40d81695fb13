#!/usr/bin/env node
/**
 * The lockstep CLI: fuzz campaigns, replaying failure files, listing
 * targets, mutation testing, stress mode, benchmarks, merging shards, the machine's topology. Exit codes: 0 all well, 1 a
 * failure (found, or reproduced), 2 a usage error or a bad file.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchError, BENCHES, runNativeBench, type BenchName } from '../bench/native_bench.js';
import { COLLECTION_MONITORS, type MonitorName } from '../models/collection_monitors.js';
import { parseHistory, type History } from '../models/history.js';
import { checkLinearizability } from '../models/linearizability.js';
import { columnsFromHistory, type ColumnHistory, type MonitorVerdict } from '../models/stress_history.js';
import { addon, type StressTarget } from '../native/index.js';
import { runCampaign, type Progress, type Summary } from './campaign.js';
import type { Strategy } from './cases.js';
import { FailureFileError } from './failure_file.js';
import { merge } from './merge.js';
import { runMutants, type MutantRow } from './mutants.js';
import { UsageError, pairsFor, parseCount, parseDuration, parseMemoryModel, parseShard, parseTargets } from './options.js';
import { repro } from './repro.js';
import { table } from './render.js';
import { runStress, STRESS_TARGETS, type StressResult } from './stress.js';
import { renderTopology } from './topology_report.js';

/** Histories up to this many operations are also given to the generic checker (lockstep check). */
const GENERIC_LIMIT = 200;

const HELP: Record<string, string> = {
  main: `lockstep: prove lock-free code correct

Usage: lockstep <command> [flags]      (lockstep <command> --help for its flags)

Commands:
  fuzz      run a fuzz campaign (no flags: 20 s over every structure)
  repro     replay a failure file and print what happens
  list      the targets, their ops, roles and variants
  mutants   run a campaign against every seeded bug; print what is caught
  stress    run a structure on real threads; check its history of millions of ops
  bench     the native benchmarks against their peers: tables, JSON, charts
  check     is a history file (format 1) linearizable? the collection monitors
  merge     join the outputs of a campaign's shards
  topology  the NUMA nodes, CPUs and distances the engine sees here

Exit codes: 0 all well; 1 a failure found or reproduced; 2 a usage error or bad file.
`,
  fuzz: `lockstep fuzz [flags]: fuzz the engine in the simulator

  --target T|all        a target (lockstep list), a comma-separated list, or all  [all]
  --variant V           correct, a variant name, mutants (every seeded bug), or all  [correct]
  --strategy S          choices | random | pct | exhaustive | mixed  [mixed]
  --memory-model M      sc | tso (x86 store buffers) | c11 (C++20)  [sc]
  --time D              time budget: 60s, 2m, 500ms  [20s, unless --runs]
  --runs N              run budget instead of time
  --jobs N              worker processes  [${availableParallelism()}: this machine's cores]
  --seed S              campaign seed; printed when not given  [random]
  --shard i/n           this machine's part of a campaign spread over n machines  [1/1]
  --out DIR             where failure files and summary.json go  [.failures]
  --keep-going          keep fuzzing a target/variant after its first failure
  --json                print the summary as JSON, without progress

Each failure is saved as a file (once, atomically) under --out, and by
default a target/variant that failed is not fuzzed further (the others go
on). A worker that crashes or hangs is recorded with the case it was
running and replaced. Exit 1 if anything failed.
`,
  repro: `lockstep repro FILE [flags]: replay a failure file

  --html OUT            also write the failure as a self-contained HTML page
  --memory-model M      replay under sc, tso or c11 instead of the file's model


Prints the scenario table and the interleaving. Exit 1 if the failure
reproduces, 0 if it no longer does, 2 if the file is malformed or does not
fit this build.
`,
  list: `lockstep list [--json]: the targets the simulator runs, their ops, roles,
setup parameters and variants (seeded bugs).
`,
  mutants: `lockstep mutants [flags]: mutation testing — a campaign against every seeded bug

  --target T|all   targets  [all]
  --memory-model M run every mutant under sc, tso or c11  [per mutant: the
                   strongest model that can show it]
  --time D         budget per mutant per repeat  [10s]
  --repeat N       campaigns per mutant, different seeds; times are medians  [1]
  --jobs N         worker processes per campaign  [1]
  --seed S         [random]
  --out DIR        failure files  [.failures/mutants]
  --json           print the table as JSON

Exit 1 if a mutant that its memory model can expose was not caught.
`,
  stress: `lockstep stress --target T [flags]: stress mode — the production build on
pinned OS threads, its timestamped history checked by a collection monitor

  --target T     ${Object.keys(STRESS_TARGETS).join(', ')}  (required)
  --variant V    correct or a seeded bug of T (lockstep list)  [correct]
  --threads N    OS threads; the deque's thread 0 is its owner, the rest steal  [2]
  --ops M        operations per run, over all threads  [1000000]
  --depth D      pushes a thread may be ahead of its pops (how full it runs)  [4]
  --runs R       runs, with seeds S, S+1, ...; prints how many were caught  [1]
  --seed S       the first run's seed (each thread's op sequence)  [1]
  --out DIR      save each failing run's evidence under DIR: the smallest
                 window of the run that its monitor still rejects, as a
                 history file (format 1) for lockstep check
  --json         print the runs as JSON

What each target's monitor checks:
${Object.entries(STRESS_TARGETS).map(([t, x]) => `  ${t}: ${x.checks}`).join('\n')}
Empty results are checked only where no other operation overlapped (the
simulator checks the rest). Exit 1 if any run's history is not linearizable.
`,
  bench: `lockstep bench [flags]: the native benchmarks, each subject against the
peers a user would pick instead (timing inside native code; medians, spread,
ratios against the best peer of the same run)

  --filter F     benchmarks whose name contains F; a comma-separated list
                 (${Object.keys(BENCHES).join(', ')})  [all]
  --trials N     trials per benchmark  [7]
  --smoke        each loop once with small sizes: proves it builds and runs;
                 writes nothing
  --json         print the reports as JSON

The loops are built under build/bench on first use (cmake); peers from
Debian's packages are linked when installed and listed as skipped when not.
Each benchmark writes bench/results/<name>.json and <name>.svg.
`,
  check: `lockstep check FILE --model M [--json]: is the history in FILE (format 1,
see the README) linearizable for a collection with unique values?

  --model M   ${Object.entries(COLLECTION_MONITORS).map(([m, x]) => `${m} (${x.checks})`).join(',\n              ')}  (required)
  --json      print the verdicts as JSON

Runs the collection monitor of M (polynomial: any size), and for a history
of at most ${GENERIC_LIMIT} operations also the generic checker against the same spec,
which prints the longest linearization it found. Exit 0 linearizable, 1 not,
2 a bad flag or file.
`,
  topology: `lockstep topology [flags]: the NUMA nodes, their CPUs and distances,
the CPUs this process may run on, and whether memory binds to a node here

  --root DIR   read this sysfs tree instead of the machine's  [/sys]
  --json       print { topology, affinity, memoryBinding } as JSON

Exit 2 if the tree is missing or malformed (the message names the file).
`,
  merge: `lockstep merge DIR... [--out DIR]: join the outputs of several campaigns
(a campaign's shards): every failure file once, one summary.

  --out DIR   [.failures/merged]
`,
};

function usage(command: string, message: string): never {
  throw new UsageError(`${message}\nRun lockstep ${command === 'main' ? '' : command + ' '}--help for the flags.`);
}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(command: string, args: string[], options: T, positionals = false) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: positionals });
  } catch (e) {
    return usage(command, (e as Error).message);
  }
}

const out = (s: string) => process.stdout.write(s);
const number = (n: number) => Math.round(n).toLocaleString('en-US');

function progressLine(p: Progress): string {
  const left = p.secondsLeft === undefined ? '' : ` · ${Math.ceil(p.secondsLeft)} s left`;
  return `runs ${number(p.runs)} (${number(p.runsPerSecond)}/s) · interleavings ${number(p.interleavings)} · failures ${p.failures}${left}`;
}

function seedOf(text: string | undefined): { seed: number; given: boolean } {
  if (text === undefined) return { seed: Math.floor(Math.random() * 0x7fffffff), given: false };
  return { seed: parseCount('--seed', text, 0, 0x7fffffff), given: true };
}

async function fuzz(args: string[]): Promise<number> {
  const { values: v } = parse('fuzz', args, {
    target: { type: 'string' },
    variant: { type: 'string' },
    strategy: { type: 'string' },
    'memory-model': { type: 'string' },
    time: { type: 'string' },
    runs: { type: 'string' },
    jobs: { type: 'string' },
    seed: { type: 'string' },
    shard: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    'keep-going': { type: 'boolean' },
  });
  if (v.help) return out(HELP['fuzz']!), 0;
  const strategies = ['choices', 'random', 'pct', 'exhaustive', 'mixed'];
  const strategy = (v.strategy ?? 'mixed') as Strategy;
  if (!strategies.includes(strategy)) usage('fuzz', `--strategy must be one of ${strategies.join(', ')}, got '${v.strategy}'`);
  const memoryModel = parseMemoryModel(v['memory-model']) ?? 'sc';
  if (v.time !== undefined && v.runs !== undefined) usage('fuzz', '--time and --runs are two budgets: give one');
  const seconds = v.runs === undefined ? parseDuration('--time', v.time ?? '20s') : undefined;
  const runs = v.runs === undefined ? undefined : parseCount('--runs', v.runs, 1, 1e12);
  const jobs = v.jobs === undefined ? availableParallelism() : parseCount('--jobs', v.jobs, 1, 256);
  const { seed, given } = seedOf(v.seed);
  const pairs = pairsFor(parseTargets(v.target), v.variant ?? 'correct');
  const shard = v.shard === undefined ? { index: 1, count: 1 } : parseShard(v.shard);
  const dir = v.out ?? '.failures';
  const live = !v.json && process.stderr.isTTY;
  if (!v.json) {
    process.stderr.write(
      `lockstep fuzz: ${pairs.length} target/variant pair(s), strategy ${strategy}, memory model ${memoryModel}, ${seconds !== undefined ? `${seconds} s` : `${runs} runs`}, ${jobs} job(s), seed ${seed}${given ? '' : ' (random; --seed repeats it)'}${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}, failures to ${dir}\n`,
    );
  }
  let lastPrinted = Date.now();
  const summary = await runCampaign({
    pairs,
    strategy,
    memoryModel,
    ...(seconds !== undefined ? { seconds } : {}),
    ...(runs !== undefined ? { runs } : {}),
    jobs,
    seed,
    shard,
    out: dir,
    keepGoing: v['keep-going'] ?? false,
    ...(process.env['LOCKSTEP_FUZZ_CRASH_AT'] ? { crashAt: Number(process.env['LOCKSTEP_FUZZ_CRASH_AT']) } : {}),
    onProgress: (p) => {
      if (v.json) return;
      if (live) process.stderr.write(`\r${progressLine(p)}  `);
      else if (Date.now() - lastPrinted > 5000) {
        process.stderr.write(progressLine(p) + '\n');
        lastPrinted = Date.now();
      }
    },
    onFailure: (path, f) => {
      if (!v.json) process.stderr.write(`${live ? '\r' : ''}failure saved: ${path}\n  ${f.target} (${f.variant}): ${f.message.split('\n')[0]}\n`);
    },
  });
  if (v.json) out(JSON.stringify(summary, null, 2) + '\n');
  else printSummary(summary, live);
  return summary.failures.length > 0 ? 1 : 0;
}

function printSummary(s: Summary, live: boolean): void {
  if (live) process.stderr.write('\n');
  out(
    `\n${number(s.runs)} runs in ${s.seconds.toFixed(1)} s (${number(s.runsPerSecond)}/s, ${s.jobs} job(s)), ${number(s.interleavings)} distinct interleavings, ` +
      `${s.failures.length} failure(s)${s.repeats ? ` (and ${s.repeats} found again)` : ''}${s.crashes ? `, ${s.crashes} worker crash(es)` : ''}\n\n`,
  );
  out(
    table(
      ['target', 'variant', 'runs', 'failures', 'first failure'],
      s.pairs.map((p) => [p.target, p.variant, number(p.runs), String(p.failures), p.firstFailureSeconds === undefined ? '-' : `${p.firstFailureSeconds.toFixed(1)} s, ${p.check}`]),
    ) + '\n',
  );
  if (s.failures.length > 0) {
    out(`\nfailure files (replay with lockstep repro FILE):\n${s.failures.map((f) => `  ${f.path}`).join('\n')}\n`);
  }
}

function reproCommand(args: string[]): number {
  const { values: v, positionals } = parse('repro', args, { html: { type: 'string' }, 'memory-model': { type: 'string' } }, true);
  if (v.help) return out(HELP['repro']!), 0;
  if (positionals.length !== 1) usage('repro', `repro takes one failure file, got ${positionals.length}`);
  const result = repro(positionals[0]!, v.html, parseMemoryModel(v['memory-model']));
  out(result.text);
  if (v.html !== undefined) out(`written: ${v.html}\n`);
  return result.reproduces ? 1 : 0;
}

function list(args: string[]): number {
  const { values: v } = parse('list', args, { json: { type: 'boolean' } });
  if (v.help) return out(HELP['list']!), 0;
  const targets = addon().listTargets();
  if (v.json) return out(JSON.stringify(targets, null, 2) + '\n'), 0;
  for (const t of targets) {
    out(`${t.name}: ${t.description}\n`);
    out(`  roles:    ${t.roles.map((r) => `${r.name}${r.maxThreads ? ` (at most ${r.maxThreads})` : ''}`).join(', ')}\n`);
    out(`  ops:      ${t.ops.map((o) => `${o.name}${o.takesArg ? '(arg)' : ''} [${o.roles.join('/')}]`).join(', ')}\n`);
    if (t.setup.length) out(`  setup:    ${t.setup.map((p) => `${p.name}=${p.default} (${p.min}..${p.max})`).join(', ')}\n`);
    out(`  variants: ${t.variants.map((x) => x.name).join(', ')}\n`);
    for (const x of t.variants.slice(1)) out(`    ${x.name}: ${x.description}\n`);
    out('\n');
  }
  return 0;
}

async function mutants(args: string[]): Promise<number> {
  const { values: v } = parse('mutants', args, {
    target: { type: 'string' },
    'memory-model': { type: 'string' },
    time: { type: 'string' },
    repeat: { type: 'string' },
    jobs: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return out(HELP['mutants']!), 0;
  const { seed } = seedOf(v.seed);
  const memoryModel = parseMemoryModel(v['memory-model']);
  const rows = await runMutants({
    targets: parseTargets(v.target),
    ...(memoryModel !== undefined ? { memoryModel } : {}),
    seconds: parseDuration('--time', v.time ?? '10s'),
    repeat: v.repeat === undefined ? 1 : parseCount('--repeat', v.repeat, 1, 100),
    jobs: v.jobs === undefined ? 1 : parseCount('--jobs', v.jobs, 1, 256),
    seed,
    out: v.out ?? '.failures/mutants',
    onRow: (r) => {
      if (!v.json) process.stderr.write(`${r.target}/${r.variant} (${r.memoryModel}): ${r.reason ? 'not run' : `${r.caught} of ${r.repeat} caught`}\n`);
    },
  });
  if (v.json) out(JSON.stringify({ seed, rows }, null, 2) + '\n');
  else {
    out(`\nmutants, seed ${seed}:\n\n`);
    out(table(['target', 'variant', 'model', 'caught', 'median time', 'median runs', 'check', 'shrunk (threads x ops, preemptions)'], rows.map(mutantRow)) + '\n');
  }
  return rows.some((r) => r.caught !== undefined && r.caught < r.repeat) ? 1 : 0;
}

function mutantRow(r: MutantRow): string[] {
  if (r.reason !== undefined) return [r.target, r.variant, r.memoryModel, 'not run', '-', '-', '-', r.reason];
  return [
    r.target,
    r.variant,
    r.memoryModel,
    `${r.caught} of ${r.repeat}`,
    r.medianSeconds === undefined ? '-' : `${r.medianSeconds.toFixed(2)} s`,
    r.medianRuns === undefined ? '-' : number(r.medianRuns),
    r.check ?? '-',
    r.shrunk ? `${r.shrunk.threads} x ${r.shrunk.ops}, ${r.shrunk.preemptions}` : '-',
  ];
}

function checkCommand(args: string[]): number {
  const { values: v, positionals } = parse('check', args, { model: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (v.help) return out(HELP['check']!), 0;
  if (positionals.length !== 1) usage('check', `check takes one history file, got ${positionals.length}`);
  const models = Object.keys(COLLECTION_MONITORS);
  if (v.model === undefined || !models.includes(v.model)) usage('check', `--model must be one of ${models.join(', ')}, got ${v.model === undefined ? 'nothing' : `'${v.model}'`}`);
  const monitor = COLLECTION_MONITORS[v.model as MonitorName];
  const file = positionals[0]!;
  let history: History;
  let columns: ColumnHistory;
  let verdict: MonitorVerdict;
  try {
    history = parseHistory(JSON.parse(readFileSync(file, 'utf8')));
    columns = columnsFromHistory(history);
    verdict = monitor.check(columns);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const generic = history.operations.length <= GENERIC_LIMIT ? checkLinearizability(monitor.model(), history) : undefined;
  if (v.json) out(JSON.stringify({ file, model: v.model, operations: history.operations.length, monitor: verdict, generic }, null, 2) + '\n');
  else {
    out(`${file}: ${history.operations.length} operations, ${v.model} monitor: ${verdict.kind === 'ok' ? 'linearizable' : verdict.message}\n`);
    if (generic !== undefined) out(`generic checker: ${generic.kind === 'ok' ? 'linearizable' : generic.message}\n`);
  }
  return verdict.kind === 'ok' ? 0 : 1;
}

function stressCommand(args: string[]): number {
  const { values: v } = parse('stress', args, {
    target: { type: 'string' },
    variant: { type: 'string' },
    threads: { type: 'string' },
    ops: { type: 'string' },
    depth: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return out(HELP['stress']!), 0;
  const targets = Object.keys(STRESS_TARGETS);
  if (v.target === undefined) usage('stress', `--target is required: one of ${targets.join(', ')}`);
  if (!targets.includes(v.target)) usage('stress', `--target must be one of ${targets.join(', ')}, got '${v.target}'`);
  const target = v.target as StressTarget;
  const variants = addon().variants[target].map((x) => x.name);
  const variant = v.variant ?? 'correct';
  if (!variants.includes(variant)) usage('stress', `--variant must be one of ${variants.join(', ')} (${target}), got '${variant}'`);
  const threads = parseCount('--threads', v.threads ?? '2', target === 'chase-lev-deque' ? 2 : 1, 64);
  const ops = parseCount('--ops', v.ops ?? '1000000', 1, 20_000_000);
  const depth = parseCount('--depth', v.depth ?? '4', 1, 1024);
  const runs = parseCount('--runs', v.runs ?? '1', 1, 1_000_000);
  const seed = parseCount('--seed', v.seed ?? '1', 0, Number.MAX_SAFE_INTEGER - runs);
  if (v.out !== undefined) mkdirSync(v.out, { recursive: true });
  const results = [];
  for (let r = 0; r < runs; r++) {
    let result;
    try {
      const saveTo = v.out === undefined ? undefined : join(v.out, `stress-${target}-${variant}-seed${seed + r}.json`);
      result = runStress({ target, variant, threads, ops, depth, seed: seed + r, ...(saveTo ? { saveTo } : {}) });
    } catch (e) {
      if (e instanceof RangeError) usage('stress', e.message);
      throw e;
    }
    results.push({ seed: seed + r, ...result });
    if (!v.json) out(stressLine(r, runs, seed + r, result, STRESS_TARGETS[target].monitor));
  }
  const caught = results.filter((r) => r.verdict.kind === 'illegal').length;
  if (v.json) out(JSON.stringify({ target, variant, threads, ops, depth, caught, runs: results }, null, 2) + '\n');
  else if (runs > 1) out(`\n${target} (${variant}), ${threads} threads, ${number(ops)} ops, depth ${depth}: not linearizable in ${caught} of ${runs} runs\n`);
  return caught > 0 ? 1 : 0;
}

function stressLine(r: number, runs: number, seed: number, x: StressResult, monitor: MonitorName): string {
  const head = `run ${r + 1}/${runs} (seed ${seed}): ${number(x.ops)} ops in ${x.runMs.toFixed(0)} ms (${(x.opsPerSecond / 1e6).toFixed(2)} M ops/s${x.pinned ? ', pinned' : ', NOT pinned'}), checked in ${x.checkMs.toFixed(0)} ms`;
  if (x.verdict.kind === 'ok') return `${head}: ok\n`;
  const saved = x.saved === undefined ? '' : `  evidence saved: ${x.saved} (check it: lockstep check ${x.saved} --model ${monitor})\n`;
  return `${head}: ${x.verdict.message}\n${saved}`;
}

function benchCommand(args: string[]): number {
  const { values: v } = parse('bench', args, { filter: { type: 'string' }, trials: { type: 'string' }, smoke: { type: 'boolean' }, json: { type: 'boolean' } });
  if (v.help) return out(HELP['bench']!), 0;
  const all = Object.keys(BENCHES) as BenchName[];
  const filters = (v.filter ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  const names = filters.length === 0 ? all : all.filter((n) => filters.some((f) => n.includes(f)));
  if (names.length === 0) usage('bench', `--filter '${v.filter}' matches no benchmark (${all.join(', ')})`);
  const trials = parseCount('--trials', v.trials ?? '7', 1, 1000);
  const reports = [];
  for (const name of names) {
    if (!v.json) process.stderr.write(`bench ${name}...\n`);
    try {
      const report = runNativeBench(name, { trials, smoke: v.smoke ?? false, log: (l) => process.stderr.write(l) });
      reports.push(report);
      if (!v.json) out(`\n## ${name} (${BENCHES[name].unit})\n\n${report.table}\n${report.files.length ? `wrote ${report.files.join(' and ')}\n` : ''}`);
    } catch (e) {
      if (!(e instanceof BenchError)) throw e;
      process.stderr.write(`lockstep bench: ${name}: ${e.message}\n`);
      return 1;
    }
  }
  if (v.json) out(JSON.stringify(reports.map(({ name, rows, skipped }) => ({ name, unit: BENCHES[name].unit, rows, skipped })), null, 2) + '\n');
  return 0;
}

function mergeCommand(args: string[]): number {
  const { values: v, positionals } = parse('merge', args, { out: { type: 'string' } }, true);
  if (v.help) return out(HELP['merge']!), 0;
  if (positionals.length === 0) usage('merge', 'merge takes the campaign folders to join');
  const dir = v.out ?? '.failures/merged';
  const m = merge(positionals, dir);
  out(`merged ${positionals.length} folder(s) into ${dir}: ${number(m.runs)} runs, ${m.failures} failure file(s) (${m.added} new)\n`);
  return 0;
}

function topologyCommand(args: string[]): number {
  const { values: v } = parse('topology', args, { root: { type: 'string' }, json: { type: 'boolean' } });
  if (v.help) return out(HELP['topology']!), 0;
  const a = addon();
  let t;
  try {
    t = a.topology(v.root === undefined ? {} : { root: v.root });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const affinity = a.threadAffinity();
  const memoryBinding = a.memoryBinding();
  if (v.json) return out(JSON.stringify({ topology: t, affinity, memoryBinding }, null, 2) + '\n'), 0;
  out(renderTopology(t, affinity, (cpus) => a.formatCpuList(cpus), memoryBinding));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return out(HELP['main']!), 0;
  switch (command) {
    case 'fuzz':
      return fuzz(rest);
    case 'repro':
      return reproCommand(rest);
    case 'list':
      return list(rest);
    case 'mutants':
      return mutants(rest);
    case 'merge':
      return mergeCommand(rest);
    case 'stress':
      return stressCommand(rest);
    case 'bench':
      return benchCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'topology':
      return topologyCommand(rest);
    default:
      return usage('main', `unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof FailureFileError) {
      process.stderr.write(`lockstep: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`lockstep: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(3);
  },
);
