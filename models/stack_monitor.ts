/**
 * The stack monitor: is a history of pushes and pops of unique values
 * linearizable for a LIFO stack? Polynomial: O(n log n) when blocks are
 * found at the first try (stress histories), O(n^2) at worst.
 *
 * The spec (stackMonitorModel): an unbounded stack whose pop may report
 * empty while another operation overlaps it; a pop that overlaps nothing
 * must find it empty, and a push is never refused (_internals/value_table.ts
 * checks those, and the value rules).
 *
 * Why it is sound and complete. Write a ≺ b when operation a returns
 * before b is called (real time). Two facts carry the argument:
 * (1) Removing every operation of some values from a linearizable history
 *     leaves it linearizable (the same order, restricted, is still a legal
 *     stack sequence and still respects ≺).
 * (2) A legal sequence starts with a push. If its value u is never popped,
 *     u sits at the bottom for good and the rest is legal on its own; if v
 *     is popped, the sequence is push(v) M pop(v) N, where M and N are
 *     legal from empty, and the values of push(v) M pop(v) form a "block"
 *     closed under ≺ (nothing outside it comes before it).
 * The monitor repeats, on the values left: if some never-popped u has a
 * push that nothing precedes, remove u; else find a popped v whose push
 * nothing precedes and whose block C(v) — the least set of values holding
 * v and every value with an operation ≺ an operation of the set — has
 * only popped values, and no operation ≺-after pop(v) but v's push; then
 * C(v) minus v must be linearizable on its own (checked the same way, as
 * a separate problem), and C(v) is removed. No such v: not linearizable.
 * Sound: the removals rebuild a legal sequence that respects ≺ (u first;
 * or push(v), a linearization of C(v) minus v, pop(v), then the rest — C(v)
 * is closed under ≺, and nothing in it follows pop(v)). Complete: if H is
 * linearizable, its linearization's first value is a u or a v as above
 * (its block contains C(v) by closure, so C(v) passes the checks, and C(v)
 * minus v is linearizable by (1)); whichever value the monitor takes
 * instead leaves a subset of H, linearizable by (1). So the choice never
 * needs undoing, and a failed sub-problem proves H illegal.
 *
 * Pair patterns alone (push(a) ≺ push(b) ≺ pop(a) ≺ pop(b)) are not enough:
 * three values can force a crossing no two of them do (the cross-check
 * found pushes of 3, 4, 5 at [9,15], [12,13], [14,18] and pops of 4, 3, 5 at
 * [16,17], [19,20], [21,22]: 5's push must follow pop(4), 3 must sit above 5,
 * but 3's push returns at 15).
 *
 * @example
 * checkStackHistory(columnsFromHistory(history)); // { kind: 'ok' }
 */
import { boundedCollectionModel, type CollectionState } from './_internals/bounded_collection.js';
import { checkSoloEmpties, illegal, sortedBy, tabulate, type ValueTable } from './_internals/value_table.js';
import type { Model } from './model.js';
import type { ColumnHistory, IllegalHistory, MonitorVerdict } from './stress_history.js';

export function checkStackHistory(h: ColumnHistory): MonitorVerdict {
  const t = tabulate(h, 'checkStackHistory', ['push'], ['pop']);
  if ('message' in t) return t;
  const work: Int32Array[] = [Int32Array.from({ length: t.insertRow.length }, (_, d) => d)];
  const solver = new BlockSolver(h, t);
  for (let problem = work.pop(); problem !== undefined; problem = work.pop()) {
    const verdict = solver.solve(problem, (inner) => work.push(inner));
    if (verdict !== undefined) return verdict;
  }
  return checkSoloEmpties(h, t);
}

/** The spec checkStackHistory decides, as a model for the generic checker (tests). */
export function stackMonitorModel(): Model<CollectionState> {
  return boundedCollectionModel('stackMonitorModel', 'stack', Number.MAX_SAFE_INTEGER, 'newest', {
    emptyWhile: { why: 'stress mode does not check an empty pop that overlaps another operation' },
  });
}

/** One problem at a time: a set of values, removed value by value and block by block. */
class BlockSolver {
  private readonly alive: Uint8Array;
  private readonly mark: Uint32Array;
  /** Row -> its place in the current problem's return order. */
  private readonly at: Int32Array;
  private stamp = 0;

  constructor(
    private readonly h: ColumnHistory,
    private readonly t: ValueTable,
  ) {
    this.alive = new Uint8Array(t.insertRow.length);
    this.mark = new Uint32Array(t.insertRow.length);
    this.at = new Int32Array(t.n);
  }

  /** Undefined when `values` is linearizable as far as this level goes; `inner` gets each block's inside. */
  solve(values: Int32Array, inner: (values: Int32Array) => void): IllegalHistory | undefined {
    const { h, t, alive, at } = this;
    for (const d of values) alive[d] = 1;
    // The problem's operations by return time, in a linked list of the live ones.
    const rows = new Uint32Array(values.length * 2);
    let n = 0;
    for (const d of values) {
      rows[n++] = t.insertRow[d]!;
      if (t.removeRow[d]! >= 0) rows[n++] = t.removeRow[d]!;
    }
    const byRet = sortedBy(h.ret, rows.subarray(0, n));
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      next[k] = k + 1 < n ? k + 1 : -1;
      prev[k] = k - 1;
      at[byRet[k]!] = k;
    }
    let head = n > 0 ? 0 : -1;
    const unlink = (row: number) => {
      const k = at[row]!;
      if (prev[k]! >= 0) next[prev[k]!] = next[k]!;
      else head = next[k]!;
      if (next[k]! >= 0) prev[next[k]!] = prev[k]!;
    };
    const remove = (d: number) => {
      alive[d] = 0;
      unlink(t.insertRow[d]!);
      if (t.removeRow[d]! >= 0) unlink(t.removeRow[d]!);
    };
    // Values by push call: those called before the first return are candidates.
    const pushes = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) pushes[i] = t.insertRow[values[i]!]!;
    const byPush = sortedBy(h.call, pushes);
    let p = 0;
    const candidates: number[] = []; // popped values whose push nothing precedes
    while (head >= 0) {
      const firstRet = h.ret[byRet[head]!]!;
      let removedUnpopped = false;
      for (; p < byPush.length && h.call[byPush[p]!]! < firstRet; p++) {
        const d = t.id[byPush[p]!]!;
        if (!alive[d]) continue;
        if (t.removeRow[d]! < 0) {
          remove(d); // never popped, pushed before anything returned: the bottom for good
          removedUnpopped = true;
        } else candidates.push(d);
      }
      if (removedUnpopped) continue;
      // Try the candidates, earliest pop call first (usually the first works).
      let live = 0;
      for (const d of candidates) if (alive[d]) candidates[live++] = d;
      candidates.length = live;
      const popCall = (d: number) => h.call[t.removeRow[d]!]!;
      let first = 0;
      for (let i = 1; i < live; i++) if (popCall(candidates[i]!) < popCall(candidates[first]!)) first = i;
      const order = live === 0 ? [] : [candidates[first]!];
      let taken: number[] | undefined;
      let why: IllegalHistory | undefined;
      for (let i = 0; i < order.length && taken === undefined; i++) {
        const block = this.block(order[i]!, head, byRet, next);
        if (Array.isArray(block)) taken = block;
        else {
          why ??= block;
          if (i === 0) order.push(...candidates.filter((d) => d !== order[0]).sort((a, b) => popCall(a) - popCall(b)));
        }
      }
      if (taken !== undefined) candidates.splice(candidates.indexOf(taken[0]!), 1);
      if (taken === undefined) return why ?? this.stuck(values);
      const inside = Int32Array.from(taken.filter((d) => d !== taken![0]));
      if (inside.length > 0) inner(inside);
      for (const d of taken) remove(d);
    }
    return undefined;
  }

  /** v's block (v first), or why it cannot be one now. */
  private block(v: number, head: number, byRet: Uint32Array, next: Int32Array): number[] | IllegalHistory {
    const { h, t, mark } = this;
    const stamp = ++this.stamp;
    const popV = t.removeRow[v]!;
    const block = [v];
    mark[v] = stamp;
    let until = Math.max(h.call[t.insertRow[v]!]!, h.call[popV]!);
    // Every value with an operation returning by `until` precedes the block: it joins.
    for (let k = head; k >= 0 && h.ret[byRet[k]!]! <= until; k = next[k]!) {
      const d = t.id[byRet[k]!]!;
      if (mark[d] === stamp) continue;
      mark[d] = stamp;
      block.push(d);
      if (t.removeRow[d]! < 0) return illegal(h, `${h.value[t.insertRow[v]!]} cannot be the bottom of the stack next: ${h.value[t.insertRow[d]!]}, never popped, was pushed before it was popped`, [popV, t.insertRow[d]!]);
      until = Math.max(until, h.call[t.insertRow[d]!]!, h.call[t.removeRow[d]!]!);
    }
    for (const d of block) {
      if (d === v) continue;
      for (const row of [t.insertRow[d]!, t.removeRow[d]!]) {
        if (h.ret[popV]! <= h.call[row]!) {
          return illegal(h, `${h.value[t.insertRow[v]!]} cannot be the bottom of the stack next: it was popped before ${h.value[row]} (pushed on top of it) was ${row === t.insertRow[d] ? 'pushed' : 'popped'}`, [popV, row]);
        }
      }
    }
    return block;
  }

  private stuck(values: Int32Array): IllegalHistory {
    const { h, t } = this;
    const rows = [...values].filter((d) => this.alive[d]).map((d) => t.insertRow[d]!);
    return illegal(h, 'no value can be the bottom of the stack next (every push left is preceded by another operation)', rows.slice(0, 3));
  }
}
