/**
 * The generic linearizability checker: is there a total order of the
 * operations, consistent with real time (an operation that returned before
 * another was called comes first) and with each thread's program order, in
 * which the model accepts every result?
 *
 * Algorithm: J. M. Wing and C. Gong, "Testing and verifying concurrent
 * objects" (JPDC 1993), with G. Lowe's memoisation ("Testing for
 * linearizability", CCPE 2017): a depth-first search over the call/return
 * events that linearizes any operation whose call comes before the first
 * pending return, and never revisits a (set of linearized operations, model
 * state) pair; as in Porcupine, a model may split a history into
 * independent partitions. Pending operations (no return) may be linearized
 * anywhere after their call, with any result, or not at all.
 *
 * Verdicts: ok; illegal, with the longest partial linearization found and
 * the operation that could not be placed after it; unknown when the time
 * limit ran out.
 *
 * @example
 * const verdict = checkLinearizability(boundedQueueModel({ capacity: 2 }), history);
 * if (verdict.kind === 'illegal') console.log(verdict.message);
 */
import type { History, Operation } from './history.js';
import { StepRules, type LinearizedStep, type Verdict } from './linearization.js';
import type { Model, Outcome } from './model.js';
import { OrderSearch } from './order_search.js';

export type { LinearizedStep, Verdict } from './linearization.js';

/**
 * Options of {@link checkLinearizability}.
 *
 * @example
 * checkLinearizability(model, history, { timeLimitMs: 1000 } satisfies CheckOptions);
 */
export interface CheckOptions {
  /** Give up (verdict unknown) after this long. @defaultValue 10000 */
  timeLimitMs?: number;
}

/**
 * Is `history` linearizable for `model`? A search for a total order of its operations,
 * consistent with real time (or happens-before, where the operations carry `after`) and each
 * thread's program order, in which the model accepts every result (Wing & Gong, with Lowe's
 * memoisation; one search per partition of the model's). Pending operations may take effect
 * anywhere after their call, or not at all.
 *
 * @example
 * const verdict = checkLinearizability(boundedQueueModel({ capacity: 2 }), history);
 * if (verdict.kind === 'illegal') console.log(verdict.message); // not linearizable: the longest linearization found places ...
 */
export function checkLinearizability<S>(model: Model<S>, history: History, options: CheckOptions = {}): Verdict {
  const deadline = Date.now() + (options.timeLimitMs ?? 10_000);
  const parts = model.partition ? model.partition(history.operations) : [history.operations];
  for (const part of parts) {
    // Happens-before given (C11 runs): a search over that partial order.
    const verdict = part.some((o) => o.after !== undefined) ? new OrderSearch(model, part, deadline).run() : new Search(model, part, deadline).run();
    if (verdict.kind !== 'ok') return verdict;
  }
  return { kind: 'ok' };
}

interface Frame<S> {
  op: number;
  prevState: S;
  outcomes: readonly Outcome<S>[];
  next: number; // the next outcome to try
}

class Search<S> {
  private readonly n: number;
  // Events 0..2n-1 (op i: call 2i, return 2i+1) in a doubly linked list
  // ordered by time; HEAD is the sentinel.
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly head: number;
  private readonly bits: Uint32Array;
  private readonly opHash: Uint32Array;
  // Program order: op i waits for ops before[start[i] .. start[i + 1]),
  // the completed ops of its thread called last before it (their own
  // waits cover the ones called earlier; pending ops precede nothing).
  private readonly before: Int32Array;
  private readonly start: Int32Array;
  private hash = 0;
  // Lowe's memo: (linearized set, state) pairs met, bucketed by a hash of
  // both. Entry i's set is words [i * w, (i + 1) * w) of one growing arena,
  // so that memoising allocates no array per entry.
  private readonly cache = new Map<number, number[]>();
  private arena = new Uint32Array(0);
  private readonly entryStates: string[] = [];
  private readonly rules: StepRules<S>;
  private best: { steps: LinearizedStep[]; stuck: number } | undefined;

  constructor(
    private readonly model: Model<S>,
    private readonly ops: readonly Operation[],
    private readonly deadline: number,
  ) {
    this.n = ops.length;
    this.rules = new StepRules(model, ops);
    this.head = 2 * this.n;
    this.next = new Int32Array(2 * this.n + 1);
    this.prev = new Int32Array(2 * this.n + 1);
    this.bits = new Uint32Array(Math.ceil(this.n / 32) || 1);
    this.opHash = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) this.opHash[i] = mix(i + 1);
    const waits: number[][] = ops.map(() => []);
    const byThread = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      const list = byThread.get(ops[i]!.thread);
      if (list === undefined) byThread.set(ops[i]!.thread, [i]);
      else list.push(i);
    }
    for (const list of byThread.values()) {
      list.sort((a, b) => ops[a]!.call - ops[b]!.call);
      let group: number[] = []; // completed, called last before the current call
      let next: number[] = []; // completed, called at the current call
      for (let k = 0; k < list.length; k++) {
        const i = list[k]!;
        if (k > 0 && ops[i]!.call !== ops[list[k - 1]!]!.call && next.length > 0) {
          group = next;
          next = [];
        }
        waits[i] = group;
        if (ops[i]!.return !== undefined) next.push(i);
      }
    }
    this.start = new Int32Array(this.n + 1);
    for (let i = 0; i < this.n; i++) this.start[i + 1] = this.start[i]! + waits[i]!.length;
    this.before = Int32Array.from(waits.flat());
    // Time order. At one time t: returns of ops called before t (they
    // precede what starts at t), then instantaneous ops at t (call, then
    // return: concurrent with each other, before what starts at t), then
    // calls of ops that start at t and last.
    const time = (e: number) => (e % 2 === 0 ? ops[e >> 1]!.call : (ops[e >> 1]!.return ?? Infinity));
    const instant = (op: Operation) => op.return === op.call;
    const rank = (e: number) => {
      const op = ops[e >> 1]!;
      if (e % 2 === 1) return instant(op) ? 2 : 0;
      return instant(op) ? 1 : 3;
    };
    const order = Array.from({ length: 2 * this.n }, (_, e) => e).sort((a, b) => time(a) - time(b) || rank(a) - rank(b) || a - b);
    let last = this.head;
    for (const e of order) {
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
    }
    this.next[last] = -1;
  }

  run(): Verdict {
    const stack: Frame<S>[] = [];
    let state = this.model.init();
    let cursor = this.next[this.head]!;
    for (let iterations = 0; ; iterations++) {
      if ((iterations & 1023) === 0 && Date.now() > this.deadline) {
        return { kind: 'unknown', message: `no verdict within the time limit, after ${iterations} steps of the search` };
      }
      // Every remaining event is a pending return: all completed ops placed.
      if (cursor === -1 || (cursor % 2 === 1 && this.ops[cursor >> 1]!.return === undefined)) return { kind: 'ok' };
      const op = cursor >> 1;
      if (cursor % 2 === 0 && this.waitsForThread(op)) {
        cursor = this.next[cursor]!;
        continue;
      }
      if (cursor % 2 === 0) {
        const outcomes = this.allowed(op, state);
        const applied = this.apply(stack, op, outcomes, 0, state);
        if (applied !== undefined) {
          state = applied;
          cursor = this.next[this.head]!;
        } else {
          cursor = this.next[cursor]!;
        }
        continue;
      }
      // The return of an op not yet linearized: everything before it is
      // stuck. Back up to the last choice with an untried alternative.
      this.remember(stack, op);
      for (;;) {
        const frame = stack.pop();
        if (frame === undefined) return this.illegal();
        this.unlift(frame.op);
        state = frame.prevState;
        const applied = this.apply(stack, frame.op, frame.outcomes, frame.next, state);
        if (applied !== undefined) {
          state = applied;
          cursor = this.next[this.head]!;
        } else {
          cursor = this.next[2 * frame.op]!;
        }
        break;
      }
    }
  }

  /** Linearizes `op` with the first untried outcome from `from` whose (set, state) is new. */
  private apply(stack: Frame<S>[], op: number, outcomes: readonly Outcome<S>[], from: number, state: S): S | undefined {
    this.set(op);
    const hash = (this.hash ^ this.opHash[op]!) >>> 0;
    for (let k = from; k < outcomes.length; k++) {
      const next = outcomes[k]!.state;
      if (this.seen(hash, this.model.key(next))) continue;
      stack.push({ op, prevState: state, outcomes, next: k + 1 });
      this.hash = hash;
      this.lift(op);
      return next;
    }
    this.clear(op);
    return undefined;
  }

  private allowed(op: number, state: S): readonly Outcome<S>[] {
    return this.rules.allowed(op, state);
  }

  private seen(hash: number, stateKey: string): boolean {
    const key = (hash ^ Math.imul(hashString(stateKey), 0x9e3779b1)) >>> 0;
    const bucket = this.cache.get(key);
    if (bucket !== undefined) {
      for (const id of bucket) if (this.entryStates[id] === stateKey && this.sameBits(id)) return true;
    }
    const id = this.entryStates.length;
    const w = this.bits.length;
    if ((id + 1) * w > this.arena.length) {
      const grown = new Uint32Array(Math.max(1024, this.arena.length * 2, (id + 1) * w));
      grown.set(this.arena);
      this.arena = grown;
    }
    this.arena.set(this.bits, id * w);
    this.entryStates.push(stateKey);
    if (bucket === undefined) this.cache.set(key, [id]);
    else bucket.push(id);
    return false;
  }

  private sameBits(id: number): boolean {
    const w = this.bits.length;
    const base = id * w;
    for (let i = 0; i < w; i++) if (this.arena[base + i] !== this.bits[i]) return false;
    return true;
  }

  private remember(stack: Frame<S>[], stuck: number): void {
    if (this.best !== undefined && stack.length <= this.best.steps.length) return;
    let state = this.model.init();
    const steps = stack.map((f) => {
      const out = f.outcomes[f.next - 1]!;
      state = out.state;
      return { operation: this.ops[f.op]!, output: out.output, state: this.model.describeState(state), relaxed: out.relaxed !== undefined };
    });
    this.best = { steps, stuck };
  }

  private illegal(): Verdict {
    return this.rules.illegal(this.best!.steps, this.best!.stuck);
  }

  private lift(op: number): void {
    for (const e of [2 * op, 2 * op + 1]) {
      this.next[this.prev[e]!] = this.next[e]!;
      if (this.next[e] !== -1) this.prev[this.next[e]!] = this.prev[e]!;
    }
  }
  private unlift(op: number): void {
    for (const e of [2 * op + 1, 2 * op]) {
      this.next[this.prev[e]!] = e;
      if (this.next[e] !== -1) this.prev[this.next[e]!] = e;
    }
    this.clear(op);
    this.hash = (this.hash ^ this.opHash[op]!) >>> 0;
  }
  /** Program order: `op`'s thread has an earlier op not linearized yet. */
  private waitsForThread(op: number): boolean {
    for (let k = this.start[op]!; k < this.start[op + 1]!; k++) {
      const p = this.before[k]!;
      if ((this.bits[p >> 5]! & (1 << (p & 31))) === 0) return true;
    }
    return false;
  }

  private set(op: number): void {
    this.bits[op >> 5]! |= 1 << (op & 31);
  }
  private clear(op: number): void {
    this.bits[op >> 5]! &= ~(1 << (op & 31));
  }
}

/** FNV-1a over the string's UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A well-spread 32-bit hash of a small integer (murmur3's finalizer). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
