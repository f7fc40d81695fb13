// The public API without the helper: a model written here (a plain object,
// Porcupine-style), a scenario run under every schedule, each history checked.
import { expect, test } from 'vitest';
import { boundedQueueModel, checkLinearizability, describeCall, historyOfRun, parseHistory, runScenario, type Model, type Scenario } from 'lockstep';

/**
 * An unbounded FIFO queue: push(v) → true; pop() → the oldest item, or null
 * when empty. Vyukov's queue may also report empty while a push is in flight
 * (it has claimed its slot, not yet published it): a relaxed outcome.
 */
const fifo: Model<readonly number[]> = {
  name: 'fifo',
  init: () => [],
  step(items, input) {
    if (input.op === 'push') return [{ output: true, state: [...items, input.arg as number] }];
    if (input.op !== 'pop') return [];
    const emptyWhilePushing = { why: 'a push has claimed its slot but not yet published it', concurrentWith: ['push'] };
    return items.length === 0 ? [{ output: null, state: items }] : [{ output: items[0]!, state: items.slice(1) }, { output: null, state: items, relaxed: emptyWhilePushing }];
  },
  key: (items) => items.join(','),
  describeOperation: describeCall,
  describeState: (items) => `[${items.join(', ')}]`,
};

const scenario: Scenario = {
  target: 'mpmc-queue',
  setup: { capacity: 4 },
  threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }], [{ op: 'pop' }, { op: 'pop' }]],
};

test('every schedule within 2 preemptions is linearizable, to the built-in model and to ours', () => {
  const all = runScenario({ ...scenario, schedule: { kind: 'exhaustive', preemptionBound: 2 } });
  expect(all.complete).toBe(true);
  for (const run of all.results) {
    expect(run.outcome.kind).toBe('ok');
    expect(checkLinearizability(boundedQueueModel({ capacity: 4 }), historyOfRun(run))).toEqual({ kind: 'ok' });
    expect(checkLinearizability(fifo, historyOfRun(run))).toEqual({ kind: 'ok' });
  }
});

test('a history from elsewhere is checked the same way', () => {
  const history = parseHistory({
    format: 1,
    operations: [
      { thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true },
      { thread: 1, op: 'pop', call: 2, return: 3, result: 2 },
    ],
  });
  const verdict = checkLinearizability(fifo, history);
  expect(verdict.kind).toBe('illegal');
});
