/**
 * Stress mode: the production build on pinned OS threads, its history
 * checked by the collection monitor of its target. One call is one run; a
 * run of a seeded bug is caught when the monitor rejects its history, or
 * when the watchdog stops it because a thread made no progress (verdict
 * 'no-progress': which thread, in which operation, after how many).
 *
 * @example
 * const r = runStress({ target: 'chase-lev-deque', threads: 2, ops: 1_000_000, seed: 1 });
 * r.verdict.kind; // 'ok'
 * r.caught; // false: what a CLI counts (exit 1 when any run is caught)
 */
import { COLLECTION_MONITORS, type MonitorName } from '../models/collection_monitors.js';
import type { History, Operation } from '../models/history.js';
import type { MonitorVerdict } from '../models/stress_history.js';
import { toHistory, violationWindow } from '../models/violation_window.js';
import { addon, type StressRun, type StressRunOptions, type StressStuck, type StressTarget } from '../native/index.js';
import { SPECS } from '../properties/_internals/specs.js';
import { writeAtomically } from './atomic_write.js';

/**
 * Each stress target (a target whose spec names a monitor: the built-in ones, and those of the
 * plugins loaded so far), the monitor that checks it, and what that monitor checks.
 */
export function stressTargets(): Readonly<Record<StressTarget, { monitor: MonitorName; checks: string }>> {
  return Object.fromEntries(Object.values(SPECS).flatMap((s) => (s.stress === undefined ? [] : [[s.name, s.stress] as const])));
}

/** A run the watchdog stopped: some thread completed no operation for the progress timeout. */
export interface NoProgressVerdict {
  readonly kind: 'no-progress';
  /** `no progress for 10000 ms: thread 1 stuck in push(33) after 31 ops` (each stuck thread). */
  readonly message: string;
  readonly stuck: readonly StressStuck[];
}

/** ok, illegal (the monitor's verdict), or no-progress (the watchdog's; the monitor did not run). */
export type StressVerdict = MonitorVerdict | NoProgressVerdict;

export interface StressResult {
  verdict: StressVerdict;
  /** The run found a bug: its verdict is not ok (illegal or no-progress). */
  caught: boolean;
  /** Rows in the history, the drain included. */
  ops: number;
  pinned: boolean;
  /** The threaded part, and its operations per second. */
  runMs: number;
  opsPerSecond: number;
  /** 0 for a no-progress run (not checked: it was stopped, not drained). */
  checkMs: number;
  /** Bytes of the history's columns. */
  historyBytes: number;
  /**
   * Where the evidence was saved (saveTo given): for an illegal verdict the smallest window that
   * the monitor still rejects; for no-progress the history so far (see historySoFar).
   */
  saved?: string;
}

export interface StressOptions extends StressRunOptions {
  /** A file: on a caught run, its evidence as a format-1 history (see StressResult.saved). */
  saveTo?: string;
}

/** A no-progress run's saved history keeps at most this many of its completed operations. */
export const SAVED_OPS = 100_000;

export function runStress(options: StressOptions): StressResult {
  const { saveTo, ...runOptions } = options;
  const run = addon().stressRun(runOptions);
  const historyBytes = [run.thread, run.op, run.value, run.call, run.ret].reduce((sum, a) => sum + a.byteLength, 0);
  const base = { ops: run.ops, pinned: run.pinned, runMs: run.ms, opsPerSecond: run.ops / (run.ms / 1000), historyBytes };
  if (run.stuck.length > 0) {
    const result: StressResult = { verdict: noProgress(run), caught: true, checkMs: 0, ...base };
    if (saveTo !== undefined) {
      writeAtomically(saveTo, JSON.stringify(historySoFar(run)) + '\n');
      result.saved = saveTo;
    }
    return result;
  }
  const spec = stressTargets()[options.target];
  if (spec === undefined) throw new RangeError(`runStress: target '${options.target}' has no stress monitor in its spec (these have: ${Object.keys(stressTargets()).join(', ')})`);
  const monitor = COLLECTION_MONITORS[spec.monitor].check;
  const started = performance.now();
  const verdict = monitor(run);
  const checkMs = performance.now() - started;
  const result: StressResult = { verdict, caught: verdict.kind !== 'ok', checkMs, ...base };
  if (saveTo !== undefined && verdict.kind === 'illegal') {
    const window = violationWindow(run, verdict, monitor);
    if (window !== undefined) {
      writeAtomically(saveTo, JSON.stringify(window) + '\n');
      result.saved = saveTo;
    }
  }
  return result;
}

/** The watchdog's verdict on a stopped run, naming each stuck thread, its operation and its count. */
export function noProgress(run: Pick<StressRun, 'stuck' | 'progressTimeoutMs'>): NoProgressVerdict {
  const what = run.stuck.map((s) => {
    const op = `${s.op}${s.value === undefined ? '' : `(${s.value})`}`;
    const where = s.inOp ? `stuck in ${op}` : `stuck after its ${op}`;
    const notes = [s.drain ? 'draining' : '', s.detached ? 'inside the structure: left running' : ''].filter((n) => n !== '');
    return `thread ${s.thread} ${where} after ${s.ops} ops${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
  });
  return { kind: 'no-progress', message: `no progress for ${run.progressTimeoutMs} ms: ${what.join('; ')}`, stuck: run.stuck };
}

/**
 * A stopped run's history as format 1, for reading: each thread's last completed operations (all
 * of them while the run has at most `maxOps`, else an equal share of `maxOps` per thread, so
 * that every stuck thread's last steps are in), by call time — a push still refused when the run
 * stopped is push → false — then each operation still pending in a thread left running (no
 * return, no result). A cut history may pop values it does not show pushed.
 */
export function historySoFar(run: StressRun, maxOps = SAVED_OPS): History {
  const perThread = run.ops <= maxOps ? Infinity : Math.max(1, Math.floor(maxOps / run.threads));
  // Rows of one thread are in its program order: keep the last perThread of each.
  const left = new Array<number>(run.threads).fill(0);
  for (let i = 0; i < run.ops; i++) left[run.thread[i]!]!++;
  const rows: number[] = [];
  for (let i = 0; i < run.ops; i++) if (left[run.thread[i]!]!-- <= perThread) rows.push(i);
  rows.sort((a, b) => run.call[a]! - run.call[b]! || a - b);
  const pick = <T extends ArrayLike<number>>(a: T) => rows.map((r) => a[r]!);
  const done = toHistory({ thread: pick(run.thread), op: pick(run.op), value: pick(run.value), call: pick(run.call), ret: pick(run.ret), opNames: run.opNames });
  const pending: Operation[] = run.stuck
    .filter((s) => s.detached && s.inOp)
    .map((s) => ({ thread: s.thread, op: s.op, ...(s.value === undefined ? {} : { arg: s.value }), call: s.call! }));
  return { format: 1, operations: [...done.operations, ...pending] };
}
