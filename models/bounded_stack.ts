/**
 * A bounded LIFO stack's sequential specification: the tagged Treiber
 * stack. The state is the items from oldest (bottom) to newest (top); a
 * push is refused when `capacity` items are present.
 *
 * The concurrent relaxation (try_push may report full while a pop has taken
 * an item but not yet returned its node) comes with the linearizability
 * checker, paired with a solo check.
 */
import { boundedCollectionModel, type CollectionInput, type CollectionOutput, type CollectionState } from './_internals/bounded_collection.js';
import type { Model } from './model.js';

export type StackInput = CollectionInput;
export type StackOutput = CollectionOutput;
export type StackState = CollectionState;

export interface BoundedStackModelConstraints {
  /** How many items fit. */
  capacity: number;
}

export function boundedStackModel(constraints: BoundedStackModelConstraints): Model<StackState, StackInput, StackOutput> {
  return boundedCollectionModel('boundedStackModel', 'tagged-stack', constraints.capacity, 'newest');
}
