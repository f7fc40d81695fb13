/**
 * Linearizability over happens-before, for C11 histories (operations carry
 * `after`): fixtures where the order decides the verdict, and agreement with
 * a brute force over every order on small random histories.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { runOptions } from '../properties/_internals/run_options.js';
import { boundedQueueModel } from './bounded_queue.js';
import { dequeModel } from './deque.js';
import { precedence, type Operation } from './history.js';
import { checkLinearizability } from './linearizability.js';
import { sameOutput, type Model } from './model.js';

const check = (model: Model<unknown>, operations: Operation[]) => checkLinearizability(model, { format: 1, operations }).kind;
const deque = dequeModel({ maxCapacity: 4 }) as Model<unknown>;

describe('happens-before, not the clock', () => {
  const push: Operation = { thread: 0, op: 'push', arg: 1, call: 0, return: 5, result: true, after: [0, 0] };
  const steal = (after: number[]): Operation => ({ thread: 1, op: 'steal', call: 10, return: 15, result: null, after });

  it('a steal that no push happens before may miss it, though the push returned first', () => {
    expect(check(deque, [push, steal([0, 0])])).toBe('ok');
  });

  it('once the push happens before the steal, missing it is illegal', () => {
    expect(check(deque, [push, steal([1, 0])])).toBe('illegal');
  });

  it('without `after`, real time orders them: illegal', () => {
    const { after: _, ...timed } = steal([0, 0]);
    const { after: __, ...pushTimed } = push;
    expect(check(deque, [pushTimed, timed])).toBe('illegal');
  });

  it("a thread's own operations stay in program order", () => {
    const ops: Operation[] = [
      { thread: 0, op: 'push', arg: 1, call: 0, return: 5, result: true, after: [0, 0] },
      { thread: 0, op: 'pop', call: 6, return: 9, result: null, after: [1, 0] },
    ];
    expect(check(deque, ops)).toBe('illegal');
  });

  it('no value from nowhere: a steal of an item never pushed is illegal whatever the order', () => {
    expect(check(deque, [push, { ...steal([0, 0]), result: 7 }])).toBe('illegal');
  });
});

/** Linearizable iff some order extending `precedence` is accepted, completed ops all placed, pending ones optional. */
function bruteForce(model: Model<unknown>, ops: readonly Operation[]): boolean {
  const prec = precedence(ops);
  const concurrent = (i: number, names?: readonly string[]) =>
    ops.some((p, j) => j !== i && !prec(i, j) && !prec(j, i) && (names === undefined || names.includes(p.op)));
  const placed = ops.map(() => false);
  const walk = (state: unknown): boolean => {
    if (ops.every((o, i) => placed[i] || o.return === undefined)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i] || ops.some((_, j) => !placed[j] && prec(j, i))) continue;
      const o = ops[i]!;
      for (const out of model.step(state, o)) {
        if (o.return !== undefined && !sameOutput(out.output, o.result)) continue;
        if (out.relaxed && ((out.relaxed.needsInterference === true && o.solo === true) || !concurrent(i, out.relaxed.concurrentWith))) continue;
        placed[i] = true;
        const ok = walk(out.state);
        placed[i] = false;
        if (ok) return true;
      }
    }
    return false;
  };
  return walk(model.init());
}

/**
 * Small C11-like histories: 2 or 3 threads of 1 to 3 operations at increasing steps, each
 * knowing (in `after`) a non-decreasing number of every other thread's operations; pushes
 * mostly succeed, other results are drawn from `results`; a thread's last operation may be
 * pending.
 */
function c11History(ops: readonly string[], withArg: readonly string[], results: fc.Arbitrary<unknown>): fc.Arbitrary<Operation[]> {
  const call = fc.record({
    op: fc.constantFrom(...ops),
    arg: fc.integer({ min: 1, max: 3 }),
    result: results,
    refused: fc.nat({ max: 9 }).map((n) => n === 0), // a push's result: mostly true
    solo: fc.boolean(),
    knows: fc.array(fc.nat({ max: 3 }), { minLength: 3, maxLength: 3 }),
  });
  return fc
    .record({ threads: fc.array(fc.array(call, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 }), pending: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), gaps: fc.array(fc.nat({ max: 4 }), { minLength: 9, maxLength: 9 }) })
    .map(({ threads, pending, gaps }) => {
      const out: Operation[] = [];
      threads.forEach((calls, t) => {
        let step = t;
        const known = threads.map(() => 0);
        calls.forEach((c, i) => {
          threads.forEach((other, u) => {
            if (u !== t) known[u] = Math.min(other.length, Math.max(known[u]!, c.knows[u]!));
          });
          known[t] = i;
          const start = step + gaps[(t * 3 + i) % 9]!;
          step = start + 1 + (c.knows[0]! % 3);
          const last = i === calls.length - 1;
          const o: Record<string, unknown> = { thread: t, op: c.op, call: start, solo: c.solo, after: [...known] };
          if (withArg.includes(c.op)) o['arg'] = c.arg;
          if (!(last && pending[t])) {
            o['return'] = step;
            o['result'] = withArg.includes(c.op) ? !c.refused : c.result;
          }
          out.push(o as unknown as Operation);
        });
      });
      return out;
    });
}

describe('the happens-before search agrees with a brute force on small random C11 histories', () => {
  const cases: [string, Model<unknown>, string[], fc.Arbitrary<unknown>][] = [
    ['queue', boundedQueueModel({ capacity: 2 }) as Model<unknown>, ['push', 'pop'], fc.constantFrom(true, false, null, 1, 2, 3)],
    ['deque', dequeModel({ maxCapacity: 3 }) as Model<unknown>, ['push', 'pop', 'steal'], fc.constantFrom(true, null, 'retry', 1, 2, 3)],
  ];
  it.each(cases)('%s', (_, model, ops, results) => {
    const verdicts = { ok: 0, illegal: 0 };
    fc.assert(
      fc.property(c11History(ops, ['push'], results), (history) => {
        const fast = check(model, history);
        const slow = bruteForce(model, history) ? 'ok' : 'illegal';
        verdicts[slow]++;
        expect(fast).toBe(slow);
      }),
      runOptions(1500),
    );
    expect(verdicts.ok, 'both verdicts occur').toBeGreaterThan(50);
    expect(verdicts.illegal, 'both verdicts occur').toBeGreaterThan(50);
  });
});
