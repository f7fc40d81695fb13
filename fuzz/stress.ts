/**
 * Stress mode: the production build on pinned OS threads, its history
 * checked by the collection monitor of its target. One call is one run; a
 * run of a seeded bug is caught when the monitor rejects its history.
 *
 * @example
 * const r = runStress({ target: 'chase-lev-deque', threads: 2, ops: 1_000_000, seed: 1 });
 * r.verdict.kind; // 'ok'
 */
import { checkDequeHistory } from '../models/deque_monitor.js';
import { checkMultisetHistory } from '../models/multiset_monitor.js';
import { checkQueueHistory } from '../models/queue_monitor.js';
import type { ColumnHistory, MonitorVerdict } from '../models/stress_history.js';
import { addon, type StressRunOptions, type StressTarget } from '../native/index.js';

/** Each stress target, the monitor that checks it, and what that monitor checks. */
export const STRESS_TARGETS: Record<StressTarget, { monitor: (h: ColumnHistory) => MonitorVerdict; checks: string }> = {
  'mpmc-queue': { monitor: checkQueueHistory, checks: 'FIFO queue (queue monitor)' },
  'chase-lev-deque': { monitor: checkDequeHistory, checks: 'owner LIFO, thieves FIFO (deque monitor)' },
  'tagged-stack': { monitor: checkMultisetHistory, checks: 'nothing lost or duplicated (multiset monitor; LIFO order not checked)' },
};

export interface StressResult {
  verdict: MonitorVerdict;
  /** Rows in the history, the drain included. */
  ops: number;
  pinned: boolean;
  /** The threaded part, and its operations per second. */
  runMs: number;
  opsPerSecond: number;
  checkMs: number;
  /** Bytes of the history's columns. */
  historyBytes: number;
}

export function runStress(options: StressRunOptions): StressResult {
  const run = addon().stressRun(options);
  const started = performance.now();
  const verdict = STRESS_TARGETS[options.target].monitor(run);
  const checkMs = performance.now() - started;
  const historyBytes = [run.thread, run.op, run.value, run.call, run.ret].reduce((sum, a) => sum + a.byteLength, 0);
  return { verdict, ops: run.ops, pinned: run.pinned, runMs: run.ms, opsPerSecond: run.ops / (run.ms / 1000), checkMs, historyBytes };
}
