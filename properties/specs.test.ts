/**
 * The two halves of every target agree: each `native/sim/targets/X_target.ts`
 * names a target that `X_target.cpp` registers, with setup parameters, ops
 * and variants the C++ half has; every registered target but the litmus
 * target (it tests the simulator and has no model) has its spec.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { SPECS } from './_internals/specs.js';
import { specProblem } from './target_spec.js';

const dir = fileURLToPath(new URL('../native/sim/targets/', import.meta.url));
const files = readdirSync(dir);
const targets = new Map(addon().listTargets().map((t) => [t.name, t]));

describe('target specs', () => {
  it('each target file pair: X_target.cpp and X_target.ts (the litmus target has no spec: it has no model)', () => {
    const base = (ext: string) => files.filter((f) => f.endsWith(`_target${ext}`)).map((f) => f.slice(0, -ext.length));
    expect(base('.ts')).toEqual(base('.cpp').filter((b) => b !== 'litmus_target'));
  });

  it('every registered target but litmus has a spec, and every spec a registered target', () => {
    expect(Object.keys(SPECS).sort()).toEqual([...targets.keys()].filter((n) => n !== 'litmus').sort());
  });

  it.each(Object.values(SPECS))('$name: setup, ops and variants are the C++ half\'s', (spec) => {
    expect(specProblem(spec, targets.get(spec.name)!)).toBeNull();
  });

  it('specProblem names what does not fit', () => {
    const queue = targets.get('mpmc-queue')!;
    const spec = SPECS['mpmc-queue']!;
    expect(specProblem({ ...spec, setup: { size: [1, 2] } }, queue)).toBe('setup.size: mpmc-queue has no parameter size (it has capacity)');
    expect(specProblem({ ...spec, setup: { capacity: [0, 2] } }, queue)).toBe("setup.capacity: [0, 2] is not within mpmc-queue's [1, 64]");
    expect(specProblem({ ...spec, conservation: { inserts: ['put'], removes: ['pop'] } }, queue)).toBe('conservation: mpmc-queue has no op put (it has push, pop)');
    expect(specProblem({ ...spec, variants: { nope: {} } }, queue)).toMatch(/^variants.nope: mpmc-queue has no variant nope \(it has correct, /);
  });
});
