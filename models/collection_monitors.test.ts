import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { runOptions } from '../properties/_internals/run_options.js';
import { randomCollectionHistory, type CollectionKind } from './_internals/random_collection_history.js';
import { CheckerDisagreement, checkHistory, COLLECTION_MONITORS, type MonitorName } from './collection_monitors.js';
import { checkDequeHistory, dequeMonitorModel } from './deque_monitor.js';
import type { History } from './history.js';
import { checkLinearizability } from './linearizability.js';
import type { Model } from './model.js';
import { checkMultisetHistory, multisetMonitorModel } from './multiset_monitor.js';
import { checkQueueHistory, queueMonitorModel } from './queue_monitor.js';
import { checkStackHistory, stackMonitorModel } from './stack_monitor.js';
import { columnsFromHistory, EMPTY, type ColumnHistory, type MonitorVerdict } from './stress_history.js';

type Monitor = (h: ColumnHistory) => MonitorVerdict;

const MONITORS = (Object.keys(COLLECTION_MONITORS) as MonitorName[]).map((kind) => ({ kind, ...COLLECTION_MONITORS[kind] }));

/** Runs the cross-check; returns how many legal and illegal histories it saw, or throws on the first disagreement. */
function crossCheck(kind: CollectionKind, check: Monitor, model: Model<readonly number[]>, numRuns: number) {
  const seen = { ok: 0, illegal: 0 };
  fc.assert(
    fc.property(randomCollectionHistory(kind), (history: History) => {
      const generic = checkLinearizability(model, history);
      const monitor = check(columnsFromHistory(history));
      if (generic.kind === 'unknown') return;
      seen[generic.kind]++;
      if (monitor.kind !== generic.kind) {
        throw new Error(`monitor says ${monitor.kind}, generic checker ${generic.kind}: ${'message' in monitor ? monitor.message : ''} / ${'message' in generic ? generic.message : ''}\n${JSON.stringify(history)}`);
      }
    }),
    runOptions(numRuns),
  );
  return seen;
}

describe.each(MONITORS)('the $kind monitor', ({ kind, check, model }) => {
  it('agrees with the generic checker on small random histories, legal and not', () => {
    const seen = crossCheck(kind, check, model(), 1500);
    // Both verdicts must come up often, or the agreement says little.
    expect(seen.ok).toBeGreaterThan(150);
    expect(seen.illegal).toBeGreaterThan(150);
  });
});

describe('the cross-check is not vacuous', () => {
  it.each([
    ['a multiset monitor passed off as the queue monitor (no FIFO)', 'queue', checkMultisetHistory, queueMonitorModel],
    ['a queue monitor passed off as the deque monitor (owner pops FIFO)', 'deque', checkQueueHistoryAsDeque, dequeMonitorModel],
    ['a deque monitor that ignores empty pops', 'deque', ignoringEmptyPops(checkDequeHistory), dequeMonitorModel],
    ['a queue monitor passed off as the stack monitor (FIFO for LIFO)', 'stack', checkQueueHistory, stackMonitorModel],
    ['a multiset monitor passed off as the stack monitor (no order)', 'stack', checkMultisetHistory, stackMonitorModel],
    ['a monitor that always says ok', 'multiset', () => ({ kind: 'ok' }) as const, multisetMonitorModel],
  ] as const)('catches %s', (_, kind, check, model) => {
    expect(disagreement(() => crossCheck(kind, check, model(), 3000))).toMatch(/^monitor says/);
  });
});

/** The disagreement fast-check found (the error it wraps), or '' when none. */
function disagreement(run: () => unknown): string {
  try {
    run();
    return '';
  } catch (e) {
    const cause = (e as Error).cause;
    return cause instanceof Error ? cause.message : String(e);
  }
}

/** The queue monitor on a deque history: steals and pops both as pops. */
function checkQueueHistoryAsDeque(h: ColumnHistory): MonitorVerdict {
  const names = h.opNames.map((n) => (n === 'steal' ? 'pop' : n));
  return checkQueueHistory({ ...h, opNames: names, thread: Array.from(h.thread, () => 0).map((_, i) => i) });
}

/** A monitor with every empty pop dropped from the history. */
function ignoringEmptyPops(check: Monitor): Monitor {
  return (h) => {
    const keep = Array.from({ length: h.op.length }, (_, i) => i).filter((i) => !(h.opNames[h.op[i]!] === 'pop' && h.value[i] === EMPTY));
    const pick = (a: ArrayLike<number>) => keep.map((i) => a[i]!);
    return check({ thread: pick(h.thread), op: pick(h.op), value: pick(h.value), call: pick(h.call), ret: pick(h.ret), opNames: h.opNames });
  };
}

describe('the stack monitor', () => {
  it('rejects three values that no two of them show: the pair patterns are not enough', () => {
    // 5's push must follow pop(4) (5 cannot sit below 4, pushed by 13), 3
    // must sit above 5 (popped first), but 3's push returns at 15.
    const op = (thread: number, o: string, call: number, ret: number, v: number) =>
      o === 'push' ? { thread, op: 'push', arg: v, call, return: ret, result: true } : { thread, op: 'pop', call, return: ret, result: v };
    const history: History = {
      format: 1,
      operations: [op(0, 'push', 9, 15, 3), op(1, 'push', 12, 13, 4), op(2, 'push', 14, 18, 5), op(1, 'pop', 16, 17, 4), op(0, 'pop', 19, 20, 3), op(1, 'pop', 21, 22, 5)],
    };
    expect(checkLinearizability(stackMonitorModel(), history).kind).toBe('illegal');
    const verdict = checkStackHistory(columnsFromHistory(history));
    expect(verdict.kind).toBe('illegal');
    // With 3 pushed after pop(4) is called, it is a stack: 4 inside nothing, then 5, 3 on top.
    const legal = { ...history, operations: history.operations.map((o) => (o.arg === 3 ? { ...o, call: 18.5, return: 18.7 } : o)) };
    expect(checkStackHistory(columnsFromHistory(legal))).toEqual({ kind: 'ok' });
  });
});

describe('checkHistory', () => {
  // Issue 18, defect 5: `lockstep check --model queue` printed "linearizable" for the
  // monitor and "not linearizable" for the generic checker on this history.
  const refused: History = { format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: false }] };

  it.each(Object.keys(COLLECTION_MONITORS) as MonitorName[])('%s: a refused push is illegal, for the monitor as for its model (unbounded)', (name) => {
    const result = checkHistory(name, refused);
    expect(result.kind).toBe('illegal');
    expect(result.generic?.kind).toBe('illegal');
    expect(result.monitor).toMatchObject({ kind: 'illegal', ops: [0], message: expect.stringMatching(/the push of 1 was refused \(full\)/) });
  });

  it('agrees with itself on a legal history, and leaves the generic checker out above the limit', () => {
    const history: History = {
      format: 1,
      operations: [
        { thread: 0, op: 'push', arg: 1, call: 0, return: 2, result: true },
        { thread: 1, op: 'pop', call: 1, return: 3, result: null },
        { thread: 1, op: 'pop', call: 4, return: 5, result: 1 },
      ],
    };
    expect(checkHistory('queue', history)).toEqual({ kind: 'ok', monitor: { kind: 'ok' }, generic: { kind: 'ok' } });
    expect(checkHistory('queue', history, { genericLimit: 2 })).toEqual({ kind: 'ok', monitor: { kind: 'ok' } });
  });

  it('throws a disagreement as a lockstep bug, never returns it as a verdict', () => {
    const alwaysOk = { ...COLLECTION_MONITORS.queue, check: () => ({ kind: 'ok' }) as const };
    let thrown: unknown;
    try {
      checkHistory(alwaysOk, refused);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CheckerDisagreement);
    expect((thrown as CheckerDisagreement).message).toMatch(/^lockstep bug: the FIFO queue monitor and the generic checker disagree on this history of 1 operation\(s\) — monitor: linearizable; generic checker: not linearizable: /);
    expect((thrown as CheckerDisagreement).history).toBe(refused);
  });
});
