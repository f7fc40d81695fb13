/**
 * The multiset monitor: nothing lost, nothing duplicated, nothing invented.
 * Is a history of pushes and pops of unique values linearizable for a bag
 * (a pop takes any value present)? O(n log n) time, O(n) memory. For a
 * structure whose order does not matter (a pool, a bag of tasks), or a
 * queue's or stack's history when only loss and duplication matter
 * (`lockstep check --model multiset`).
 *
 * The spec (multisetMonitorModel): an unbounded bag whose pop may report
 * empty while another operation overlaps it; a pop that overlaps nothing
 * finds it empty only if it is; a push is never refused.
 *
 * Why it is sound and complete: given each value pushed once, popped at
 * most once, and never popped before its push was called (checked, in
 * _internals/value_table.ts), put each push at its call and each pop at its
 * return (ties: pushes first). That order respects real time, and every pop
 * comes after the push of its value, so a bag accepts it; the failures
 * listed are plainly illegal. Empty pops that overlap something take no
 * effect; one that overlaps nothing splits the history, and the collection
 * then holds exactly what the operations before it pushed and did not pop.
 *
 * @example
 * checkMultisetHistory(columnsFromHistory(history)); // { kind: 'ok' }
 */
import { checkSoloEmpties, tabulate } from './_internals/value_table.js';
import { describeCall, type Input, type Model, type Outcome } from './model.js';
import type { ColumnHistory, MonitorVerdict } from './stress_history.js';

export function checkMultisetHistory(h: ColumnHistory): MonitorVerdict {
  const t = tabulate(h, 'checkMultisetHistory', ['push'], ['pop']);
  if ('message' in t) return t;
  return checkSoloEmpties(h, t);
}

/** The spec checkMultisetHistory decides, as a model for the generic checker (tests). State: the values, sorted. */
export function multisetMonitorModel(): Model<readonly number[]> {
  const busy = { why: 'stress mode does not check an empty pop that overlaps another operation' };
  return {
    name: 'multiset',
    init: () => [],
    step(state, input: Input) {
      if (input.op === 'push') return [{ output: true, state: [...state, input.arg as number].sort((a, b) => a - b) }];
      if (input.op !== 'pop') return [];
      if (state.length === 0) return [{ output: null, state }];
      const out: Outcome<readonly number[]>[] = state.map((v, i) => ({ output: v, state: state.filter((_, j) => j !== i) }));
      return [...out, { output: null, state, relaxed: busy }];
    },
    key: (state) => state.join(','),
    describeOperation: describeCall,
    describeState: (state) => `{${state.join(', ')}}`,
  };
}
