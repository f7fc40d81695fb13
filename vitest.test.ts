/**
 * lockstep/vitest: the test body passes on a correct target, fails on a
 * seeded bug with the shrunk counterexample in lincheck's layout and the
 * `{ seed, path }` that replays it, honours LOCKSTEP_SEED and
 * LOCKSTEP_NUM_RUNS, writes a failure file that `repro` replays, and names
 * itself and the field in every error for bad arguments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { readFailure } from './fuzz/failure_file.js';
import { repro } from './fuzz/repro.js';
import { lockstepProperty, LockstepPropertyFailure } from './vitest.js';

/** The failure a test body throws (undefined when it passes). */
function failureOf(body: () => void): LockstepPropertyFailure | undefined {
  try {
    body();
    return undefined;
  } catch (e) {
    if (e instanceof LockstepPropertyFailure) return e;
    throw e;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lockstepProperty', () => {
  it('passes on a correct target', () => {
    expect(failureOf(lockstepProperty('mpmc-queue', { numRuns: 100, seed: 1 }))).toBeUndefined();
  });

  it('fails on a seeded bug with the shrunk counterexample, in lincheck\'s layout, and how to replay it', () => {
    const failure = failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: 5 }))!;
    expect(failure).toBeInstanceOf(LockstepPropertyFailure);
    expect(failure.message).toMatch(/^mpmc-queue \(lap-dropped\) failed after \d+ case\(s\), shrunk \d+ time\(s\):\n\n= mpmc-queue \(lap-dropped\): .+ =\n/);
    expect(failure.message).toMatch(/^\| thread 0 +\| thread 1 +\|$/m);
    expect(failure.message).toMatch(/^= The interleaving \(choices \[[\d,]*\]; \d+ steps/m);
    expect(failure.message).toContain('✗');
    expect(failure.message).toContain(`replay: { seed: 5, path: ${JSON.stringify(failure.path)} }`);
    expect(failure.seed).toBe(5);
    expect(failure.file).toBeUndefined();

    const again = failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: failure.seed, path: failure.path }))!;
    expect(again.message).toMatch(/failed after 1 case\(s\), shrunk 0 time\(s\)/);
    expect(again.counterexample).toEqual(failure.counterexample);
  });

  it('takes the seed and the number of cases from LOCKSTEP_SEED and LOCKSTEP_NUM_RUNS over its options', () => {
    vi.stubEnv('LOCKSTEP_SEED', '5');
    expect(failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: 1 }))?.seed).toBe(5);
    const firstFailing = failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped' }))!;
    const casesBefore = Number(firstFailing.path.split(':')[0]);
    expect(casesBefore).toBeGreaterThan(1); // seed 5 finds it after a few cases
    vi.stubEnv('LOCKSTEP_NUM_RUNS', String(casesBefore));
    expect(failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped', numRuns: 1000 }))).toBeUndefined();
    vi.stubEnv('LOCKSTEP_NUM_RUNS', 'many');
    expect(() => lockstepProperty('mpmc-queue')()).toThrow("LOCKSTEP_NUM_RUNS must be an integer, got 'many'");
  });

  it('with failures, writes the pinned-down failure as a file that repro replays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-vitest-'));
    try {
      const failure = failureOf(lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: 5, failures: join(dir, 'found') }))!;
      expect(failure.file).toMatch(/found\/mpmc-queue\.lap-dropped\.\w[\w-]*\.[0-9a-f]{10}\.json$/);
      expect(failure.message).toContain(`failure file: ${failure.file} (npx lockstep repro ${failure.file})`);
      const file = readFailure(failure.file!);
      expect(file.found.fastCheck).toEqual({ seed: 5, path: failure.path });
      expect(file.scenario.schedule?.kind).toBe('choices');
      expect(repro(failure.file!).reproduces).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks its arguments where the test is defined, naming itself and the field', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => lockstepProperty('no-such-target'), /^lockstepProperty: unknown target 'no-such-target' \(known: .*mpmc-queue/],
      [() => lockstepProperty('litmus'), /^lockstepProperty: target 'litmus' has no spec/],
      [() => lockstepProperty('mpmc-queue', { variant: 'nope' }), /^lockstepProperty: mpmc-queue has no variant 'nope' \(known: correct, lap-dropped/],
      [() => lockstepProperty('mpmc-queue', { maxOps: 3 } as never), /^lockstepProperty: unknown option 'maxOps' \(known: .*maxOpsPerThread/],
      [() => lockstepProperty('mpmc-queue', { maxThreads: 1 }), /^lockstepProperty: maxThreads must be a whole number from 2 to 16, got 1$/],
      [() => lockstepProperty('mpmc-queue', { numRuns: 0 }), /^lockstepProperty: numRuns must be a whole number >= 1, got 0$/],
      [() => lockstepProperty('mpmc-queue', { seed: 1.5 }), /^lockstepProperty: seed must be a whole number, got 1.5$/],
      [() => lockstepProperty('mpmc-queue', { path: '3:1' }), /^lockstepProperty: path replays only with the seed/],
      [() => lockstepProperty('mpmc-queue', { seed: 1, path: 'x' }), /^lockstepProperty: path must be fast-check's path/],
      [() => lockstepProperty('mpmc-queue', { strategy: 'bfs' as never }), /^lockstepProperty: strategy must be one of choices, random, pct, mixed, got "bfs"$/],
      [() => lockstepProperty('mpmc-queue', { memoryModel: 'arm' as never }), /^lockstepProperty: memoryModel must be one of sc, tso, c11, got "arm"$/],
      [() => lockstepProperty('mpmc-queue', { failures: '' }), /^lockstepProperty: failures must name a folder/],
      [() => lockstepProperty(7 as never), /^lockstepProperty: target must be a target name/],
    ];
    for (const [call, message] of bad) expect(call).toThrow(message);
  });
});
