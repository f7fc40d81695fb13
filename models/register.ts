/**
 * An example model: a register holding one number, initially `initial`.
 * - write(v) → nothing
 * - read() → the value
 * - cas([expected, next]) → true and sets next when the value is expected,
 *   else false
 * The shape of the histories Porcupine checks for Jepsen's etcd tests.
 *
 * @example
 * checkLinearizability(registerModel(), history);
 */
import { describeCall, type Input, type Model } from './model.js';

/**
 * Options of {@link registerModel}.
 *
 * @example
 * registerModel({ initial: 3 } satisfies RegisterModelConstraints);
 */
export interface RegisterModelConstraints {
  /** @defaultValue 0 */
  initial?: number;
}

/**
 * A register holding one number: write(v), read() → the value, cas([expected, next]) → true
 * (and sets next) when the value is expected, else false.
 *
 * @example
 * const m = registerModel({ initial: 3 });
 * m.step(m.init(), { op: 'cas', arg: [3, 4] }); // [{ output: true, state: 4 }]
 */
export function registerModel(constraints: RegisterModelConstraints = {}): Model<number> {
  const initial = constraints.initial ?? 0;
  return {
    name: 'register',
    init: () => initial,
    step(state, input: Input) {
      switch (input.op) {
        case 'write':
          return [{ output: undefined, state: input.arg as number }];
        case 'read':
          return [{ output: state, state }];
        case 'cas': {
          const [expected, next] = input.arg as [number, number];
          return state === expected ? [{ output: true, state: next }] : [{ output: false, state }];
        }
        default:
          return [];
      }
    },
    key: (state) => String(state),
    describeOperation: describeCall,
    describeState: (state) => String(state),
  };
}
