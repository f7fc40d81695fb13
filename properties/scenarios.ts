/**
 * The scenario arbitraries and the simulation property, for any engine
 * structure with a spec: fast-check generates a scenario (threads x ops
 * from listTargets(), roles respected, a unique value for every push, a
 * small setup) and a schedule (a choices list, or a random or PCT seed);
 * the simulator runs it; the run must end ok (no memory-error, deadlock,
 * step-limit or broken invariant), be linearizable against the target's
 * model (relaxed outcomes only for ops that were not solo), and conserve
 * every item. Scenario and schedule shrink together: fewer threads and
 * ops, smaller setups, shorter choice lists (fewer preemptions).
 *
 * The schedule is generated as segments, (choice, length) pairs flattened
 * into the choices list: while several threads can run, choice c picks the
 * c-th runnable thread, so a segment lets one thread run for a while. Races
 * that need one thread to run several steps and another to run many more
 * in between (a thief paused after its CAS while the owner wraps the ring)
 * are then a few segments away, where uniform choices would switch threads
 * at every other step.
 *
 * @example
 * fc.assert(simulationProperty('mpmc-queue', 'correct', { memoryModel: 'tso' }), { numRuns: 200 });
 */
import fc from 'fast-check';

import { checkConservation } from '../models/conservation.js';
import { checkLinearizability } from '../models/linearizability.js';
import { renderFailure } from '../fuzz/render.js';
import { addon, type MemoryModel, type RunResult, type Scenario, type ScenarioCall, type Schedule, type TargetInfo } from '../native/index.js';
import { SPECS } from './_internals/specs.js';
import { historyOfRun } from './run_history.js';

/**
 * One generated case: a scenario whose schedule is part of it.
 *
 * @example
 * const [c] = fc.sample(caseArbitrary('mpmc-queue'), { numRuns: 1, seed: 7 });
 * c!.scenario.threads; // [[{ op: 'pop' }, { op: 'pop' }, { op: 'pop' }, { op: 'push', arg: 1 }], [{ op: 'push', arg: 2 }]]
 */
export interface Case {
  scenario: Scenario;
}

/**
 * How {@link caseArbitrary} generates: sizes, schedule strategy, memory
 * model. Each field is optional and validated (a RangeError naming
 * `caseArbitrary` and the field).
 *
 * @example
 * const constraints: ScenarioConstraints = { maxThreads: 2, maxOpsPerThread: 3, memoryModel: 'tso', strategy: 'mixed' };
 */
export interface ScenarioConstraints {
  /** Threads at most, 2 to 16. @defaultValue the target spec's maxThreads, else 3 */
  maxThreads?: number;
  /** Operations per thread at most, 1 to 256. @defaultValue the target spec's maxOps, else 4 */
  maxOpsPerThread?: number;
  /** Segments of a generated choices list at most, 0 to 10,000 (each: one choice, 1 to 16 times). @defaultValue 8 */
  maxSegments?: number;
  /**
   * How each case is scheduled: a generated choices list ('choices'), a
   * random or PCT seed, or any of the three ('mixed'). @defaultValue 'choices'
   */
  strategy?: 'choices' | 'random' | 'pct' | 'mixed';
  /** The scenarios' memory model: 'sc', 'tso' or 'c11'. @defaultValue 'sc' */
  memoryModel?: MemoryModel;
}

const STRATEGIES = ['choices', 'random', 'pct', 'mixed'] as const;
const MODELS: readonly string[] = ['sc', 'tso', 'c11'];
const CONSTRAINT_KEYS: readonly string[] = ['maxThreads', 'maxOpsPerThread', 'maxSegments', 'strategy', 'memoryModel'];

/** `target` as listTargets() describes it; a RangeError naming `api` for an unknown name, a target without a spec or an unknown variant. */
export function targetWithSpec(api: string, target: TargetInfo | string, variant: string): TargetInfo {
  const name = typeof target === 'string' ? target : target.name;
  const info = typeof target === 'string' ? addon().listTargets().find((t) => t.name === target) : target;
  const specified = () => Object.keys(SPECS).join(', ');
  if (info === undefined) throw new RangeError(`${api}: unknown target '${name}' (known: ${specified()})`);
  if (!(name in SPECS)) throw new RangeError(`${api}: target '${name}' has no spec (native/sim/targets/*_target.ts) to generate scenarios from (these have: ${specified()})`);
  if (!info.variants.some((v) => v.name === variant)) throw new RangeError(`${api}: ${name} has no variant '${variant}' (known: ${info.variants.map((v) => v.name).join(', ')})`);
  return info;
}

/** Checks a constraints object; a RangeError or TypeError naming `api` and the field. */
export function checkConstraints(api: string, c: unknown): asserts c is ScenarioConstraints {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new TypeError(`${api}: constraints must be an object, got ${JSON.stringify(c)}`);
  const o = c as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!CONSTRAINT_KEYS.includes(key)) throw new TypeError(`${api}: unknown constraint '${key}' (known: ${CONSTRAINT_KEYS.join(', ')})`);
  const whole = (key: string, min: number, max: number) => {
    const v = o[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max)) throw new RangeError(`${api}: ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  whole('maxThreads', 2, 16);
  whole('maxOpsPerThread', 1, 256);
  whole('maxSegments', 0, 10_000);
  if (o['strategy'] !== undefined && !(STRATEGIES as readonly unknown[]).includes(o['strategy'])) throw new RangeError(`${api}: strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(o['strategy'])}`);
  if (o['memoryModel'] !== undefined && !MODELS.includes(o['memoryModel'] as string)) throw new RangeError(`${api}: memoryModel must be one of ${MODELS.join(', ')}, got ${JSON.stringify(o['memoryModel'])}`);
}

/**
 * Scenarios and schedules for `target` (a name from listTargets(), or its
 * entry): thread 0 takes the role with a thread limit (the deque's owner,
 * the MPSC consumer) if there is one, the others the role without — or,
 * where every role has a limit (the SPSC ring's producer and consumer), one
 * thread for each other role; each thread calls ops its role allows; pushes get 1, 2, 3, ... Shrinks towards
 * fewer threads and ops, smaller setups and shorter choice lists. Throws a
 * RangeError naming `caseArbitrary` for an unknown target or variant, or a
 * constraint out of range.
 *
 * @example
 * fc.assert(fc.property(caseArbitrary('chase-lev-deque', 'correct', { maxThreads: 2 }), (c) => runScenario(c.scenario).outcome.kind === 'ok'));
 */
export function caseArbitrary(target: TargetInfo | string, variant = 'correct', constraints: ScenarioConstraints = {}): fc.Arbitrary<Case> {
  checkConstraints('caseArbitrary', constraints);
  const info = targetWithSpec('caseArbitrary', target, variant);
  const spec = SPECS[info.name]!;
  const limited = info.roles.find((r) => r.maxThreads !== undefined);
  const free = info.roles.find((r) => r.maxThreads === undefined);
  const opsOf = (role: string) => info.ops.filter((o) => o.roles.includes(role));
  const thread = (role: string) => fc.array(fc.constantFrom(...opsOf(role).map((o) => o.name)), { minLength: 1, maxLength: constraints.maxOpsPerThread ?? spec.maxOps ?? 4 });
  const setup = fc.record(Object.fromEntries(Object.entries(spec.setup ?? {}).map(([k, [lo, hi]]) => [k, fc.integer({ min: lo, max: hi })])));
  const tso = constraints.memoryModel === 'tso';
  const model = constraints.memoryModel !== undefined && constraints.memoryModel !== 'sc' ? { memoryModel: constraints.memoryModel } : {};
  return fc
    .record({
      first: thread((limited ?? free)!.name),
      others:
        free !== undefined
          ? fc.array(thread(free.name), { minLength: 1, maxLength: (constraints.maxThreads ?? spec.maxThreads ?? 3) - 1 })
          : fc.tuple(...info.roles.filter((r) => r !== limited).map((r) => thread(r.name))),
      setup,
      // A choice past the runnable threads flushes a TSO store buffer.
      segments: fc.array(fc.tuple(fc.nat({ max: tso ? 5 : 2 }), fc.integer({ min: 1, max: 16 })), { maxLength: constraints.maxSegments ?? 8 }),
      kind: strategyKind(constraints.strategy ?? 'choices'),
      seed: fc.nat(),
    })
    .map(({ first, others, setup, segments, kind, seed }) => {
      const choices = segments.flatMap(([choice, length]) => Array<number>(length).fill(choice));
      const schedule: Schedule = kind === 'choices' ? { kind, choices } : { kind, seed };
      let value = 0;
      const takesArg = new Set(info.ops.filter((o) => o.takesArg).map((o) => o.name));
      const threads = [first, ...others].map((names) => names.map((op): ScenarioCall => (takesArg.has(op) ? { op, arg: ++value } : { op })));
      return { scenario: { target: info.name, variant, setup, threads, schedule, ...model, maxSteps: 20_000 } };
    });
}

/**
 * The check a run failed: its outcome's kind, or the checker's.
 *
 * @example
 * const check: Check | undefined = verdictOf(scenario, runScenario(scenario))?.check; // 'linearizability', ...
 */
export type Check = 'memory-error' | 'deadlock' | 'step-limit' | 'assertion' | 'linearizability' | 'conservation';

/**
 * What is wrong with a run: the check it failed and a message saying how.
 *
 * @example
 * const broken: Broken | null = verdictOf(scenario, run);
 * if (broken !== null) console.log(`${broken.check}: ${broken.message}`);
 */
export interface Broken {
  readonly check: Check;
  readonly message: string;
}

function strategyKind(strategy: 'choices' | 'random' | 'pct' | 'mixed'): fc.Arbitrary<'choices' | 'random' | 'pct'> {
  return strategy === 'mixed' ? fc.constantFrom('choices', 'random', 'pct') : fc.constant(strategy);
}

/**
 * What is wrong with a run of `scenario`, or null: its outcome (memory
 * error, deadlock, step limit, broken invariant), then linearizability
 * against the target's model, then conservation of every item.
 *
 * @example
 * const scenario: Scenario = { target: 'mpmc-queue', variant: 'lap-dropped', threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]] };
 * verdictOf(scenario, runScenario(scenario)); // null, or { check: 'linearizability', message: '...' }
 */
export function verdictOf(scenario: Scenario, run: RunResult): Broken | null {
  if (run.outcome.kind !== 'ok') {
    const where = `at step ${run.outcome.step}${run.outcome.thread === undefined ? '' : ` (thread ${run.outcome.thread})`}`;
    return { check: run.outcome.kind, message: `${run.outcome.kind} ${where}: ${run.outcome.message}` };
  }
  const spec = SPECS[scenario.target];
  if (spec === undefined) throw new RangeError(`verdictOf: target '${scenario.target}' has no spec (native/sim/targets/*_target.ts) to judge its runs by`);
  const setup = setupOf(scenario);
  const history = historyOfRun(run);
  const verdict = checkLinearizability(spec.model(setup, scenario.memoryModel ?? 'sc'), history, { timeLimitMs: 5000 });
  if (verdict.kind === 'illegal') return { check: 'linearizability', message: verdict.message };
  if (verdict.kind === 'unknown') return { check: 'linearizability', message: `the checker gave up: ${verdict.message}` };
  if (spec.conservation === undefined) return null;
  const conservation = typeof spec.conservation === 'function' ? spec.conservation(setup) : spec.conservation;
  const lost = checkConservation(history, run.final!.items, conservation);
  return lost === null ? null : { check: 'conservation', message: lost };
}

let defaults: Map<string, Record<string, number>> | undefined;

/** The scenario's setup with the target's defaults for the parameters it leaves out (as the simulator ran it). */
function setupOf(scenario: Scenario): Record<string, number> {
  // A plugin's target may have come since the map was made.
  if (defaults === undefined || !defaults.has(scenario.target)) defaults = new Map(addon().listTargets().map((t) => [t.name, Object.fromEntries(t.setup.map((p) => [p.name, p.default]))]));
  return { ...defaults.get(scenario.target), ...scenario.setup };
}

/** The message of what is wrong with a run, or null. */
export function judge(scenario: Scenario, run: RunResult): string | null {
  return verdictOf(scenario, run)?.message ?? null;
}

/**
 * The full report for a case, in lincheck's layout: what broke, the
 * scenario as a table (one column per thread, `op(arg): result`), then the
 * interleaving step by step with the broken check marked. Runs the case
 * twice (once traced); a case that passes says `passes now`.
 *
 * @example
 * const result = fc.check(simulationProperty('mpmc-queue', 'lap-dropped'), { seed: 42 });
 * if (result.failed) console.log(report(result.counterexample![0]));
 */
export function report({ scenario }: Case): string {
  const a = addon();
  const run = a.runScenario(scenario);
  const what = judge(scenario, run) ?? 'passes now';
  return renderFailure(scenario, run, a.runScenario({ ...scenario, trace: true }), what);
}

/**
 * The simulation property: every case {@link caseArbitrary} generates runs
 * clean, linearizable and conserving. A failing case's error carries its
 * {@link report}, so `fc.assert` prints the shrunk counterexample in
 * lincheck's layout, with fast-check's `{ seed, path }`.
 *
 * @example
 * fc.assert(simulationProperty('chase-lev-deque', 'correct', { memoryModel: 'tso', strategy: 'mixed' }), { numRuns: 400 });
 */
export function simulationProperty(target: TargetInfo | string, variant = 'correct', constraints?: ScenarioConstraints): fc.IPropertyWithHooks<[Case]> {
  const a = addon();
  return fc.property(caseArbitrary(target, variant, constraints), (c) => {
    // A crash the simulator cannot catch still names its case on stderr.
    a.setCrashNote(JSON.stringify(c.scenario));
    const what = judge(c.scenario, a.runScenario(c.scenario));
    if (what !== null) throw new Error(`\n${report(c)}\n`);
  });
}
