/**
 * A bounded FIFO queue's sequential specification: the MPMC queue and the
 * MPSC queue. The state is the items from oldest to newest; a push is
 * refused when `capacity` items are present.
 *
 * Concurrent relaxations (Vyukov's try_pop may report empty while a push
 * with an earlier ticket is in flight; the MPSC pop returns Retry while a
 * producer is between its exchange and its link) come with the
 * linearizability checker, each paired with a solo check.
 */
import { boundedCollectionModel, type CollectionInput, type CollectionOutput, type CollectionState } from './_internals/bounded_collection.js';
import type { Model } from './model.js';

export type QueueInput = CollectionInput;
export type QueueOutput = CollectionOutput;
export type QueueState = CollectionState;

export interface BoundedQueueModelConstraints {
  /** How many items fit. */
  capacity: number;
  /** The target name reported. @defaultValue 'mpmc-queue' */
  name?: string;
}

export function boundedQueueModel(constraints: BoundedQueueModelConstraints): Model<QueueState, QueueInput, QueueOutput> {
  return boundedCollectionModel('boundedQueueModel', constraints.name ?? 'mpmc-queue', constraints.capacity, 'oldest');
}
