/**
 * lockstep's vitest integration, `lockstep/vitest`: a test body that checks
 * one target in the simulator, so that a test file is three lines. On
 * failure it throws the shrunk counterexample in lincheck's layout (the
 * scenario table, then the interleaving with the broken check marked) and
 * the `{ seed, path }` that replays it; `LOCKSTEP_SEED` and
 * `LOCKSTEP_NUM_RUNS` override the seed and the number of cases (CI).
 *
 * The helper returns the test body rather than calling vitest's `test`
 * itself: it imports nothing from vitest, so it works with whichever vitest
 * your project has (a package used by path would otherwise load its own
 * copy), and with `node:test` too.
 *
 * @example
 * import { test } from 'vitest';
 * import { lockstepProperty } from 'lockstep/vitest';
 *
 * test('mpmc-queue is linearizable', lockstepProperty('mpmc-queue'), 60_000);
 */
import fc from 'fast-check';

import { makeFolder } from './fuzz/atomic_write.js';
import { pinDown, runCase } from './fuzz/cases.js';
import { writeFailure, type FailureFile } from './fuzz/failure_file.js';
import { addon, addonBuildId } from './native/index.js';
import { envInteger } from './properties/_internals/run_options.js';
import { caseArbitrary, checkConstraints, report, targetWithSpec, verdictOf, type Case, type ScenarioConstraints } from './properties/scenarios.js';

/**
 * What {@link lockstepProperty} checks and how long: the variant, the
 * scenario constraints of caseArbitrary, the number of cases and the seed.
 * Validated when the test is defined (a TypeError or RangeError naming
 * `lockstepProperty` and the field).
 *
 * @example
 * const options: LockstepPropertyOptions = { variant: 'lap-dropped', memoryModel: 'tso', strategy: 'mixed', numRuns: 500, failures: '.failures' };
 */
export interface LockstepPropertyOptions extends ScenarioConstraints {
  /** `correct` or one of the target's seeded bugs (`npx lockstep list`). @defaultValue 'correct' */
  variant?: string;
  /** Cases to generate and run; `LOCKSTEP_NUM_RUNS` overrides it. @defaultValue 400 (lockstep's own suite runs as many) */
  numRuns?: number;
  /** fast-check's seed; `LOCKSTEP_SEED` overrides it. @defaultValue a random seed, printed on failure */
  seed?: number;
  /** With `seed`: go straight to the counterexample at this path (as printed on failure). */
  path?: string;
  /**
   * Also write a failing case, pinned to a concrete choices list, as a
   * failure file into this folder (`npx lockstep repro FILE` replays it).
   * @defaultValue no file
   */
  failures?: string;
}

/**
 * The error a failing {@link lockstepProperty} throws: its message is the
 * report; the fields say how to replay it.
 *
 * @example
 * try { lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: 42 })(); } catch (e) { if (e instanceof LockstepPropertyFailure) console.log(e.seed, e.path); }
 */
export class LockstepPropertyFailure extends Error {
  constructor(
    message: string,
    /** fast-check's seed and path to the shrunk counterexample. */
    readonly seed: number,
    readonly path: string,
    /** The shrunk case. */
    readonly counterexample: Case,
    /** The failure file written, when `failures` named a folder. */
    readonly file: string | undefined,
  ) {
    super(message);
    this.name = 'LockstepPropertyFailure';
  }
}

const OPTION_KEYS: readonly string[] = ['variant', 'numRuns', 'seed', 'path', 'failures', 'maxThreads', 'maxOpsPerThread', 'maxSegments', 'strategy', 'memoryModel'];

/** Marks a case that failed a check, from one that threw for another reason. */
class Verdict extends Error {}

/**
 * A test body that checks `target` in the simulator: `numRuns` generated
 * scenarios and schedules (caseArbitrary) must each run clean, be
 * linearizable against the target's model and conserve every item. On
 * failure it throws a {@link LockstepPropertyFailure}: the shrunk
 * counterexample in lincheck's layout and `{ seed, path }`, the options
 * that replay it. The target, variant and options are checked when it is
 * called, so a typo fails where the test is defined.
 *
 * @example
 * import { test } from 'vitest';
 * import { lockstepProperty } from 'lockstep/vitest';
 *
 * test('the deque under TSO', lockstepProperty('chase-lev-deque', { memoryModel: 'tso', strategy: 'mixed', numRuns: 300 }), 60_000);
 */
export function lockstepProperty(target: string, options: LockstepPropertyOptions = {}): () => void {
  if (typeof target !== 'string') throw new TypeError(`lockstepProperty: target must be a target name (npx lockstep list), got ${JSON.stringify(target)}`);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`lockstepProperty: options must be an object, got ${JSON.stringify(options)}`);
  for (const key of Object.keys(options)) if (!OPTION_KEYS.includes(key)) throw new TypeError(`lockstepProperty: unknown option '${key}' (known: ${OPTION_KEYS.join(', ')})`);
  const { variant = 'correct', numRuns, seed, path, failures, ...constraints } = options;
  if (typeof variant !== 'string') throw new TypeError(`lockstepProperty: variant must be a string, got ${JSON.stringify(variant)}`);
  if (numRuns !== undefined && !(Number.isSafeInteger(numRuns) && numRuns >= 1)) throw new RangeError(`lockstepProperty: numRuns must be a whole number >= 1, got ${JSON.stringify(numRuns)}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new RangeError(`lockstepProperty: seed must be a whole number, got ${JSON.stringify(seed)}`);
  if (path !== undefined && (typeof path !== 'string' || !/^\d+(:\d+)*$/.test(path))) throw new RangeError(`lockstepProperty: path must be fast-check's path, like "12:0:3", got ${JSON.stringify(path)}`);
  if (path !== undefined && seed === undefined) throw new RangeError('lockstepProperty: path replays only with the seed it was printed with');
  if (failures !== undefined && (typeof failures !== 'string' || failures === '')) throw new TypeError(`lockstepProperty: failures must name a folder, got ${JSON.stringify(failures)}`);
  checkConstraints('lockstepProperty', constraints);
  const info = targetWithSpec('lockstepProperty', target, variant);
  const arbitrary = caseArbitrary(info, variant, constraints);

  return () => {
    const a = addon();
    const property = fc.property(arbitrary, (c) => {
      // A crash the simulator cannot catch still names its case on stderr.
      a.setCrashNote(JSON.stringify(c.scenario));
      const broken = verdictOf(c.scenario, a.runScenario(c.scenario));
      if (broken !== null) throw new Verdict(broken.message);
    });
    const envSeed = envInteger('LOCKSTEP_SEED');
    const fixed = envSeed ?? seed;
    const result = fc.check(property, {
      numRuns: envInteger('LOCKSTEP_NUM_RUNS') ?? numRuns ?? 400,
      ...(fixed === undefined ? {} : { seed: fixed }),
      ...(path !== undefined && envSeed === undefined ? { path } : {}),
    });
    if (!result.failed) return;
    const replay = `{ seed: ${result.seed}, path: ${JSON.stringify(result.counterexamplePath ?? '')} }`;
    if (result.counterexample === null || !(result.errorInstance instanceof Verdict)) {
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`lockstepProperty: ${target} (${variant}) could not be checked: ${cause}\nreplay: ${replay}`, { cause: result.errorInstance });
    }
    const shrunk = result.counterexample[0];
    const file = failures === undefined ? undefined : saveFailure(failures, shrunk, { seed: result.seed, path: result.counterexamplePath ?? '' }, result.numRuns);
    const lines = [
      `${target} (${variant}) failed after ${result.numRuns} case(s), shrunk ${result.numShrinks} time(s):`,
      '',
      report(shrunk),
      '',
      `replay: ${replay}`,
      `  add them to lockstepProperty's options to rerun this counterexample; LOCKSTEP_SEED=${result.seed} reruns the search`,
      ...(file === undefined ? [] : [`failure file: ${file} (npx lockstep repro ${file})`]),
    ];
    throw new LockstepPropertyFailure(lines.join('\n'), result.seed, result.counterexamplePath ?? '', shrunk, file);
  };
}

/** The shrunk case pinned to a choices list and written as a failure file; its path, or undefined when the case no longer fails. */
function saveFailure(dir: string, shrunk: Case, fastCheck: { seed: number; path: string }, runs: number): string | undefined {
  const { scenario } = shrunk;
  const strategy = scenario.schedule?.kind === 'random' || scenario.schedule?.kind === 'pct' ? scenario.schedule.kind : 'choices';
  const failed = runCase(scenario, strategy).failed;
  if (failed === null) return undefined;
  const pinned = pinDown(failed);
  const at = new Date().toISOString();
  const failure: FailureFile = {
    format: 1,
    kind: 'lockstep-failure',
    build: addonBuildId(),
    target: scenario.target,
    variant: scenario.variant ?? 'correct',
    memoryModel: scenario.memoryModel ?? 'sc',
    check: pinned.broken.check,
    message: pinned.broken.message,
    scenario: pinned.scenario,
    found: { strategy, fastCheck, runs: runs - 1, seconds: 0, at },
    shrunk: pinned.shrunk,
    report: pinned.report,
  };
  makeFolder(dir);
  return writeFailure(dir, failure).path;
}
