/**
 * What every collection monitor checks first, in O(n): no push was refused
 * (every monitor's spec is an unbounded collection, whose push always
 * succeeds: a push → false, stress mode's push-refused, is illegal, as in
 * the monitors' models); each value is pushed once (else the history is not
 * one a monitor takes: a RangeError), removed at most once, only if pushed,
 * and not before its push was called; and where a remove came back empty
 * (or a steal with retry) while no other operation overlapped it, the
 * collection really was empty then.
 *
 * The solo check is exact once the values check out: an operation that
 * overlaps nothing splits the history in two (everything else precedes it
 * or follows it), so the collection then holds exactly the values pushed by
 * the operations before it minus those removed by them.
 */
import { EMPTY, RETRY, type ColumnHistory, type IllegalHistory, type MonitorVerdict } from '../stress_history.js';

export const enum Kind {
  Insert,
  Remove,
  Empty,
  Retry,
  Refused,
}

export interface ValueTable {
  readonly n: number;
  readonly kind: Uint8Array;
  /** Per row, the dense id of its value (inserts and removes that took one), else -1. */
  readonly id: Int32Array;
  /** Per id, the row that pushed it and the row that removed it (-1: none). */
  readonly insertRow: Int32Array;
  readonly removeRow: Int32Array;
}

/**
 * Classifies the rows (`inserts`: op names that push, `removes`: that remove, `retries`:
 * removes that may return retry) and checks the values. Returns the table, or the verdict
 * when a push was refused, a remove returned retry that may not, or a value is removed
 * twice, never pushed, or before its push.
 */
export function tabulate(h: ColumnHistory, api: string, inserts: readonly string[], removes: readonly string[], retries: readonly string[] = []): ValueTable | IllegalHistory {
  const n = h.op.length;
  for (const field of ['thread', 'value', 'call', 'ret'] as const) {
    if (h[field].length !== n) throw new RangeError(`${api}: columns ${field} and op differ in length (${h[field].length} vs ${n})`);
  }
  const codeKind = h.opNames.map((name) => (inserts.includes(name) ? Kind.Insert : removes.includes(name) ? Kind.Remove : name === 'push-refused' ? Kind.Refused : -1));
  const kind = new Uint8Array(n);
  const id = new Int32Array(n).fill(-1);
  // Dense ids: the value itself where values are small (stress mode's are), else a map.
  let max = 0;
  for (let i = 0; i < n; i++) if (h.value[i]! < RETRY) max = Math.max(max, h.value[i]!);
  const direct = max < 4 * n + 1024 ? new Int32Array(max + 1).fill(-1) : undefined;
  const ids = new Map<number, number>();
  let next = 0;
  for (let i = 0; i < n; i++) {
    const k = codeKind[h.op[i]!];
    if (k === undefined || k < 0) throw new RangeError(`${api}: row ${i} has op ${h.opNames[h.op[i]!] ?? h.op[i]}; this monitor takes ${[...inserts, ...removes].join(', ')}`);
    if (!(h.call[i]! < h.ret[i]!)) throw new RangeError(`${api}: row ${i} returns at ${h.ret[i]}, not after its call at ${h.call[i]}`);
    const v = h.value[i]!;
    kind[i] = k === Kind.Remove && v === EMPTY ? Kind.Empty : k === Kind.Remove && v === RETRY ? Kind.Retry : k;
    if (kind[i] === Kind.Retry && !retries.includes(h.opNames[h.op[i]!]!)) return illegal(h, `a ${h.opNames[h.op[i]!]} returned retry, which only ${retries.join(', ') || 'no operation'} may`, [i]);
    if (k === Kind.Refused) return illegal(h, `the push of ${v} was refused (full), which an unbounded collection never does`, [i]);
    if (kind[i] !== Kind.Insert && kind[i] !== Kind.Remove) continue;
    let d = direct === undefined ? ids.get(v) : direct[v]! < 0 ? undefined : direct[v]!;
    if (d === undefined) {
      d = next++;
      if (direct === undefined) ids.set(v, d);
      else direct[v] = d;
    }
    id[i] = d;
  }
  const insertRow = new Int32Array(next).fill(-1);
  const removeRow = new Int32Array(next).fill(-1);
  for (let i = 0; i < n; i++) {
    if (kind[i] !== Kind.Insert) continue;
    const d = id[i]!;
    if (insertRow[d] !== -1) throw new RangeError(`${api}: value ${h.value[i]} is pushed twice (rows ${insertRow[d]} and ${i}); monitors need unique values`);
    insertRow[d] = i;
  }
  for (let i = 0; i < n; i++) {
    if (kind[i] !== Kind.Remove) continue;
    const d = id[i]!;
    const v = h.value[i]!;
    if (removeRow[d] !== -1) return illegal(h, `value ${v} was removed twice`, [removeRow[d]!, i]);
    removeRow[d] = i;
    const push = insertRow[d]!;
    if (push === -1) return illegal(h, `value ${v} was removed but never pushed`, [i]);
    if (h.ret[i]! <= h.call[push]!) return illegal(h, `value ${v} was removed before its push was called`, [i, push]);
  }
  return { n, kind, id, insertRow, removeRow };
}

/** Rows sorted by a time column (call or ret), ties by their place in `rows`. */
export function sortedBy(time: ArrayLike<number>, rows: Uint32Array): Uint32Array {
  const n = rows.length;
  const scale = 2 ** (32 - Math.clz32(n)); // > every position
  let fits = true;
  for (let k = 0; k < n && fits; k++) {
    const t = time[rows[k]!]!;
    fits = Number.isInteger(t) && t >= 0 && t * scale < 2 ** 53;
  }
  if (!fits) {
    const order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => time[rows[a]!]! - time[rows[b]!]! || a - b);
    return order.map((k) => rows[k]!);
  }
  // Integer times (nanoseconds): one key per row, time then place, sorted natively.
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = time[rows[k]!]! * scale + k;
  keys.sort();
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = rows[keys[k]! % scale]!;
  return out;
}

/**
 * Empty removes and retries that overlap no other operation: the collection must be empty
 * then, and a retry (a lost race) is impossible.
 */
export function checkSoloEmpties(h: ColumnHistory, t: ValueTable): MonitorVerdict {
  const calls = sortedTimes(h.call);
  const rets = sortedTimes(h.ret);
  // Returns of successful pushes and removes, sorted: how many precede a time.
  const pushEnds: number[] = [];
  const removeEnds: number[] = [];
  for (let i = 0; i < t.n; i++) {
    if (t.kind[i] === Kind.Insert) pushEnds.push(h.ret[i]!);
    else if (t.kind[i] === Kind.Remove) removeEnds.push(h.ret[i]!);
  }
  const pushSorted = sortedTimes(pushEnds);
  const removeSorted = sortedTimes(removeEnds);
  for (let i = 0; i < t.n; i++) {
    if (t.kind[i] !== Kind.Empty && t.kind[i] !== Kind.Retry) continue;
    // Rows called before i returns, less those that returned by its call (all
    // of which were called before), less i itself: the rows overlapping it.
    const overlapping = countBelow(calls, h.ret[i]!) - countAtMost(rets, h.call[i]!) - 1;
    if (overlapping > 0) continue;
    if (t.kind[i] === Kind.Retry) return illegal(h, 'a steal lost a race while no other operation was in flight', [i]);
    const held = countAtMost(pushSorted, h.call[i]!) - countAtMost(removeSorted, h.call[i]!);
    if (held > 0) {
      const witness = presentAt(h, t, h.call[i]!);
      return illegal(h, `a ${h.opNames[h.op[i]!]} found the collection empty, with no other operation in flight, while it held ${held} value(s), e.g. ${h.value[witness]}`, [i, witness]);
    }
  }
  return { kind: 'ok' };
}

/** The times, sorted: as 32-bit integers where they all are (twice as fast to sort). */
function sortedTimes(times: ArrayLike<number>): ArrayLike<number> {
  let small = true;
  for (let i = 0; i < times.length && small; i++) small = Number.isInteger(times[i]) && times[i]! >= 0 && times[i]! < 2 ** 32;
  return (small ? Uint32Array.from(times) : Float64Array.from(times)).sort();
}

/** How many of the sorted times are < x. */
function countBelow(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted times are <= x. */
function countAtMost(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A push that returned by `time` whose value was not removed by then. */
function presentAt(h: ColumnHistory, t: ValueTable, time: number): number {
  for (let d = 0; d < t.insertRow.length; d++) {
    const push = t.insertRow[d]!;
    const remove = t.removeRow[d]!;
    if (push >= 0 && h.ret[push]! <= time && (remove < 0 || h.ret[remove]! > time)) return push;
  }
  return -1;
}

/** An illegal verdict whose message ends with the rows it names. */
export function illegal(h: ColumnHistory, what: string, rows: readonly number[]): IllegalHistory {
  const shown = rows.filter((r) => r >= 0).map((r) => describeRow(h, r));
  return { kind: 'illegal', message: `not linearizable: ${what} — ${shown.join('; ')}`, ops: rows.filter((r) => r >= 0) };
}

/** `row 12: thread 1 pop → 7 [call 100, return 130]` */
export function describeRow(h: ColumnHistory, row: number): string {
  const v = h.value[row]!;
  const name = h.opNames[h.op[row]!] ?? String(h.op[row]);
  const shown = name === 'push' || name === 'push-refused' ? `${name}(${v})` : `${name} → ${v === EMPTY ? 'empty' : v === RETRY ? 'retry' : v}`;
  return `row ${row}: thread ${h.thread[row]} ${shown} [call ${h.call[row]}, return ${h.ret[row]}]`;
}
