/**
 * An example model: a set of numbers, checked one element at a time (each
 * element's membership is independent, so `partition` splits by element).
 * - add(x) → true if x was absent
 * - remove(x) → true if x was present
 * - contains(x) → whether x is present
 *
 * @example
 * checkLinearizability(setModel(), history);
 */
import { describeCall, type Input, type Model } from './model.js';

/** Whether the one element a partition holds is present. */
export type SetState = boolean;

/**
 * A set of numbers, checked one element at a time: add(x) → true if x was absent, remove(x) →
 * true if x was present, contains(x).
 *
 * @example
 * const m = setModel();
 * m.step(m.init(), { op: 'add', arg: 5 }); // [{ output: true, state: true }]
 */
export function setModel(): Model<SetState> {
  return {
    name: 'set',
    init: () => false,
    step(present, input: Input) {
      switch (input.op) {
        case 'add':
          return [{ output: !present, state: true }];
        case 'remove':
          return [{ output: present, state: false }];
        case 'contains':
          return [{ output: present, state: present }];
        default:
          return [];
      }
    },
    key: (present) => (present ? '1' : '0'),
    partition<Op extends Input>(operations: readonly Op[]) {
      const byElement = new Map<string, Op[]>();
      for (const op of operations) {
        const k = JSON.stringify(op.arg);
        if (!byElement.has(k)) byElement.set(k, []);
        byElement.get(k)!.push(op);
      }
      return [...byElement.values()];
    },
    describeOperation: describeCall,
    describeState: (present) => (present ? 'present' : 'absent'),
  };
}
