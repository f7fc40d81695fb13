/**
 * The work-stealing deque monitor: is a history of one owner's pushes and
 * pops and any threads' steals, with unique values, linearizable for a
 * deque that the owner uses as a stack (bottom) and thieves as a queue
 * (top)? O(n log n) time (one sort; the rest is linear), O(n) memory.
 *
 * The spec (dequeMonitorModel): the owner's push always succeeds (the
 * deque is unbounded: a refused push is illegal); its pop is exact (a
 * value, or empty only when empty); a steal takes the oldest value, or
 * reports empty or retry while another operation overlaps it (a lost race,
 * which stress mode does not check); one that overlaps nothing must find
 * it empty.
 *
 * Why it is sound and complete. The owner's operations are totally ordered
 * (one thread), so the push order of the values is known, and:
 * 1. A pop takes the newest value not yet popped, and that value was not
 *    stolen: a newer value w stolen before the pop would have been taken
 *    while an older one (the popped value) was present, which a steal
 *    never does. So pops are checked by replaying the owner's operations
 *    on a stack of the values pushed and not popped.
 * 2. A pop that finds the deque empty needs every value still on that
 *    stack stolen, before the pop: the steal of the newest of them must
 *    come before it.
 * 3. Steals take values in push order (each takes the oldest present), so
 *    the steal of x comes after the steal of every older stolen value,
 *    after the push of x, and after the pop of every older popped value;
 *    an older value never removed makes stealing x impossible.
 * Each rule is necessary, and a set of linearization points that satisfies
 * them all (each inside its operation's interval, in the order the rules
 * demand) replays as a legal deque history: so the history is
 * linearizable iff these order constraints, over points in intervals, have
 * a solution. They form a DAG (the owner's operations in program order,
 * plus the edges above), and such a system is solvable iff placing every
 * point as early as its interval and predecessors allow keeps it inside its
 * interval — one pass in topological order. Empty steals that overlap
 * nothing are then checked as in _internals/value_table.ts. The owner's
 * total order is what makes the deque tractable; for a deque in general no
 * polynomial monitor is known (P. A. Abdulla et al., "Efficient
 * linearizability monitoring", PLDI 2025; arXiv 2509.17795, treat queues,
 * stacks and sets).
 *
 * @example
 * const verdict = checkDequeHistory(columns); // push/pop on one thread, steals anywhere
 */
import { checkSoloEmpties, describeRow, illegal, Kind, sortedBy, tabulate, type ValueTable } from './_internals/value_table.js';
import { describeCall, type Input, type Model, type Outcome } from './model.js';
import type { ColumnHistory, MonitorVerdict } from './stress_history.js';

export function checkDequeHistory(h: ColumnHistory): MonitorVerdict {
  const t = tabulate(h, 'checkDequeHistory', ['push'], ['pop', 'steal'], ['steal']);
  if ('message' in t) return t;
  const steal = h.opNames.indexOf('steal');
  const owned: number[] = [];
  let owner = -1;
  for (let i = 0; i < t.n; i++) {
    if (h.op[i] === steal) continue;
    if (owner < 0) owner = h.thread[i]!;
    if (h.thread[i] !== owner) throw new RangeError(`checkDequeHistory: rows ${owned[0]} and ${i} push or pop on threads ${owner} and ${h.thread[i]}; only the owner pushes and pops`);
    owned.push(i);
  }
  const ownerRows = sortedBy(h.call, Uint32Array.from(owned));
  // Variable -> row: the owner's operations, then the steals that took a value.
  const rows = new Uint32Array(t.n);
  rows.set(ownerRows);
  let vars = ownerRows.length;
  const stealVar = new Int32Array(t.insertRow.length).fill(-1);
  for (let i = 0; i < t.n; i++) {
    if (h.op[i] === steal && t.kind[i] === Kind.Remove) {
      stealVar[t.id[i]!] = vars;
      rows[vars++] = i;
    }
  }
  const order = new Order(h, rows.subarray(0, vars));
  for (let k = 1; k < ownerRows.length; k++) order.edge(k - 1, k);
  const replay = replayOwner(h, t, ownerRows, stealVar, order);
  if ('message' in replay) return replay;
  const steals = orderSteals(h, t, replay.pushed, replay.pushAt, replay.popAt, stealVar, order);
  if (steals.kind !== 'ok') return steals;
  const placed = order.place();
  if (placed.kind !== 'ok') return placed;
  return checkSoloEmpties(h, t);
}

/** Rules 1 and 2: the owner's operations replayed on the stack of values pushed and not popped. */
function replayOwner(h: ColumnHistory, t: ValueTable, ownerRows: Uint32Array, stealVar: Int32Array, order: Order) {
  const pushed: number[] = []; // value ids in push order
  // The owner op index of each value's push and pop (-1: none).
  const pushAt = new Int32Array(t.insertRow.length).fill(-1);
  const popAt = new Int32Array(t.insertRow.length).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < ownerRows.length; k++) {
    const row = ownerRows[k]!;
    if (t.kind[row] === Kind.Insert) {
      pushed.push(t.id[row]!);
      stack.push(t.id[row]!);
      pushAt[t.id[row]!] = k;
    } else if (t.kind[row] === Kind.Remove) {
      const d = t.id[row]!;
      const top = stack.at(-1);
      if (top !== d) {
        const why = top === undefined ? 'nothing the owner pushed was left' : `the newest value left was ${h.value[t.insertRow[top]!]}`;
        return illegal(h, `the owner popped ${h.value[row]}, but ${why}`, [row, top === undefined ? -1 : t.insertRow[top]!]);
      }
      stack.pop();
      popAt[d] = k;
    } else {
      for (const d of stack) {
        if (stealVar[d]! < 0) return illegal(h, `the owner's pop found the deque empty while ${h.value[t.insertRow[d]!]} was in it (never stolen)`, [row, t.insertRow[d]!]);
      }
      if (stack.length > 0) order.edge(stealVar[stack.at(-1)!]!, k);
      stack.length = 0;
    }
  }
  return { kind: 'ok' as const, pushed, pushAt, popAt };
}

/** Rule 3: each steal after its push, the older steals, and the pops of older values. */
function orderSteals(h: ColumnHistory, t: ValueTable, pushed: readonly number[], pushAt: Int32Array, popAt: Int32Array, stealVar: Int32Array, order: Order): MonitorVerdict {
  let latestPop = -1;
  let neverRemoved = -1;
  let previous = -1;
  for (const d of pushed) {
    const v = stealVar[d]!;
    if (v < 0) {
      if (popAt[d]! >= 0) latestPop = Math.max(latestPop, popAt[d]!);
      else if (neverRemoved < 0) neverRemoved = t.insertRow[d]!;
      continue;
    }
    if (neverRemoved >= 0) return illegal(h, `${h.value[order.rows[v]!]} was stolen while an older value, ${h.value[neverRemoved]}, was never removed`, [order.rows[v]!, neverRemoved]);
    order.edge(pushAt[d]!, v);
    if (latestPop >= 0) order.edge(latestPop, v);
    if (previous >= 0) order.edge(previous, v);
    previous = v;
  }
  return { kind: 'ok' };
}

/** Points in intervals under "u before v" edges: solvable iff the earliest placement fits. */
class Order {
  // Edges u -> v; at most: the owner's chain, three per steal, one per empty pop.
  private from: Int32Array;
  private to: Int32Array;
  private edges = 0;
  constructor(
    private readonly h: ColumnHistory,
    readonly rows: Uint32Array,
  ) {
    this.from = new Int32Array(4 * rows.length + 4);
    this.to = new Int32Array(4 * rows.length + 4);
  }

  edge(u: number, v: number): void {
    this.from[this.edges] = u;
    this.to[this.edges++] = v;
  }

  place(): MonitorVerdict {
    const { h, rows, from, to, edges } = this;
    const n = rows.length;
    const start = new Int32Array(n + 1);
    const indegree = new Int32Array(n);
    for (let e = 0; e < edges; e++) {
      start[from[e]! + 1]!++;
      indegree[to[e]!]!++;
    }
    for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
    const fill = start.slice(0, n);
    const out = new Int32Array(edges);
    for (let e = 0; e < edges; e++) out[fill[from[e]!]!++] = to[e]!;
    // earliest[v]: the earliest point v may take; strict: only just after it.
    const earliest = new Float64Array(n);
    const strict = new Uint8Array(n);
    const because = new Int32Array(n).fill(-1);
    const queue = new Int32Array(n);
    let tail = 0;
    for (let v = 0; v < n; v++) {
      earliest[v] = h.call[rows[v]!]!;
      if (indegree[v] === 0) queue[tail++] = v;
    }
    for (let head = 0; head < tail; head++) {
      const u = queue[head]!;
      const ret = h.ret[rows[u]!]!;
      if (earliest[u]! > ret || (earliest[u] === ret && strict[u] === 1)) return this.late(u, because);
      for (let e = start[u]!; e < start[u + 1]!; e++) {
        const w = out[e]!;
        if (earliest[u]! >= earliest[w]!) {
          earliest[w] = earliest[u]!;
          strict[w] = 1;
          because[w] = u;
        }
        if (--indegree[w]! === 0) queue[tail++] = w;
      }
    }
    if (tail < n) return illegal(h, 'the order the values force is cyclic', [rows[indegree.findIndex((d) => d > 0)]!]);
    return { kind: 'ok' };
  }

  /** `u` cannot take effect inside its interval: name it and what it must follow. */
  private late(u: number, because: Int32Array): MonitorVerdict {
    const chain: number[] = [];
    for (let v = because[u]!; v >= 0 && chain.length < 6; v = because[v]!) chain.push(this.rows[v]!);
    const after = chain.map((r) => describeRow(this.h, r)).join(', after ');
    return illegal(this.h, `${describeRow(this.h, this.rows[u]!)} must take effect after ${after}, which is after it returned`, [this.rows[u]!, ...chain]);
  }
}

/** The spec checkDequeHistory decides, as a model for the generic checker (tests). State: top (oldest) first. */
export function dequeMonitorModel(): Model<readonly number[]> {
  const busy = { why: 'stress mode does not check a steal that fails while another operation overlaps it' };
  return {
    name: 'work-stealing-deque',
    init: () => [],
    step(state, input: Input): Outcome<readonly number[]>[] {
      switch (input.op) {
        case 'push':
          return [{ output: true, state: [...state, input.arg as number] }];
        case 'pop':
          return state.length === 0 ? [{ output: null, state }] : [{ output: state.at(-1)!, state: state.slice(0, -1) }];
        case 'steal': {
          const taken = state.length === 0 ? { output: null, state } : { output: state[0]!, state: state.slice(1) };
          const failed: Outcome<readonly number[]>[] = [{ output: 'retry', state, relaxed: busy }];
          return state.length === 0 ? [taken, ...failed] : [taken, { output: null, state, relaxed: busy }, ...failed];
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
