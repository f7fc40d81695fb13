/**
 * Conservation: after a run the structure is drained, and the multiset of
 * items that came out (every successful pop/steal, then the drain) must
 * equal the multiset that went in (every accepted push). Nothing lost,
 * nothing twice, nothing invented. A structure that starts full (a pool's
 * blocks) names what it holds before the run: `initial`. Checked only on
 * histories without
 * pending operations (a pending push may or may not have inserted).
 *
 * @example
 * checkConservation(history, drained, { inserts: ['push'], removes: ['pop', 'steal'] });
 */
import type { History } from './history.js';

/**
 * What conservation means for a structure: the ops that put their argument in (when they
 * return true), the ops that take out the item they return, and what it holds to begin with.
 *
 * @example
 * const spec: ConservationSpec = { inserts: ['push'], removes: ['pop', 'steal'] };
 */
export interface ConservationSpec {
  /** Ops whose argument is inserted when they return true. */
  readonly inserts: readonly string[];
  /** Ops that remove the item they return (a number). */
  readonly removes: readonly string[];
  /** What the structure holds before the run. @defaultValue [] */
  readonly initial?: readonly number[];
}

/**
 * Whether every item that went in came out exactly once, counting the items `drained` from
 * the structure after the run: null when conserved, else what was lost, duplicated or invented.
 * A history with pending operations is not judged (null).
 *
 * @example
 * const run = runScenario(scenario);
 * checkConservation(historyOfRun(run), run.final!.items, { inserts: ['push'], removes: ['pop'] }); // null
 */
export function checkConservation(history: History, drained: readonly number[], spec: ConservationSpec): string | null {
  const count = new Map<number, number>();
  const add = (v: number, d: number) => count.set(v, (count.get(v) ?? 0) + d);
  for (const v of spec.initial ?? []) add(v, 1);
  for (const op of history.operations) {
    if (op.return === undefined) return null; // pending: cannot tell
    if (spec.inserts.includes(op.op) && op.result === true) add(op.arg as number, 1);
    if (spec.removes.includes(op.op) && typeof op.result === 'number') add(op.result, -1);
  }
  for (const v of drained) add(v, -1);
  const lost: number[] = [];
  const extra: number[] = [];
  for (const [v, c] of count) {
    for (let i = 0; i < c; i++) lost.push(v);
    for (let i = 0; i < -c; i++) extra.push(v);
  }
  if (lost.length === 0 && extra.length === 0) return null;
  const parts: string[] = [];
  if (lost.length) parts.push(`lost ${lost.join(', ')} (put in, never taken out)`);
  if (extra.length) parts.push(`taken out once too often ${extra.join(', ')} (duplicated, or never put in)`);
  return `not conserved: ${parts.join('; ')}`;
}
