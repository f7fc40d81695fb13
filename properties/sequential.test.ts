/**
 * Sequential semantics of the engine's JavaScript bindings (dequeCreate, mpmcCreate, ...; see
 * docs/addon.md), each structure against its model: a random sequence of operations
 * run on a structure (one JS thread, so no concurrency) must give, step by
 * step, the outputs its model allows, and leave the items the model holds
 * with every invariant intact. Concurrency is the simulator's job; this
 * pins down what each operation means.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { boundedQueueModel } from '../models/bounded_queue.js';
import { boundedStackModel } from '../models/bounded_stack.js';
import { dequeModel } from '../models/deque.js';
import { sameOutput, type Model } from '../models/model.js';
import { mpscQueueModel } from '../models/mpsc_queue.js';
import { addon, type Take } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';

type Op = { op: 'push'; arg: number } | { op: 'pop' } | { op: 'steal' };
type Output = boolean | number | null;

/** A structure driven through the addon, one operation at a time. */
interface Subject {
  apply(input: Op): Output;
  /** The items, in the order of the model's state. */
  items(): number[];
  invariants(): string | null;
  close(): void;
}

interface SequentialTarget {
  readonly target: string;
  readonly model: Model<readonly number[]>;
  readonly ops: fc.Arbitrary<Op[]>;
  subject(variant: string): Subject;
}

const values = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER) },
);
const push = values.map((arg): Op => ({ op: 'push', arg }));
const pop = fc.constant<Op>({ op: 'pop' });
const steal = fc.constant<Op>({ op: 'steal' });
const opsOf = (...choices: fc.Arbitrary<Op>[]) => fc.array(fc.oneof(...choices), { maxLength: 80 });

function taken(t: Take): number | null {
  if (t.kind === 'success') return t.value;
  if (t.kind === 'empty') return null;
  throw new Error('a solo operation returned retry');
}
const unexpected = (op: Op): never => {
  throw new Error(`unexpected operation ${op.op}`);
};

// Small rings, so that growth, wrap-around and full are all reached.
const DEQUE = { capacity: 2, maxCapacity: 16 };
const BOUNDED = { capacity: 3 };

const sequentialTargets = {
  'chase-lev-deque': {
    target: 'chase-lev-deque',
    model: dequeModel({ maxCapacity: DEQUE.maxCapacity }),
    ops: opsOf(push, pop, steal),
    subject(variant) {
      const a = addon();
      const deque = a.dequeCreate({ ...DEQUE, variant });
      const worker = a.dequeWorker(deque);
      const stealer = a.dequeStealer(deque);
      return {
        apply: (input) =>
          input.op === 'push'
            ? a.dequePush(worker, input.arg)
            : input.op === 'pop'
              ? (a.dequePop(worker) ?? null)
              : taken(a.dequeSteal(stealer)),
        items: () => a.dequeItems(deque),
        invariants: () => a.dequeCheckInvariants(deque),
        close: () => a.close(deque),
      };
    },
  },
  'mpmc-queue': {
    target: 'mpmc-queue',
    model: boundedQueueModel(BOUNDED),
    ops: opsOf(push, pop),
    subject(variant) {
      const a = addon();
      const queue = a.mpmcCreate({ ...BOUNDED, variant });
      return {
        apply: (input) =>
          input.op === 'push' ? a.mpmcTryPush(queue, input.arg) : input.op === 'pop' ? (a.mpmcTryPop(queue) ?? null) : unexpected(input),
        items: () => a.mpmcItems(queue),
        invariants: () => a.mpmcCheckInvariants(queue),
        close: () => a.close(queue),
      };
    },
  },
  'mpsc-queue': {
    target: 'mpsc-queue',
    model: mpscQueueModel(BOUNDED),
    ops: opsOf(push, pop),
    subject(variant) {
      const a = addon();
      const queue = a.mpscCreate({ ...BOUNDED, variant });
      const consumer = a.mpscConsumer(queue);
      return {
        apply: (input) =>
          input.op === 'push' ? a.mpscTryPush(queue, input.arg) : input.op === 'pop' ? taken(a.mpscPop(consumer)) : unexpected(input),
        items: () => a.mpscItems(queue),
        invariants: () => a.mpscCheckInvariants(queue),
        close: () => a.close(queue),
      };
    },
  },
  'tagged-stack': {
    target: 'tagged-stack',
    model: boundedStackModel(BOUNDED),
    ops: opsOf(push, pop),
    subject(variant) {
      const a = addon();
      const stack = a.stackCreate({ ...BOUNDED, variant });
      return {
        apply: (input) =>
          input.op === 'push' ? a.stackTryPush(stack, input.arg) : input.op === 'pop' ? (a.stackTryPop(stack) ?? null) : unexpected(input),
        // stackItems lists top first; the model's state is bottom first.
        items: () => a.stackItems(stack).reverse(),
        invariants: () => a.stackCheckInvariants(stack),
        close: () => a.close(stack),
      };
    },
  },
} satisfies Record<string, SequentialTarget>;

/** Runs `ops` on a fresh subject; returns null when it matched the model, else what differed. */
function runSequential(t: SequentialTarget, variant: string, ops: readonly Op[]): string | null {
  const subject = t.subject(variant);
  try {
    let state = t.model.init();
    const done: string[] = [];
    for (const op of ops) {
      const output = subject.apply(op);
      // One JS thread: every op is solo, so only strict outcomes will do.
      const strict = t.model.step(state, op).filter((o) => o.relaxed === undefined);
      const next = strict.find((o) => sameOutput(o.output, output));
      done.push(t.model.describeOperation(op, output));
      if (next === undefined) {
        const allowed = strict.map((o) => t.model.describeOperation(op, o.output));
        return `after ${done.length - 1} operation(s) in state ${t.model.describeState(state)}: got ${done.at(-1)}, the model allows ${allowed.join(' or ')}\n  ran: ${done.join(', ')}`;
      }
      state = next.state;
    }
    const items = subject.items();
    if (items.join(',') !== state.join(',')) {
      return `at the end the structure holds [${items.join(', ')}] but the model holds ${t.model.describeState(state)}\n  ran: ${done.join(', ')}`;
    }
    const broken = subject.invariants();
    return broken === null ? null : `at the end an invariant broke: ${broken}`;
  } finally {
    subject.close();
  }
}

/** The property: every generated sequence matches the model. */
function sequentialProperty(t: SequentialTarget, variant: string): fc.IPropertyWithHooks<[Op[]]> {
  return fc.property(t.ops, (ops) => {
    const differs = runSequential(t, variant, ops);
    if (differs !== null) throw new Error(`${t.target} (${variant}) differs from its model ${differs}`);
  });
}

const targets = Object.keys(sequentialTargets) as (keyof typeof sequentialTargets)[];

describe('sequential semantics through the addon', () => {
  it.each(targets)('%s (correct) matches its model on every sequence', (target) => {
    fc.assert(sequentialProperty(sequentialTargets[target], 'correct'), runOptions(300));
  });

  // The property is trusted because it catches the seeded bugs that a single
  // thread can reach. The others need interleavings (the simulator's job).
  it.each([
    ['chase-lev-deque', 'grow-copies-one-short'],
    ['mpsc-queue', 'stale-next-on-reuse'],
  ] as const)('%s catches the %s mutant', (target, variant) => {
    const result = fc.check(sequentialProperty(sequentialTargets[target], variant), { numRuns: 300, seed: 20261122 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/differs from its model/);
  });

  it('reports the first operation that differs, with the state before it', () => {
    // Growth at the third push copies one item short: slot 1 of the new ring
    // was never written, so the second pop reads its initial 0.
    const report = runSequential(sequentialTargets['chase-lev-deque'], 'grow-copies-one-short', [
      { op: 'push', arg: 1 },
      { op: 'push', arg: 2 },
      { op: 'push', arg: 3 },
      { op: 'pop' },
      { op: 'pop' },
    ]);
    expect(report).toMatch(/after 4 operation\(s\) in state \[1, 2\] \(top first\): got pop\(\) → 0, the model allows pop\(\) → 2/);
  });

  it('every variant of every target can be created and runs a solo push and pop', () => {
    for (const target of targets) {
      for (const { name } of addon().variants[target]!) {
        expect(runSequential(sequentialTargets[target], name, [{ op: 'push', arg: 1 }, { op: 'pop' }])).toBeNull();
      }
    }
  });
});
