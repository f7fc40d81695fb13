/**
 * The history format the checkers take (format 1): a list of operations,
 * each with the thread that ran it, its name, argument and result, and the
 * times it was called and returned. Any clock will do (the simulator's
 * steps, nanoseconds): operation A precedes B when A.return <= B.call —
 * unless B.return <= A.call as well (two instantaneous operations at the
 * same time), in which case they are concurrent. One thread's operations
 * also take effect in the order it called them (program order), even where
 * their intervals overlap: under TSO an operation is complete only when
 * every store its thread made before it returned has reached memory, which
 * may be after the thread has called its next one. An operation without
 * `return` is pending: it may or may not have taken effect. `solo: true`
 * says no other thread ran while it did, so it may take no relaxed outcome.
 *
 * @example
 * { "format": 1, "operations": [
 *     { "thread": 0, "op": "push", "arg": 1, "call": 0, "return": 4, "result": true },
 *     { "thread": 1, "op": "pop", "call": 2, "return": 9, "result": 1 },
 *     { "thread": 2, "op": "pop", "call": 5 } ] }
 */
import type { Json } from './model.js';

/**
 * One operation of a history: the thread that ran it, its name and argument, when it was called
 * and returned (any one clock), and its result. No `return`: pending.
 *
 * @example
 * const op: Operation = { thread: 1, op: 'pop', call: 2, return: 9, result: 1 };
 */
export interface Operation {
  readonly thread: number;
  readonly op: string;
  readonly arg?: Json;
  readonly call: number;
  /** Absent: the operation had not returned when the history ended. */
  readonly return?: number;
  /** Absent for an operation that returns nothing, and for a pending one. */
  readonly result?: Json;
  readonly solo?: boolean;
  /**
   * Per thread t, how many of t's operations (in program order) returned before this one was
   * called, in happens-before. Where present (C11 runs), this replaces real time: A precedes B
   * when A is among the first B.after[A.thread] operations of its thread.
   */
  readonly after?: readonly number[];
}

/**
 * A history in format 1 (docs/formats.md): the operations, in any order.
 *
 * @example
 * const history: History = { format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 4, result: true }, { thread: 1, op: 'pop', call: 2, return: 9, result: 1 }] };
 */
export interface History {
  readonly format: 1;
  readonly operations: readonly Operation[];
}

/** Whether `a` precedes `b` in program order or real time (see the format above); pending ops never precede. */
export function precedes(a: Operation, b: Operation): boolean {
  if (a.return === undefined) return false;
  if (a.thread === b.thread && a.call < b.call) return true;
  if (a.return > b.call) return false;
  return b.return === undefined || b.return > a.call;
}

/**
 * The precedence of a whole list of operations, by index: program order, then `after` where
 * the later operation has it (happens-before), else real time. Pending operations never precede.
 */
export function precedence(ops: readonly Operation[]): (i: number, j: number) => boolean {
  // Each op's place in its thread's program order: by call, then by list position.
  const rank = new Array<number>(ops.length).fill(0);
  const byThread = new Map<number, number[]>();
  ops.forEach((o, i) => byThread.set(o.thread, [...(byThread.get(o.thread) ?? []), i]));
  for (const list of byThread.values()) {
    list.sort((p, q) => ops[p]!.call - ops[q]!.call || p - q).forEach((i, r) => (rank[i] = r));
  }
  return (i, j) => {
    const [a, b] = [ops[i]!, ops[j]!];
    if (a.return === undefined || i === j) return false;
    if (a.thread !== b.thread && b.after !== undefined) return rank[i]! < (b.after[a.thread] ?? 0);
    return precedes(a, b); // program order by call (equal calls: real time), else real time
  };
}

// `index` (the op's place in its thread) is what runScenario's histories carry: read, not needed.
const FIELDS = new Set(['thread', 'index', 'op', 'arg', 'call', 'return', 'result', 'solo', 'after']);

/**
 * Checks `value` (parsed JSON) against the history format and returns it as a {@link History};
 * throws a TypeError or RangeError naming `parseHistory` and the field that is wrong.
 *
 * @example
 * const history = parseHistory(JSON.parse(readFileSync('history.json', 'utf8')));
 * parseHistory({ format: 1, operations: [{ thread: 0, op: 'pop', call: 2, return: 1 }] }); // RangeError: parseHistory: history.operations[0].return (1) is before its call (2)
 */
export function parseHistory(value: unknown): History {
  const fail = (Kind: typeof TypeError, path: string, what: string) => {
    throw new Kind(`parseHistory: ${path} ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(TypeError, 'history', 'must be an object');
  const h = value as Record<string, unknown>;
  for (const key of Object.keys(h)) if (key !== 'format' && key !== 'operations') fail(TypeError, 'history', `has an unknown field '${key}' (known: format, operations)`);
  if (h['format'] !== 1) fail(RangeError, 'history.format', `must be 1, got ${JSON.stringify(h['format'])}`);
  if (!Array.isArray(h['operations'])) fail(TypeError, 'history.operations', 'must be an array');
  const operations = (h['operations'] as unknown[]).map((raw, i): Operation => {
    const path = `history.operations[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(TypeError, path, 'must be an object');
    const o = raw as Record<string, unknown>;
    for (const key of Object.keys(o)) if (!FIELDS.has(key)) fail(TypeError, path, `has an unknown field '${key}' (known: ${[...FIELDS].join(', ')})`);
    if (!Number.isInteger(o['thread'])) fail(TypeError, `${path}.thread`, 'must be an integer');
    if ((o['thread'] as number) < 0) fail(RangeError, `${path}.thread`, `must be 0 or more, got ${o['thread']}`);
    if (o['index'] !== undefined && !(Number.isInteger(o['index']) && (o['index'] as number) >= 0)) fail(TypeError, `${path}.index`, 'must be a non-negative integer or absent');
    if (typeof o['op'] !== 'string' || o['op'] === '') fail(TypeError, `${path}.op`, 'must be a non-empty string');
    if (typeof o['call'] !== 'number' || !Number.isFinite(o['call'])) fail(TypeError, `${path}.call`, 'must be a finite number');
    if (o['return'] !== undefined) {
      if (typeof o['return'] !== 'number' || !Number.isFinite(o['return'])) fail(TypeError, `${path}.return`, 'must be a finite number or absent');
      if ((o['return'] as number) < (o['call'] as number)) fail(RangeError, `${path}.return`, `(${o['return']}) is before its call (${o['call']})`);
    } else if (o['result'] !== undefined) {
      fail(RangeError, `${path}.result`, 'must be absent for a pending operation (no return)');
    }
    if (o['solo'] !== undefined && typeof o['solo'] !== 'boolean') fail(TypeError, `${path}.solo`, 'must be a boolean');
    if (o['after'] !== undefined && (!Array.isArray(o['after']) || !(o['after'] as unknown[]).every((n) => Number.isInteger(n) && (n as number) >= 0))) {
      fail(TypeError, `${path}.after`, 'must be an array of non-negative integers');
    }
    return o as unknown as Operation;
  });
  return { format: 1, operations };
}
