/**
 * Pinning a failure down: a traced run tells, per choice, what a run does
 * unprompted (its fallback); fewestPreemptions finds a schedule of the same
 * scenario that fails the same check with fewer switches; minimizeChoices
 * never trades a shorter list for more preemptions. The two counterexamples
 * below are failures a campaign really saved, with needless switches.
 */
import { describe, expect, it } from 'vitest';

import { addon, type Scenario } from '../native/index.js';
import { verdictOf } from '../properties/scenarios.js';
import { fewestPreemptions, minimizeChoices, pinDown, preemptions, runCase, type Failed } from './cases.js';

const a = addon();

// The deque's pop storing bottom relaxed, under C11: a thief reads a stale slot (7 preemptions as saved).
const staleSlot: Scenario = {
  target: 'chase-lev-deque',
  variant: 'pop-stores-bottom-relaxed',
  setup: { capacity: 2, maxCapacity: 2 },
  threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }, { op: 'pop' }], [{ op: 'steal' }]],
  schedule: { kind: 'choices', choices: [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0] },
  memoryModel: 'c11',
};
// Treiber's ABA on the untagged stack, under SC (16 preemptions as saved).
const aba: Scenario = {
  target: 'tagged-stack',
  variant: 'untagged-head',
  setup: { capacity: 2 },
  threads: [[{ op: 'push', arg: 1 }], [{ op: 'push', arg: 2 }, { op: 'pop' }], [{ op: 'push', arg: 3 }]],
  schedule: { kind: 'choices', choices: [0, 1, 1, 2, 1, 0, 0, 0, 1, 1, 2, 1, 0, 2, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0] },
};

const failing = (s: Scenario): Failed => runCase(s, 'choices').failed!;
const switches = (s: Scenario) => preemptions(a.runScenario({ ...s, trace: true }));

describe('fallbacks', () => {
  it('a traced run gives one per choice; a list of nothing but fallbacks is the run with no choices', () => {
    const run = a.runScenario({ ...staleSlot, trace: true });
    expect(run.fallbacks).toHaveLength(run.choices.length);
    expect(a.runScenario(staleSlot).fallbacks).toBeUndefined();
    const sequential = a.runScenario({ ...staleSlot, schedule: { kind: 'choices', choices: [] }, trace: true });
    const again = a.runScenario({ ...staleSlot, schedule: { kind: 'choices', choices: sequential.fallbacks! }, trace: true });
    expect(again.trace).toEqual(sequential.trace);
  });
});

describe.each([
  ['a C11 stale read', staleSlot, 7, 1],
  ['Treiber ABA', aba, 16, 3],
])('%s', (_, scenario, saved, atMost) => {
  it(`fails as saved, with ${saved} preemptions`, () => {
    expect(failing(scenario).broken.check).not.toBe('');
    expect(switches(scenario)).toBe(saved);
  });

  it(`fewestPreemptions brings it to at most ${atMost}, failing the same check`, () => {
    const before = failing(scenario);
    const after = fewestPreemptions(before);
    expect(switches(after.scenario)).toBeLessThanOrEqual(atMost);
    expect(verdictOf(after.scenario, a.runScenario(after.scenario))?.check).toBe(before.broken.check);
  });

  it('minimizeChoices never adds a preemption; pinDown reports the result', () => {
    const before = failing(scenario);
    const minimized = minimizeChoices(before);
    expect(switches(minimized.scenario)).toBeLessThanOrEqual(saved);
    const pinned = pinDown(before);
    expect(pinned.shrunk.preemptions).toBeLessThanOrEqual(atMost);
    expect(pinned.broken.check).toBe(before.broken.check);
  });
});
