/**
 * The arc target's checks, each shown failing on a seeded bug with a fixed
 * scenario and schedule, and passing on the correct variant with the same
 * one: the model (the destructor's sum, a destruction at the wrong count),
 * the poisoned object (an access after the destruction), the destructor's
 * run count, check_invariants (the counts are the handles held; the object
 * and its block alive exactly while handles are) and the drain (the object
 * dies with the last strong handle).
 */
import { describe, expect, it } from 'vitest';

import { addon, type MemoryModel, type ScenarioCall } from '../../index.js';
import { verdictOf } from '../../../properties/scenarios.js';

const a = addon();

/** `'use:1 drop'` → the calls. */
const ops = (text: string): ScenarioCall[] =>
  text.split(' ').map((t) => {
    const [op, arg] = t.split(':');
    return arg === undefined ? { op: op! } : { op: op!, arg: Number(arg) };
  });

function verdict(variant: string, threads: string[], choices: number[] = [], memoryModel: MemoryModel = 'sc') {
  const scenario = { target: 'arc', variant, threads: threads.map(ops), schedule: { kind: 'choices' as const, choices }, memoryModel };
  return verdictOf(scenario, a.runScenario(scenario));
}

describe('arc target', () => {
  it('the correct variant: clones, uses, weak handles, the last drop returns what every use added', () => {
    const scenario = { target: 'arc', threads: [ops('use:1 clone drop use:2 drop'), ops('downgrade use:3 drop upgrade')] };
    const run = a.runScenario(scenario);
    expect(run.outcome.kind).toBe('ok');
    expect(run.history.map((h) => [h.thread, h.op, h.result])).toEqual([
      [0, 'use', true],
      [0, 'clone', true],
      [0, 'drop', false],
      [0, 'use', true],
      [0, 'drop', false],
      [1, 'downgrade', true],
      [1, 'use', true],
      [1, 'drop', 6],
      [1, 'upgrade', false],
    ]);
    expect(verdictOf(scenario, run)).toBeNull();
  });

  const cases: [string, string, string[], number[], MemoryModel, string, RegExp][] = [
    // The destroying thread reads thread 1's slot without happening after its write.
    ['the model: the destructor missed a use', 'relaxed-decrement', ['drop clone', 'use:1 drop'], [1, 1, 1, 0], 'c11', 'linearizability', /thread 0's drop\(\) → 0 .*cannot be placed/],
    ['the model: the destructor missed a use', 'no-acquire-fence', ['drop clone', 'use:1 drop'], [1, 1, 1, 0], 'c11', 'linearizability', /drop\(\) → 0 .*cannot be placed/],
    ['the poisoned object: a use after the destruction', 'early-destroy', ['drop', 'use:1'], [], 'sc', 'memory-error', /touched block 1 .*after it was freed/],
    ['the destructor runs once', 'increment-after-zero', ['drop', 'downgrade downgrade drop upgrade drop'], [1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0], 'sc', 'assertion', /the object's destructor runs a second time/],
    ['check_invariants: the counts are the handles held', 'racy-clone', ['clone', 'clone'], [0, 1], 'sc', 'assertion', /the counts say 3 strong handles and 0 weak handles, but the threads hold 4 strong handles/],
    ['check_invariants: the object lives while a strong handle does', 'early-destroy', ['downgrade drop', 'clone'], [], 'sc', 'assertion', /the destructor has run once while the threads hold 2 strong handles/],
    ['check_invariants: the block lives while a handle does', 'increment-after-zero', ['drop', 'downgrade drop upgrade'], [1, 1, 1, 0], 'sc', 'assertion', /the control block was given back while the threads hold 1 strong handle and 0 weak handles/],
    ['the drain: the object dies with the last strong handle', 'early-destroy', ['clone', 'clone'], [], 'sc', 'assertion', /draining the structure failed: arc: .*the destructor had run once with 1 strong handle left/],
  ];
  it.each(cases)('%s (%s)', (_, variant, threads, choices, memoryModel, check, message) => {
    const broken = verdict(variant, threads, choices, memoryModel);
    expect(broken?.check).toBe(check);
    expect(broken?.message).toMatch(message);
    expect(verdict('correct', threads, choices, memoryModel)).toBeNull();
  });

  it('relaxed-decrement and no-acquire-fence pass the same schedule under sc and tso: only c11 shows them', () => {
    for (const variant of ['relaxed-decrement', 'no-acquire-fence']) {
      for (const memoryModel of ['sc', 'tso'] as const) expect(verdict(variant, ['drop clone', 'use:1 drop'], [1, 1, 1, 0], memoryModel)).toBeNull();
    }
  });

  it("early-destroy on one thread: the setup's drop destroys the object, and the first access is a memory-error (not a real use after free, which ASan found before setup frees were poisoned)", () => {
    const run = a.runScenario({ target: 'arc', variant: 'early-destroy', threads: [ops('downgrade')] });
    expect(run.outcome).toMatchObject({ kind: 'memory-error', step: 1, thread: 0 });
    expect(run.outcome.message).toMatch(/after it was freed \(\d+ bytes, allocated at setup, freed at setup\)$/);
  });
});
