import { describe, expect, it } from 'vitest';

import { arcModel, type ArcState } from './arc.js';
import { boundedQueueModel } from './bounded_queue.js';
import { boundedStackModel } from './bounded_stack.js';
import { dequeModel } from './deque.js';
import { keyValueModel } from './key_value.js';
import type { Input, Json, Model } from './model.js';
import { mpscQueueModel } from './mpsc_queue.js';
import { registerModel } from './register.js';
import { setModel } from './set.js';

/** Runs `inputs` from init taking the strict outcome each time; returns the outputs and the final state. */
function run<S>(model: Model<S>, inputs: Input[]): { outputs: (Json | undefined)[]; state: S } {
  let state = model.init();
  const outputs: (Json | undefined)[] = [];
  for (const input of inputs) {
    const strict = model.step(state, input).filter((o) => o.relaxed === undefined);
    expect(strict, `${input.op} has one strict outcome`).toHaveLength(1);
    outputs.push(strict[0]!.output);
    state = strict[0]!.state;
  }
  return { outputs, state };
}

const push = (arg: number): Input => ({ op: 'push', arg });
const pop: Input = { op: 'pop' };

describe('dequeModel', () => {
  it('pops LIFO at the bottom and steals FIFO at the top', () => {
    const m = dequeModel();
    const { outputs, state } = run(m, [push(1), push(2), push(3), { op: 'steal' }, pop]);
    expect(outputs).toEqual([true, true, true, 1, 3]);
    expect(m.describeState(state)).toBe('[2] (top first)');
  });

  it('reports empty, refuses pushes past maxCapacity, and relaxes only steal to retry', () => {
    const m = dequeModel({ maxCapacity: 1 });
    expect(run(m, [pop, { op: 'steal' }, push(5), push(6)]).outputs).toEqual([null, null, true, false]);
    const relaxed = m.step([7], { op: 'steal' }).filter((o) => o.relaxed);
    expect(relaxed).toEqual([{ output: 'retry', state: [7], relaxed: expect.objectContaining({ concurrentWith: ['push', 'pop', 'steal'], needsInterference: true }) }]);
    expect(m.step([7], pop).some((o) => o.relaxed)).toBe(false);
    expect(() => dequeModel({ maxCapacity: 0 })).toThrow(RangeError);
  });
});

describe('queue and stack models', () => {
  it('the MPMC queue is FIFO and full at capacity; relaxes empty and full', () => {
    const m = boundedQueueModel({ capacity: 2 });
    expect(run(m, [push(1), push(2), push(3), pop, pop, pop]).outputs).toEqual([true, true, false, 1, 2, null]);
    expect(m.step([1], pop).find((o) => o.relaxed)).toMatchObject({ output: null, state: [1], relaxed: { concurrentWith: ['push'] } });
    expect(m.step([], push(1)).find((o) => o.relaxed)).toMatchObject({ output: false, state: [], relaxed: { concurrentWith: ['pop'] } });
  });

  it('the strict queue (the SPSC ring) relaxes nothing', () => {
    const m = boundedQueueModel({ capacity: 2, name: 'spsc-ring', strict: true });
    expect(m.name).toBe('spsc-ring');
    expect(run(m, [push(1), push(2), push(3), pop, pop, pop]).outputs).toEqual([true, true, false, 1, 2, null]);
    expect(m.step([1], pop).some((o) => o.relaxed)).toBe(false);
    expect(m.step([], push(1)).some((o) => o.relaxed)).toBe(false);
  });

  it('the MPSC queue relaxes pop to retry, never to empty', () => {
    const m = mpscQueueModel({ capacity: 2 });
    expect(m.step([1], pop).filter((o) => o.relaxed).map((o) => o.output)).toEqual(['retry']);
    expect(m.step([], pop).filter((o) => o.relaxed).map((o) => o.output)).toEqual(['retry']);
  });

  it('the stack is LIFO and full at capacity; relaxes only full', () => {
    const m = boundedStackModel({ capacity: 2 });
    expect(run(m, [push(1), push(2), push(3), pop, pop, pop]).outputs).toEqual([true, true, false, 2, 1, null]);
    expect(m.step([1], pop).some((o) => o.relaxed)).toBe(false);
    expect(m.step([], push(1)).find((o) => o.relaxed)).toMatchObject({ output: false, relaxed: { concurrentWith: ['push', 'pop'] } });
  });

  it('rejects bad capacities with the API named', () => {
    expect(() => boundedQueueModel({ capacity: 0 })).toThrow(/boundedQueueModel: capacity/);
    expect(() => boundedStackModel({ capacity: 1.5 })).toThrow(/boundedStackModel: capacity/);
  });
});

describe('arcModel', () => {
  const m = arcModel();
  const outputs = (s: ArcState, op: string, arg?: number) => m.step(s, arg === undefined ? { op } : { op, arg }).map((o) => o.output);
  const after = (s: ArcState, op: string, output: unknown, arg?: number) => m.step(s, arg === undefined ? { op } : { op, arg }).find((o) => o.output === output)!.state;

  it('learns the start of the count from the history: a drop may destroy only where the count can be 1', () => {
    let s = m.init();
    expect(outputs(s, 'drop')).toEqual([null, false, 0]); // the start is unknown: 1 fits
    s = after(s, 'use', true, 5);
    s = after(s, 'drop', false); // so the start was at least 2
    expect(s).toEqual([1, 5, -1, 2]);
    expect(outputs(s, 'drop')).toEqual([null, false, 5]);
    s = after(s, 'clone', true);
    expect(outputs(s, 'drop')).toEqual([null, false]); // the count is at least 2 now
    expect(m.describeState(s)).toBe('alive, uses sum to 5; strong count: the start + 0, the start at least 2');
  });

  it('after the destruction every op returns null, and upgrade false; no relaxation', () => {
    const s = after(m.init(), 'drop', 0);
    expect(s).toEqual([0, 0, 0, 0]);
    for (const op of ['clone', 'drop', 'use', 'downgrade']) expect(outputs(s, op, op === 'use' ? 1 : undefined)).toEqual([null]);
    expect(outputs(s, 'upgrade')).toEqual([null, false]);
    expect(outputs(m.init(), 'upgrade')).toEqual([null, true]);
    expect(m.step(m.init(), { op: 'drop' }).some((o) => o.relaxed)).toBe(false);
  });
});

describe('example models', () => {
  it('register: write, read, cas', () => {
    expect(run(registerModel(), [{ op: 'read' }, { op: 'write', arg: 3 }, { op: 'cas', arg: [3, 4] }, { op: 'cas', arg: [3, 5] }, { op: 'read' }]).outputs).toEqual([0, undefined, true, false, 4]);
  });

  it('key-value: partitions by key', () => {
    const m = keyValueModel();
    const ops = [
      { op: 'put', arg: ['a', 1] },
      { op: 'get', arg: 'b' },
      { op: 'get', arg: 'a' },
    ];
    expect(m.partition!(ops)).toEqual([[ops[0], ops[2]], [ops[1]]]);
    expect(run(m, [ops[0]!, ops[2]!]).outputs).toEqual([undefined, 1]);
  });

  it('set: add, remove, contains, partitioned by element', () => {
    const m = setModel();
    expect(run(m, [{ op: 'add', arg: 1 }, { op: 'add', arg: 1 }, { op: 'contains', arg: 1 }, { op: 'remove', arg: 1 }, { op: 'remove', arg: 1 }]).outputs).toEqual([true, false, true, true, false]);
    expect(m.partition!([{ op: 'add', arg: 1 }, { op: 'add', arg: 2 }])).toHaveLength(2);
  });
});
