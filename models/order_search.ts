/**
 * Linearizability over an explicit partial order: is there a total order
 * of the operations, extending `precedence` (program order, and
 * happens-before where operations carry `after`), in which the model
 * accepts every result? Under C11 a call that nothing synchronises with an
 * earlier one may see the state before it, whatever the clock says, so the
 * order is happens-before rather than real time (Wing & Gong's interval
 * search needs real time).
 *
 * A depth-first search that places any operation whose predecessors are
 * all placed, never revisiting a (placed set, model state) pair (Lowe's
 * memoisation). Pending operations may be placed with any result, or not
 * at all; completed ones must all be.
 *
 * @example
 * new OrderSearch(model, operations, Date.now() + 1000).run(); // { kind: 'ok' } or illegal / unknown
 */
import { precedence, type Operation } from './history.js';
import { StepRules, type Verdict } from './linearization.js';
import type { Model, Outcome } from './model.js';

export class OrderSearch<S> {
  private readonly rules: StepRules<S>;
  private readonly before: number[][]; // per op: the completed ops that precede it
  private readonly placed: boolean[];
  private readonly path: { op: number; outcome: Outcome<S> }[] = [];
  private readonly seen = new Set<string>();
  private best: { op: number; outcome: Outcome<S> }[] = [];
  private steps = 0;
  private timedOut = false;

  constructor(
    private readonly model: Model<S>,
    private readonly ops: readonly Operation[],
    private readonly deadline: number,
  ) {
    const prec = precedence(ops);
    this.rules = new StepRules(model, ops, prec);
    this.before = ops.map((_, j) => ops.map((_, i) => i).filter((i) => prec(i, j)));
    this.placed = ops.map(() => false);
  }

  run(): Verdict {
    if (this.search(this.model.init())) return { kind: 'ok' };
    if (this.timedOut) return { kind: 'unknown', message: `no verdict within the time limit, after ${this.steps} steps of the search` };
    // The op that could not follow the longest linearization: the first
    // completed one left (by call) whose predecessors were all placed.
    const done = new Set(this.best.map((s) => s.op));
    const left = this.ops
      .map((_, i) => i)
      .filter((i) => !done.has(i) && this.ops[i]!.return !== undefined)
      .sort((p, q) => this.ops[p]!.call - this.ops[q]!.call);
    const stuck = left.find((i) => this.before[i]!.every((p) => done.has(p))) ?? left[0]!;
    return this.rules.illegal(this.rules.describe(this.best), stuck);
  }

  private search(state: S): boolean {
    if ((++this.steps & 1023) === 0 && Date.now() > this.deadline) this.timedOut = true;
    if (this.timedOut) return false;
    if (this.ops.every((o, i) => this.placed[i] || o.return === undefined)) return true;
    const key = `${this.placed.map((p) => (p ? 1 : 0)).join('')}|${this.model.key(state)}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    for (let i = 0; i < this.ops.length; i++) {
      if (this.placed[i] || !this.before[i]!.every((p) => this.placed[p])) continue;
      for (const outcome of this.rules.allowed(i, state)) {
        this.placed[i] = true;
        this.path.push({ op: i, outcome });
        if (this.path.length > this.best.length) this.best = [...this.path];
        if (this.search(outcome.state)) return true;
        this.path.pop();
        this.placed[i] = false;
      }
    }
    return false;
  }
}
