/**
 * ABA safety of the tagged stack.
 *
 * 1. The classic shape, every schedule within 3 preemptions: two items are
 *    pushed; a pop (the victim) reads the head A and its link B and is
 *    preempted while another thread pops A, pops B and pushes a new item
 *    onto A's recycled node. The victim's CAS must then fail: with the tag it
 *    does, without it the stack is corrupted.
 * 2. The tag narrowed (setup tagBits), under the same generated scenarios
 *    as the simulation property (up to 3 threads x 4 ops, capacity up to 3):
 *    1 and 2 bits let ABA through; 3 bits is the smallest width that stops
 *    it within these sizes (it would take 8 successful CASes by the other
 *    threads between the victim's read and its CAS to wrap it around).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type Scenario } from '../native/index.js';
import { caseArbitrary, judge, report } from './scenarios.js';

const a = addon();
const stack = a.listTargets().find((t) => t.name === 'tagged-stack')!;
const push = (arg: number) => ({ op: 'push', arg });
const pop = { op: 'pop' };

describe('the classic ABA shape, every schedule within 3 preemptions', () => {
  const shape = (variant: string) =>
    ({
      target: 'tagged-stack',
      variant,
      setup: { capacity: 3 },
      threads: [[push(1), push(2)], [pop], [pop, pop, push(3)]],
      schedule: { kind: 'exhaustive' as const, preemptionBound: 3, maxSchedules: 200_000 },
    }) satisfies Scenario;

  it('never corrupts the tagged stack', () => {
    const result = a.runScenario(shape('correct'));
    expect(result.complete).toBe(true);
    const broken = result.results.filter((r) => judge({ ...shape('correct'), schedule: { kind: 'choices', choices: r.choices } }, r) !== null);
    expect(broken).toEqual([]);
  });

  it('corrupts the untagged stack, and says how', () => {
    const result = a.runScenario(shape('untagged-head'));
    const broken = result.results.filter((r) => r.outcome.kind !== 'ok');
    expect(broken.length).toBeGreaterThan(0);
    const first: Scenario = { ...shape('untagged-head'), schedule: { kind: 'choices', choices: broken[0]!.choices } };
    process.stdout.write(`\n${report({ scenario: first })}\n(${broken.length} of ${result.schedules} schedules broken)\n`);
  });
});

describe('narrowing the tag, at the simulation property\'s scenario sizes', () => {
  const withTag = (tagBits: number) =>
    fc.property(caseArbitrary(stack, 'correct'), (c) => {
      const scenario = { ...c.scenario, setup: { ...c.scenario.setup, tagBits } };
      return judge(scenario, a.runScenario(scenario)) === null;
    });

  it.each([1, 2])('%i bit(s): ABA gets through', (tagBits) => {
    const result = fc.check(withTag(tagBits), { numRuns: 20_000, seed: 2 });
    expect(result.failed, `no corruption found with ${tagBits} bit(s)`).toBe(true);
  });

  it('3 bits: the smallest width that stops it (20,000 cases here; 150,000 over 3 seeds measured)', () => {
    const result = fc.check(withTag(3), { numRuns: 20_000, seed: 1 });
    expect(result.failed).toBe(false);
  });
});
