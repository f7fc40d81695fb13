/**
 * The bounded MPMC queue's specification: a FIFO queue of `capacity` items.
 * The state is the items from oldest to newest.
 *
 * Relaxations (Vyukov's queue, in which a ticket is claimed by a CAS before
 * the slot is written or read):
 * - pop may report empty (null) while a push is in flight: the push with the
 *   next ticket has claimed its slot but not yet published it;
 * - push may report full (false) while a pop is in flight: the pop has
 *   claimed the slot of the previous lap but not yet released it.
 * Their solo check: with no push (no pop) in flight, neither is taken. The
 * operation in flight may be paused, so a pop during which no other thread
 * steps can still see the unpublished slot: interference is not required.
 *
 * `strict: true` drops both relaxations: a push reports full only when
 * `capacity` items are queued, a pop empty only when none is. The SPSC
 * ring is strict under sequential consistency: each side decides full or
 * empty on the other side's index loaded at that moment, and publishes
 * with one store. Under TSO and C11 it needs the relaxations (the other
 * side's index store may still be buffered: store buffering).
 */
import { boundedCollectionModel, type CollectionState } from './_internals/bounded_collection.js';
import type { Model } from './model.js';

export type QueueState = CollectionState;

/**
 * Options of {@link boundedQueueModel}.
 *
 * @example
 * boundedQueueModel({ capacity: 4, name: 'my-queue' } satisfies BoundedQueueModelConstraints);
 */
export interface BoundedQueueModelConstraints {
  /** How many items fit. */
  capacity: number;
  /** The name the model reports. @defaultValue 'bounded-queue' */
  name?: string;
  /** No relaxed outcome (see above). @defaultValue false */
  strict?: boolean;
}

/**
 * The bounded MPMC queue's model: a FIFO queue of `capacity` items (push → true, or false when
 * full; pop → the oldest item, or null when empty), with the relaxations of Vyukov's queue: a
 * pop may report empty while a push is in flight, a push full while a pop is. Throws a RangeError naming it for a capacity that is not a positive integer.
 *
 * @example
 * const m = boundedQueueModel({ capacity: 2 });
 * m.step(m.init(), { op: 'push', arg: 1 }); // [{ output: true, state: [1] }, { output: false, state: [], relaxed: { why: 'a pop has claimed ...', concurrentWith: ['pop'] } }]
 */
export function boundedQueueModel(constraints: BoundedQueueModelConstraints): Model<QueueState> {
  const name = constraints.name ?? 'bounded-queue';
  if (constraints.strict === true) return boundedCollectionModel('boundedQueueModel', name, constraints.capacity, 'oldest');
  return boundedCollectionModel('boundedQueueModel', name, constraints.capacity, 'oldest', {
    emptyWhile: { why: 'a push has claimed the next ticket but not yet published its slot', concurrentWith: ['push'] },
    fullWhile: { why: 'a pop has claimed the previous lap of the slot but not yet released it', concurrentWith: ['pop'] },
  });
}
