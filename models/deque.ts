/**
 * The work-stealing deque's specification: the owner pushes and pops at the
 * bottom (LIFO), thieves steal from the top (FIFO). The state is the items
 * from top (oldest) to bottom (newest); a push is refused only when
 * `maxCapacity` items are present.
 *
 * Relaxation: a steal may return 'retry' when it loses a race — its CAS on
 * top fails because another steal or the owner's pop of the last item won,
 * or the owner replaced the buffer (growth) since the steal read it. Either
 * way another thread took a step while the steal ran: a solo steal (no
 * other thread stepped during it) never retries.
 *
 * Under a weak memory model (`weakMemory`: TSO or C11), also: a push may be
 * refused as full while a steal runs. The owner's count of the items held
 * lags the steal (TSO: its own pushes still in its store buffer count
 * against a top the steal has moved; C11: it may read a top older than the
 * steal's CAS, which its acquire load need not see yet); the refusal loses
 * nothing (the caller keeps the item). Under sequential
 * consistency a refused push always met a full deque.
 */
import { describeCall, type Input, type Model, type Outcome } from './model.js';

export type DequeState = readonly number[];

/**
 * Options of {@link dequeModel}.
 *
 * @example
 * dequeModel({ maxCapacity: 4, weakMemory: true } satisfies DequeModelConstraints);
 */
export interface DequeModelConstraints {
  /**
   * Pushes beyond this many items are refused. For the engine's deque, whose
   * ring is a power of two, that is the largest power of two not above its
   * maxCapacity (see dequeItemLimit). @defaultValue Infinity
   */
  maxCapacity?: number;
  /** The engine ran under TSO or C11: admit the spurious full described above. @defaultValue false */
  weakMemory?: boolean;
}

/** How many items a ChaseLevDeque with this max_capacity holds: the largest power of two not above it. */
export function dequeItemLimit(maxCapacity: number): number {
  return 2 ** Math.floor(Math.log2(maxCapacity));
}

/**
 * The work-stealing deque's model: the owner pushes and pops at the bottom, thieves steal from
 * the top; a steal may return 'retry' when it lost a race (never solo).
 *
 * @example
 * const m = dequeModel();
 * m.step([1, 2], { op: 'steal' }); // [{ output: 1, state: [2] }, { output: 'retry', state: [1, 2], relaxed: { ... needsInterference: true } }]
 */
export function dequeModel(constraints: DequeModelConstraints = {}): Model<DequeState> {
  const maxCapacity = constraints.maxCapacity ?? Number.POSITIVE_INFINITY;
  if (!(maxCapacity >= 1)) throw new RangeError(`dequeModel: maxCapacity must be at least 1, got ${maxCapacity}`);
  const retry = {
    why: 'a steal lost the race for top, or the buffer changed under it',
    concurrentWith: ['push', 'pop', 'steal'],
    needsInterference: true,
  };
  const refused = {
    why: 'under weak memory the owner counted pushes no thief has seen against a top that a steal had moved',
    concurrentWith: ['steal'],
  };
  return {
    name: 'deque',
    init: () => [],
    step(state, input: Input): Outcome<DequeState>[] {
      switch (input.op) {
        case 'push':
          if (state.length >= maxCapacity) return [{ output: false, state }];
          if (constraints.weakMemory === true) return [{ output: true, state: [...state, input.arg as number] }, { output: false, state, relaxed: refused }];
          return [{ output: true, state: [...state, input.arg as number] }];
        case 'pop':
          if (state.length === 0) return [{ output: null, state }];
          return [{ output: state[state.length - 1]!, state: state.slice(0, -1) }];
        case 'steal': {
          const taken: Outcome<DequeState> = state.length === 0 ? { output: null, state } : { output: state[0]!, state: state.slice(1) };
          return [taken, { output: 'retry', state, relaxed: retry }];
        }
        default:
          return [];
      }
    },
    key: (state) => state.join(','),
    describeOperation: describeCall,
    describeState: (state) => `[${state.join(', ')}] (top first)`,
  };
}
