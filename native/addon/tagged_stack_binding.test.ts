import { describe, expect, it } from 'vitest';

import { addon } from '../index.js';

const a = addon();

describe('tagged stack through the addon', () => {
  it('is LIFO, full at capacity, empty as undefined', () => {
    const stack = a.stackCreate({ capacity: 2 });
    expect(a.stackTryPop(stack)).toBeUndefined();
    expect([a.stackTryPush(stack, 1), a.stackTryPush(stack, 2), a.stackTryPush(stack, 3)]).toEqual([true, true, false]);
    expect(a.stackItems(stack)).toEqual([2, 1]);
    expect(a.stackTryPop(stack)).toBe(2);
    expect(a.stackCheckInvariants(stack)).toBeNull();
  });

  it('rejects bad capacities and values, and use after close', () => {
    expect(() => a.stackCreate({ capacity: -1 })).toThrow(RangeError);
    expect(() => a.stackCreate({ capacity: 1.5 })).toThrow(RangeError);
    // @ts-expect-error options must be an object
    expect(() => a.stackCreate(3)).toThrow(new TypeError('stackCreate: argument 1 (options) must be an object or undefined, got 3'));
    const stack = a.stackCreate();
    // @ts-expect-error a bigint value
    expect(() => a.stackTryPush(stack, 1n)).toThrow(new TypeError('stackTryPush: argument 2 (value) must be a number, got a bigint'));
    expect(() => a.stackTryPush(stack, Number.NaN)).toThrow(new RangeError('stackTryPush: argument 2 (value) must be a safe integer, got NaN'));
    a.close(stack);
    expect(() => a.stackTryPop(stack)).toThrow(/closed tagged stack handle/);
    // @ts-expect-error close takes a handle
    expect(() => a.close({})).toThrow(new TypeError('close: argument 1 (handle) must be a lockstep handle, got an object'));
  });
});
