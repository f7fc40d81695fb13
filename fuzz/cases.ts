/**
 * One fuzz case, run and, when it fails, pinned down: the campaign's unit
 * of work. A case is a scenario whose schedule is a choices list, a random
 * or PCT seed, or (strategy exhaustive) every schedule within a preemption
 * bound. A failure is turned into a concrete choices list that replays it
 * exactly, greedily shortened while it still fails the same check, and
 * measured (threads, ops, preemptions, steps).
 *
 * @example
 * const failed = runCase(scenario, 'random');
 * if (failed) { const pinned = pinDown(failed); console.log(pinned.report); }
 */
import { addon, type ExhaustiveResult, type RunResult, type Scenario } from '../native/index.js';
import { renderFailure } from './render.js';
import { verdictOf, type Broken } from '../properties/scenarios.js';

/**
 * How a campaign schedules its cases: generated choices lists, random or PCT seeds, every
 * schedule within a small preemption bound (exhaustive), or a mix of the first three.
 *
 * @example
 * runCampaign({ ...options, strategy: 'pct' satisfies Strategy });
 */
export type Strategy = 'choices' | 'random' | 'pct' | 'exhaustive' | 'mixed';

/** Exhaustive cases: schedules within this many preemptions, at most this many. */
export const EXHAUSTIVE = { preemptionBound: 2, maxSchedules: 2000 };

export interface Failed {
  /** The scenario with the concrete choices that replay the failing run. */
  scenario: Scenario;
  broken: Broken;
  run: RunResult;
}

export interface Ran {
  /** The failure, with a scenario whose choices replay it; null when every run passed. */
  failed: Failed | null;
  /** The choices of each interleaving run (one, or every distinct one when exhaustive). */
  interleavings: number[][];
}

let beforeRun: ((scenario: Scenario) => void) | undefined;

/** Every run this module makes calls `hook` first (a campaign worker records the case); undefined: none. */
export function onEveryRun(hook: ((scenario: Scenario) => void) | undefined): void {
  beforeRun = hook;
}

/** One call into the simulator, between the hooks. */
export function simulate(scenario: Scenario & { schedule: { kind: 'exhaustive' } }): ExhaustiveResult;
export function simulate(scenario: Scenario): RunResult;
export function simulate(scenario: Scenario): RunResult | ExhaustiveResult {
  beforeRun?.(scenario);
  return addon().runScenario(scenario);
}

/** Runs a case: one run, or every schedule within EXHAUSTIVE for the exhaustive strategy. */
export function runCase(scenario: Scenario, strategy: Strategy): Ran {
  if (strategy === 'exhaustive') {
    const all = simulate({ ...scenario, schedule: { kind: 'exhaustive', ...EXHAUSTIVE } });
    for (const r of all.results) {
      const replay: Scenario = { ...scenario, schedule: { kind: 'choices', choices: r.choices } };
      const broken = verdictOf(replay, r);
      if (broken !== null) return { failed: { scenario: replay, broken, run: r }, interleavings: [r.choices] };
    }
    return { failed: null, interleavings: all.results.map((r) => r.choices) };
  }
  const run = simulate(scenario);
  const broken = verdictOf(scenario, run);
  const failed = broken === null ? null : { scenario: { ...scenario, schedule: { kind: 'choices' as const, choices: run.choices } }, broken, run };
  return { failed, interleavings: [run.choices] };
}

/** Whether `scenario` (a choices schedule) still fails `check`. */
function failsSame(scenario: Scenario, check: string): Failed | null {
  const run = simulate(scenario);
  const broken = verdictOf(scenario, run);
  return broken !== null && broken.check === check ? { scenario, broken, run } : null;
}

/**
 * Simplifies the choices list while the same check still fails: drops
 * trailing entries; sets each entry, from the first, to the choice a run
 * makes where its list has run out (the running thread goes on, a buffered
 * store stays buffered, under C11 a load reads the newest store), so that
 * switches and stale reads the failure does not need go; then drops single
 * entries from the end. At most `budget` replays.
 */
export function minimizeChoices(failed: Failed, budget = 400): Failed {
  let best = failed;
  const choicesOf = (f: Failed) => (f.scenario.schedule as { choices: number[] }).choices;
  const withChoices = (choices: number[]): Scenario => ({ ...best.scenario, schedule: { kind: 'choices', choices } });
  // Halve the tail while it still fails.
  for (let cut = Math.floor(choicesOf(best).length / 2); cut >= 1 && budget > 0; cut = Math.floor(cut / 2)) {
    for (;;) {
      const choices = choicesOf(best);
      if (choices.length < cut || budget-- <= 0) break;
      const tried = failsSame(withChoices(choices.slice(0, choices.length - cut)), best.broken.check);
      if (tried === null) break;
      best = tried;
    }
  }
  // A change is kept only if the run still fails the same check with no
  // more preemptions (a traced run counts them, and tells the fallbacks).
  const traced = (s: Scenario) => simulate({ ...s, trace: true });
  let now = traced(best.scenario);
  const keep = (choices: number[]): boolean => {
    budget--;
    const tried = failsSame(withChoices(choices), best.broken.check);
    if (tried === null) return false;
    const again = traced(tried.scenario);
    if (preemptions(again) > preemptions(now)) return false;
    best = tried;
    now = again;
    return true;
  };
  // Each entry to its fallback, from the first.
  for (let i = 0; i < choicesOf(best).length && budget > 0; i++) {
    const choices = choicesOf(best);
    const fallback = now.fallbacks?.[i];
    if (fallback === undefined || choices[i] === fallback) continue;
    keep([...choices.slice(0, i), fallback, ...choices.slice(i + 1)]);
  }
  // Then each entry, from the end.
  for (let i = choicesOf(best).length - 1; i >= 0 && budget > 0; i--) {
    const choices = choicesOf(best);
    if (i < choices.length) keep([...choices.slice(0, i), ...choices.slice(i + 1)]);
  }
  return best;
}

export interface Pinned extends Failed {
  /** The same run with its trace, for the report. */
  traced: RunResult;
  report: string;
  shrunk: { threads: number; ops: number; preemptions: number; steps: number };
}

/**
 * A schedule of the same scenario that fails the same check with fewer
 * preemptions, if exhaustive search within a growing preemption bound (at
 * most `FEWEST.maxSchedules` schedules a bound) finds one; else `failed`.
 * Under TSO and C11, flushes and which store a load reads are free choices
 * there, so this also finds the weak behaviour with the fewest switches.
 */
export function fewestPreemptions(failed: Failed): Failed {
  const now = preemptions(simulate({ ...failed.scenario, trace: true }));
  for (let bound = 0; bound < Math.min(now, FEWEST.maxBound + 1); bound++) {
    const all = simulate({ ...failed.scenario, schedule: { kind: 'exhaustive', preemptionBound: bound, maxSchedules: FEWEST.maxSchedules } });
    for (const r of all.results) {
      const replay: Scenario = { ...failed.scenario, schedule: { kind: 'choices', choices: r.choices } };
      const broken = verdictOf(replay, r);
      if (broken !== null && broken.check === failed.broken.check) return { scenario: replay, broken, run: r };
    }
  }
  return failed;
}

/** fewestPreemptions: bounds 0 .. maxBound, each at most maxSchedules schedules. */
export const FEWEST = { maxBound: 3, maxSchedules: 3000 };

/** Finds fewer preemptions, minimizes the choices, replays with the trace, renders the report and measures the size. */
export function pinDown(failed: Failed): Pinned {
  const best = minimizeChoices(fewestPreemptions(failed));
  const traced = simulate({ ...best.scenario, trace: true });
  return {
    ...best,
    traced,
    report: renderFailure(best.scenario, best.run, traced, best.broken.message),
    shrunk: {
      threads: best.scenario.threads.filter((t) => t.length > 0).length,
      ops: best.scenario.threads.reduce((n, t) => n + t.length, 0),
      preemptions: preemptions(traced),
      steps: best.run.steps,
    },
  };
}

/**
 * Switches away from a thread that runs again later: the run's preemptions.
 * A TSO flush is not one (the running thread goes on; the store's thread
 * only had it waiting in its buffer).
 */
export function preemptions(traced: RunResult): number {
  const trace = (traced.trace ?? []).filter((e) => e.access !== 'flush');
  let count = 0;
  for (let i = 0; i + 1 < trace.length; i++) {
    const here = trace[i]!.thread;
    if (trace[i + 1]!.thread !== here && trace.slice(i + 2).some((e) => e.thread === here)) count++;
  }
  return count;
}
