/**
 * Handle lifetimes under the garbage collector: a role handle keeps its
 * structure alive after the structure's own handle is collected, and
 * collecting handles in any order frees them without touching freed memory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

import { addon, type DequeWorkerHandle, type MpscConsumerHandle } from '../index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Collects garbage and lets Node run the finalizers it queued. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const a = addon();

describe('handles and the garbage collector', () => {
  it('a worker keeps its deque alive after the deque handle is collected', async () => {
    let worker: DequeWorkerHandle | undefined;
    let consumer: MpscConsumerHandle | undefined;
    (() => {
      const deque = a.dequeCreate({ capacity: 2 });
      worker = a.dequeWorker(deque);
      const queue = a.mpscCreate({ capacity: 2 });
      a.mpscTryPush(queue, 9);
      consumer = a.mpscConsumer(queue);
    })();
    await collect();
    for (let i = 0; i < 10; i++) expect(a.dequePush(worker!, i)).toBe(true);
    expect(a.dequePop(worker!)).toBe(9);
    expect(a.mpscPop(consumer!)).toEqual({ kind: 'success', value: 9 });
  });

  it('a collected stealer frees its slot for the next one', async () => {
    const deque = a.dequeCreate({ maxStealers: 1 });
    (() => a.dequeStealer(deque))();
    await collect();
    expect(a.dequeSteal(a.dequeStealer(deque))).toEqual({ kind: 'empty' });
  });

  it('thousands of handles dropped in any order are freed cleanly', async () => {
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) {
        const deque = a.dequeCreate({ capacity: 4 });
        const worker = a.dequeWorker(deque);
        a.dequePush(worker, i);
        a.dequeStealer(deque);
        if (i % 3 === 0) a.close(deque);
        const queue = a.mpscCreate({ capacity: 4 });
        a.mpscConsumer(queue);
        if (i % 5 === 0) a.close(worker);
      }
      await collect();
    }
    expect(a.dequeCheckInvariants(a.dequeCreate())).toBeNull();
  });
});
