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

import { checkConservation } from '../../models/conservation.js';
import { checkLinearizability } from '../../models/linearizability.js';
import { addon, type MemoryModel, type RunResult, type Scenario, type ScenarioCall, type Schedule, type TargetInfo } from '../../native/index.js';
import { renderFailure } from '../../fuzz/render.js';
import { historyOfRun } from './run_history.js';
import { SPECS, variantNeeds } from './specs.js';

export { SPECS } from './specs.js';

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
 * without — or, where every role has a limit (the SPSC ring's producer and
 * consumer), one thread for each other role; each thread calls ops its
 * role allows; pushes get 1, 2, 3, ...
 */
export function caseArbitrary(target: TargetInfo, variant: string, limits: CaseLimits = {}): fc.Arbitrary<Case> {
  const spec = SPECS[target.name]!;
  const limited = target.roles.find((r) => r.maxThreads !== undefined);
  const free = target.roles.find((r) => r.maxThreads === undefined);
  const opsOf = (role: string) => target.ops.filter((o) => o.roles.includes(role));
  const thread = (role: string) => fc.array(fc.constantFrom(...opsOf(role).map((o) => o.name)), { minLength: 1, maxLength: limits.maxOps ?? spec.maxOps ?? 4 });
  const setup = fc.record(Object.fromEntries(Object.entries(spec.setup).map(([k, [lo, hi]]) => [k, fc.integer({ min: lo, max: hi })])));
  const tso = limits.memoryModel === 'tso';
  const model = limits.memoryModel !== undefined && limits.memoryModel !== 'sc' ? { memoryModel: limits.memoryModel } : {};
  return fc
    .record({
      first: thread((limited ?? free)!.name),
      others:
        free !== undefined
          ? fc.array(thread(free.name), { minLength: 1, maxLength: (limits.maxThreads ?? spec.maxThreads ?? 3) - 1 })
          : fc.tuple(...target.roles.filter((r) => r !== limited).map((r) => thread(r.name))),
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

/** The strongest simulated model under which `target/variant` can fail (sc for the correct ones), or why none can yet. */
export function mutantModel(target: string, variant: string): { model: MemoryModel } | { skip: string } {
  const weakest = variantNeeds(target, variant).weakest;
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
