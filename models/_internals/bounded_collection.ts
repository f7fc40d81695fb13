/**
 * A bounded collection with push and pop, popping the oldest item (FIFO) or
 * the newest (LIFO): the shared core of the queue and stack models. The
 * state is the items from oldest to newest.
 */
import { describeOutput, sameItems, type Model } from '../model.js';

export type CollectionInput = { op: 'push'; arg: number } | { op: 'pop' };
/** push: accepted? pop: the item, or null for empty. */
export type CollectionOutput = boolean | number | null;
export type CollectionState = readonly number[];

export function boundedCollectionModel(
  api: string,
  name: string,
  capacity: number,
  popFrom: 'oldest' | 'newest',
): Model<CollectionState, CollectionInput, CollectionOutput> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`${api}: capacity must be a positive integer, got ${capacity}`);
  }
  return {
    name,
    init: () => [],
    step(state, input) {
      if (input.op === 'push') {
        if (state.length >= capacity) return [{ output: false, state }];
        return [{ output: true, state: [...state, input.arg] }];
      }
      if (state.length === 0) return [{ output: null, state }];
      return popFrom === 'oldest'
        ? [{ output: state[0]!, state: state.slice(1) }]
        : [{ output: state[state.length - 1]!, state: state.slice(0, -1) }];
    },
    equal: sameItems,
    describeOperation: (input, output) =>
      `${input.op}(${input.op === 'push' ? input.arg : ''}) → ${describeOutput(output)}`,
    describeState: (state) => `[${state.join(', ')}] (oldest first)`,
  };
}
