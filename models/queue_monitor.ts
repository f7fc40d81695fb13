/**
 * The queue monitor: is a history of pushes and pops of unique values
 * linearizable for a FIFO queue? O(n log n) time, O(n) memory, for
 * histories of millions of operations (the generic checker's search is
 * exponential).
 *
 * The spec it decides (queueMonitorModel, which the tests check it against
 * with the generic checker): an unbounded FIFO queue whose pop may report
 * empty while another operation overlaps it (a bounded Vyukov queue's
 * in-flight tickets; stress mode does not check those empty pops); a pop
 * that overlaps nothing must find it empty. A push always succeeds: a
 * refused one (push → false, stress mode's push-refused) is illegal.
 *
 * Why it is sound and complete: with unique values, a complete history of
 * pushes and value-returning pops is linearizable for a queue iff it has
 * none of four bad patterns (T. A. Henzinger, A. Sezgin, V. Vafeiadis,
 * "Aspect-oriented linearizability proofs", CONCUR 2013; the
 * empty-pop pattern VWit does not arise here, since an empty pop that
 * overlaps something takes no effect):
 * - VFresh: a pop returns a value never pushed, or returns before that
 *   push is called;
 * - VRepet: two pops return the same value;
 * - VOrd: push(a) precedes push(b), b is popped, and a is never popped or
 *   pop(b) precedes pop(a).
 * The solo empty pops are then exact (see _internals/value_table.ts). The
 * check of VOrd is one sweep over the pushes in order of call, keeping the
 * latest pop call among the values whose push had returned: the search of
 * P. A. Abdulla et al., "Efficient linearizability monitoring" (PLDI 2025;
 * arXiv 2509.17795), for queues.
 *
 * @example
 * const verdict = checkQueueHistory(columns);
 * if (verdict.kind === 'illegal') console.log(verdict.message);
 */
import { boundedCollectionModel, type CollectionState } from './_internals/bounded_collection.js';
import { checkSoloEmpties, illegal, sortedBy, tabulate } from './_internals/value_table.js';
import type { Model } from './model.js';
import type { ColumnHistory, MonitorVerdict } from './stress_history.js';

export function checkQueueHistory(h: ColumnHistory): MonitorVerdict {
  const t = tabulate(h, 'checkQueueHistory', ['push'], ['pop']);
  if ('message' in t) return t;
  const values = t.insertRow.length;
  const pushes = Uint32Array.from({ length: values }, (_, d) => t.insertRow[d]!);
  const byReturn = sortedBy(h.ret, pushes.slice());
  const byCall = sortedBy(h.call, pushes);
  // Sweep the pushes b by call; `latest` is, among the values a whose push
  // returned by then (a precedes b), the one popped last (never: Infinity).
  let next = 0;
  let latest = -1;
  let latestCall = -Infinity;
  for (const b of byCall) {
    while (next < byReturn.length && h.ret[byReturn[next]!]! <= h.call[b]!) {
      const a = byReturn[next++]!;
      const pop = t.removeRow[t.id[a]!]!;
      const popCall = pop < 0 ? Infinity : h.call[pop]!;
      if (popCall > latestCall) [latest, latestCall] = [a, popCall];
    }
    const popB = t.removeRow[t.id[b]!]!;
    if (popB < 0 || latest < 0 || latestCall < h.ret[popB]!) continue;
    const popA = t.removeRow[t.id[latest]!]!;
    const what = popA < 0 ? 'but only the later one was ever popped' : 'but were popped in the other order';
    return illegal(h, `values ${h.value[latest]} and ${h.value[b]} were pushed one after the other ${what}`, [latest, b, popB, popA]);
  }
  return checkSoloEmpties(h, t);
}

/** The spec checkQueueHistory decides, as a model for the generic checker (tests). */
export function queueMonitorModel(): Model<CollectionState> {
  return boundedCollectionModel('queueMonitorModel', 'queue', Number.MAX_SAFE_INTEGER, 'oldest', {
    emptyWhile: { why: 'stress mode does not check an empty pop that overlaps another operation' },
  });
}

