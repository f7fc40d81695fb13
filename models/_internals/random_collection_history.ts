/**
 * Small random histories of a collection, for checking the monitors
 * against the generic checker: threads call, take effect and return in an
 * order the choices pick, one event per time unit (so no two times are
 * equal), against a sequential spec — legal by construction — and then a
 * mutation may corrupt one result, so that both verdicts come up. The
 * mutations reach every result a complete history of these ops can hold:
 * a remove's value, empty (null) or 'retry' (a pop's too, which only a
 * steal may return), two removes' results swapped, and a push refused
 * (false: stress mode's push-refused, which the unbounded specs never allow).
 *
 * @example
 * fc.assert(fc.property(randomCollectionHistory('queue'), (h) => ...));
 */
import fc from 'fast-check';

import type { History, Operation } from '../history.js';
import type { Json } from '../model.js';

export type CollectionKind = 'queue' | 'stack' | 'multiset' | 'deque';

interface Running {
  op: string;
  arg?: number;
  call: number;
  result?: Json;
  done: boolean;
}

/** A history of 2-3 threads and up to `maxOps` operations; stack: pops take the newest; deque: thread 0 pushes and pops, the others steal. */
export function randomCollectionHistory(kind: CollectionKind, maxOps = 12): fc.Arbitrary<History> {
  return fc
    .record({
      threads: fc.integer({ min: 2, max: 3 }),
      ops: fc.array(fc.boolean(), { minLength: 3, maxLength: maxOps }),
      choices: fc.array(fc.nat(), { minLength: 4 * maxOps, maxLength: 4 * maxOps }),
      mutation: fc.option(fc.record({ what: fc.constantFrom('value', 'empty', 'swap', 'retry', 'refuse'), at: fc.nat(), to: fc.nat() }), { freq: 5 }),
    })
    .map(({ threads, ops, choices, mutation }) => {
      // Thread of op i: round robin; a deque's thread 0 is the owner (push
      // or pop), the others steal.
      const queues: { op: string }[][] = Array.from({ length: threads }, () => []);
      ops.forEach((isPush, i) => {
        const t = i % threads;
        const op = kind === 'deque' && t > 0 ? 'steal' : isPush ? 'push' : 'pop';
        queues[t]!.push({ op });
      });
      const history = run(kind, queues, choices);
      return mutation === null ? history : mutate(history, mutation);
    });
}

function run(kind: CollectionKind, queues: { op: string }[][], choices: readonly number[]): History {
  const state: number[] = []; // oldest first
  const operations: Operation[] = [];
  const running: (Running | undefined)[] = queues.map(() => undefined);
  let time = 0;
  let nextValue = 0;
  let c = 0;
  const choose = (n: number) => (c < choices.length ? choices[c++]! : 0) % n;
  const inFlight = (self: number) => running.some((r, t) => t !== self && r !== undefined);
  const takeEffect = (t: number, r: Running) => {
    if (r.op === 'push') state.push(r.arg!);
    else if (inFlight(t) && !(kind === 'deque' && r.op === 'pop') && choose(3) === 0) r.result = r.op === 'steal' && choose(2) === 0 ? 'retry' : null;
    else if (state.length === 0) r.result = null;
    else if (kind === 'queue' || r.op === 'steal') r.result = state.shift()!;
    else if (kind === 'deque' || kind === 'stack') r.result = state.pop()!;
    else r.result = state.splice(choose(state.length), 1)[0]!;
    r.done = true;
  };
  const step = (t: number) => {
    const r = running[t];
    if (r === undefined) {
      const next = queues[t]!.shift();
      if (next === undefined) return false;
      running[t] = { op: next.op, call: ++time, done: false, ...(next.op === 'push' ? { arg: nextValue++ } : {}) };
    } else if (!r.done) {
      takeEffect(t, r);
    } else {
      const o: Operation = { thread: t, op: r.op, call: r.call, return: ++time, result: r.op === 'push' ? true : r.result!, ...(r.arg === undefined ? {} : { arg: r.arg }) };
      operations.push(o);
      running[t] = undefined;
    }
    return true;
  };
  while (c < choices.length) step(choose(queues.length));
  for (let t = 0; t < queues.length; t++) while (step(t));
  return { format: 1, operations };
}

function mutate(history: History, m: { what: string; at: number; to: number }): History {
  const ops = [...history.operations];
  if (m.what === 'refuse') {
    // A push that reports full: it took no effect, so a pop of its value (if any) took nothing.
    const pushes = ops.map((o, i) => (o.op === 'push' ? i : -1)).filter((i) => i >= 0);
    if (pushes.length === 0) return history;
    const i = pushes[m.at % pushes.length]!;
    ops[i] = { ...ops[i]!, result: false };
    return { format: 1, operations: ops };
  }
  const removes = ops.map((o, i) => (o.op === 'push' ? -1 : i)).filter((i) => i >= 0);
  if (removes.length === 0) return history;
  const i = removes[m.at % removes.length]!;
  const values = ops.filter((o) => o.op === 'push').map((o) => o.arg as number);
  let result: Json;
  if (m.what === 'empty') result = null;
  else if (m.what === 'retry') result = 'retry';
  else if (m.what === 'swap') {
    const j = removes[m.to % removes.length]!;
    ops[j] = { ...ops[j]!, result: ops[i]!.result! };
    result = history.operations[j]!.result!;
  } else result = values.length === 0 ? 0 : values[m.to % values.length]!;
  ops[i] = { ...ops[i]!, result };
  return { format: 1, operations: ops };
}
