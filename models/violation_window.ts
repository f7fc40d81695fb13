/**
 * The evidence of a monitor's illegal verdict, small enough to read: the
 * operations of a time window around the rows the verdict names, as a
 * format-1 history that the same monitor still rejects. The window starts
 * at the verdict's rows and grows (×4 each time) until its history is
 * illegal on its own.
 *
 * What goes in: every operation that pushes or takes a value and overlaps
 * the window, with that value's other operation; and every empty result
 * (or retry) that lies inside the window, whose overlapping operations
 * therefore all overlap the window and are in (its "overlaps nothing"
 * check reads the same). Every value is kept whole.
 * Removing whole values and empty results from a linearizable history of
 * a queue, stack, deque or multiset leaves it linearizable: a window that
 * the monitor rejects is proof that the whole run was not linearizable.
 *
 * @example
 * const history = violationWindow(run, verdict, checkQueueHistory); // format 1
 */
import type { History, Operation } from './history.js';
import { EMPTY, RETRY, type ColumnHistory, type IllegalHistory, type MonitorVerdict } from './stress_history.js';

export interface ViolationWindowConstraints {
  /** Give up (undefined) rather than return a window of more operations. @defaultValue 100000 */
  maxOps?: number;
}

export function violationWindow(
  h: ColumnHistory,
  verdict: IllegalHistory,
  check: (h: ColumnHistory) => MonitorVerdict,
  constraints: ViolationWindowConstraints = {},
): History | undefined {
  const maxOps = constraints.maxOps ?? 100_000;
  const n = h.op.length;
  const named = verdict.ops.filter((r) => r >= 0 && r < n);
  if (named.length === 0) return undefined;
  const from = Math.min(...named.map((r) => h.call[r]!));
  const to = Math.max(...named.map((r) => h.ret[r]!));
  // Rows by value, to keep values whole.
  const byValue = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = h.value[i]!;
    if (v === EMPTY || v === RETRY) continue;
    const list = byValue.get(v);
    if (list === undefined) byValue.set(v, [i]);
    else list.push(i);
  }
  for (let margin = Math.max(1, to - from); ; margin *= 4) {
    const lo = from - margin;
    const hi = to + margin;
    const keep = new Set<number>(named);
    for (let i = 0; i < n; i++) {
      if (h.call[i]! > hi || h.ret[i]! < lo) continue;
      const v = h.value[i]!;
      // An empty result only when inside the window: so is all it overlaps.
      if ((v === EMPTY || v === RETRY) && (h.call[i]! < lo || h.ret[i]! > hi)) continue;
      keep.add(i);
      for (const j of byValue.get(v) ?? []) keep.add(j);
    }
    if (keep.size > maxOps) return undefined;
    const rows = [...keep].sort((a, b) => h.call[a]! - h.call[b]! || a - b);
    const pick = (a: ArrayLike<number>) => rows.map((r) => a[r]!);
    const window: ColumnHistory = { thread: pick(h.thread), op: pick(h.op), value: pick(h.value), call: pick(h.call), ret: pick(h.ret), opNames: h.opNames };
    if (check(window).kind === 'illegal') return toHistory(window);
    if (keep.size === n) return undefined; // the whole run is legal cut this way: cannot happen for a real verdict
  }
}

/** Columns as a format-1 history: push → true (push-refused → false), removes → a value, null or 'retry'. */
export function toHistory(h: ColumnHistory): History {
  const operations: Operation[] = [];
  for (let i = 0; i < h.op.length; i++) {
    const name = h.opNames[h.op[i]!]!;
    const v = h.value[i]!;
    const base = { thread: h.thread[i]!, call: h.call[i]!, return: h.ret[i]! };
    if (name === 'push' || name === 'push-refused') operations.push({ ...base, op: 'push', arg: v, result: name === 'push' });
    else operations.push({ ...base, op: name, result: v === EMPTY ? null : v === RETRY ? 'retry' : v });
  }
  return { format: 1, operations };
}
