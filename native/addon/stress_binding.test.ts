import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { type NoProgressVerdict, runStress, SAVED_OPS } from '../../fuzz/stress.js';
import { parseHistory } from '../../models/history.js';

import { checkDequeHistory } from '../../models/deque_monitor.js';
import { checkStackHistory } from '../../models/stack_monitor.js';
import { checkQueueHistory } from '../../models/queue_monitor.js';
import { EMPTY } from '../../models/stress_history.js';
import { addon, type StressRun } from '../index.js';

const a = addon();

/** Rows of one thread, in the order recorded. */
const rowsOf = (h: StressRun, t: number) => Array.from(h.thread.keys()).filter((i) => h.thread[i] === t);

describe('stressRun', () => {
  it('records every op of every thread with call < return, then drains on thread 0', () => {
    const h = a.stressRun({ target: 'mpmc-queue', threads: 3, ops: 3000, seed: 7 });
    expect(h.opNames).toEqual(['push', 'pop', 'steal', 'push-refused']);
    for (const column of [h.thread, h.op, h.value, h.call, h.ret]) expect(column.length).toBe(h.ops);
    expect(h.ops).toBeGreaterThanOrEqual(3000);
    for (let t = 0; t < 3; t++) {
      const rows = rowsOf(h, t);
      expect(rows.length).toBeGreaterThanOrEqual(1000);
      // One thread's ops are sequential: each returns before the next is called.
      for (let k = 0; k < rows.length; k++) {
        expect(h.call[rows[k]!]!).toBeLessThan(h.ret[rows[k]!]!);
        if (k > 0) expect(h.ret[rows[k - 1]!]!).toBeLessThanOrEqual(h.call[rows[k]!]!);
      }
    }
    // The drain ends with an empty pop on thread 0, after every other op.
    const last = rowsOf(h, 0).at(-1)!;
    expect([h.opNames[h.op[last]!], h.value[last]]).toEqual(['pop', EMPTY]);
    expect(h.call[last]!).toBeGreaterThanOrEqual(Math.max(...h.ret.filter((_, i) => i !== last)));
  });

  it('pushes unique values; the deque pushes and pops only on thread 0', () => {
    const h = a.stressRun({ target: 'chase-lev-deque', threads: 3, ops: 3000, depth: 3 });
    const pushed = Array.from(h.value).filter((_, i) => h.op[i] === 0);
    expect(new Set(pushed).size).toBe(pushed.length);
    for (let i = 0; i < h.ops; i++) expect(h.opNames[h.op[i]!] === 'steal').toBe(h.thread[i] !== 0);
  });

  it('a deque on one thread: the owner alone pushes and pops, and its history passes the monitor', () => {
    const h = a.stressRun({ target: 'chase-lev-deque', threads: 1, ops: 5000, depth: 8 });
    expect(new Set(Array.from(h.op, (op) => h.opNames[op]))).toEqual(new Set(['push', 'pop']));
    expect(checkDequeHistory(h)).toEqual({ kind: 'ok' });
  });

  it.each([
    ['mpmc-queue', checkQueueHistory],
    ['chase-lev-deque', checkDequeHistory],
    ['tagged-stack', checkStackHistory],
    // Run by the same generic runner: the consumer (thread 0) pushes and pops, producers push.
    ['mpsc-queue', checkQueueHistory],
    // The producer pushes, the consumer pops each item, waiting for it.
    ['spsc-ring', checkQueueHistory],
  ] as const)('%s: the correct build passes its monitor, over seeds and depths', (target, check) => {
    for (const [seed, depth] of [[1, 1], [2, 4], [3, 16]] as const) {
      const h = a.stressRun({ target, threads: 2, ops: 20_000, seed, depth });
      expect(check(h)).toEqual({ kind: 'ok' });
    }
  });

  it('rejects bad options with errors that name them', () => {
    // The targets with a production build (TargetInfo::make_real), from the registry.
    const real = 'chase-lev-deque, mpmc-queue, mpsc-queue, spsc-ring, tagged-stack';
    // @ts-expect-error the target is required
    expect(() => a.stressRun({})).toThrow(new TypeError(`stressRun: option target is required (one of ${real})`));
    expect(() => a.stressRun({ target: 'nope' })).toThrow(new RangeError(`stressRun: option target must be one of ${real} or a target built with the SDK (a plugin's), got 'nope'`));
    expect(() => a.stressRun({ target: 'arc' })).toThrow(new RangeError(`stressRun: option target must be one of ${real} or a target built with the SDK (a plugin's), got 'arc' (it has no production build)`));
    expect(() => a.stressRun({ target: 'spsc-ring', threads: 3 })).toThrow(new RangeError('stressRun: spsc-ring takes at most 2 threads in stress mode (one per role), got 3'));
    expect(() => a.stressRun({ target: 'spsc-ring', threads: 1 })).toThrow(new RangeError('stressRun: with 1 thread(s) no thread of spsc-ring may remove: give more threads'));
    expect(() => a.stressRun({ target: 'mpmc-queue', variant: 'untagged-head' })).toThrow(/option variant must be one of correct, lap-dropped, relaxed-turn-store, turn-2-bits for mpmc-queue, got 'untagged-head'/);
    expect(() => a.stressRun({ target: 'chase-lev-deque', variant: 'steal-without-buffer-recheck' })).toThrow(/may read freed memory on real threads/);
    expect(() => a.stressRun({ target: 'mpmc-queue', ops: 0 })).toThrow(RangeError);
    expect(() => a.stressRun({ target: 'mpmc-queue', ops: 20_000_001 })).toThrow(RangeError);
    expect(() => a.stressRun({ target: 'mpmc-queue', depth: 1025 })).toThrow(RangeError);
    // @ts-expect-error an unknown option
    expect(() => a.stressRun({ target: 'mpmc-queue', capacity: 4 })).toThrow(TypeError);
    expect(() => a.stressRun({ target: 'mpmc-queue', progressTimeoutMs: 0 })).toThrow(new RangeError('stressRun: option progressTimeoutMs must be an integer from 1 to 600000, got 0'));
    expect(() => a.stressRun({ target: 'mpmc-queue', progressTimeoutMs: 600_001 })).toThrow(RangeError);
    expect(() => a.stressRun({ target: 'mpmc-queue', progressTimeoutMs: 1.5 })).toThrow(RangeError);
    // @ts-expect-error not a number
    expect(() => a.stressRun({ target: 'mpmc-queue', progressTimeoutMs: '10s' })).toThrow(new TypeError('stressRun: option progressTimeoutMs must be a number, got a string'));
  });
});

describe('stressRun under its watchdog', () => {
  it('a finished run has nothing stuck, and says which timeout watched it', () => {
    const h = a.stressRun({ target: 'tagged-stack', ops: 2000 });
    expect(h.stuck).toEqual([]);
    expect(h.progressTimeoutMs).toBe(10_000);
  });

  // Issue 18, defect 14: a structure that stops making progress (turn-2-bits: after two laps of
  // a slot every push is refused) made stressRun spin until killed, with no report.
  it('a structure that stops making progress: the run ends within seconds, naming each stuck thread and its op', () => {
    const started = performance.now();
    const h = a.stressRun({ target: 'mpmc-queue', variant: 'turn-2-bits', threads: 2, ops: 1_000_000, progressTimeoutMs: 1000 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(h.stuck.length).toBeGreaterThan(0);
    for (const s of h.stuck) {
      // Refused, not stuck inside: it saw the stop flag and was joined.
      expect(s).toMatchObject({ op: 'push', inOp: true, drain: false, detached: false });
      // The history so far: the thread's completed ops, then its refused push, whole.
      const rows = rowsOf(h, s.thread);
      expect(rows.length).toBe(s.ops + 1);
      const last = rows.at(-1)!;
      expect([h.opNames[h.op[last]!], h.value[last], h.call[last]]).toEqual(['push-refused', s.value, s.call]);
    }
    for (let i = 0; i < h.ops; i++) expect(h.call[i]!).toBeLessThan(h.ret[i]!);
  });

  it('runStress turns it into a no-progress verdict, caught, with the history so far saved', () => {
    const saveTo = join(mkdtempSync(join(tmpdir(), 'lockstep-stress-')), 'stuck.json');
    const r = runStress({ target: 'mpmc-queue', variant: 'turn-2-bits', ops: 1_000_000, progressTimeoutMs: 1000, saveTo });
    expect(r.caught).toBe(true);
    expect(r.verdict.kind).toBe('no-progress');
    expect('message' in r.verdict && r.verdict.message).toMatch(/^no progress for 1000 ms: thread [01] stuck in push\(\d+\) after \d+ ops(; thread [01] stuck in push\(\d+\) after \d+ ops)?$/);
    expect(r.saved).toBe(saveTo);
    const saved = parseHistory(JSON.parse(readFileSync(saveTo, 'utf8')));
    expect(saved.operations.length).toBe(Math.min(r.ops, SAVED_OPS));
    // Each stuck thread's refused push is in it, as push → false.
    const refused = saved.operations.filter((o) => o.op === 'push' && o.result === false);
    expect(refused.map((o) => [o.thread, o.arg])).toEqual(expect.arrayContaining((r.verdict as NoProgressVerdict).stuck.map((s) => [s.thread, s.value])));
    expect(refused.length).toBe((r.verdict as NoProgressVerdict).stuck.length);
  });

  it('a correct run is not caught', () => {
    const r = runStress({ target: 'mpmc-queue', ops: 20_000 });
    expect([r.verdict.kind, r.caught]).toEqual(['ok', false]);
  });
});
