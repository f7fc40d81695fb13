import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { runOptions } from '../properties/_internals/run_options.js';
import { boundedQueueModel } from './bounded_queue.js';
import { boundedStackModel } from './bounded_stack.js';
import { dequeModel } from './deque.js';
import { arcModel } from './arc.js';
import { parseHistory, precedes, type History, type Operation } from './history.js';
import { keyValueModel } from './key_value.js';
import { checkLinearizability } from './linearizability.js';
import { sameOutput, type Model } from './model.js';
import { mpscQueueModel } from './mpsc_queue.js';
import { registerModel } from './register.js';
import { setModel } from './set.js';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function modelNamed(name: string, constraints: Record<string, number> = {}): Model<any> {
  switch (name) {
    case 'register': return registerModel();
    case 'key-value': return keyValueModel();
    case 'set': return setModel();
    case 'mpmc-queue': return boundedQueueModel({ capacity: constraints['capacity']! });
    case 'mpsc-queue': return mpscQueueModel({ capacity: constraints['capacity']! });
    case 'tagged-stack': return boundedStackModel({ capacity: constraints['capacity']! });
    case 'chase-lev-deque': return dequeModel(constraints);
    case 'arc': return arcModel();
    default: throw new Error(`no model ${name}`);
  }
}

describe('fixtures: good and bad histories for every model', () => {
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));
  it('there are good and bad fixtures for each model', () => {
    const kinds = new Set(files.map((f) => f.split('.')[0] + '.' + f.split('.').at(-2)));
    for (const model of ['register', 'key-value', 'set', 'mpmc-queue', 'mpsc-queue', 'tagged-stack', 'chase-lev-deque', 'arc']) {
      expect(kinds.has(`${model}.good`) || model === 'mpsc-queue', `${model} has a good fixture`).toBe(true);
      expect(kinds.has(`${model}.bad`), `${model} has a bad fixture`).toBe(true);
    }
  });
  it.each(files)('%s', (file) => {
    const doc = JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')) as { model: string; constraints?: Record<string, number>; expect: string; history: unknown };
    const verdict = checkLinearizability(modelNamed(doc.model, doc.constraints), parseHistory(doc.history));
    expect(verdict.kind, verdict.kind === 'illegal' ? verdict.message : '').toBe(doc.expect);
  });
});

describe('the illegal verdict', () => {
  it('gives the longest partial linearization and the operation that could not be placed', () => {
    const history: History = {
      format: 1,
      operations: [
        { thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true },
        { thread: 0, op: 'push', arg: 2, call: 2, return: 3, result: true },
        { thread: 1, op: 'pop', call: 4, return: 5, result: 2 },
      ],
    };
    const verdict = checkLinearizability(boundedQueueModel({ capacity: 2 }), history);
    expect(verdict.kind).toBe('illegal');
    if (verdict.kind !== 'illegal') return;
    expect(verdict.linearization.map((s) => s.operation.arg)).toEqual([1, 2]);
    expect(verdict.stuck).toBe(history.operations[2]);
    expect(verdict.message).toBe(
      "not linearizable: the longest linearization found places 2 of 3 operation(s) (push(1) → true, push(2) → true), reaching state [1, 2] (oldest first); then thread 1's pop() → 2 [call 4, return 5] cannot be placed",
    );
  });

  it("keeps a thread's program order where its operations overlap (TSO returns)", () => {
    // Under TSO push(1) completes only when push(2)'s stores reach memory too:
    // the two overlap, yet push(1) comes first, so the pop cannot return 2.
    const ops: Operation[] = [
      { thread: 0, op: 'push', arg: 1, call: 0, return: 10, result: true },
      { thread: 0, op: 'push', arg: 2, call: 3, return: 10, result: true },
      { thread: 1, op: 'pop', call: 11, return: 12, result: 2 },
    ];
    expect(checkLinearizability(boundedQueueModel({ capacity: 2 }), { format: 1, operations: ops }).kind).toBe('illegal');
    const other: Operation[] = [ops[0]!, { ...ops[1]!, thread: 2 }, ops[2]!];
    expect(checkLinearizability(boundedQueueModel({ capacity: 2 }), { format: 1, operations: other }).kind).toBe('ok');
  });

  it('says unknown when the time limit runs out', () => {
    const ops: Operation[] = Array.from({ length: 40 }, (_, i) => ({ thread: i, op: 'read', call: 0, return: 100, result: i % 2 }));
    expect(checkLinearizability(registerModel(), { format: 1, operations: ops }, { timeLimitMs: 0 }).kind).toBe('unknown');
  });
});

describe('parseHistory', () => {
  it.each<[unknown, RegExp]>([
    [[], /history must be an object/],
    [{ format: 2, operations: [] }, /history.format must be 1/],
    [{ format: 1, operations: [{ thread: 0, op: 'pop', call: 5, return: 4 }] }, /operations\[0\].return \(4\) is before its call \(5\)/],
    [{ format: 1, operations: [{ thread: 0, op: 'pop', call: 0, result: 1 }] }, /operations\[0\].result must be absent for a pending operation/],
    [{ format: 1, operations: [{ thread: 0, op: 'pop', call: 0, ret: 1 }] }, /operations\[0\] has an unknown field 'ret'/],
    [{ format: 1, operations: [{ thread: 0.5, op: 'pop', call: 0 }] }, /operations\[0\].thread must be an integer/],
  ])('rejects %j', (value, message) => {
    expect(() => parseHistory(value)).toThrow(message);
  });
});

// ---- the checker against a brute force on small random histories -------------

/** Linearizable iff some order of the operations respecting real time is accepted (pending ones optional). */
function bruteForce<S>(model: Model<S>, ops: readonly Operation[]): boolean {
  const done = ops.map(() => false);
  const overlapsNamed = (o: Operation, names?: readonly string[]) =>
    ops.some((p) => p !== o && !precedes(p, o) && !precedes(o, p) && (names === undefined || names.includes(p.op)));
  const walk = (state: S, placed: number): boolean => {
    if (ops.every((o, i) => done[i] || o.return === undefined)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (done[i]) continue;
      const o = ops[i]!;
      // o may go next only if no unplaced op precedes it.
      if (ops.some((p, j) => !done[j] && j !== i && precedes(p, o))) continue;
      for (const out of model.step(state, o)) {
        if (o.return !== undefined && !sameOutput(out.output, o.result)) continue;
        if (out.relaxed && ((out.relaxed.needsInterference === true && o.solo === true) || !overlapsNamed(o, out.relaxed.concurrentWith))) continue;
        done[i] = true;
        const ok = walk(out.state, placed + 1);
        done[i] = false;
        if (ok) return true;
      }
    }
    return false;
  };
  return walk(model.init(), 0);
}

/** Small histories: random intervals and results drawn from each op's domain, so many are illegal. */
function smallHistory(ops: string[], results: fc.Arbitrary<unknown>): fc.Arbitrary<Operation[]> {
  const op = fc.record({
    thread: fc.nat({ max: 3 }),
    op: fc.constantFrom(...ops),
    arg: fc.integer({ min: 1, max: 3 }),
    call: fc.nat({ max: 12 }),
    length: fc.nat({ max: 6 }),
    pending: fc.integer({ min: 0, max: 99 }).map((n) => n < 8), // about 8%, from the seed (replays)
    result: results,
    solo: fc.boolean(),
  });
  return fc.array(op, { minLength: 1, maxLength: 6 }).map((raw) =>
    raw.map((r) => {
      const o: Record<string, unknown> = { thread: r.thread, op: r.op, call: r.call, solo: r.solo };
      if (r.op === 'push' || r.op === 'write') o['arg'] = r.arg;
      if (!r.pending) {
        o['return'] = r.call + r.length;
        if (r.op !== 'write') o['result'] = r.result;
      }
      return o as unknown as Operation;
    }),
  );
}

describe('the checker agrees with a brute force on small random histories', () => {
  const cases: [string, Model<unknown>, string[], fc.Arbitrary<unknown>][] = [
    ['queue', boundedQueueModel({ capacity: 2 }) as Model<unknown>, ['push', 'pop'], fc.constantFrom(true, false, null, 1, 2, 3)],
    ['mpsc queue', mpscQueueModel({ capacity: 2 }) as Model<unknown>, ['push', 'pop'], fc.constantFrom(true, false, null, 'retry', 1, 2)],
    ['stack', boundedStackModel({ capacity: 2 }) as Model<unknown>, ['push', 'pop'], fc.constantFrom(true, false, null, 1, 2, 3)],
    ['deque', dequeModel({ maxCapacity: 3 }) as Model<unknown>, ['push', 'pop', 'steal'], fc.constantFrom(true, null, 'retry', 1, 2, 3)],
    ['register', registerModel() as Model<unknown>, ['write', 'read'], fc.constantFrom(0, 1, 2, 3)],
  ];
  it.each(cases)('%s', (_, model, ops, results) => {
    let illegal = 0;
    fc.assert(
      fc.property(smallHistory(ops, results), (history) => {
        const fast = checkLinearizability(model, { format: 1, operations: history }).kind;
        const slow = bruteForce(model, history) ? 'ok' : 'illegal';
        if (slow === 'illegal') illegal++;
        expect(fast).toBe(slow);
      }),
      runOptions(1500),
    );
    expect(illegal, 'both verdicts occur').toBeGreaterThan(50);
  });
});
