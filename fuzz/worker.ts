/**
 * A campaign's worker process. The parent hands it chunks — a (target,
 * variant) pair, a seed, a number of runs, a time limit — one at a time;
 * it runs each as one seeded fast-check check and reports progress, the
 * failure it found (shrunk, pinned down to a choices list, rendered) and
 * the chunk's end.
 *
 * What it leaves behind if it dies (fuzz/case_record.ts): before every run
 * the case (its `.case` record), kept while the run is checked; a mark that
 * no case runs before the next is generated and when a chunk ends; when a
 * run fails, the failing case before shrinking starts (its `.found`
 * record). So the parent can name the case a crash or hang happened in,
 * and keeps a failure whose shrinking never ended.
 *
 * It dies with its parent (checked before every run, and when the channel
 * closes), and ignores SIGINT: a Ctrl-C reaches the whole process group,
 * and stopping workers is the parent's business.
 */
import fc from 'fast-check';

import { addon, addonBuildId, type MemoryModel, type Scenario, type TargetInfo } from '../native/index.js';
import { caseArbitrary } from '../properties/scenarios.js';
import { RecordWriter } from './case_record.js';
import { onEveryRun, pinDown, runCase, type Strategy } from './cases.js';
import { caseFailpoint } from './failpoints.js';
import type { FailureFile } from './failure_file.js';
import { deriveSeed, hashText } from './seeds.js';
import { importPlugins, pluginField } from './plugin_modules.js';

/** One chunk of a campaign: `runs` cases of one pair from `seed`, until `until` (epoch ms; null: no limit). */
export interface Chunk {
  id: number;
  target: string;
  variant: string;
  strategy: Strategy;
  memoryModel: MemoryModel;
  seed: number;
  runs: number;
  /** After this time the rest of the chunk is not run (at least one case always is). */
  until: number | null;
}

/** The first failing case of a chunk, recorded before shrinking starts. */
export interface Found {
  id: string;
  target: string;
  variant: string;
  strategy: Strategy;
  scenario: Scenario;
  check: string;
  message: string;
  at: string;
  runs: number;
}

/** What the `.case` record holds: the case running now, or nothing. */
export type CaseRecord =
  | { idle: true; chunk?: number; done?: number }
  | { target: string; variant: string; strategy: string; phase: 'fuzz' | 'shrink'; scenario: Scenario; chunk: number; done: number };

export type ToWorker = { type: 'setup'; records: string; worker: string; parent: number; plugins: string[] } | { type: 'chunk'; chunk: Chunk } | { type: 'exit' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'alive' }
  | { type: 'progress'; runs: number; interleavings: number[]; pair: string }
  | { type: 'failure'; failure: FailureFile; found: string }
  | { type: 'chunk-done'; id: number; runs: number };

const send = (m: WorkerMessage) => process.send!(m);

let targets: Map<string, TargetInfo>;
let caseRecord: RecordWriter;
let foundRecord: RecordWriter;
let workerName = '';
let foundCount = 0;
let phase: 'fuzz' | 'shrink' = 'fuzz';
let current: Pick<Chunk, 'target' | 'variant' | 'strategy'> & { chunk: number; done: number } = { target: '', variant: '', strategy: 'choices', chunk: 0, done: 0 };
let lastSent = Date.now();
const started = Date.now();

function setup(records: string, worker: string, parent: number): void {
  workerName = worker;
  caseRecord = new RecordWriter(`${records}.case`);
  foundRecord = new RecordWriter(`${records}.found`);
  targets = new Map(addon().listTargets().map((t) => [t.name, t]));
  // The case stays recorded while it is checked: a checker that hangs on it is its hang.
  onEveryRun((scenario) => {
    if (process.ppid !== parent) process.exit(0); // the parent is gone (even killed with SIGKILL)
    caseRecord.write({ ...current, phase, scenario } satisfies CaseRecord);
    caseFailpoint(scenario);
    if (Date.now() - lastSent > 1000) message({ type: 'alive' });
  });
}

function message(m: WorkerMessage): void {
  lastSent = Date.now();
  send(m);
}

function runChunk(chunk: Chunk): void {
  const { target, variant, strategy, memoryModel } = chunk;
  const pair = `${target}/${variant}`;
  current = { target, variant, strategy, chunk: chunk.id, done: 0 };
  phase = 'fuzz';
  const info = targets.get(target)!;
  let ran = 0;
  let pending = 0;
  let fresh: number[] = [];
  const report = (force = false) => {
    if (!force && Date.now() - lastSent < 200) return;
    if (pending === 0 && fresh.length === 0 && !force) return;
    message({ type: 'progress', runs: pending, interleavings: fresh, pair });
    pending = 0;
    fresh = [];
  };
  let found: Found | undefined;
  const generated = caseArbitrary(info, variant, { strategy: strategy === 'exhaustive' ? 'choices' : strategy, memoryModel });
  // Runs of this chunk so far go in every record: a crash loses none from the counts.
  const idle = () => caseRecord.write({ idle: true, chunk: chunk.id, done: ran } satisfies CaseRecord);
  const property = fc.property(generated, (c) => {
    if (found === undefined) idle(); // the last case is done with
    // Out of time: the rest of the chunk passes unrun (never while shrinking, never the first case).
    if (found === undefined && chunk.until !== null && ran >= 1 && Date.now() >= chunk.until) return;
    if (found === undefined) {
      ran++;
      pending++;
      current.done = ran;
    }
    const result = runCase(c.scenario, strategy);
    if (found === undefined) {
      const threads = JSON.stringify(c.scenario.threads);
      for (const choices of result.interleavings) fresh.push(hashText(`${pair}|${threads}|${choices.join(',')}`));
      report();
    }
    if (result.failed !== null) {
      if (found === undefined) {
        found = {
          id: `${workerName}.${++foundCount}`,
          target,
          variant,
          strategy,
          scenario: result.failed.scenario,
          check: result.failed.broken.check,
          message: result.failed.broken.message,
          at: new Date().toISOString(),
          runs: ran - 1,
        };
        foundRecord.write(found);
        phase = 'shrink';
        report(true);
      }
      throw new Error(result.failed.broken.message);
    }
  });
  const result = fc.check(property, { seed: chunk.seed, numRuns: chunk.runs });
  idle();
  report(true);
  if (found !== undefined && result.failed && result.counterexample !== null) {
    const failure = shrunkFailure(info, chunk, found, result.counterexample[0].scenario as Scenario, { seed: chunk.seed, path: result.counterexamplePath ?? '' });
    if (failure !== undefined) message({ type: 'failure', failure, found: found.id });
    idle();
  }
  message({ type: 'chunk-done', id: chunk.id, runs: ran });
}

/**
 * The shrunk counterexample pinned down to a choices list. A failure found
 * through a random or PCT seed (or exhaustively) shrinks less well than a
 * choices list: it is looked for again with choices, briefly, and the
 * smaller counterexample kept.
 */
function shrunkFailure(info: TargetInfo, chunk: Chunk, found: Found, shrunk: Scenario, fastCheck: { seed: number; path: string }): FailureFile | undefined {
  const failed = runCase(shrunk, chunk.strategy).failed;
  if (failed === null) return undefined; // flaky only if the engine is nondeterministic: not expected
  let pinned = pinDown(failed);
  if (shrunk.schedule?.kind !== 'choices' || chunk.strategy === 'exhaustive') {
    const seed = deriveSeed(chunk.seed, 1);
    current = { ...current, strategy: 'choices' };
    const refind = fc.check(
      fc.property(caseArbitrary(info, chunk.variant, { strategy: 'choices', memoryModel: chunk.memoryModel }), (c) => {
        if (runCase(c.scenario, 'choices').failed !== null) throw new Error('fails');
      }),
      { seed, numRuns: 8000 },
    );
    const again = refind.failed && refind.counterexample !== null ? runCase(refind.counterexample[0].scenario, 'choices').failed : null;
    if (again !== null) {
      const other = pinDown(again);
      const size = (p: typeof pinned) => [p.shrunk.ops, p.shrunk.preemptions, p.shrunk.steps] as const;
      const [a, b] = [size(other), size(pinned)];
      if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) {
        pinned = other;
        fastCheck = { seed, path: refind.counterexamplePath ?? '' };
      }
    }
  }
  return {
    format: 1,
    kind: 'lockstep-failure',
    build: addonBuildId(),
    target: chunk.target,
    variant: chunk.variant,
    memoryModel: chunk.memoryModel,
    check: pinned.broken.check,
    message: pinned.broken.message,
    scenario: pinned.scenario,
    found: { strategy: chunk.strategy, fastCheck, runs: found.runs, seconds: (Date.parse(found.at) - started) / 1000, at: found.at },
    shrunk: pinned.shrunk,
    report: pinned.report,
    ...pluginField(chunk.target),
  };
}

// A Ctrl-C reaches the whole process group: the parent decides.
process.on('SIGINT', () => {});
// The parent is gone: nothing more to report to.
process.on('disconnect', () => process.exit(0));

process.on('message', async (m: ToWorker) => {
  if (m.type === 'setup') {
    await importPlugins(m.plugins); // the parent loaded them already: an error here is a worker's death
    setup(m.records, m.worker, m.parent);
    message({ type: 'ready' });
  } else if (m.type === 'chunk') {
    // JSON turns Infinity into null: a missing limit is no limit.
    runChunk(m.chunk);
  } else {
    caseRecord.close();
    foundRecord.close();
    process.removeAllListeners('disconnect');
    process.disconnect();
  }
});
