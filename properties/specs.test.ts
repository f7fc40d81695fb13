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
    const t = targets.get(spec.name)!;
    const params = t.setup.map((p) => p.name);
    for (const [k, [lo, hi]] of Object.entries(spec.setup)) {
      expect(params, `setup.${k}`).toContain(k);
      const p = t.setup.find((x) => x.name === k)!;
      expect([lo >= p.min, hi <= p.max], `setup.${k} [${lo}, ${hi}] within [${p.min}, ${p.max}]`).toEqual([true, true]);
    }
    const ops = t.ops.map((o) => o.name);
    const conservation = typeof spec.conservation === 'function' ? spec.conservation(Object.fromEntries(t.setup.map((p) => [p.name, p.default]))) : spec.conservation;
    for (const op of [...conservation.inserts, ...conservation.removes]) expect(ops, `conservation op ${op}`).toContain(op);
    const variants = t.variants.map((v) => v.name);
    for (const v of Object.keys(spec.variants ?? {})) expect(variants, `variants.${v}`).toContain(v);
  });
});
