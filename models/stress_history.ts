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

export interface ColumnHistory {
  readonly thread: ArrayLike<number>;
  /** Index into opNames. */
  readonly op: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly call: ArrayLike<number>;
  readonly ret: ArrayLike<number>;
  /** 'push', 'pop', 'steal', 'push-refused' (a push that had no effect). */
  readonly opNames: readonly string[];
}

/** What the monitors say: ok, or illegal with the rows that show why. */
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
 * naming the operation for a pending op, another op name, or a value that is not an
 * integer in [0, 2^32 - 2).
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
    if (o.return === undefined) fail('is pending: the monitors take complete histories');
    const raw = o.op === 'push' ? o.arg : o.result;
    const sentinel = o.op !== 'push' && (raw === null || raw === 'retry');
    if (!sentinel && !(typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < RETRY)) fail(`has value ${JSON.stringify(raw)}: values must be integers in [0, 2^32 - 2)`);
    const value = raw === null ? EMPTY : raw === 'retry' ? RETRY : (raw as number);
    const op = o.op === 'push' && o.result === false ? 'push-refused' : o.op;
    const code = OP_NAMES.indexOf(op as (typeof OP_NAMES)[number]);
    if (code < 0) fail(`is not one of push, pop, steal`);
    columns.thread[i] = o.thread;
    columns.op[i] = code;
    columns.value[i] = value;
    columns.call[i] = o.call;
    columns.ret[i] = o.return!;
  });
  return columns;
}
