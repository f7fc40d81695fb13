/**
 * The public scenario arbitraries: the constraints are honoured and
 * checked (errors name caseArbitrary and the field), a target is taken by
 * name or by its listTargets() entry, and verdictOf judges a hand-written
 * scenario that leaves its setup to the defaults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type Scenario } from '../native/index.js';
import { caseArbitrary, verdictOf } from './scenarios.js';

const sample = (...args: Parameters<typeof caseArbitrary>) => fc.sample(caseArbitrary(...args), { numRuns: 200, seed: 3 }).map((c) => c.scenario);

describe('caseArbitrary', () => {
  it('stays within its constraints', () => {
    const scenarios = sample('chase-lev-deque', 'correct', { maxThreads: 2, maxOpsPerThread: 2, memoryModel: 'tso', strategy: 'random' });
    expect(scenarios.every((s) => s.threads.length === 2 && s.threads.every((t) => t.length >= 1 && t.length <= 2))).toBe(true);
    expect(scenarios.every((s) => s.memoryModel === 'tso' && s.schedule?.kind === 'random' && s.variant === 'correct')).toBe(true);
  });

  it('defaults to the target spec\'s sizes, choices lists and sc', () => {
    const scenarios = sample('mpmc-queue');
    expect(Math.max(...scenarios.map((s) => s.threads.length))).toBe(3);
    expect(Math.max(...scenarios.flatMap((s) => s.threads.map((t) => t.length)))).toBe(4);
    expect(scenarios.every((s) => s.schedule?.kind === 'choices' && s.memoryModel === undefined)).toBe(true);
  });

  it('mixes the three schedule kinds under strategy mixed', () => {
    expect(new Set(sample('mpmc-queue', 'correct', { strategy: 'mixed' }).map((s) => s.schedule?.kind))).toEqual(new Set(['choices', 'random', 'pct']));
  });

  it('takes a target by name or by its listTargets() entry, alike', () => {
    const info = addon()
      .listTargets()
      .find((t) => t.name === 'tagged-stack')!;
    expect(sample(info, 'untagged-head')).toEqual(sample('tagged-stack', 'untagged-head'));
  });

  it('checks its constraints, naming itself and the field', () => {
    const bad: [() => unknown, string][] = [
      [() => caseArbitrary('mpmc-queue', 'correct', { maxThreads: 17 }), 'caseArbitrary: maxThreads must be a whole number from 2 to 16, got 17'],
      [() => caseArbitrary('mpmc-queue', 'correct', { maxOpsPerThread: 0 }), 'caseArbitrary: maxOpsPerThread must be a whole number from 1 to 256, got 0'],
      [() => caseArbitrary('mpmc-queue', 'correct', { maxSegments: -1 }), 'caseArbitrary: maxSegments must be a whole number from 0 to 10000, got -1'],
      [() => caseArbitrary('mpmc-queue', 'correct', { strategy: 'dfs' as never }), 'caseArbitrary: strategy must be one of choices, random, pct, mixed, got "dfs"'],
      [() => caseArbitrary('mpmc-queue', 'correct', { memoryModel: 'power' as never }), 'caseArbitrary: memoryModel must be one of sc, tso, c11, got "power"'],
      [() => caseArbitrary('mpmc-queue', 'correct', { maxOps: 2 } as never), "caseArbitrary: unknown constraint 'maxOps' (known: maxThreads, maxOpsPerThread, maxSegments, strategy, memoryModel)"],
      [() => caseArbitrary('mpmc-queue', 'correct', null as never), 'caseArbitrary: constraints must be an object, got null'],
      [() => caseArbitrary('ring'), "caseArbitrary: unknown target 'ring'"],
      [() => caseArbitrary('litmus'), "caseArbitrary: target 'litmus' has no spec"],
      [() => caseArbitrary('mpmc-queue', 'lap-droped'), "caseArbitrary: mpmc-queue has no variant 'lap-droped' (known: correct, lap-dropped"],
    ];
    for (const [call, message] of bad) expect(call).toThrow(message);
  });
});

describe('verdictOf', () => {
  it('judges a scenario that leaves its setup to the target\'s defaults', () => {
    const scenario: Scenario = { target: 'mpmc-queue', threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }, { op: 'push', arg: 3 }], [{ op: 'pop' }]] };
    const run = addon().runScenario(scenario);
    expect(run.history.filter((h) => h.op === 'push').map((h) => h.result)).toEqual([true, true, false]); // capacity 2 by default
    expect(verdictOf(scenario, run)).toBeNull();
  });

  it('refuses a target it has no spec for, naming itself', () => {
    const scenario: Scenario = { target: 'litmus', threads: [[{ op: 'store-x.rlx', arg: 1 }]] };
    expect(() => verdictOf(scenario, addon().runScenario(scenario))).toThrow("verdictOf: target 'litmus' has no spec");
  });
});
