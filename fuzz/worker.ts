/**
 * A campaign's worker process. It receives a job from the parent, fuzzes
 * its (target, variant) pairs in chunks of seeded fast-check runs (each
 * chunk's seed derived from the job's, so a campaign is reproducible), and
 * reports progress, failures (shrunk, pinned down to a choices list,
 * rendered) and the end of its job. Before each run it writes the case to
 * `currentFile` synchronously: if the worker crashes or hangs, the parent
 * reads the case it was running from there.
 */
import { writeFileSync } from 'node:fs';

import fc from 'fast-check';

import { addon, addonBuildId, type MemoryModel, type Scenario } from '../native/index.js';
import { caseArbitrary } from '../properties/_internals/simulation.js';
import { pinDown, runCase, type Strategy } from './cases.js';
import type { FailureFile } from './failure_file.js';
import { deriveSeed, hashText } from './seeds.js';

export interface WorkerJob {
  pairs: { target: string; variant: string }[];
  strategy: Strategy;
  memoryModel: MemoryModel;
  seed: number;
  /** Epoch milliseconds; Infinity when the budget is runs. */
  deadline: number;
  /** This worker's share of the runs; Infinity when the budget is time. */
  runs: number;
  /** Runs per fast-check chunk before moving to the next pair. */
  chunk: number;
  currentFile: string;
  stopAtFirstFailure: boolean;
  /** Keep fuzzing a pair after it failed (else it is dropped: one failure per pair). */
  keepGoing: boolean;
  /** Test hook: abort the process at this run (counted from 1). */
  crashAt?: number;
}

export type WorkerMessage =
  | { type: 'progress'; runs: number; interleavings: number[]; pair: string }
  | { type: 'failure'; failure: FailureFile }
  | { type: 'done' };

/** From the parent: stop fuzzing these pairs (another worker found them failing). */
export interface DropMessage {
  type: 'drop';
  pairs: string[];
}

const dropped = new Set<string>();

const send = (m: WorkerMessage) => process.send!(m);

async function work(job: WorkerJob): Promise<void> {
  const a = addon();
  const targets = new Map(a.listTargets().map((t) => [t.name, t]));
  let done = 0; // runs, across chunks
  let pending = 0; // runs not yet reported
  let fresh: number[] = []; // interleaving hashes not yet reported
  let lastReport = Date.now();
  const workerStart = Date.now();
  const report = (pair: string, force = false) => {
    if (!force && Date.now() - lastReport < 200) return;
    send({ type: 'progress', runs: pending, interleavings: fresh, pair });
    pending = 0;
    fresh = [];
    lastReport = Date.now();
  };
  for (let chunk = 0; Date.now() < job.deadline && done < job.runs; chunk++) {
    await new Promise((resolve) => setImmediate(resolve)); // let messages in and out
    const live = job.pairs.filter((p) => !dropped.has(`${p.target}/${p.variant}`));
    if (live.length === 0) break;
    const { target, variant } = live[chunk % live.length]!;
    const pair = `${target}/${variant}`;
    const info = targets.get(target)!;
    let detected: { at: number; runs: number } | undefined; // the first failing run, before shrinking
    const property = fc.property(caseArbitrary(info, variant, { strategy: job.strategy === 'exhaustive' ? 'choices' : job.strategy, memoryModel: job.memoryModel }), (c) => {
      writeFileSync(job.currentFile, JSON.stringify({ target, variant, strategy: job.strategy, scenario: c.scenario }));
      done++;
      pending++;
      if (job.crashAt !== undefined && done === job.crashAt) process.abort();
      const ran = runCase(c.scenario, job.strategy);
      const threads = JSON.stringify(c.scenario.threads);
      for (const choices of ran.interleavings) fresh.push(hashText(`${pair}|${threads}|${choices.join(',')}`));
      report(pair);
      if (ran.failed !== null) {
        detected ??= { at: Date.now(), runs: done - 1 };
        throw new Error(ran.failed.broken.message);
      }
    });
    const seed = deriveSeed(job.seed, chunk);
    const remaining = job.deadline - Date.now();
    const result = fc.check(property, {
      seed,
      numRuns: Math.max(1, Math.min(job.chunk, job.runs - done)),
      ...(Number.isFinite(remaining) ? { interruptAfterTimeLimit: Math.max(1, remaining) } : {}),
    });
    report(pair, true);
    if (!result.failed || result.counterexample === null) continue;
    const shrunk = result.counterexample[0].scenario as Scenario;
    const failed = runCase(shrunk, job.strategy).failed;
    if (failed === null) continue; // flaky only if the engine is nondeterministic: not expected
    let pinned = pinDown(failed);
    let fastCheck = { seed, path: result.counterexamplePath ?? '' };
    // A failure found through a random or PCT seed (or exhaustively) shrinks
    // less well than a choices list: look for it again with choices, briefly,
    // and keep the smaller counterexample.
    if (shrunk.schedule?.kind !== 'choices' || job.strategy === 'exhaustive') {
      const refind = fc.check(
        fc.property(caseArbitrary(info, variant, { strategy: 'choices', memoryModel: job.memoryModel }), (c) => {
          writeFileSync(job.currentFile, JSON.stringify({ target, variant, strategy: 'choices', scenario: c.scenario }));
          if (runCase(c.scenario, 'choices').failed !== null) throw new Error('fails');
        }),
        { seed: deriveSeed(seed, 1), numRuns: 8000 },
      );
      if (refind.failed && refind.counterexample !== null) {
        const again = runCase(refind.counterexample[0].scenario, 'choices').failed;
        if (again !== null) {
          const other = pinDown(again);
          const size = (p: typeof pinned) => [p.shrunk.ops, p.shrunk.preemptions, p.shrunk.steps];
          const [a, b] = [size(other), size(pinned)];
          if (a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))) {
            pinned = other;
            fastCheck = { seed: deriveSeed(seed, 1), path: refind.counterexamplePath ?? '' };
          }
        }
      }
    }
    send({
      type: 'failure',
      failure: {
        format: 1,
        kind: 'lockstep-failure',
        build: addonBuildId(),
        target,
        variant,
        memoryModel: job.memoryModel,
        check: pinned.broken.check,
        message: pinned.broken.message,
        scenario: pinned.scenario,
        found: {
          strategy: job.strategy,
          fastCheck,
          runs: detected?.runs ?? done,
          seconds: ((detected?.at ?? Date.now()) - workerStart) / 1000,
          at: new Date(detected?.at ?? Date.now()).toISOString(),
        },
        shrunk: pinned.shrunk,
        report: pinned.report,
      },
    });
    if (job.stopAtFirstFailure) break;
    if (!job.keepGoing) dropped.add(pair);
  }
  report('', true);
  await new Promise<void>((resolve) => process.send!({ type: 'done' } satisfies WorkerMessage, () => resolve()));
}

// The parent is gone (killed, even with SIGKILL): stop at the next chunk boundary.
process.on('disconnect', () => process.exit(0));

process.on('message', (m: { type: 'start'; job: WorkerJob } | DropMessage) => {
  if (m.type === 'drop') {
    m.pairs.forEach((p) => dropped.add(p));
    return;
  }
  // JSON turns Infinity into null: a missing limit is no limit.
  void work({ ...m.job, deadline: m.job.deadline ?? Infinity, runs: m.job.runs ?? Infinity }).then(() => {
    process.removeAllListeners('disconnect');
    process.disconnect();
  });
});
