import { describe, expect, it } from 'vitest';

import { boundedQueueModel } from './bounded_queue.js';
import { boundedStackModel } from './bounded_stack.js';
import { dequeModel } from './deque.js';
import type { Model } from './model.js';

/** Runs `inputs` from init, taking the single outcome each time; returns outputs and final state. */
function run<S, I, O>(model: Model<S, I, O>, inputs: I[]): { outputs: O[]; state: S } {
  let state = model.init();
  const outputs: O[] = [];
  for (const input of inputs) {
    const outcomes = model.step(state, input);
    expect(outcomes).toHaveLength(1);
    outputs.push(outcomes[0]!.output);
    state = outcomes[0]!.state;
  }
  return { outputs, state };
}

describe('dequeModel', () => {
  it('pops LIFO at the bottom and steals FIFO at the top', () => {
    const m = dequeModel();
    const { outputs, state } = run(m, [
      { op: 'push', arg: 1 },
      { op: 'push', arg: 2 },
      { op: 'push', arg: 3 },
      { op: 'steal' },
      { op: 'pop' },
    ]);
    expect(outputs).toEqual([true, true, true, 1, 3]);
    expect(m.describeState(state)).toBe('[2] (top first)');
  });

  it('reports empty and refuses pushes past maxCapacity', () => {
    const m = dequeModel({ maxCapacity: 1 });
    const { outputs } = run(m, [{ op: 'pop' }, { op: 'steal' }, { op: 'push', arg: 5 }, { op: 'push', arg: 6 }]);
    expect(outputs).toEqual([null, null, true, false]);
    expect(m.describeOperation({ op: 'pop' }, null)).toBe('pop() → empty');
    expect(() => dequeModel({ maxCapacity: 0 })).toThrow(RangeError);
  });
});

describe('bounded queue and stack models', () => {
  it('the queue is FIFO and full at capacity', () => {
    const { outputs } = run(boundedQueueModel({ capacity: 2 }), [
      { op: 'push', arg: 1 },
      { op: 'push', arg: 2 },
      { op: 'push', arg: 3 },
      { op: 'pop' },
      { op: 'pop' },
      { op: 'pop' },
    ]);
    expect(outputs).toEqual([true, true, false, 1, 2, null]);
  });

  it('the stack is LIFO and full at capacity', () => {
    const m = boundedStackModel({ capacity: 2 });
    const { outputs } = run(m, [
      { op: 'push', arg: 1 },
      { op: 'push', arg: 2 },
      { op: 'push', arg: 3 },
      { op: 'pop' },
      { op: 'pop' },
      { op: 'pop' },
    ]);
    expect(outputs).toEqual([true, true, false, 2, 1, null]);
    expect(m.name).toBe('tagged-stack');
  });

  it('rejects bad capacities with the API named', () => {
    expect(() => boundedQueueModel({ capacity: 0 })).toThrow(/boundedQueueModel: capacity/);
    expect(() => boundedStackModel({ capacity: 1.5 })).toThrow(/boundedStackModel: capacity/);
  });
});
