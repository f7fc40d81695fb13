/**
 * The simulation property, for any engine structure: fast-check generates a
 * scenario (threads x ops from listTargets(), roles respected, a unique value
 * for every push, a small capacity) and a schedule (a choices list); the
 * simulator runs it; the run must end ok (no memory-error, deadlock,
 * step-limit or broken invariant), be linearizable against the target's
 * model (relaxed outcomes only for ops that were not solo), and conserve
 * every item. Scenario and schedule shrink together: fewer threads and ops,
 * smaller capacities, shorter choice lists (fewer preemptions).
 *
 * The schedule is generated as segments, (choice, length) pairs flattened
 * into the choices list: while several threads can run, choice c picks the
 * c-th runnable thread, so a segment lets one thread run for a while. Races
 * that need one thread to run several steps and another to run many more
 * in between (a thief paused after its CAS while the owner wraps the ring)
 * are then a few segments away, where uniform choices would switch threads
 * at every other step.
 */
import fc from 'fast-check';

import { arenaModel } from '../../models/arena.js';
import { blockPoolModel } from '../../models/block_pool.js';
import { boundedQueueModel } from '../../models/bounded_queue.js';
import { boundedStackModel } from '../../models/bounded_stack.js';
import { checkConservation, type ConservationSpec } from '../../models/conservation.js';
import { dequeItemLimit, dequeModel } from '../../models/deque.js';
import { checkLinearizability } from '../../models/linearizability.js';
import type { Model } from '../../models/model.js';
import { mpscQueueModel } from '../../models/mpsc_queue.js';
import { schedulerModel } from '../../models/scheduler.js';
import { addon, type MemoryModel, type RunResult, type Scenario, type ScenarioCall, type Schedule, type TargetInfo } from '../../native/index.js';
import { renderFailure } from '../../fuzz/render.js';
import { historyOfRun } from './run_history.js';

export interface Spec {
  /** The model for a scenario's setup and memory model. */
  model(setup: Record<string, number>, memoryModel: MemoryModel): Model<readonly number[]>;
  /** What goes in and comes out; a function of the setup where the structure starts full. */
  conservation: ConservationSpec | ((setup: Record<string, number>) => ConservationSpec);
  /** Setup parameters to generate, with their ranges (small, so growth and wrap-around happen). */
  setup: Record<string, [number, number]>;
  /** Ops per thread at most, unless the limits say. @defaultValue 4 */
  maxOps?: number;
  /** Threads at most, unless the limits say. @defaultValue 3 */
  maxThreads?: number;
}

export const SPECS: Readonly<Record<string, Spec>> = {
  'chase-lev-deque': {
    model: (s, m) => dequeModel({ maxCapacity: dequeItemLimit(s['maxCapacity'] ?? 1024), weakMemory: m !== 'sc' }),
    conservation: { inserts: ['push'], removes: ['pop', 'steal'] },
    setup: { capacity: [1, 2], maxCapacity: [2, 8] },
  },
  'mpmc-queue': {
    model: (s) => boundedQueueModel({ capacity: s['capacity']! }),
    conservation: { inserts: ['push'], removes: ['pop'] },
    setup: { capacity: [1, 3] },
  },
  'mpsc-queue': {
    model: (s) => mpscQueueModel({ capacity: s['capacity']! }),
    conservation: { inserts: ['push'], removes: ['pop'] },
    setup: { capacity: [1, 3] },
  },
  'tagged-stack': {
    model: (s) => boundedStackModel({ capacity: s['capacity']! }),
    conservation: { inserts: ['push'], removes: ['pop'] },
    setup: { capacity: [1, 3] },
  },
  arena: {
    model: (s) => arenaModel({ bytes: s['bytes']!, alignment: 2 ** s['alignLog2']! }),
    conservation: { inserts: [], removes: [] }, // nothing to drain: the offsets are the check
    setup: { bytes: [1, 24], alignLog2: [0, 3] },
  },
  'block-pool': {
    model: (s) => blockPoolModel({ blocks: s['blocks']!, cached: (s['cache'] ?? 0) > 0 }),
    // The drain gives back every block held, then allocates until none is free: each block exactly once.
    conservation: (s) => ({ inserts: [], removes: [], initial: Array.from({ length: s['blocks']! }, (_, b) => b) }),
    setup: { blocks: [1, 3], prefreed: [0, 3], cache: [0, 4] },
    // A cache spills only once it fills: a thread needs a few allocations and frees first.
    maxOps: 6,
  },
  scheduler: {
    model: () => schedulerModel(),
    // The drain lists each accepted graph that ran whole (every accepted one after a cancel), exactly once.
    conservation: { inserts: ['submit'], removes: [] },
    // A random DAG per scenario: the root forks `nodes` tasks, `edges` is a bit per pair (i < j) that orders them.
    setup: { injection: [1, 3], nodes: [0, 5], edges: [0, 1023] },
    // Four submits overfill a queue of 3 rounded up to 4; a submitter and up to 3 workers.
    maxOps: 4,
    maxThreads: 4,
  },
};

export interface Case {
  scenario: Scenario;
}

export interface CaseLimits {
  /** @defaultValue the spec's maxThreads, else 3 */ maxThreads?: number;
  /** @defaultValue the spec's maxOps, else 4 */ maxOps?: number;
  /** Segments of the schedule. @defaultValue 8 */ maxSegments?: number;
  /**
   * How each case is scheduled: a generated choices list (segments), a
   * random or PCT seed, or a mix. @defaultValue 'choices'
   */
  strategy?: 'choices' | 'random' | 'pct' | 'mixed';
  /** The scenarios' memory model. @defaultValue 'sc' */
  memoryModel?: MemoryModel;
}

/**
 * Scenarios for `target`: thread 0 takes the role with a thread limit (the
 * deque's owner, the MPSC consumer) if there is one, the others the role
 * without; each thread calls ops its role allows; pushes get 1, 2, 3, ...
 */
export function caseArbitrary(target: TargetInfo, variant: string, limits: CaseLimits = {}): fc.Arbitrary<Case> {
  const spec = SPECS[target.name]!;
  const limited = target.roles.find((r) => r.maxThreads !== undefined);
  const free = target.roles.find((r) => r.maxThreads === undefined)!;
  const opsOf = (role: string) => target.ops.filter((o) => o.roles.includes(role));
  const thread = (role: string) => fc.array(fc.constantFrom(...opsOf(role).map((o) => o.name)), { minLength: 1, maxLength: limits.maxOps ?? spec.maxOps ?? 4 });
  const setup = fc.record(Object.fromEntries(Object.entries(spec.setup).map(([k, [lo, hi]]) => [k, fc.integer({ min: lo, max: hi })])));
  const tso = limits.memoryModel === 'tso';
  const model = limits.memoryModel !== undefined && limits.memoryModel !== 'sc' ? { memoryModel: limits.memoryModel } : {};
  return fc
    .record({
      first: thread((limited ?? free).name),
      others: fc.array(thread(free.name), { minLength: 1, maxLength: (limits.maxThreads ?? spec.maxThreads ?? 3) - 1 }),
      setup,
      // A choice past the runnable threads flushes a TSO store buffer.
      segments: fc.array(fc.tuple(fc.nat({ max: tso ? 5 : 2 }), fc.integer({ min: 1, max: 16 })), { maxLength: limits.maxSegments ?? 8 }),
      kind: strategyKind(limits.strategy ?? 'choices'),
      seed: fc.nat(),
    })
    .map(({ first, others, setup, segments, kind, seed }) => {
      const choices = segments.flatMap(([choice, length]) => Array<number>(length).fill(choice));
      const schedule: Schedule = kind === 'choices' ? { kind, choices } : { kind, seed };
      let value = 0;
      const takesArg = new Set(target.ops.filter((o) => o.takesArg).map((o) => o.name));
      const threads = [first, ...others].map((names) => names.map((op): ScenarioCall => (takesArg.has(op) ? { op, arg: ++value } : { op })));
      return { scenario: { target: target.name, variant, setup, threads, schedule, ...model, maxSteps: 20_000 } };
    });
}

/** The check a run failed: its outcome's kind, or the checker's. */
export type Check = 'memory-error' | 'deadlock' | 'step-limit' | 'assertion' | 'linearizability' | 'conservation';

export interface Broken {
  readonly check: Check;
  readonly message: string;
}

function strategyKind(strategy: 'choices' | 'random' | 'pct' | 'mixed'): fc.Arbitrary<'choices' | 'random' | 'pct'> {
  return strategy === 'mixed' ? fc.constantFrom('choices', 'random', 'pct') : fc.constant(strategy);
}

/** What is wrong with a run, or null: outcome, linearizability, conservation. */
export function verdictOf(scenario: Scenario, run: RunResult): Broken | null {
  if (run.outcome.kind !== 'ok') {
    const where = `at step ${run.outcome.step}${run.outcome.thread === undefined ? '' : ` (thread ${run.outcome.thread})`}`;
    return { check: run.outcome.kind, message: `${run.outcome.kind} ${where}: ${run.outcome.message}` };
  }
  const spec = SPECS[scenario.target]!;
  const history = historyOfRun(run);
  const verdict = checkLinearizability(spec.model(scenario.setup ?? {}, scenario.memoryModel ?? 'sc'), history, { timeLimitMs: 5000 });
  if (verdict.kind === 'illegal') return { check: 'linearizability', message: verdict.message };
  if (verdict.kind === 'unknown') return { check: 'linearizability', message: `the checker gave up: ${verdict.message}` };
  const conservation = typeof spec.conservation === 'function' ? spec.conservation(scenario.setup ?? {}) : spec.conservation;
  const lost = checkConservation(history, run.final!.items, conservation);
  return lost === null ? null : { check: 'conservation', message: lost };
}

/** The message of what is wrong with a run, or null. */
export function judge(scenario: Scenario, run: RunResult): string | null {
  return verdictOf(scenario, run)?.message ?? null;
}

/** The memory models, strongest first: each allows every behaviour of the ones before it. */
export const MEMORY_MODELS = ['sc', 'tso', 'c11'] as const;
/** The ones the simulator runs. */
export const SIMULATED_MODELS: readonly MemoryModel[] = ['sc', 'tso', 'c11'];

/**
 * Seeded bugs that sequential consistency cannot show: the strongest model
 * that can, and why. Every other seeded bug is caught under sc.
 */
export const WEAKEST_MODEL: Readonly<Record<string, { model: 'tso' | 'c11'; why: string }>> = {
  'chase-lev-deque/pop-without-fence': {
    model: 'tso',
    why: "store-load reordering: pop's store to bottom waits in the owner's store buffer while it reads top, so a steal takes the same last item",
  },
  'chase-lev-deque/steal-without-fence': {
    model: 'tso',
    why: "store-load reordering: the thief's hazard waits in its store buffer, the owner's reclaim sees none and frees the buffer the thief then reads",
  },
  'chase-lev-deque/pop-stores-bottom-relaxed': {
    model: 'c11',
    why: "C++20's release sequences: a thief that reads pop's relaxed bottom synchronises with no push; every x86 store releases",
  },
  'chase-lev-deque/grow-publishes-relaxed': { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' },
  'mpmc-queue/relaxed-turn-store': { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' },
  'mpsc-queue/relaxed-link-store': { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' },
};

/**
 * Seeded bugs that generated choice lists seldom reach: how the mutant test
 * searches for them instead, and why. The rest use choice lists under sc
 * (20,000 runs) and mixed strategies under the weak models (50,000).
 */
export const MUTANT_SEARCH: Readonly<Record<string, { strategy: 'pct' | 'mixed'; numRuns: number; why: string }>> = {
  'block-pool/tag-2-bits': {
    strategy: 'pct',
    numRuns: 200_000,
    why: 'the 2-bit tag wraps only after 4 CASes on the free list inside one paused pop (3 allocations and a free by another thread); PCT places such a pause far more often than choice lists (measured, seeds 1, 2, 3, 42, 5: 9.7k, 54k, 70k, 13.6k, 31k runs; choice lists: none within 200k)',
  },
  'block-pool/stale-chain-tail': {
    strategy: 'pct',
    numRuns: 200_000,
    why: "a cache's spill must lose its CAS to another thread's push or pop in a 2-step window, after the cache filled (measured, seeds 1, 2, 3, 42, 5: 50k, 111k, 56k, 19k, 12k runs with PCT; 83k, 64k, 19k, 73k, 76k with choice lists)",
  },
};

/** The strongest simulated model under which `target/variant` can fail (sc for the correct ones), or why none can yet. */
export function mutantModel(target: string, variant: string): { model: MemoryModel } | { skip: string } {
  const weakest = WEAKEST_MODEL[`${target}/${variant}`];
  if (weakest === undefined) return { model: 'sc' };
  if ((SIMULATED_MODELS as readonly string[]).includes(weakest.model)) return { model: weakest.model as MemoryModel };
  return { skip: `needs ${weakest.model} (not simulated yet): ${weakest.why}` };
}

/** The full report for a failing case: what broke, the scenario table, the traced interleaving. */
export function report({ scenario }: Case): string {
  const a = addon();
  const run = a.runScenario(scenario);
  const what = judge(scenario, run) ?? 'passes now';
  return renderFailure(scenario, run, a.runScenario({ ...scenario, trace: true }), what);
}

/** The property: every generated case runs clean. Its error carries the report. */
export function simulationProperty(target: TargetInfo, variant: string, limits?: CaseLimits): fc.IPropertyWithHooks<[Case]> {
  const a = addon();
  return fc.property(caseArbitrary(target, variant, limits), (c) => {
    // A crash the simulator cannot catch still names its case on stderr.
    a.setCrashNote(JSON.stringify(c.scenario));
    const what = judge(c.scenario, a.runScenario(c.scenario));
    if (what !== null) throw new Error(`\n${report(c)}\n`);
  });
}
