import { describe, expect, it } from 'vitest';

import type { History, Operation } from './history.js';
import { checkLinearizability } from './linearizability.js';
import { queueMonitorModel } from './queue_monitor.js';
import { columnsFromHistory, EMPTY, RETRY } from './stress_history.js';

const history = (...operations: Operation[]): History => ({ format: 1, operations });

describe('columnsFromHistory', () => {
  it('turns results into codes: push → false is push-refused, empty and retry their sentinels', () => {
    const c = columnsFromHistory(
      history(
        { thread: 0, op: 'push', arg: 4, call: 0, return: 1, result: true },
        { thread: 0, op: 'push', arg: 5, call: 2, return: 3, result: false },
        { thread: 1, op: 'pop', call: 0, return: 1, result: null },
        { thread: 1, op: 'steal', call: 2, return: 3, result: 'retry' },
      ),
    );
    expect(Array.from(c.op, (o) => c.opNames[o])).toEqual(['push', 'push-refused', 'pop', 'steal']);
    expect(Array.from(c.value)).toEqual([4, 5, EMPTY, RETRY]);
  });

  // Each of these the generic checker would judge, and a monitor judge differently: refused instead.
  it.each([
    ['a pending op', [{ thread: 0, op: 'pop', call: 0 }], /operations\[0\] \(pop\) is pending/],
    ['a push without a boolean result', [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1 }], /operations\[0\] \(push\) has result absent: a push returns true or false/],
    ['a push → null', [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: null }], /has result null: a push returns true or false/],
    ['happens-before (after)', [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true, after: [0] }], /has `after` \(happens-before\)/],
  ] as const)('refuses %s', (_, operations, message) => {
    expect(() => columnsFromHistory(history(...operations))).toThrow(RangeError);
    expect(() => columnsFromHistory(history(...operations))).toThrow(message);
  });

  it('refuses two overlapping operations of one thread, which program order decides for the generic checker', () => {
    // Thread 0's push(1) is called first, so it comes first in program order: pop → 2 is
    // illegal for the generic checker. By their times alone, push(2) and pop → 2 could both
    // precede push(1): a monitor would say linearizable.
    const h = history(
      { thread: 0, op: 'push', arg: 1, call: 0, return: 10, result: true },
      { thread: 0, op: 'push', arg: 2, call: 2, return: 3, result: true },
      { thread: 1, op: 'pop', call: 4, return: 5, result: 2 },
    );
    expect(checkLinearizability(queueMonitorModel(), h).kind).toBe('illegal');
    expect(() => columnsFromHistory(h)).toThrow(/operations\[0\] and operations\[1\] of thread 0 overlap \(\[0, 10\] and \[2, 3\]\)/);
  });
});
