/**
 * A bounded collection with push and pop, popping the oldest item (FIFO) or
 * the newest (LIFO): the shared core of the queue and stack models. The
 * state is the items from oldest to newest. Relaxed outcomes are passed in
 * by the model that needs them.
 */
import { describeCall, type Input, type Model, type Outcome, type Relaxation } from '../model.js';

export type CollectionState = readonly number[];

export interface CollectionRelaxations {
  /** push may report full (false) in any state. */
  readonly fullWhile?: Relaxation;
  /** pop may report empty (null) in any state. */
  readonly emptyWhile?: Relaxation;
  /** pop may report 'retry' in any state. */
  readonly retryWhile?: Relaxation;
}

export function boundedCollectionModel(
  api: string,
  name: string,
  capacity: number,
  popFrom: 'oldest' | 'newest',
  relaxations: CollectionRelaxations = {},
): Model<CollectionState> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`${api}: capacity must be a positive integer, got ${capacity}`);
  }
  const { fullWhile, emptyWhile, retryWhile } = relaxations;
  return {
    name,
    init: () => [],
    step(state, input: Input) {
      const out: Outcome<CollectionState>[] = [];
      if (input.op === 'push') {
        if (state.length >= capacity) out.push({ output: false, state });
        else out.push({ output: true, state: [...state, input.arg as number] });
        if (fullWhile && state.length < capacity) out.push({ output: false, state, relaxed: fullWhile });
        return out;
      }
      if (input.op !== 'pop') return out;
      if (state.length === 0) out.push({ output: null, state });
      else if (popFrom === 'oldest') out.push({ output: state[0]!, state: state.slice(1) });
      else out.push({ output: state[state.length - 1]!, state: state.slice(0, -1) });
      if (emptyWhile && state.length > 0) out.push({ output: null, state, relaxed: emptyWhile });
      if (retryWhile) out.push({ output: 'retry', state, relaxed: retryWhile });
      return out;
    },
    key: (state) => state.join(','),
    describeOperation: describeCall,
    describeState: (state) => `[${state.join(', ')}] (oldest first)`,
  };
}
