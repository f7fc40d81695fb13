/**
 * No input from JavaScript crashes the addon or slips past its checks.
 *
 * Property 1 calls one export at a time with arbitrary arguments — right
 * and wrong handles (open, closed, of another kind or role), numbers that
 * are and are not safe integers, options objects good and bad, and
 * fc.anything() — and holds each call to the oracle in
 * _internals/addon_surface.ts: it must return a value of the promised shape
 * exactly when the oracle says ok, and otherwise throw the TypeError,
 * RangeError or Error the oracle names, with a message that starts with the
 * function's name. Property 2 runs sequences of calls that create, use and
 * close handles, so that roles and closing are exercised in every order.
 */
import { inspect } from 'node:util';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type AnyHandle, type LockstepAddon } from '../native/index.js';
import { EXPORTS, expectedOutcome, hasReturnShape, type ExportSpec, type HandleState, type Param } from './_internals/addon_surface.js';
import { runOptions } from './_internals/run_options.js';

const a = addon();
const variantNames = Object.fromEntries(Object.entries(a.variants).map(([t, vs]) => [t, vs.map((v) => v.name)]));

/** A lockstep handle (close accepts it), closed afterwards so its memory goes at once. */
function isHandleThenClose(v: unknown): boolean {
  try {
    a.close(v as AnyHandle);
    return true;
  } catch {
    return false;
  }
}

/** Any value, printable (String() throws on a native external). */
const show = (v: unknown) => inspect(v, { depth: 2, breakLength: Infinity });

type Call = (...args: unknown[]) => unknown;
const call = (fn: string, args: readonly unknown[]) => (a[fn as keyof LockstepAddon] as Call)(...args);

/** Runs one call and checks it against the oracle; returns the result when it succeeded. */
function checkCall(spec: ExportSpec, args: readonly unknown[], stateOf: (v: unknown) => HandleState | undefined): { ok: boolean; result?: unknown } {
  const expected = expectedOutcome(spec, args, stateOf, variantNames);
  let result: unknown;
  try {
    result = call(spec.fn, args);
  } catch (error) {
    if (expected.ok === true) throw new Error(`${spec.fn} threw but the oracle expected success: ${show(error)}`);
    if (expected.ok === 'either') expect(['TypeError', 'RangeError']).toContain((error as Error).constructor.name);
    else if (expected.ok === 'or-error') expect((error as Error).constructor.name, `${spec.fn} error class for ${show(error)}`).toBe('Error');
    else expect((error as Error).constructor.name, `${spec.fn} error class for ${show(error)}`).toBe(expected.error);
    expect((error as Error).message.startsWith(`${spec.fn}: `), `message names ${spec.fn}: ${show(error)}`).toBe(true);
    return { ok: false };
  }
  if (expected.ok === false) throw new Error(`${spec.fn} returned ${show(result)} but the oracle expected a ${expected.error}`);
  if (spec.fn === 'pinThread') a.pinThread(result as number[]); // put the test's thread back
  return { ok: true, result };
}

// ---- Property 1: one call, arbitrary arguments --------------------------------------------

const POOL_REFS = [
  'deque busy', 'deque fresh', 'deque closed', 'worker', 'stealer', 'worker closed', 'worker of closed deque',
  'mpmc', 'mpmc closed', 'mpsc busy', 'mpsc fresh', 'mpsc closed', 'consumer', 'consumer closed', 'stack', 'stack closed',
  'arena', 'arena closed', 'pool', 'pool closed',
] as const;
type PoolRef = (typeof POOL_REFS)[number];
type Arg = { ref: PoolRef } | { raw: unknown };

/** A fresh set of handles in known states, one of each kind and state that matters. */
function makePool(): { values: Record<PoolRef, unknown>; states: Map<unknown, HandleState> } {
  const busy = a.dequeCreate({ maxStealers: 1 });
  const closedDeque = a.dequeCreate();
  const orphan = a.dequeWorker(closedDeque);
  a.close(closedDeque);
  const other = a.dequeCreate();
  const closedWorker = a.dequeWorker(other);
  a.close(closedWorker);
  const mpmcClosed = a.mpmcCreate({ capacity: 4 });
  a.close(mpmcClosed);
  const mpscBusy = a.mpscCreate({ capacity: 4 });
  const mpscClosed = a.mpscCreate({ capacity: 4 });
  a.close(mpscClosed);
  const mpscOther = a.mpscCreate({ capacity: 4 });
  const closedConsumer = a.mpscConsumer(mpscOther);
  a.close(closedConsumer);
  const stackClosed = a.stackCreate({ capacity: 4 });
  a.close(stackClosed);
  const arenaClosed = a.arenaCreate({ bytes: 4096 });
  a.close(arenaClosed);
  const poolClosed = a.poolCreate({ blocks: 4 });
  a.close(poolClosed);
  const values: Record<PoolRef, unknown> = {
    'deque busy': busy,
    'deque fresh': a.dequeCreate({ capacity: 4 }),
    'deque closed': closedDeque,
    worker: a.dequeWorker(busy),
    stealer: a.dequeStealer(busy),
    'worker closed': closedWorker,
    'worker of closed deque': orphan,
    mpmc: a.mpmcCreate({ capacity: 4 }),
    'mpmc closed': mpmcClosed,
    'mpsc busy': mpscBusy,
    'mpsc fresh': a.mpscCreate({ capacity: 4 }),
    'mpsc closed': mpscClosed,
    consumer: a.mpscConsumer(mpscBusy),
    'consumer closed': closedConsumer,
    stack: a.stackCreate({ capacity: 4 }),
    'stack closed': stackClosed,
    arena: a.arenaCreate({ bytes: 4096 }),
    'arena closed': arenaClosed,
    pool: a.poolCreate({ blocks: 4 }),
    'pool closed': poolClosed,
  };
  const open = (kind: HandleState['kind'], extra: Partial<HandleState> = {}): HandleState => ({ kind, closed: false, ...extra });
  const closed = (kind: HandleState['kind']): HandleState => ({ kind, closed: true });
  const states = new Map<unknown, HandleState>([
    [values['deque busy'], open('deque', { workerOpen: true, stealersOpen: 1, maxStealers: 1 })],
    [values['deque fresh'], open('deque', { workerOpen: false, stealersOpen: 0, maxStealers: 16 })],
    [values['deque closed'], closed('deque')],
    [values.worker, open('deque worker')],
    [values.stealer, open('deque stealer')],
    [values['worker closed'], closed('deque worker')],
    [values['worker of closed deque'], closed('deque worker')],
    [values.mpmc, open('mpmc queue')],
    [values['mpmc closed'], closed('mpmc queue')],
    [values['mpsc busy'], open('mpsc queue', { consumerOpen: true })],
    [values['mpsc fresh'], open('mpsc queue', { consumerOpen: false })],
    [values['mpsc closed'], closed('mpsc queue')],
    [values.consumer, open('mpsc consumer')],
    [values['consumer closed'], closed('mpsc consumer')],
    [values.stack, open('tagged stack')],
    [values['stack closed'], closed('tagged stack')],
    [values.arena, open('arena')],
    [values['arena closed'], closed('arena')],
    [values.pool, open('block pool')],
    [values['pool closed'], closed('block pool')],
  ]);
  return { values, states };
}

const poolArg = fc.constantFrom(...POOL_REFS).map((ref): Arg => ({ ref }));
const raw = (arb: fc.Arbitrary<unknown>) => arb.map((v): Arg => ({ raw: v }));
const awkwardNumbers = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0.5, 1.5, -1, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 20, 2 ** 20 + 1);
const optionKeys = fc.constantFrom('capacity', 'maxCapacity', 'maxStealers', 'variant', 'size', 'Capacity', 'root', 'bytes', 'hugePages', 'blockSize', 'blocks', 'alignment', 'workers', 'injectionCapacity', 'timeoutMs');
const optionValues = fc.oneof(
  fc.integer({ min: -2, max: 40 }),
  awkwardNumbers,
  fc.constantFrom(...Object.values(variantNames).flat(), 'nope', '', '/sys', '/nonexistent', 'auto', 'never', 'require'),
  fc.anything(),
);
const cpuNumbers = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: 0, max: 20_000 }), awkwardNumbers);
const cpuListText = fc.oneof(fc.stringMatching(/^[0-9,\- \n]{0,10}$/), fc.constantFrom('0-1', '0', '', '1-0', '0-16384', '3,1-2\n', '0,,1'), fc.string());
const options = fc.oneof(fc.constant(undefined), fc.dictionary(optionKeys, optionValues, { maxKeys: 4 }), fc.anything());

// Scenario-shaped values, mostly broken: the oracle here only asks for a clean error.
const scenarioLike = fc.record(
  {
    target: fc.constantFrom('chase-lev-deque', 'litmus', 'nope', 3),
    threads: fc.oneof(fc.constant([]), fc.array(fc.array(fc.record({ op: fc.constantFrom('push', 'pop', 'steal', 'load-x.sc', 7), arg: fc.oneof(fc.integer(), fc.anything()) }, { requiredKeys: ['op'] }), { maxLength: 3 }), { maxLength: 3 }), fc.anything()),
    schedule: fc.oneof(fc.record({ kind: fc.constantFrom('choices', 'random', 'pct', 'exhaustive', 'x'), choices: fc.array(fc.integer({ min: -1, max: 9 })), seed: fc.integer() }, { requiredKeys: ['kind'] }), fc.anything()),
    maxSteps: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.anything()),
    setup: fc.oneof(fc.dictionary(fc.constantFrom('capacity', 'maxCapacity', 'x'), fc.oneof(fc.integer({ min: -1, max: 70 }), fc.anything())), fc.anything()),
  },
  { requiredKeys: ['target'] },
);

// Graph-shaped values: small, and every edge list broken (out of range, a self-loop, a cycle, not a
// pair), so that a valid graph here has no edges and no scheduler mutant can keep a run waiting.
const graphLike = fc.record(
  {
    tasks: fc.oneof(fc.integer({ min: -1, max: 4 }), awkwardNumbers, fc.anything()),
    edges: fc.oneof(fc.constant([]), fc.constantFrom([[0, 5]], [[1, 1]], [[0, 1], [1, 0]], [[0]], [[0, 1.5]], [['a', 0]], 7), fc.anything()),
    work: fc.oneof(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 5 }), fc.anything()),
  },
  { requiredKeys: ['tasks'] },
);

// Stress options: small runs (at most 2,000 ops), often broken. No variant that stops making
// progress (mpmc-queue's turn-2-bits): with no timeout given, its watchdog would wait 10 s a call.
const stressLike = fc.record(
  {
    target: fc.constantFrom('mpmc-queue', 'chase-lev-deque', 'tagged-stack', 'nope', 3),
    variant: fc.constantFrom('correct', 'pop-without-fence', 'steal-without-fence', 'untagged-head', 'nope'),
    threads: fc.oneof(fc.integer({ min: -1, max: 3 }), awkwardNumbers, fc.anything()),
    ops: fc.oneof(fc.integer({ min: -1, max: 2000 }), awkwardNumbers, fc.anything()),
    depth: fc.oneof(fc.integer({ min: -1, max: 1025 }), fc.anything()),
    seed: fc.oneof(fc.integer({ min: -1, max: 10 }), awkwardNumbers),
    progressTimeoutMs: fc.oneof(fc.integer({ min: -1, max: 2 }), fc.constantFrom(10_000, 600_000, 600_001), awkwardNumbers, fc.anything()),
  },
  { requiredKeys: [] },
);

function argFor(param: Param): fc.Arbitrary<Arg> {
  switch (param.type) {
    case 'handle':
    case 'any handle':
      return fc.oneof({ weight: 4, arbitrary: poolArg }, { weight: 1, arbitrary: raw(fc.anything()) });
    case 'value':
      return fc.oneof(raw(fc.integer()), raw(awkwardNumbers), raw(fc.double()), raw(fc.anything()), poolArg);
    case 'options':
      return fc.oneof({ weight: 4, arbitrary: raw(options) }, { weight: 1, arbitrary: poolArg });
    case 'scenario':
      return fc.oneof(raw(scenarioLike), raw(fc.anything()), poolArg);
    case 'graph':
      return fc.oneof(raw(graphLike), raw(fc.anything()), poolArg);
    case 'stress options':
      return fc.oneof(raw(stressLike), raw(fc.anything()), poolArg);
    case 'cpus':
      return fc.oneof({ weight: 4, arbitrary: raw(fc.array(cpuNumbers, { maxLength: 5 })) }, { weight: 1, arbitrary: raw(fc.anything()) }, { weight: 1, arbitrary: poolArg });
    case 'cpu list':
      return fc.oneof({ weight: 4, arbitrary: raw(cpuListText) }, { weight: 1, arbitrary: raw(fc.anything()) }, { weight: 1, arbitrary: poolArg });
    case 'index':
      return fc.oneof(raw(fc.integer({ min: -1, max: 5 })), raw(awkwardNumbers), raw(fc.anything()));
    case 'text':
      return fc.oneof(raw(fc.string()), raw(fc.constantFrom('', 'x'.repeat(param.maxBytes), 'é'.repeat(param.maxBytes / 2 + 1))), raw(fc.anything()), poolArg);
    case 'size':
    case 'power of two':
    case 'block offset':
      return fc.oneof(raw(fc.integer({ min: -2, max: 4100 })), raw(fc.constantFrom(64, 128, 2 ** 40, 2 ** 40 + 1)), raw(awkwardNumbers), raw(fc.anything()), poolArg);
  }
}

const anyArg = fc.oneof(poolArg, raw(fc.anything()));
const oneCall = fc.constantFrom(...EXPORTS).chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    args: fc.oneof(
      { weight: 6, arbitrary: fc.tuple(...spec.params.map(argFor)).chain((all) => fc.integer({ min: spec.required, max: all.length }).map((n) => all.slice(0, n))) },
      { weight: 1, arbitrary: fc.array(anyArg, { maxLength: spec.params.length + 1 }) },
    ),
  }),
);

describe('the addon under arbitrary arguments', () => {
  it('every export returns the promised shape or throws the error the oracle names', () => {
    fc.assert(
      fc.property(oneCall, ({ spec, args }) => {
        const pool = makePool();
        const values = args.map((arg) => ('ref' in arg ? pool.values[arg.ref] : arg.raw));
        const { ok, result } = checkCall(spec, values, (v) => pool.states.get(v));
        if (ok) expect(hasReturnShape(spec.returns, result, isHandleThenClose), `${spec.fn} returned ${show(result)}`).toBe(true);
        for (const v of Object.values(pool.values)) a.close(v as AnyHandle);
      }),
      runOptions(2000),
    );
  });

  // ---- Property 2: sequences of calls over live handles ---------------------------------

  const CREATE_OPTIONS: Record<string, object> = { dequeCreate: { capacity: 2, maxStealers: 2 }, arenaCreate: { bytes: 64 }, poolCreate: { blocks: 4, blockSize: 16 } };
  const step = fc.record({ spec: fc.constantFrom(...EXPORTS), picks: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }), value: fc.integer() });

  it('create, use and close in any order: only the errors the oracle names', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const handles: { value: unknown; state: HandleState; parent?: HandleState }[] = [];
        const stateOf = (v: unknown) => handles.find((h) => h.value === v)?.state;
        const closeRole = (h: (typeof handles)[number]) => {
          if (h.state.closed) return;
          h.state.closed = true;
          const p = h.parent!;
          if (h.state.kind === 'deque worker') p.workerOpen = false;
          if (h.state.kind === 'deque stealer') p.stealersOpen! -= 1;
          if (h.state.kind === 'mpsc consumer') p.consumerOpen = false;
        };
        for (const { spec, picks, value } of steps) {
          const pick = (i: number) => (handles.length === 0 ? undefined : handles[picks[i]! % handles.length]!.value);
          const args = spec.params.map((param, i) => {
            if (param.type === 'value' || param.type === 'index' || param.type === 'size') return value;
            if (param.type === 'power of two') return 2 ** (Math.abs(value) % 4);
            if (param.type === 'block offset') return (Math.abs(value) % 4) * 16; // a block, live or not
            if (param.type === 'cpus') return [Math.abs(value) % 2];
            if (param.type === 'cpu list') return '0-1';
            if (param.type === 'options') return CREATE_OPTIONS[spec.fn] ?? { capacity: 2 };
            return pick(i);
          });
          const { ok, result } = checkCall(spec, args, stateOf);
          if (!ok) continue;
          const target = handles.find((h) => h.value === args[0]);
          if (spec.fn === 'close' && target !== undefined) {
            if (target.parent !== undefined) closeRole(target);
            else {
              target.state.closed = true;
              for (const h of handles) if (h.parent === target.state) closeRole(h);
            }
          }
          if (typeof spec.returns === 'object') {
            const kind = spec.returns.handle;
            const parent = target?.state;
            if (kind === 'deque worker') parent!.workerOpen = true;
            if (kind === 'deque stealer') parent!.stealersOpen! += 1;
            if (kind === 'mpsc consumer') parent!.consumerOpen = true;
            const state: HandleState =
              kind === 'deque' ? { kind, closed: false, workerOpen: false, stealersOpen: 0, maxStealers: 2 } : kind === 'mpsc queue' ? { kind, closed: false, consumerOpen: false } : { kind, closed: false };
            handles.push(parent !== undefined && kind !== 'deque' && kind !== 'mpsc queue' && kind !== 'mpmc queue' && kind !== 'tagged stack' ? { value: result, state, parent } : { value: result, state });
          } else {
            expect(hasReturnShape(spec.returns, result, () => false), `${spec.fn} returned ${show(result)}`).toBe(true);
          }
        }
        for (const h of handles) a.close(h.value as AnyHandle);
      }),
      runOptions(500),
    );
  });
});
