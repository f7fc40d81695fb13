/**
 * The regression corpus: shrunk failures kept under fuzz/corpus/ (one per
 * seeded bug the simulator can expose, from `lockstep mutants`). Each must
 * still fail on the mutant that produced it, with the same check, under the
 * memory model it names; the same scenario and schedule must pass on the
 * correct variant.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { mutantModel } from '../properties/_internals/mutant_models.js';
import { verdictOf } from '../properties/scenarios.js';
import { readFailure } from './failure_file.js';

const dir = fileURLToPath(new URL('./corpus/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const a = addon();

describe('the regression corpus', () => {
  it('holds a failure for every seeded bug the simulator can expose', () => {
    const kept = new Set(files.map((f) => readFailure(dir + f)).map((f) => `${f.target}/${f.variant}`));
    for (const t of a.listTargets().filter((t) => t.name !== 'litmus')) {
      for (const v of t.variants.slice(1)) {
        const key = `${t.name}/${v.name}`;
        if (!('skip' in mutantModel(t.name, v.name))) expect(kept.has(key), `${key} has no corpus entry`).toBe(true);
      }
    }
  });

  it.each(files)('%s: the mutant still fails, the correct variant passes', (file) => {
    const f = readFailure(dir + file);
    const needs = mutantModel(f.target, f.variant);
    expect(f.scenario.memoryModel ?? 'sc').toBe('model' in needs ? needs.model : 'a simulated model');
    const mutant = verdictOf(f.scenario, a.runScenario(f.scenario));
    expect(mutant?.check, `${file} no longer fails`).toBe(f.check);
    const correct = { ...f.scenario, variant: 'correct' };
    expect(verdictOf(correct, a.runScenario(correct))).toBeNull();
  });
});
