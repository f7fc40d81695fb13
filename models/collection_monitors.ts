/**
 * The collection monitors by name, each with the model of the spec it
 * decides (for the generic checker) and what it checks: what `lockstep
 * check --model` and stress mode choose from; and checkHistory, which runs
 * a monitor and, on a small history, the generic checker against the same
 * spec — where the two disagree, that is a bug in lockstep, thrown as a
 * CheckerDisagreement, never a verdict.
 *
 * @example
 * COLLECTION_MONITORS.queue.check(columnsFromHistory(history)); // { kind: 'ok' }
 * checkHistory('queue', history).kind; // 'ok' | 'illegal'
 */
import { checkDequeHistory, dequeMonitorModel } from './deque_monitor.js';
import type { History } from './history.js';
import { checkLinearizability, type Verdict } from './linearizability.js';
import type { Model } from './model.js';
import { checkMultisetHistory, multisetMonitorModel } from './multiset_monitor.js';
import { checkQueueHistory, queueMonitorModel } from './queue_monitor.js';
import { checkStackHistory, stackMonitorModel } from './stack_monitor.js';
import { columnsFromHistory, type ColumnHistory, type MonitorVerdict } from './stress_history.js';

/**
 * A collection monitor: a polynomial check of column histories against one spec, the model of
 * that spec (for the generic checker), and what it checks in a few words. Write one to pass
 * your own to {@link checkHistory}.
 *
 * @example
 * const fifo: CollectionMonitor = COLLECTION_MONITORS.queue;
 * fifo.check(columnsFromHistory(history)); // { kind: 'ok' }
 */
export interface CollectionMonitor {
  check(h: ColumnHistory): MonitorVerdict;
  model(): Model<readonly number[]>;
  /** What it checks, in a few words. */
  checks: string;
}

/**
 * The collection monitors by name: `queue` (FIFO), `stack` (LIFO), `deque` (owner LIFO, thieves
 * FIFO) and `multiset` (nothing lost, duplicated or invented). Each decides histories of
 * millions of operations in polynomial time (what stress mode and `lockstep check --model` use).
 *
 * @example
 * COLLECTION_MONITORS.stack.check(columnsFromHistory(history)).kind; // 'ok' | 'illegal'
 * COLLECTION_MONITORS.deque.checks; // 'work-stealing deque: owner LIFO, thieves FIFO'
 */
export const COLLECTION_MONITORS = {
  queue: { check: checkQueueHistory, model: queueMonitorModel, checks: 'FIFO queue' },
  stack: { check: checkStackHistory, model: stackMonitorModel, checks: 'LIFO stack' },
  deque: { check: checkDequeHistory, model: dequeMonitorModel, checks: 'work-stealing deque: owner LIFO, thieves FIFO' },
  multiset: { check: checkMultisetHistory, model: multisetMonitorModel, checks: 'nothing lost, duplicated or invented' },
} as const satisfies Record<string, CollectionMonitor>;

/**
 * The name of a collection monitor: 'queue', 'stack', 'deque' or 'multiset'.
 *
 * @example
 * const name: MonitorName = 'queue';
 * checkHistory(name, history);
 */
export type MonitorName = keyof typeof COLLECTION_MONITORS;

/** Histories of at most this many operations also go to the generic checker (its search is exponential). */
export const GENERIC_CHECK_LIMIT = 200;

/**
 * Options of {@link checkHistory}.
 *
 * @example
 * checkHistory('queue', history, { genericLimit: 50, timeLimitMs: 2000 } satisfies CheckHistoryConstraints);
 */
export interface CheckHistoryConstraints {
  /** Run the generic checker too on histories of at most this many operations. @defaultValue GENERIC_CHECK_LIMIT (200) */
  genericLimit?: number;
  /** The generic checker's time limit; past it its verdict is unknown (no disagreement). @defaultValue 10000 */
  timeLimitMs?: number;
}

/**
 * Both checkers' verdicts on one history; they agree (or the generic one gave up or did not run).
 *
 * @example
 * const { kind, monitor, generic } = checkHistory('deque', history); // kind: 'ok' | 'illegal'
 */
export interface HistoryCheck {
  /** The verdict: the monitor's, which the generic checker confirmed where it ran. */
  readonly kind: 'ok' | 'illegal';
  readonly monitor: MonitorVerdict;
  /** The generic checker's verdict: absent above the limit; 'unknown' when it ran out of time. */
  readonly generic?: Verdict;
}

/**
 * A monitor and the generic checker judged one history differently: a bug in lockstep, not in
 * the history. Thrown by {@link checkHistory}, never returned as a verdict.
 *
 * @example
 * try { checkHistory('queue', history); } catch (e) { if (e instanceof CheckerDisagreement) console.error(e.message, e.history); }
 */
export class CheckerDisagreement extends Error {
  constructor(
    readonly monitorName: string,
    readonly monitor: MonitorVerdict,
    readonly generic: Verdict,
    readonly history: History,
  ) {
    const say = (v: MonitorVerdict | Verdict) => (v.kind === 'ok' ? 'linearizable' : v.message);
    super(
      `lockstep bug: the ${monitorName} monitor and the generic checker disagree on this history of ${history.operations.length} operation(s) — ` +
        `monitor: ${say(monitor)}; generic checker: ${say(generic)}. Please report it with the history.`,
    );
    this.name = 'CheckerDisagreement';
  }
}

/**
 * Is `history` (format 1, complete, unique values) linearizable for the spec of monitor
 * `model`? Runs the monitor and, up to `genericLimit` operations, the generic checker on the
 * monitor's own model. Throws a RangeError (from columnsFromHistory or the monitor) for a
 * history the monitors do not take, and a CheckerDisagreement where the two checkers differ.
 *
 * @example
 * const history = parseHistory({ format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true }, { thread: 1, op: 'pop', call: 2, return: 3, result: 1 }] });
 * checkHistory('queue', history); // { kind: 'ok', monitor: { kind: 'ok' }, generic: { kind: 'ok' } }
 */
export function checkHistory(model: MonitorName | CollectionMonitor, history: History, constraints: CheckHistoryConstraints = {}): HistoryCheck {
  const monitor: CollectionMonitor = typeof model === 'string' ? COLLECTION_MONITORS[model] : model;
  const name = typeof model === 'string' ? model : model.checks;
  const verdict = monitor.check(columnsFromHistory(history));
  if (history.operations.length > (constraints.genericLimit ?? GENERIC_CHECK_LIMIT)) return { kind: verdict.kind, monitor: verdict };
  const generic = checkLinearizability(monitor.model(), history, { timeLimitMs: constraints.timeLimitMs ?? 10_000 });
  if (generic.kind !== 'unknown' && generic.kind !== verdict.kind) throw new CheckerDisagreement(name, verdict, generic, history);
  return { kind: verdict.kind, monitor: verdict, generic };
}
