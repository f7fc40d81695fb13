/**
 * The reference count's specification (the `arc` target): one object,
 * strong handles that keep it alive, weak ones that do not. Every thread
 * starts with a strong handle, so the count starts at the number of
 * threads, which the model does not know: it keeps what the history has
 * shown so far — the change since the start (`net`: clones and upgrades
 * less drops) and the least start that fits (`atLeast`) — and the drop
 * that destroys the object fixes the start (its count was 1).
 *
 * - `clone`, `use(v)`, `downgrade` → true while the object lives (the
 *   thread holds a strong handle, so the count is at least 1); `use(v)`
 *   adds v to what the object holds.
 * - `drop` → false when others remain (the count stays at least 1), or the
 *   sum the destructor read when it was the last: exactly the sum of every
 *   use before it. So a destructor that misses a use (a store not ordered
 *   before it), a second destruction, or a destruction while an owner
 *   remains is illegal.
 * - `upgrade` → true while the object lives (the count goes up), false
 *   only once it is destroyed: never back from zero.
 * - Every op may return null: the thread holds no handle of that kind,
 *   which is its own business (the target decides it from the thread's own
 *   history); nothing changes.
 *
 * Deterministic but for drop before the start is known (false and the
 * sum may both fit); no relaxation: the count is read-modify-writes only.
 *
 * @example
 * const m = arcModel();
 * m.step(m.init(), { op: 'use', arg: 2 }).map((o) => o.output); // [null, true]
 */
import { describeCall, type Input, type Model, type Outcome } from './model.js';

/**
 * `[alive, total, net, atLeast]`: alive 1 until the destruction (then 0, and
 * net and atLeast no longer matter: 0); total the uses' sum; net the
 * count's change since the start; atLeast the least start that fits.
 */
export type ArcState = readonly [alive: 0 | 1, total: number, net: number, atLeast: number];

/**
 * The reference count's model (the `arc` target): clone, use, downgrade and upgrade → true while the object lives; drop → false, or (the last) the sum its destructor read, which must be every use before it; upgrade → false only once destroyed; the count's start is learned from the history.
 *
 * @example
 * const m = arcModel();
 * m.step([1, 3, 0, 1], { op: 'drop' }).map((o) => o.output); // [null, false, 3]
 */
export function arcModel(): Model<ArcState> {
  return {
    name: 'reference-count',
    init: () => [1, 0, 0, 1],
    step(s, input: Input) {
      const [alive, total, net, atLeast] = s;
      const none: Outcome<ArcState> = { output: null, state: s };
      if (alive === 0) return input.op === 'upgrade' ? [none, { output: false, state: s }] : [none];
      // The op needs the count at least 1 before it (its thread holds a strong handle).
      const held = (next: number, sum = total): ArcState => [1, sum, next, Math.max(atLeast, 1 - net)];
      switch (input.op) {
        case 'clone':
          return [none, { output: true, state: held(net + 1) }];
        case 'use':
          return [none, { output: true, state: held(net, total + (input.arg as number)) }];
        case 'downgrade':
          return [none, { output: true, state: held(net) }];
        case 'upgrade':
          return [none, { output: true, state: held(net + 1) }];
        case 'drop': {
          const out: Outcome<ArcState>[] = [none];
          // Others remain: the count after is at least 1.
          out.push({ output: false, state: [1, total, net - 1, Math.max(atLeast, 2 - net)] });
          // The last: the count before was 1, so the start was 1 - net.
          if (1 - net >= atLeast) out.push({ output: total, state: [0, total, 0, 0] });
          return out;
        }
        default:
          return [];
      }
    },
    key: (s) => s.join(','),
    describeOperation: describeCall,
    describeState: ([alive, total, net, atLeast]) =>
      alive === 0
        ? `destroyed (its uses summed to ${total})`
        : `alive, uses sum to ${total}; strong count: the start ${net < 0 ? '-' : '+'} ${Math.abs(net)}, the start at least ${atLeast}`,
  };
}
