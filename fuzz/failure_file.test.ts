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
    const { path, fresh } = writeFailure(dir, failure);
    expect([path, fresh]).toEqual([join(dir, failureName(failure)), true]);
    expect(failureName(failure)).toMatch(/^mpsc-queue\.stale-next-on-reuse\.assertion\.[0-9a-f]{10}\.json$/);
    expect(writeFailure(dir, failure)).toEqual({ path, fresh: false, replaced: false }); // the same failure again
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
    [{ ...failure, scenario: { threads: 3 } }, /field scenario.target must be a string/],
    [{ ...failure, scenario: { ...failure.scenario, threads: [] } }, /field scenario.threads must be a list of at least one thread/],
    [{ ...failure, scenario: { ...failure.scenario, threads: [[]] } }, /field scenario.threads\[0\] must be a list of at least one operation/],
    [{ ...failure, scenario: { ...failure.scenario, threads: [[{ op: 'push', arg: 'x' }]] } }, /field scenario.threads\[0\]\[0\].arg must be a whole number/],
    [{ ...failure, scenario: { ...failure.scenario, schedule: undefined } }, /field scenario.schedule is missing/],
    [{ ...failure, scenario: { ...failure.scenario, schedule: { kind: 'random', seed: 3 } } }, /field scenario.schedule must be a choices list \(kind "choices"\), got kind "random"/],
    [{ ...failure, scenario: { ...failure.scenario, schedule: { kind: 'exhaustive' } } }, /field scenario.schedule must be a choices list/],
    [{ ...failure, scenario: { ...failure.scenario, schedule: { kind: 'choices', choices: [1, -1] } } }, /field scenario.schedule.choices must be a list of whole numbers >= 0/],
    [{ ...failure, check: 'crash', scenario: { ...failure.scenario, schedule: { kind: 'weird' } } }, /field scenario.schedule.kind must be choices, random, pct or exhaustive/],
    [{ ...failure, scenario: { ...failure.scenario, setup: { capacity: 'big' } } }, /field scenario.setup.capacity must be a whole number/],
    [{ ...failure, memoryModel: 'arm', scenario: { ...failure.scenario, memoryModel: 'arm' } }, /field memoryModel must be sc, tso or c11/],
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
    const text = readFileSync(writeFailure(dir, failure).path, 'utf8');
    for (const key of ['build', 'memoryModel', 'scenario', 'found', 'shrunk', 'report']) expect(text).toContain(`"${key}"`);
  });

  it('a crash or hang replays the case as it ran: any valid schedule', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lockstep-ff-')), 'f.json');
    writeFileSync(path, JSON.stringify({ ...failure, check: 'crash', scenario: { ...failure.scenario, schedule: { kind: 'pct', seed: 4, depth: 3 } } }));
    expect(readFailure(path).scenario.schedule).toEqual({ kind: 'pct', seed: 4, depth: 3 });
  });

  it('read through a UTF-8 byte order mark', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lockstep-ff-')), 'f.json');
    writeFileSync(path, '\uFEFF' + JSON.stringify(failure));
    expect(readFailure(path)).toEqual(failure);
  });

  it('a damaged file under the same name is replaced, not trusted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-ff-'));
    const path = join(dir, failureName(failure));
    writeFileSync(path, JSON.stringify(failure).slice(0, 40)); // truncated, as by a crash without atomic writes
    expect(writeFailure(dir, failure)).toEqual({ path, fresh: true, replaced: true });
    expect(readFailure(path)).toEqual(failure);
  });
});
