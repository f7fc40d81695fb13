/**
 * runScenario under generated scenarios: a valid scenario (built for any
 * target from listTargets() metadata, roles respected) must run and return
 * a well-formed result; the same scenario with one mutation of a known kind
 * must throw a TypeError or RangeError that names runScenario and the
 * mutated field. The oracle is the mutation itself, so the property knows
 * which calls must fail and where.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type RunResult, type Scenario, type TargetInfo } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';

const a = addon();
const targets = a.listTargets();

/** A valid scenario for `target`: each thread takes a role (within its limit) and calls that role's ops. */
function validScenario(target: TargetInfo): fc.Arbitrary<Scenario> {
  const roleArb = fc.constantFrom(...target.roles.map((r) => r.name));
  return fc
    .record({
      roles: fc.array(roleArb, { minLength: 1, maxLength: 3 }),
      variant: fc.constantFrom(...target.variants.map((v) => v.name)),
      setup: fc.record(Object.fromEntries(target.setup.map((p) => [p.name, fc.integer({ min: p.min, max: Math.min(p.max, p.min + 8) })])), { requiredKeys: [] }),
      seed: fc.nat(),
      kind: fc.constantFrom('choices', 'random', 'pct'),
      choices: fc.array(fc.nat({ max: 5 }), { maxLength: 12 }),
    })
    .chain(({ roles, variant, setup, seed, kind, choices }) => {
      // Respect maxThreads: a role over its limit becomes one without, or
      // its thread is left out where every role has a limit.
      const used = new Map<string, number>();
      const free = target.roles.find((r) => r.maxThreads === undefined)?.name;
      const fixed = roles.flatMap((r) => {
        const max = target.roles.find((x) => x.name === r)!.maxThreads;
        const n = (used.get(r) ?? 0) + 1;
        used.set(r, n);
        if (max === undefined || n <= max) return [r];
        return free === undefined ? [] : [free];
      });
      const threads = fc.tuple(
        ...fixed.map((role, i) => {
          const ops = target.ops.filter((o) => o.roles.includes(role) && !/^(spin|wait)-until/.test(o.name));
          return fc.array(
            fc.constantFrom(...ops).chain((op) => (op.takesArg ? fc.integer({ min: -100, max: 100 }).map((arg) => ({ op: op.name, arg })) : fc.constant({ op: op.name }))),
            // A scenario runs at least one operation: the first thread's.
            { minLength: i === 0 ? 1 : 0, maxLength: 4 },
          );
        }),
      );
      return threads.map((ts): Scenario => {
        // maxCapacity below capacity does not fit: keep the deque's pair ordered.
        const s = { ...setup } as Record<string, number>;
        if (s['maxCapacity'] !== undefined) s['maxCapacity'] = Math.max(s['maxCapacity'], 64);
        return {
          format: 1,
          target: target.name,
          variant,
          setup: s,
          threads: ts,
          schedule: kind === 'choices' ? { kind, choices } : kind === 'random' ? { kind, seed } : { kind, seed },
          maxSteps: 5000,
        };
      });
    });
}

type Mutation = { name: string; field: RegExp; apply: (s: Scenario) => unknown };
const mutations: Mutation[] = [
  { name: 'unknown field', field: /scenario has an unknown field 'sheduel'/, apply: (s) => ({ ...s, sheduel: 1 }) },
  { name: 'target not a string', field: /scenario.target must be a string/, apply: (s) => ({ ...s, target: 7 }) },
  { name: 'unknown target', field: /scenario.target must be one of/, apply: (s) => ({ ...s, target: 'nope' }) },
  { name: 'unknown variant', field: /scenario.variant must be one of/, apply: (s) => ({ ...s, variant: 'nope' }) },
  { name: 'threads not an array', field: /scenario.threads must be an array/, apply: (s) => ({ ...s, threads: {} }) },
  { name: 'no operation', field: /scenario.threads holds no operation/, apply: (s) => ({ ...s, threads: s.threads.map(() => []) }) },
  { name: 'a thread not an array', field: /scenario.threads\[0\] must be an array/, apply: (s) => ({ ...s, threads: [5, ...s.threads.slice(1)] }) },
  { name: 'unknown op', field: /scenario.threads\[0\]\[0\].op must be one of/, apply: (s) => ({ ...s, threads: [[{ op: 'nope' }, ...s.threads[0]!], ...s.threads.slice(1)] }) },
  { name: 'call with an extra field', field: /scenario.threads\[0\]\[0\] has an unknown field 'args'/, apply: (s) => ({ ...s, threads: [[{ op: firstOp(s), args: 1 }], ...s.threads.slice(1)] }) },
  // A target whose ops take no argument (the block pool) refuses any arg.
  { name: 'unsafe arg', field: /scenario.threads\[0\]\[0\].arg must be (an integer|absent: \S+ takes no argument)/, apply: (s) => ({ ...s, threads: [[{ op: argOp(s), arg: 1.5 }], ...s.threads.slice(1)] }) },
  { name: 'schedule kind unknown', field: /scenario.schedule.kind must be one of/, apply: (s) => ({ ...s, schedule: { kind: 'fair' } }) },
  { name: 'choice negative', field: /scenario.schedule.choices\[0\] must be an integer/, apply: (s) => ({ ...s, schedule: { kind: 'choices', choices: [-1] } }) },
  { name: 'seed on choices', field: /scenario.schedule.seed does not apply/, apply: (s) => ({ ...s, schedule: { kind: 'choices', seed: 1 } }) },
  { name: 'memory model', field: /scenario.memoryModel/, apply: (s) => ({ ...s, memoryModel: 'arm' }) },
  { name: 'maxSteps 0', field: /scenario.maxSteps must be an integer from 1/, apply: (s) => ({ ...s, maxSteps: 0 }) },
  { name: 'setup unknown', field: /scenario.setup has an unknown field 'colour'/, apply: (s) => ({ ...s, setup: { colour: 1 } }) },
  { name: 'trace not boolean', field: /scenario.trace must be a boolean/, apply: (s) => ({ ...s, trace: 'yes' }) },
  { name: 'not an object', field: /scenario must be an object/, apply: () => [1, 2] },
];
function firstOp(s: Scenario): string {
  return targets.find((t) => t.name === s.target)!.ops[0]!.name;
}
function argOp(s: Scenario): string {
  const ops = targets.find((t) => t.name === s.target)!.ops;
  return (ops.find((o) => o.takesArg) ?? ops[0]!).name;
}

function wellFormed(r: RunResult, s: Scenario): void {
  expect(['ok', 'deadlock', 'step-limit', 'assertion', 'memory-error']).toContain(r.outcome.kind);
  const calls = s.threads.reduce((n, t) => n + t.length, 0);
  expect(r.history.length + r.pending.length).toBeLessThanOrEqual(calls);
  if (r.outcome.kind === 'ok') expect(r.history.length).toBe(calls);
  for (const h of r.history) {
    expect(h.call).toBeLessThanOrEqual(h.return);
    expect(h.return).toBeLessThanOrEqual(r.steps);
    expect(s.threads[h.thread]![h.index]!.op).toBe(h.op);
  }
  // The choices taken replay the run exactly.
  const replay = a.runScenario({ ...s, schedule: { kind: 'choices', choices: r.choices } });
  expect(JSON.stringify(replay)).toBe(JSON.stringify(r));
}

describe('runScenario under generated scenarios', () => {
  const anyScenario = fc.constantFrom(...targets).chain(validScenario);

  it('a valid scenario runs, returns a well-formed result, and replays from its choices', () => {
    fc.assert(
      fc.property(anyScenario, (s) => wellFormed(a.runScenario(s), s)),
      runOptions(300),
    );
  });

  it('one mutation: a TypeError or RangeError naming runScenario and the field', () => {
    fc.assert(
      fc.property(anyScenario, fc.constantFrom(...mutations), (s, m) => {
        let error: unknown;
        try {
          a.runScenario(m.apply(s) as Scenario);
        } catch (e) {
          error = e;
        }
        expect(error, `${m.name} was accepted`).toBeDefined();
        expect(error).toSatisfy((e) => e instanceof TypeError || e instanceof RangeError);
        expect((error as Error).message).toMatch(/^runScenario: /);
        expect((error as Error).message).toMatch(m.field);
      }),
      runOptions(500),
    );
  });
});
