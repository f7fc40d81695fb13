/** A simulator run as a checker history (models/history.ts). */
import type { History, Operation } from '../models/history.js';
import type { RunResult } from '../native/index.js';

/**
 * The checker history of a simulator run (format 1): its completed
 * operations with their call and return steps, results, `solo` flags and,
 * under C11, happens-before (`after`); then the operations still pending
 * when the run stopped, without a return.
 *
 * @example
 * const run = runScenario({ target: 'mpmc-queue', threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]] });
 * checkLinearizability(boundedQueueModel({ capacity: 2 }), historyOfRun(run)); // { kind: 'ok' }
 */
export function historyOfRun(run: RunResult): History {
  const operations: Operation[] = run.history.map((h) => ({
    thread: h.thread,
    op: h.op,
    ...(h.arg === undefined ? {} : { arg: h.arg }),
    call: h.call,
    return: h.return,
    ...(h.result === undefined ? {} : { result: h.result }),
    solo: h.solo,
    ...(h.after === undefined ? {} : { after: h.after }),
  }));
  for (const p of run.pending) {
    operations.push({ thread: p.thread, op: p.op, ...(p.arg === undefined ? {} : { arg: p.arg }), call: p.call, ...(p.after === undefined ? {} : { after: p.after }) });
  }
  return { format: 1, operations };
}
