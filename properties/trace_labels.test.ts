/**
 * Traces name every location: each field, slot and node the structures
 * touch is labelled (`Sync::label`, under `Sync::LabelScope` where one
 * structure holds several of another: `worker1.top`, `injection.slot[0]`,
 * `task3.pending`), so a trace never shows a bare `L7` or `block2+16`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { renderInterleaving } from '../fuzz/render.js';
import { addon, type Scenario } from '../native/index.js';
import { SIMULATED_MODELS } from './_internals/mutant_models.js';
import { SPECS } from './_internals/specs.js';
import { caseArbitrary } from './scenarios.js';
import { runOptions } from './_internals/run_options.js';

const a = addon();
const unlabelled = (location: string) => /^L\d+$/.test(location) || /^block\d+[+-]\d+$/.test(location);
const locationsOf = (scenario: Scenario) => [...new Set((a.runScenario({ ...scenario, trace: true }).trace ?? []).flatMap((e) => (e.location === undefined ? [] : [e.location])))];

describe('trace labels', () => {
  it('a traced scheduler run renders no unlabelled location, and tells the workers apart', () => {
    const scenario: Scenario = {
      target: 'scheduler',
      setup: { nodes: 2, edges: 1 },
      threads: [[{ op: 'submit', arg: 1 }, { op: 'submit', arg: 2 }, { op: 'wait' }], [{ op: 'work' }], [{ op: 'work' }]],
      schedule: { kind: 'random', seed: 3 },
      trace: true,
    };
    const run = a.runScenario(scenario);
    expect(run.outcome.kind).toBe('ok');
    const text = renderInterleaving(scenario, run);
    expect(text).not.toMatch(/\bL\d+\b/);
    expect(text).not.toMatch(/block\d+[+-]\d+ (=|➜)/);
    const locations = locationsOf(scenario);
    for (const name of ['worker0.bottom', 'worker1.bottom', 'injection.head', 'task0.pending', 'sleepers', 'outstanding', 'stopping', 'events']) expect(locations).toContain(name);
  });

  it('the litmus locations are x, y and z', () => {
    const threads = [[{ op: 'store-x.rlx', arg: 1 }, { op: 'load-y.acq' }], [{ op: 'fadd-z.sc', arg: 1 }]];
    expect(locationsOf({ target: 'litmus', threads }).sort()).toEqual(['x', 'y', 'z']);
  });

  const targets = a.listTargets().filter((t) => t.name in SPECS);
  it.each(targets.map((t) => [t.name, t] as const))('%s: every location of a traced run is labelled, every variant and memory model', (_, target) => {
    const cases = fc
      .tuple(fc.constantFrom(...target.variants.map((v) => v.name)), fc.constantFrom(...SIMULATED_MODELS))
      .chain(([variant, memoryModel]) => caseArbitrary(target, variant, { strategy: 'mixed', memoryModel }));
    fc.assert(
      fc.property(cases, ({ scenario }) => {
        const bare = locationsOf(scenario).filter(unlabelled);
        expect(bare, JSON.stringify(scenario)).toEqual([]);
      }),
      runOptions(150),
    );
  });
});
