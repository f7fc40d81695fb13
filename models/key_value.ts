/**
 * An example model: a key-value map, checked one key at a time (each key is
 * an independent register, so `partition` splits the history by key, and
 * each part is searched on its own: Porcupine's P-compositionality).
 * - put([key, value]) → nothing
 * - get(key) → the value, or null when absent
 *
 * @example
 * checkLinearizability(keyValueModel(), history);
 */
import { describeCall, type Input, type Json, type Model } from './model.js';

/** The value of the one key a partition holds, or null. */
export type KeyValueState = Json;

function keyOf(input: Input): string {
  const arg = input.arg;
  return JSON.stringify(input.op === 'put' && Array.isArray(arg) ? arg[0] : arg);
}

/**
 * A key-value map, checked one key at a time (`partition` splits the history by key):
 * put([key, value]), get(key) → the value or null.
 *
 * @example
 * checkLinearizability(keyValueModel(), parseHistory({ format: 1, operations: [{ thread: 0, op: 'put', arg: ['x', 1], call: 0, return: 1 }, { thread: 1, op: 'get', arg: 'x', call: 2, return: 3, result: 1 }] })); // { kind: 'ok' }
 */
export function keyValueModel(): Model<KeyValueState> {
  return {
    name: 'key-value',
    init: () => null,
    step(state, input: Input) {
      switch (input.op) {
        case 'put':
          return [{ output: undefined, state: (input.arg as readonly Json[])[1] ?? null }];
        case 'get':
          return [{ output: state, state }];
        default:
          return [];
      }
    },
    key: (state) => JSON.stringify(state),
    partition<Op extends Input>(operations: readonly Op[]) {
      const byKey = new Map<string, Op[]>();
      for (const op of operations) {
        const k = keyOf(op);
        if (!byKey.has(k)) byKey.set(k, []);
        byKey.get(k)!.push(op);
      }
      return [...byKey.values()];
    },
    describeOperation: describeCall,
    describeState: (state) => JSON.stringify(state),
  };
}
