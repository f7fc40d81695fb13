/**
 * What both linearizability searches share: the outcomes an operation may
 * take at a point of a linearization (the model's outcomes that match its
 * result, a relaxed one only where its conditions hold), and the text of an
 * illegal verdict.
 *
 * @example
 * const rules = new StepRules(model, ops, precedence(ops));
 * rules.allowed(0, model.init()); // the outcomes op 0 may take first
 */
import { precedence, type Operation } from './history.js';
import { sameOutput, type Json, type Model, type Outcome, type Relaxation } from './model.js';

/** One operation of a linearization, with the result and state it led to. */
export interface LinearizedStep {
  readonly operation: Operation;
  readonly output: Json | undefined;
  readonly state: string;
  readonly relaxed: boolean;
}

/**
 * The linearizability checker's verdict: `ok`; `illegal`, with the longest partial
 * linearization found, the operation that could not be placed after it and a message; or
 * `unknown` when the time limit ran out.
 *
 * @example
 * const verdict: Verdict = checkLinearizability(model, history);
 * if (verdict.kind === 'illegal') console.log(verdict.message, verdict.stuck);
 */
export type Verdict =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'illegal';
      /** The longest partial linearization found, of the partition that failed. */
      readonly linearization: readonly LinearizedStep[];
      /** The operation that could not be placed after it. */
      readonly stuck: Operation;
      readonly message: string;
    }
  | { readonly kind: 'unknown'; readonly message: string };

export class StepRules<S> {
  private readonly concurrency = new Map<number, Set<string>>();

  constructor(
    private readonly model: Model<S>,
    private readonly ops: readonly Operation[],
    private readonly prec: (i: number, j: number) => boolean = precedence(ops),
  ) {}

  /** The model's outcomes for op `i` in `state` that match its result and may be taken. */
  allowed(i: number, state: S): readonly Outcome<S>[] {
    const o = this.ops[i]!;
    const pending = o.return === undefined;
    return this.model.step(state, o).filter((out) => (pending || sameOutput(out.output, o.result)) && (out.relaxed === undefined || this.mayRelax(i, out.relaxed)));
  }

  /** A relaxed outcome needs an overlapping op of a named kind, and interference if it says so. */
  private mayRelax(i: number, relaxed: Relaxation): boolean {
    const o = this.ops[i]!;
    if (relaxed.needsInterference === true && o.solo === true) return false;
    let names = this.concurrency.get(i);
    if (names === undefined) {
      names = new Set();
      for (let j = 0; j < this.ops.length; j++) {
        if (j !== i && !this.prec(j, i) && !this.prec(i, j)) names.add(this.ops[j]!.op);
      }
      this.concurrency.set(i, names);
    }
    if (relaxed.concurrentWith === undefined) return names.size > 0;
    return relaxed.concurrentWith.some((name) => names.has(name));
  }

  /** The steps of a linearization given as (op, outcome) pairs, with the states they reach. */
  describe(path: readonly { op: number; outcome: Outcome<S> }[]): LinearizedStep[] {
    return path.map(({ op, outcome }) => ({
      operation: this.ops[op]!,
      output: outcome.output,
      state: this.model.describeState(outcome.state),
      relaxed: outcome.relaxed !== undefined,
    }));
  }

  /** The illegal verdict: the longest linearization found, then the op that could not be placed. */
  illegal(steps: LinearizedStep[], stuck: number): Verdict {
    const op = this.ops[stuck]!;
    const placed = steps.map((s) => this.model.describeOperation(s.operation, s.output)).join(', ');
    const last = steps.at(-1)?.state ?? this.model.describeState(this.model.init());
    return {
      kind: 'illegal',
      linearization: steps,
      stuck: op,
      message:
        `not linearizable: the longest linearization found places ${steps.length} of ${this.ops.length} operation(s)` +
        (placed ? ` (${placed})` : '') +
        `, reaching state ${last}; then thread ${op.thread}'s ${this.model.describeOperation(op, op.result)}` +
        ` [call ${op.call}, return ${op.return ?? 'pending'}] cannot be placed`,
    };
  }
}
