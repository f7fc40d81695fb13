/**
 * What a rendered interleaving tells beyond the steps: the blocks allocated
 * and freed during the run, each a row in its thread's column at the place
 * it happened, so that a use-after-free report shows the free before the
 * use; and under C11, the store a stale access missed (thread, step, value).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type RunResult, type Scenario, type ScenarioCall } from '../native/index.js';
import { SPECS } from '../properties/_internals/specs.js';
import { caseArbitrary } from '../properties/scenarios.js';
import { runOptions } from '../properties/_internals/run_options.js';
import { describeAccess, renderInterleaving } from './render.js';

const a = addon();

/** The rendered table's rows, each as its cells (step, thread 0, thread 1, ...), trimmed. */
const rowsOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .slice(1) // the header (the rule below it starts with |-)
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    );

// The thief's hazard still waits in its store buffer (TSO) when the owner's growth frees the ring the thief then reads.
const stealWithoutFence: Scenario = {
  target: 'chase-lev-deque',
  variant: 'steal-without-fence',
  setup: { capacity: 1, maxCapacity: 2 },
  threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }], [{ op: 'steal' }]],
  schedule: { kind: 'choices', choices: [0, 0, 0, 0, 2, 0, 2, 1, 1, 1, 1, 1, 0] },
  memoryModel: 'tso',
};
// Without the re-check of the buffer, a steal reads a ring freed by growth (SC).
const stealWithoutRecheck: Scenario = {
  target: 'chase-lev-deque',
  variant: 'steal-without-buffer-recheck',
  setup: { capacity: 1 },
  threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }], [{ op: 'steal' }]],
  schedule: { kind: 'choices', choices: [1, 1, 0] },
};

describe('block rows', () => {
  it.each([
    ['tso', stealWithoutFence, 22],
    ['sc', stealWithoutRecheck, 15],
  ] as const)('a use-after-free report (%s) shows the free in the freeing thread, before the use', (_, scenario, freedAfter) => {
    const run = a.runScenario({ ...scenario, trace: true });
    expect(run.outcome).toMatchObject({ kind: 'memory-error', thread: 1 });
    expect(run.outcome.message).toContain(`after it was freed (24 bytes, allocated at setup, freed by thread 0 after step ${freedAfter})`);
    expect(run.trace?.find((e) => e.access === 'free')).toEqual({ step: freedAfter, thread: 0, access: 'free', block: 1, bytes: 24, call: 1 });
    const rows = rowsOf(renderInterleaving(scenario, run));
    const free = rows.findIndex((r) => r[1] === 'free block1 (24 bytes)');
    const use = rows.findIndex((r) => r[0]!.endsWith('✗'));
    expect(free).toBeGreaterThan(0);
    expect(use).toBeGreaterThan(free);
    // After the owner's step that made it, before the next one; no step number of its own.
    expect(rows[free]![0]).toBe('');
    expect(rows[free - 1]![0]).toBe(String(freedAfter));
    expect(rows[free + 1]![0]).toBe(String(freedAfter + 1));
    expect(rows[use]![2]).toMatch(/^ring1\[0\] ➜ \?/);
    // The new ring is allocated before its first slot is written.
    const allocate = rows.findIndex((r) => r[1] === 'allocate block2 (32 bytes)');
    expect(allocate).toBeGreaterThan(0);
    expect(allocate).toBeLessThan(rows.findIndex((r) => r.some((cell) => cell.includes('ring2['))));
  });

  it('a free after a call\'s last access comes before its return; an allocation of the next call after that call', () => {
    // Thread 0: call 0 (pop) ends with a free after its last access (step 2) and returns there;
    // call 1 (push) begins there and allocates before its first access (step 3).
    const scenario: Scenario = { target: 'chase-lev-deque', threads: [[{ op: 'pop' }, { op: 'push', arg: 7 }]] };
    const run: RunResult = {
      outcome: { kind: 'ok' },
      history: [
        { thread: 0, index: 0, op: 'pop', call: 0, return: 2, result: null, solo: true },
        { thread: 0, index: 1, op: 'push', arg: 7, call: 2, return: 3, result: true, solo: true },
      ],
      pending: [],
      choices: [],
      steps: 3,
      trace: [
        { step: 1, thread: 0, location: 'bottom', access: 'load', order: 'relaxed', read: 0 },
        { step: 2, thread: 0, location: 'top', access: 'load', order: 'acquire', read: 0 },
        { step: 2, thread: 0, access: 'free', block: 1, bytes: 24, call: 0 },
        { step: 2, thread: 0, access: 'allocate', block: 2, bytes: 32, call: 1 },
        { step: 3, thread: 0, location: 'ring2[0]', access: 'cell-write', order: 'relaxed', written: 7 },
      ],
    };
    expect(rowsOf(renderInterleaving(scenario, run)).map((r) => `${r[0]}|${r[1]}`)).toEqual([
      '|pop()',
      '1|bottom ➜ 0',
      '2|top ➜ 0 (acquire)',
      '|free block1 (24 bytes)',
      '|→ empty',
      '|push(7)',
      '|allocate block2 (32 bytes)',
      '3|ring2[0] = 7',
      '|→ true',
    ]);
  });
});

describe('stale accesses name the store they missed', () => {
  // Thread 0 stores first; thread 1's access then takes the oldest place it may (memory choice 0).
  const litmus = (first: ScenarioCall[], second: ScenarioCall[]): RunResult =>
    a.runScenario({ target: 'litmus', threads: [first, second], memoryModel: 'c11', schedule: { kind: 'choices', choices: [0, 0, 0] }, trace: true });
  const last = (run: RunResult) => run.trace!.at(-1)!;

  it('a load of an older store', () => {
    const run = litmus([{ op: 'store-x.rlx', arg: 1 }], [{ op: 'load-x.rlx' }]);
    expect(last(run)).toMatchObject({ step: 2, thread: 1, read: 0, stale: true, missed: { thread: 0, step: 1, value: 1, newer: 1 } });
    expect(describeAccess(last(run))).toBe('x ➜ 0 (stale: missed x = 1 by thread 0 at step 1)');
  });

  it('a load that missed two stores names the newest', () => {
    const run = litmus([{ op: 'store-x.rlx', arg: 1 }, { op: 'store-x.rlx', arg: 2 }], [{ op: 'load-x.rlx' }]);
    expect(describeAccess(last(run))).toBe('x ➜ 0 (stale: missed 2 newer stores, the newest x = 2 by thread 0 at step 2)');
  });

  it('a store placed before a newer one, and a read-modify-write', () => {
    const store = litmus([{ op: 'store-x.rlx', arg: 1 }], [{ op: 'store-x.rlx', arg: 2 }]);
    expect(describeAccess(last(store))).toBe('x = 2 (before a newer store: x = 1 by thread 0 at step 1)');
    const rmw = litmus([{ op: 'store-x.rlx', arg: 1 }], [{ op: 'fadd-x.rlx', arg: 5 }]);
    expect(describeAccess(last(rmw))).toBe('x ➜ 0 = 5 (stale: missed x = 1 by thread 0 at step 1)');
  });

  it('in any C11 run of any target, a stale access names a store of the same trace: its location, thread, step and value', () => {
    const targets = a.listTargets().filter((t) => t.name in SPECS);
    const cases = fc
      .constantFrom(...targets)
      .chain((t) => fc.constantFrom(...t.variants.map((v) => v.name)).chain((v) => caseArbitrary(t, v, { strategy: 'mixed', memoryModel: 'c11' })));
    let stale = 0;
    fc.assert(
      fc.property(cases, ({ scenario }) => {
        const trace = a.runScenario({ ...scenario, trace: true }).trace!;
        for (const e of trace.filter((x) => x.stale)) {
          stale++;
          const m = e.missed!;
          const store = trace.find((s) => s.step === m.step && s.thread === m.thread && s.location === e.location && s.written !== undefined);
          expect(store?.written, `step ${e.step} of ${JSON.stringify(scenario)}`).toEqual(m.value);
          expect(m.step).toBeLessThan(e.step);
          expect(m.newer).toBeGreaterThanOrEqual(1);
          expect(describeAccess(e)).toContain(`${e.location} = ${m.value} by thread ${m.thread} at step ${m.step}`);
        }
      }),
      runOptions(300),
    );
    expect(stale).toBeGreaterThan(0); // the property saw some
  });
});
