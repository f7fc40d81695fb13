import { describe, expect, it } from 'vitest';

import type { StressRun, StressStuck } from '../native/index.js';
import { historySoFar, noProgress } from './stress.js';

const stuck = (s: Partial<StressStuck> & { thread: number }): StressStuck => ({ op: 'push', ops: 0, inOp: true, drain: false, detached: false, ...s });

/** Thread 0: push 1..5 (calls 0, 10, ...); thread 1: push(9) refused at 5; thread 2 pending in pop (detached). */
function stoppedRun(): StressRun {
  const rows = [
    ...[1, 2, 3, 4, 5].map((v, k) => ({ thread: 0, op: 0, value: v, call: 10 * k, ret: 10 * k + 1 })),
    { thread: 1, op: 3, value: 9, call: 5, ret: 60 },
  ];
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  return {
    thread: Uint8Array.from(col('thread')),
    op: Uint8Array.from(col('op')),
    value: Uint32Array.from(col('value')),
    call: Float64Array.from(col('call')),
    ret: Float64Array.from(col('ret')),
    opNames: ['push', 'pop', 'steal', 'push-refused'],
    threads: 3,
    ops: rows.length,
    pinned: true,
    ms: 1,
    stuck: [stuck({ thread: 1, value: 9, ops: 0, call: 5 }), stuck({ thread: 2, op: 'pop', ops: 0, call: 7, detached: true })],
    progressTimeoutMs: 50,
  };
}

describe('noProgress', () => {
  it('names each stuck thread, its operation and how many it had completed', () => {
    const verdict = noProgress({ progressTimeoutMs: 50, stuck: [stuck({ thread: 1, value: 9, ops: 31 }), stuck({ thread: 0, op: 'pop', ops: 12, drain: true, detached: true })] });
    expect(verdict.kind).toBe('no-progress');
    expect(verdict.message).toBe('no progress for 50 ms: thread 1 stuck in push(9) after 31 ops; thread 0 stuck in pop after 12 ops (draining; inside the structure: left running)');
  });
});

describe('historySoFar', () => {
  it('keeps every completed operation by call time (a refused push → false), then what is pending', () => {
    const h = historySoFar(stoppedRun());
    expect(h.operations.map((o) => `${o.thread}:${o.op}${o.arg ?? ''}→${o.result}@${o.call}`)).toEqual([
      '0:push1→true@0',
      '1:push9→false@5',
      '0:push2→true@10',
      '0:push3→true@20',
      '0:push4→true@30',
      '0:push5→true@40',
      '2:pop→undefined@7',
    ]);
    expect(h.operations.at(-1)!.return).toBeUndefined();
  });

  it('over the limit, keeps each thread its share of its last operations, so every stuck op stays in', () => {
    const h = historySoFar(stoppedRun(), 5); // 6 completed: 5 / 3 threads = 1 each
    expect(h.operations.map((o) => `${o.thread}:${o.arg ?? ''}`)).toEqual(['1:9', '0:5', '2:']);
  });
});
