/**
 * The targets' TypeScript halves, loaded from where their C++ halves are:
 * every `native/sim/targets/*_target.ts` (`.js` once built), each with a
 * default export made by defineTarget (properties/target_spec.ts). Loaded
 * once, at import (top-level await), so SPECS is ready for synchronous use.
 * A spec that does not fit its C++ target, or a target name twice, fails
 * the import with a message naming the file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { TargetSpec, VariantNeeds } from '../target_spec.js';

const DIR = new URL('../../native/sim/targets/', import.meta.url);
const EXT = import.meta.url.endsWith('.ts') ? '_target.ts' : '_target.js';

async function load(): Promise<Record<string, TargetSpec>> {
  const files = readdirSync(fileURLToPath(DIR))
    .filter((f) => f.endsWith(EXT))
    .sort();
  const specs: Record<string, TargetSpec> = {};
  const from: Record<string, string> = {};
  for (const file of files) {
    const spec = ((await import(new URL(file, DIR).href)) as { default?: TargetSpec }).default;
    if (spec === undefined || typeof spec.name !== 'string') throw new Error(`lockstep: ${file} has no default export made by defineTarget`);
    if (spec.name in specs) throw new Error(`lockstep: target '${spec.name}' has two specs: ${from[spec.name]} and ${file}`);
    specs[spec.name] = spec;
    from[spec.name] = file;
  }
  return specs;
}

/** Every target's spec, by name: the built-in ones (the order of their file names), then plugins' (addSpec). */
export const SPECS: Readonly<Record<string, TargetSpec>> = await load();

/**
 * Adds a plugin target's spec (properties/plugins.ts): an Error naming
 * `from` if another spec has the name; the same spec again adds nothing.
 */
export function addSpec(spec: TargetSpec, from: string): void {
  const had = SPECS[spec.name];
  if (had === spec) return;
  if (had !== undefined) throw new Error(`${from}: a spec for target '${spec.name}' is loaded already${BUILT_IN.has(spec.name) ? ' (a built-in target)' : ''}`);
  (SPECS as Record<string, TargetSpec>)[spec.name] = spec;
}

const BUILT_IN: ReadonlySet<string> = new Set(Object.keys(SPECS));

/** What `target`'s seeded bug `variant` needs (nothing: sc and choice lists show it). */
export function variantNeeds(target: string, variant: string): VariantNeeds {
  return SPECS[target]?.variants?.[variant] ?? {};
}
