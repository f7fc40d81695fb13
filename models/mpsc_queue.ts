/**
 * The MPSC queue's specification: a FIFO queue of `capacity` items; any
 * thread pushes, one consumer pops. The state is the items from oldest to
 * newest.
 *
 * Relaxations (Vyukov's node queue over a node pool):
 * - pop may return 'retry' while a push is in flight: a producer has
 *   exchanged the head (its item is queued) but not yet linked its node, so
 *   the items behind that link cannot be reached yet;
 * - push may report full (false) while another push or a pop is in flight:
 *   another producer holds the last free node but has not yet linked it
 *   (its item is not in the queue yet), or the consumer has taken an item
 *   but not yet returned the old stub node to the pool.
 * Their solo check: with no push (no pop) in flight, neither is taken; the
 * operation in flight may be paused. Empty (null) is never relaxed.
 */
import { boundedCollectionModel, type CollectionState } from './_internals/bounded_collection.js';
import type { Model } from './model.js';

/**
 * Options of {@link mpscQueueModel}.
 *
 * @example
 * mpscQueueModel({ capacity: 3 } satisfies MpscQueueModelConstraints);
 */
export interface MpscQueueModelConstraints {
  /** How many items fit. */
  capacity: number;
}

/**
 * The MPSC queue's model: a FIFO queue of `capacity` items that any thread pushes and one
 * consumer pops; a pop may return 'retry' while a push is in flight, and a push report full
 * while another push or a pop is.
 *
 * @example
 * const m = mpscQueueModel({ capacity: 1 });
 * m.step([], { op: 'pop' }); // [{ output: null, state: [] }, { output: 'retry', state: [], relaxed: { why: 'a producer has exchanged the head ...', concurrentWith: ['push'] } }]
 */
export function mpscQueueModel(constraints: MpscQueueModelConstraints): Model<CollectionState> {
  return boundedCollectionModel('mpscQueueModel', 'bounded-mpsc-queue', constraints.capacity, 'oldest', {
    retryWhile: { why: 'a producer has exchanged the head but not yet linked its node', concurrentWith: ['push'] },
    fullWhile: {
      why: 'another producer holds the last free node but has not linked it, or the consumer has not yet returned the old stub',
      concurrentWith: ['push', 'pop'],
    },
  });
}
