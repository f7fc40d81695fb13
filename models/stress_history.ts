/**
 * The column form of a history, for histories of millions of operations:
 * one typed array per field, row i being operation i — what stress mode
 * records (`stressRun`) and what the collection monitors take. Values are
 * unsigned 32-bit integers; a remove that took nothing holds EMPTY, a steal
 * that lost a race RETRY. Times are numbers on one clock with call < return
 * for every row; A precedes B when A's return <= B's call.
 *
 * @example
 * const columns = columnsFromHistory(history); // format 1 → columns
 * checkQueueHistory(columns); // { kind: 'ok' }
 */
import type { History, Operation } from './history.js';

/** The value of a remove that found nothing. */
export const EMPTY = 0xffffffff;
/** The value of a steal that lost a race. */
export const RETRY = 0xfffffffe;

/**
 * A history as columns, one typed array per field, row i being operation i: what stress mode
 * records and the collection monitors take (values unsigned 32-bit; EMPTY and RETRY for a
 * remove that took nothing and a steal that lost a race).
 *
 * @example
 * const columns: ColumnHistory = columnsFromHistory(history); // { thread: Uint32Array [0, 1], op: Uint8Array [0, 1], value: ..., call: ..., ret: ..., opNames: ['push', 'pop', 'steal', 'push-refused'] }
 */
export interface ColumnHistory {
  readonly thread: ArrayLike<number>;
  /** Index into opNames. */
  readonly op: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly call: ArrayLike<number>;
  readonly ret: ArrayLike<number>;
  /** 'push', 'pop', 'steal', 'push-refused' (a push that reported full and had no effect: illegal for every monitor, whose specs are unbounded). */
  readonly opNames: readonly string[];
}

/**
 * What the monitors say: ok, or illegal with the rows that show why.
 *
 * @example
 * const verdict: MonitorVerdict = COLLECTION_MONITORS.queue.check(columns);
 * if (verdict.kind === 'illegal') console.log(verdict.message, verdict.ops);
 */
export type MonitorVerdict = { readonly kind: 'ok' } | IllegalHistory;
export interface IllegalHistory {
  readonly kind: 'illegal';
  readonly message: string;
  /** The rows that show it. */
  readonly ops: readonly number[];
}

const OP_NAMES = ['push', 'pop', 'steal', 'push-refused'] as const;

/**
 * A format-1 history as columns: push → true is 'push', push → false 'push-refused',
 * pop and steal results a value, null (EMPTY) or 'retry' (RETRY). Throws a RangeError
 * naming the operation for what the monitors do not take, rather than judge it
 * differently from the generic checker: a pending op, another op name, a push whose
 * result is not a boolean, a value that is not an integer in [0, 2^32 - 2), `after`
 * (happens-before: the monitors order by time alone), or two operations of one thread
 * that overlap (the checker would order them by program order, the monitors could not).
 *
 * @example
 * COLLECTION_MONITORS.queue.check(columnsFromHistory(history)); // { kind: 'ok' }
 */
export function columnsFromHistory(history: History): ColumnHistory {
  const n = history.operations.length;
  const columns = {
    thread: new Uint32Array(n),
    op: new Uint8Array(n),
    value: new Uint32Array(n),
    call: new Float64Array(n),
    ret: new Float64Array(n),
    opNames: OP_NAMES,
  };
  history.operations.forEach((o: Operation, i) => {
    const fail = (what: string) => {
      throw new RangeError(`columnsFromHistory: operations[${i}] (${o.op}) ${what}`);
    };
    if (!['push', 'pop', 'steal'].includes(o.op)) fail('is not one of push, pop, steal: the collection monitors take these');
    if (o.return === undefined) fail('is pending: the monitors take complete histories');
    if (o.after !== undefined) fail('has `after` (happens-before): the monitors order operations by their times alone');
    if (o.op === 'push' && typeof o.result !== 'boolean') fail(`has result ${JSON.stringify(o.result) ?? 'absent'}: a push returns true or false`);
    const raw = o.op === 'push' ? o.arg : o.result;
    const sentinel = o.op !== 'push' && (raw === null || raw === 'retry');
    if (!sentinel && !(typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < RETRY)) fail(`has value ${JSON.stringify(raw)}: values must be integers in [0, 2^32 - 2)`);
    const value = raw === null ? EMPTY : raw === 'retry' ? RETRY : (raw as number);
    const op = o.op === 'push' && o.result === false ? 'push-refused' : o.op;
    const code = OP_NAMES.indexOf(op as (typeof OP_NAMES)[number]);
    columns.thread[i] = o.thread;
    columns.op[i] = code;
    columns.value[i] = value;
    columns.call[i] = o.call;
    columns.ret[i] = o.return!;
  });
  checkThreadsSequential(columns);
  return columns;
}

/** Each thread's operations one after another: throws a RangeError naming two that overlap. */
function checkThreadsSequential(c: { thread: Uint32Array; call: Float64Array; ret: Float64Array }): void {
  const rows = Array.from(c.thread.keys()).sort((a, b) => c.thread[a]! - c.thread[b]! || c.call[a]! - c.call[b]! || a - b);
  for (let k = 1; k < rows.length; k++) {
    const [a, b] = [rows[k - 1]!, rows[k]!];
    if (c.thread[a] === c.thread[b] && c.ret[a]! > c.call[b]!) {
      throw new RangeError(`columnsFromHistory: operations[${a}] and operations[${b}] of thread ${c.thread[a]} overlap ([${c.call[a]}, ${c.ret[a]}] and [${c.call[b]}, ${c.ret[b]}]): the monitors take threads whose operations follow one another`);
    }
  }
}
