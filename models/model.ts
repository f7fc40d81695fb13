/**
 * A sequential specification, as a plain object with a pure step
 * (after porcupine's `model.go`). `step` returns every outcome the spec
 * allows for `input` in `state`: one for a deterministic spec, several where
 * the spec is nondeterministic. Models know nothing of the addon; they take
 * operations and return outputs.
 *
 * @example
 * const m = boundedQueueModel({ capacity: 2 });
 * const [first] = m.step(m.init(), { op: 'push', arg: 1 }); // { output: true, state: [1] }
 */
export interface Outcome<State, Output> {
  readonly output: Output;
  readonly state: State;
}

export interface Model<State, Input, Output> {
  /** The target this model specifies, e.g. `chase-lev-deque`. */
  readonly name: string;
  init(): State;
  step(state: State, input: Input): readonly Outcome<State, Output>[];
  /** Structural equality of states. */
  equal(a: State, b: State): boolean;
  /** `push(3) → true`, `pop() → empty` */
  describeOperation(input: Input, output: Output): string;
  describeState(state: State): string;
}

/** `7`, `empty`, `true`: how outputs read in reports. */
export function describeOutput(output: number | boolean | null): string {
  return output === null ? 'empty' : String(output);
}

/** Element-wise equality of two arrays of numbers. */
export function sameItems(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
