/**
 * The tagged Treiber stack's specification: a LIFO stack of `capacity`
 * items. The state is the items from bottom (oldest) to top (newest).
 *
 * Relaxation (the stack takes its nodes from a free list): push may report
 * full (false) while another push or a pop is in flight — another push has
 * taken the last free node but not yet pushed it onto the stack, or a pop
 * has taken an item but not yet returned its node (either may be paused).
 * With neither in flight a push never reports full below capacity; empty
 * is never relaxed.
 */
import { boundedCollectionModel, type CollectionState } from './_internals/bounded_collection.js';
import type { Model } from './model.js';

export type StackState = CollectionState;

/**
 * Options of {@link boundedStackModel}.
 *
 * @example
 * boundedStackModel({ capacity: 3 } satisfies BoundedStackModelConstraints);
 */
export interface BoundedStackModelConstraints {
  /** How many items fit. */
  capacity: number;
}

/**
 * The tagged stack's model: a LIFO stack of `capacity` items (push → true, or false when full;
 * pop → the newest item, or null when empty); a push may report full while another push or a
 * pop is in flight (the free list's nodes are in transit).
 *
 * @example
 * const m = boundedStackModel({ capacity: 2 });
 * m.step([1], { op: 'pop' }); // [{ output: 1, state: [] }]
 */
export function boundedStackModel(constraints: BoundedStackModelConstraints): Model<StackState> {
  return boundedCollectionModel('boundedStackModel', 'bounded-stack', constraints.capacity, 'newest', {
    fullWhile: {
      why: 'another push holds the last free node but has not pushed it, or a pop has not yet returned its node',
      concurrentWith: ['push', 'pop'],
    },
  });
}
