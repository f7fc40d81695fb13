import { describe, expect, it } from 'vitest';

import { addon } from '../index.js';

const a = addon();

describe('mpsc queue through the addon', () => {
  it('is FIFO through the one consumer, full at capacity', () => {
    const queue = a.mpscCreate({ capacity: 2 });
    const consumer = a.mpscConsumer(queue);
    expect(a.mpscPop(consumer)).toEqual({ kind: 'empty' });
    expect([a.mpscTryPush(queue, 1), a.mpscTryPush(queue, 2), a.mpscTryPush(queue, 3)]).toEqual([true, true, false]);
    expect(a.mpscItems(queue)).toEqual([1, 2]);
    expect(a.mpscPop(consumer)).toEqual({ kind: 'success', value: 1 });
    expect(a.mpscCheckInvariants(queue)).toBeNull();
  });

  it('allows one consumer at a time; the queue handle cannot pop', () => {
    const queue = a.mpscCreate();
    const consumer = a.mpscConsumer(queue);
    expect(() => a.mpscConsumer(queue)).toThrow(/mpscConsumer: the queue already has an open consumer/);
    // @ts-expect-error the queue handle where the consumer is required
    expect(() => a.mpscPop(queue)).toThrow(new TypeError('mpscPop: argument 1 (consumer) must be an mpsc consumer handle, got an mpsc queue handle'));
    a.close(consumer);
    expect(() => a.mpscPop(consumer)).toThrow(/is a closed mpsc consumer handle/);
    expect(a.mpscPop(a.mpscConsumer(queue))).toEqual({ kind: 'empty' });
    a.close(queue);
    expect(() => a.mpscTryPush(queue, 1)).toThrow(TypeError);
  });
});
