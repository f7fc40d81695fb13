import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { runOptions } from '../properties/_internals/run_options.js';
import { randomCollectionHistory } from './_internals/random_collection_history.js';
import { COLLECTION_MONITORS, type MonitorName } from './collection_monitors.js';
import type { History } from './history.js';
import { columnsFromHistory } from './stress_history.js';
import { violationWindow } from './violation_window.js';

const key = (o: History['operations'][number]) => [o.thread, o.op, o.arg, o.call, o.return, JSON.stringify(o.result)].join('|');

describe('violationWindow', () => {
  it.each(Object.keys(COLLECTION_MONITORS) as MonitorName[])('%s: the window of an illegal history is illegal, and part of it', (kind) => {
    const { check } = COLLECTION_MONITORS[kind];
    let windows = 0;
    fc.assert(
      fc.property(randomCollectionHistory(kind), (history) => {
        const columns = columnsFromHistory(history);
        const verdict = check(columns);
        if (verdict.kind !== 'illegal') return;
        const window = violationWindow(columns, verdict, check);
        expect(window).toBeDefined();
        windows++;
        expect(check(columnsFromHistory(window!)).kind).toBe('illegal');
        const all = new Set(history.operations.map(key));
        for (const o of window!.operations) expect(all.has(key(o))).toBe(true);
      }),
      runOptions(500),
    );
    expect(windows).toBeGreaterThan(50);
  });

  it('keeps an empty pop only with everything that overlapped it', () => {
    // pop → empty [10, 40] overlaps push(2) [30, 50]; the window around the
    // duplicate (rows at 0-8) must not keep the empty pop without push(2).
    const history: History = {
      format: 1,
      operations: [
        { thread: 0, op: 'push', arg: 1, call: 0, return: 2, result: true },
        { thread: 0, op: 'pop', call: 3, return: 4, result: 1 },
        { thread: 1, op: 'pop', call: 5, return: 8, result: 1 },
        { thread: 1, op: 'pop', call: 10, return: 40, result: null },
        { thread: 0, op: 'push', arg: 2, call: 30, return: 50, result: true },
      ],
    };
    const { check } = COLLECTION_MONITORS.multiset;
    const columns = columnsFromHistory(history);
    const verdict = check(columns);
    expect(verdict.kind).toBe('illegal');
    const window = violationWindow(columns, verdict as Extract<typeof verdict, { kind: 'illegal' }>, check)!;
    const ops = window.operations.map((o) => `${o.op}${o.arg ?? ''}→${o.result}`);
    expect(ops).toContain('pop→1');
    expect(ops.includes('pop→null')).toBe(ops.includes('push2→true'));
  });
});
