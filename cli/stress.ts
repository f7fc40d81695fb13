/** `lockstep stress`: the production build on pinned OS threads, its history checked by a collection monitor (fuzz/stress.ts). */
import { join } from 'node:path';

import type { MonitorName } from '../models/collection_monitors.js';
import { runStress, stressTargets, type StressResult } from '../fuzz/stress.js';
import { addon } from '../native/index.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, loadPluginFlags, MAX_SEED, outFolder, parse, parseCount, parseDuration, PLUGIN_FLAG, usage } from './flags.js';
import { number } from './output.js';
import { jsonOutput } from './schemas.js';

export const stress: Command = {
  name: 'stress',
  summary: 'run a structure on real threads; check its history of millions of ops',
  help: () => `lockstep stress --target T [flags]: stress mode — the production build on
pinned OS threads, its timestamped history checked by a collection monitor

  --target T     ${Object.keys(stressTargets()).join(', ')},
                 or a --plugin target whose spec names a monitor  (required)
  --variant V    correct or a seeded bug of T (lockstep list)  [correct]
  --threads N    OS threads, each taking a role as in the simulator (the deque:
                 thread 0 is its owner, the rest steal)  [2]
  --ops M        operations per run, over all threads  [1000000]
  --depth D      pushes a thread may be ahead of its pops (how full it runs)  [4]
  --runs R       runs, with seeds S, S+1, ...; prints how many were caught  [1]
  --seed S       the first run's seed (each thread's op sequence), 0 to 2147483647  [1]
  --progress-timeout D
                 a run where a thread completes no operation for this long
                 is stopped: no progress (which thread, in which operation)  [10s]
  --out DIR      save each failing run's evidence under DIR: the smallest
                 window of the run that its monitor still rejects, as a
                 history file (format 1) for lockstep check; for a run with
                 no progress, the history so far
  --json         print the runs as JSON (schemas/stress.schema.json)
  --plugin FILE  load your own targets: a plugin module (docs/sdk.md)

What each target's monitor checks:
${Object.entries(stressTargets()).map(([t, x]) => `  ${t}: ${x.checks}`).join('\n')}
Empty results are checked only where no other operation overlapped (the
simulator checks the rest).

${exitCodes({
  ok: 'every run linearizable',
  failure: 'a run not linearizable, or one that made no progress',
  usage: 'a bad flag, an --out that cannot be written, no addon build',
  internal: 'an internal error (a lockstep bug: please report it)',
})}`,
  run: async (args) => {
    const { values: v } = parse('stress', args, {
      ...PLUGIN_FLAG,
      target: { type: 'string' },
      variant: { type: 'string' },
      threads: { type: 'string' },
      ops: { type: 'string' },
      depth: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'progress-timeout': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (v.help) return process.stdout.write(stress.help()), EXIT.ok;
    await loadPluginFlags('stress', v.plugin);
    const STRESS_TARGETS = stressTargets();
    const targets = Object.keys(STRESS_TARGETS);
    if (v.target === undefined) usage('stress', `--target is required: one of ${targets.join(', ')}`);
    if (!targets.includes(v.target)) usage('stress', `--target must be one of ${targets.join(', ')}, got '${v.target}'`);
    const target = v.target;
    const variants = addon()
      .listTargets()
      .find((t) => t.name === target)!
      .variants.map((x) => x.name);
    const variant = v.variant ?? 'correct';
    if (!variants.includes(variant)) usage('stress', `--variant must be one of ${variants.join(', ')} (${target}), got '${variant}'`);
    const threads = parseCount('--threads', v.threads ?? '2', 1, 64);
    const ops = parseCount('--ops', v.ops ?? '1000000', 1, 20_000_000);
    const depth = parseCount('--depth', v.depth ?? '4', 1, 1024);
    const runs = parseCount('--runs', v.runs ?? '1', 1, 1_000_000);
    const seed = parseCount('--seed', v.seed ?? '1', 0, MAX_SEED - runs);
    const progressTimeoutMs = Math.round(parseDuration('--progress-timeout', v['progress-timeout'] ?? '10s') * 1000);
    if (progressTimeoutMs < 1 || progressTimeoutMs > 600_000) usage('stress', `--progress-timeout must be from 1ms to 10m, got '${v['progress-timeout']}'`);
    const out = v.out === undefined ? undefined : outFolder('--out', v.out);
    const results = [];
    for (let r = 0; r < runs; r++) {
      let result;
      try {
        const saveTo = out === undefined ? undefined : join(out, `stress-${target}-${variant}-seed${seed + r}.json`);
        result = runStress({ target, variant, threads, ops, depth, seed: seed + r, progressTimeoutMs, ...(saveTo ? { saveTo } : {}) });
      } catch (e) {
        if (e instanceof RangeError) usage('stress', e.message);
        throw e;
      }
      results.push({ seed: seed + r, ...result });
      if (!v.json) process.stdout.write(stressLine(r, runs, seed + r, result, STRESS_TARGETS[target]!.monitor));
    }
    const caught = results.filter((r) => r.caught).length;
    const stuck = results.filter((r) => r.verdict.kind === 'no-progress').length;
    if (v.json) process.stdout.write(jsonOutput('stress', { target, variant, threads, ops, depth, caught, runs: results }));
    else if (runs > 1) {
      process.stdout.write(`\n${target} (${variant}), ${threads} threads, ${number(ops)} ops, depth ${depth}: caught in ${caught} of ${runs} runs (${caught - stuck} not linearizable, ${stuck} no progress)\n`);
    }
    return caught > 0 ? EXIT.failure : EXIT.ok;
  },
};

function stressLine(r: number, runs: number, seed: number, x: StressResult, monitor: MonitorName): string {
  if (x.verdict.kind === 'no-progress') {
    const saved = x.saved === undefined ? '' : `  history so far saved: ${x.saved}\n`;
    return `run ${r + 1}/${runs} (seed ${seed}): stopped after ${x.runMs.toFixed(0)} ms, ${number(x.ops)} ops: ${x.verdict.message}\n${saved}`;
  }
  const head = `run ${r + 1}/${runs} (seed ${seed}): ${number(x.ops)} ops in ${x.runMs.toFixed(0)} ms (${(x.opsPerSecond / 1e6).toFixed(2)} M ops/s${x.pinned ? ', pinned' : ', NOT pinned'}), checked in ${x.checkMs.toFixed(0)} ms`;
  if (x.verdict.kind === 'ok') return `${head}: ok\n`;
  const saved = x.saved === undefined ? '' : `  evidence saved: ${x.saved} (check it: lockstep check ${x.saved} --model ${monitor})\n`;
  return `${head}: ${x.verdict.message}\n${saved}`;
}
