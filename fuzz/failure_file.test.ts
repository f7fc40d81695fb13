import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { FailureFileError, failureName, readFailure, writeFailure, type FailureFile } from './failure_file.js';

const failure: FailureFile = {
  format: 1,
  kind: 'lockstep-failure',
  build: '0123456789abcdef',
  target: 'mpsc-queue',
  variant: 'stale-next-on-reuse',
  memoryModel: 'sc',
  check: 'assertion',
  message: 'check_invariants: mpsc queue: the chain has a cycle',
  scenario: { target: 'mpsc-queue', variant: 'stale-next-on-reuse', threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]], schedule: { kind: 'choices', choices: [1] } },
  found: { strategy: 'choices', runs: 3, seconds: 0.1, at: '2026-11-22T00:00:00.000Z' },
  shrunk: { threads: 2, ops: 2, preemptions: 0, steps: 9 },
  report: '...',
};

describe('failure files', () => {
  it('are written once, atomically, named by target, variant, check and scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-ff-'));
    const path = writeFailure(dir, failure)!;
    expect(path).toBe(join(dir, failureName(failure)));
    expect(failureName(failure)).toMatch(/^mpsc-queue\.stale-next-on-reuse\.assertion\.[0-9a-f]{10}\.json$/);
    expect(writeFailure(dir, failure)).toBeUndefined(); // the same failure again
    expect(readdirSync(dir)).toEqual([failureName(failure)]); // no temporary file left
    expect(readFailure(path)).toEqual(failure);
    const other = { ...failure, scenario: { ...failure.scenario, schedule: { kind: 'choices' as const, choices: [0, 1] } } };
    expect(failureName(other)).not.toBe(failureName(failure));
    const tso = { ...failure, memoryModel: 'tso', scenario: { ...failure.scenario, memoryModel: 'tso' as const } };
    expect(failureName(tso)).not.toBe(failureName(failure));
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ ...failure, format: 2 }, /has format 2; this lockstep reads format 1/],
    [{ ...failure, kind: 'x' }, /is not a lockstep failure file/],
    [{ ...failure, check: 'oops' }, /field check must be one of/],
    [{ ...failure, target: 7 }, /field target must be a string/],
    [{ ...failure, scenario: { threads: 3 } }, /field scenario must be a scenario with threads/],
    [{ ...failure, variant: 'correct' }, /names another target or variant than the file/],
    [{ ...failure, memoryModel: 'tso' }, /the scenario's memory model \(sc\) is not the file's \(tso\)/],
  ])('reading one that is wrong says what is wrong (%#)', (content, message) => {
    const path = join(mkdtempSync(join(tmpdir(), 'lockstep-ff-')), 'f.json');
    writeFileSync(path, JSON.stringify(content));
    expect(() => readFailure(path)).toThrow(FailureFileError);
    expect(() => readFailure(path)).toThrow(message);
  });

  it('keep the report and everything needed to replay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-ff-'));
    const text = readFileSync(writeFailure(dir, failure)!, 'utf8');
    for (const key of ['build', 'memoryModel', 'scenario', 'found', 'shrunk', 'report']) expect(text).toContain(`"${key}"`);
  });
});
