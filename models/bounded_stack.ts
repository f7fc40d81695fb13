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

export interface BoundedStackModelConstraints {
  /** How many items fit. */
  capacity: number;
}

export function boundedStackModel(constraints: BoundedStackModelConstraints): Model<StackState> {
  return boundedCollectionModel('boundedStackModel', 'tagged-stack', constraints.capacity, 'newest', {
    fullWhile: {
      why: 'another push holds the last free node but has not pushed it, or a pop has not yet returned its node',
      concurrentWith: ['push', 'pop'],
    },
  });
}
