/**
 * Stress mode: the production build on pinned OS threads, its history
 * checked by the collection monitor of its target. One call is one run; a
 * run of a seeded bug is caught when the monitor rejects its history.
 *
 * @example
 * const r = runStress({ target: 'chase-lev-deque', threads: 2, ops: 1_000_000, seed: 1 });
 * r.verdict.kind; // 'ok'
 */
import { COLLECTION_MONITORS, type MonitorName } from '../models/collection_monitors.js';
import type { MonitorVerdict } from '../models/stress_history.js';
import { violationWindow } from '../models/violation_window.js';
import { addon, type StressRunOptions, type StressTarget } from '../native/index.js';
import { writeAtomically } from './atomic_write.js';

/** Each stress target, the monitor that checks it, and what that monitor checks. */
export const STRESS_TARGETS: Record<StressTarget, { monitor: MonitorName; checks: string }> = {
  'mpmc-queue': { monitor: 'queue', checks: 'FIFO queue (queue monitor)' },
  'chase-lev-deque': { monitor: 'deque', checks: 'owner LIFO, thieves FIFO (deque monitor)' },
  'tagged-stack': { monitor: 'stack', checks: 'LIFO stack (stack monitor)' },
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
  /** Where the evidence of an illegal verdict was saved (saveTo given). */
  saved?: string;
}

export interface StressOptions extends StressRunOptions {
  /** A file: on an illegal verdict, the smallest window of the run that the monitor still rejects, as a format-1 history. */
  saveTo?: string;
}

export function runStress(options: StressOptions): StressResult {
  const { saveTo, ...runOptions } = options;
  const run = addon().stressRun(runOptions);
  const monitor = COLLECTION_MONITORS[STRESS_TARGETS[options.target].monitor].check;
  const started = performance.now();
  const verdict = monitor(run);
  const checkMs = performance.now() - started;
  const historyBytes = [run.thread, run.op, run.value, run.call, run.ret].reduce((sum, a) => sum + a.byteLength, 0);
  const result: StressResult = { verdict, ops: run.ops, pinned: run.pinned, runMs: run.ms, opsPerSecond: run.ops / (run.ms / 1000), checkMs, historyBytes };
  if (saveTo !== undefined && verdict.kind === 'illegal') {
    const window = violationWindow(run, verdict, monitor);
    if (window !== undefined) {
      writeAtomically(saveTo, JSON.stringify(window) + '\n');
      result.saved = saveTo;
    }
  }
  return result;
}
