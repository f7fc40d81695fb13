/**
 * A sequential specification, as a plain object with a pure step
 * (porcupine's `model.go`). `step` returns every outcome the spec allows for
 * an operation in a state: one for a deterministic spec, several where it is
 * nondeterministic. Models know nothing of the addon: they take operations
 * and return outputs, so a user can write one for any object.
 *
 * A **relaxed** outcome is one the concurrent implementation may take but
 * the textbook spec does not (a steal that returns Retry; a bounded queue
 * that reports empty while an enqueue with an earlier ticket is still in
 * flight). Each says why, and what must hold for it to happen — its solo
 * check:
 * - `concurrentWith`: an operation with none of these ops in flight (none
 *   overlapping it) never takes it. A paused operation counts: a push that
 *   claimed its ticket and then stopped keeps the slot unpublished.
 * - `needsInterference`: an operation during which no other thread took a
 *   step (the history's `solo: true`) never takes it: the outcome needs a
 *   step by another thread while the operation runs (a lost CAS).
 *
 * @example
 * const m = boundedQueueModel({ capacity: 2 });
 * m.step(m.init(), { op: 'push', arg: 1 }); // [{ output: true, state: [1] }]
 */

/**
 * JSON values: operation arguments and results.
 *
 * @example
 * const arg: Json = [3, 4]; // a cas(expected, next)
 */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * What an operation asks: its name and argument.
 *
 * @example
 * model.step(model.init(), { op: 'push', arg: 1 } satisfies Input);
 */
export interface Input {
  readonly op: string;
  readonly arg?: Json;
}

/**
 * Why a concurrent implementation may take an outcome the textbook spec does not, and the
 * solo check that must hold for it (see the module's comment).
 *
 * @example
 * const emptyWhilePushing: Relaxation = { why: 'a push has claimed the next ticket but not yet published its slot', concurrentWith: ['push'] };
 */
export interface Relaxation {
  /** Why the implementation may do this: the mechanism, in a sentence. */
  readonly why: string;
  /** Allowed only while one of these ops overlaps the operation. Absent: any overlapping op will do. */
  readonly concurrentWith?: readonly string[];
  /** Allowed only if another thread took a step while the operation ran (not `solo`). @defaultValue false */
  readonly needsInterference?: boolean;
}

/**
 * One outcome the spec allows for an operation in a state: the result and the next state;
 * `relaxed` when only the concurrent implementation may take it.
 *
 * @example
 * const outcomes: Outcome<readonly number[]>[] = [{ output: 1, state: [] }];
 */
export interface Outcome<State> {
  /** The result; undefined for an op that returns nothing. */
  readonly output: Json | undefined;
  readonly state: State;
  readonly relaxed?: Relaxation;
}

/**
 * A sequential specification, as a plain object with a pure step (Porcupine-style): an initial
 * state, the outcomes an operation may have in a state (several where the spec is
 * nondeterministic; none for an illegal op), a key that is equal for equal states, and how
 * operations and states read in reports. An optional `partition` splits a history into parts
 * checked separately (one per key, for a map).
 *
 * @example
 * // A counter: increment() returns the new value, get() the value.
 * const counter: Model<number> = {
 *   name: 'counter',
 *   init: () => 0,
 *   step: (n, input) => (input.op === 'increment' ? [{ output: n + 1, state: n + 1 }] : input.op === 'get' ? [{ output: n, state: n }] : []),
 *   key: (n) => String(n),
 *   describeOperation: describeCall,
 *   describeState: (n) => String(n),
 * };
 * checkLinearizability(counter, history);
 */
export interface Model<State> {
  /** The object this model specifies, e.g. `deque`. */
  readonly name: string;
  init(): State;
  step(state: State, input: Input): readonly Outcome<State>[];
  /** A string equal for equal states and only for them: equality and hashing in one. */
  key(state: State): string;
  /** Independent parts of a history, checked separately (P-compositionality), e.g. one per key. */
  partition?<Op extends Input>(operations: readonly Op[]): readonly (readonly Op[])[];
  /** `push(3) → true`, `pop() → empty` */
  describeOperation(input: Input, output: Json | undefined): string;
  describeState(state: State): string;
}

/**
 * How a result reads in reports: `7`, `empty` (null), `true`, `retry`; `-` for none.
 *
 * @example
 * describeOutput(null); // 'empty'
 */
export function describeOutput(output: Json | undefined): string {
  if (output === undefined) return '-';
  if (output === null) return 'empty';
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/**
 * `push(3) → true`: an operation and its result as reports show them, for a model's
 * `describeOperation`.
 *
 * @example
 * describeCall({ op: 'push', arg: 3 }, true); // 'push(3) → true'
 */
export function describeCall(input: Input, output: Json | undefined): string {
  const arg = input.arg === undefined ? '' : JSON.stringify(input.arg);
  return `${input.op}(${arg}) → ${describeOutput(output)}`;
}

/** Results compare as JSON values. */
export function sameOutput(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
