import { describe, expect, it } from 'vitest';

import { addon } from '../index.js';

const a = addon();

describe('chase-lev deque through the addon', () => {
  it('owner pops LIFO, thieves steal FIFO, the ring grows', () => {
    const deque = a.dequeCreate({ capacity: 1 });
    const worker = a.dequeWorker(deque);
    const thief = a.dequeStealer(deque);
    for (let i = 0; i < 100; i++) expect(a.dequePush(worker, i)).toBe(true);
    expect(a.dequeSteal(thief)).toEqual({ kind: 'success', value: 0 });
    expect(a.dequePop(worker)).toBe(99);
    expect(a.dequeItems(deque)).toHaveLength(98);
    expect(a.dequeCheckInvariants(deque)).toBeNull();
    a.close(deque);
  });

  it('reports empty as undefined and { kind: "empty" }', () => {
    const deque = a.dequeCreate();
    expect(a.dequePop(a.dequeWorker(deque))).toBeUndefined();
    expect(a.dequeSteal(a.dequeStealer(deque))).toEqual({ kind: 'empty' });
  });

  it('refuses a push at maxCapacity and keeps the items', () => {
    const deque = a.dequeCreate({ capacity: 2, maxCapacity: 4 });
    const worker = a.dequeWorker(deque);
    for (const v of [1, 2, 3, 4]) expect(a.dequePush(worker, v)).toBe(true);
    expect(a.dequePush(worker, 5)).toBe(false);
    expect(a.dequeItems(deque)).toEqual([1, 2, 3, 4]);
  });

  it('checks roles: a thief cannot pop, one worker, maxStealers thieves', () => {
    const deque = a.dequeCreate({ maxStealers: 1 });
    const worker = a.dequeWorker(deque);
    const thief = a.dequeStealer(deque);
    // @ts-expect-error a stealer handle where a worker is required
    expect(() => a.dequePop(thief)).toThrow(new TypeError('dequePop: argument 1 (worker) must be a deque worker handle, got a deque stealer handle'));
    // @ts-expect-error a worker handle where a stealer is required
    expect(() => a.dequeSteal(worker)).toThrow(TypeError);
    expect(() => a.dequeWorker(deque)).toThrow(/dequeWorker: the deque already has an open worker/);
    expect(() => a.dequeStealer(deque)).toThrow(/dequeStealer: every stealer slot \(maxStealers\) is taken/);
    a.close(worker);
    a.close(thief);
    expect(a.dequePush(a.dequeWorker(deque), 1)).toBe(true);
    expect(a.dequeSteal(a.dequeStealer(deque))).toEqual({ kind: 'success', value: 1 });
  });

  it('closing the deque closes its roles; use after close is a TypeError; close is idempotent', () => {
    const deque = a.dequeCreate();
    const worker = a.dequeWorker(deque);
    a.close(deque);
    a.close(deque);
    expect(() => a.dequePush(worker, 1)).toThrow(new TypeError('dequePush: argument 1 (worker) is a closed deque worker handle'));
    expect(() => a.dequeItems(deque)).toThrow(new TypeError('dequeItems: argument 1 (deque) is a closed deque handle'));
    expect(() => a.dequeStealer(deque)).toThrow(TypeError);
  });

  it('rejects bad options and values with the function and argument named', () => {
    expect(() => a.dequeCreate({ capacity: 0 })).toThrow(new RangeError('dequeCreate: option capacity must be an integer from 1 to 1048576, got 0'));
    expect(() => a.dequeCreate({ capacity: -3 })).toThrow(RangeError);
    expect(() => a.dequeCreate({ capacity: 8, maxCapacity: 4 })).toThrow(/option maxCapacity must be an integer from 8 to/);
    // @ts-expect-error a string capacity
    expect(() => a.dequeCreate({ capacity: '8' })).toThrow(new TypeError('dequeCreate: option capacity must be a number, got a string'));
    // @ts-expect-error an unknown option
    expect(() => a.dequeCreate({ size: 8 })).toThrow(/dequeCreate: unknown option 'size'/);
    expect(() => a.dequeCreate({ variant: 'nope' })).toThrow(/option variant must be one of correct, pop-without-fence/);
    const worker = a.dequeWorker(a.dequeCreate());
    expect(() => a.dequePush(worker, 1.5)).toThrow(new RangeError('dequePush: argument 2 (value) must be a safe integer, got 1.5'));
    expect(() => a.dequePush(worker, 2 ** 53)).toThrow(RangeError);
    // @ts-expect-error a missing value
    expect(() => a.dequePush(worker)).toThrow(new TypeError('dequePush: expected 2 argument(s), got 1'));
  });
});
