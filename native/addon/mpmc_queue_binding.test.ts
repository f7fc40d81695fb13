import { describe, expect, it } from 'vitest';

import { addon } from '../index.js';

const a = addon();

describe('mpmc queue through the addon', () => {
  it('is FIFO, full at capacity, empty as undefined', () => {
    const queue = a.mpmcCreate({ capacity: 2 });
    expect(a.mpmcTryPop(queue)).toBeUndefined();
    expect([a.mpmcTryPush(queue, 1), a.mpmcTryPush(queue, 2), a.mpmcTryPush(queue, 3)]).toEqual([true, true, false]);
    expect(a.mpmcItems(queue)).toEqual([1, 2]);
    expect(a.mpmcTryPop(queue)).toBe(1);
    expect(a.mpmcCheckInvariants(queue)).toBeNull();
  });

  it('rejects bad capacities, wrong handles and use after close', () => {
    expect(() => a.mpmcCreate({ capacity: 0 })).toThrow(new RangeError('mpmcCreate: option capacity must be an integer from 1 to 1048576, got 0'));
    expect(() => a.mpmcCreate({ capacity: 2 ** 21 })).toThrow(RangeError);
    const stack = a.stackCreate();
    // @ts-expect-error a stack handle where a queue is required
    expect(() => a.mpmcTryPop(stack)).toThrow(new TypeError('mpmcTryPop: argument 1 (queue) must be an mpmc queue handle, got a tagged stack handle'));
    const queue = a.mpmcCreate();
    a.close(queue);
    expect(() => a.mpmcTryPush(queue, 1)).toThrow(new TypeError('mpmcTryPush: argument 1 (queue) is a closed mpmc queue handle'));
  });
});
