/**
 * The work-stealing deque's sequential specification: the owner pushes and
 * pops at the bottom (LIFO), thieves steal from the top (FIFO). The state is
 * the items from top (oldest) to bottom (newest). A push is refused only
 * when `maxCapacity` items are present.
 *
 * Concurrent relaxations (a steal may return Retry when it loses a race) are
 * not part of this sequential spec; they come with the linearizability
 * checker, paired with a solo check that a lone steal never retries.
 */
import { describeOutput, sameItems, type Model } from './model.js';

export type DequeInput = { op: 'push'; arg: number } | { op: 'pop' } | { op: 'steal' };
/** push: accepted? pop and steal: the item, or null for empty. */
export type DequeOutput = boolean | number | null;
export type DequeState = readonly number[];

export interface DequeModelConstraints {
  /** Pushes beyond this many items are refused. @defaultValue Infinity */
  maxCapacity?: number;
}

export function dequeModel(constraints: DequeModelConstraints = {}): Model<DequeState, DequeInput, DequeOutput> {
  const maxCapacity = constraints.maxCapacity ?? Number.POSITIVE_INFINITY;
  if (!(maxCapacity >= 1)) throw new RangeError(`dequeModel: maxCapacity must be at least 1, got ${maxCapacity}`);
  return {
    name: 'chase-lev-deque',
    init: () => [],
    step(state, input) {
      switch (input.op) {
        case 'push':
          if (state.length >= maxCapacity) return [{ output: false, state }];
          return [{ output: true, state: [...state, input.arg] }];
        case 'pop':
          if (state.length === 0) return [{ output: null, state }];
          return [{ output: state[state.length - 1]!, state: state.slice(0, -1) }];
        case 'steal':
          if (state.length === 0) return [{ output: null, state }];
          return [{ output: state[0]!, state: state.slice(1) }];
      }
    },
    equal: sameItems,
    describeOperation: (input, output) =>
      `${input.op}(${input.op === 'push' ? input.arg : ''}) → ${describeOutput(output)}`,
    describeState: (state) => `[${state.join(', ')}] (top first)`,
  };
}
