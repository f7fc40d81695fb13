/**
 * Plugins: targets from outside lockstep. A plugin is a shared library
 * built with `lockstep_add_target` (cmake/lockstepConfig.cmake; docs/sdk.md)
 * that registers targets exactly as the built-in ones do; loadPlugin opens
 * it in the simulator and adds their TypeScript halves (defineTarget), after
 * which every API and CLI command takes those targets by name.
 *
 * @example
 * loadPlugin(new URL('./build/ring_target.so', import.meta.url), defineTarget({
 *   name: 'my-ring',
 *   model: (s) => boundedQueueModel({ capacity: s['capacity']!, strict: true }),
 *   conservation: { inserts: ['push'], removes: ['pop'] },
 *   setup: { capacity: [1, 3] },
 * }));
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { addon } from '../native/index.js';
import { addSpec } from './_internals/specs.js';
import { defineTarget, specProblem, type TargetSpec } from './target_spec.js';

/**
 * A loaded plugin: its library's absolute path, the SHA-256 of the file as it was loaded (a
 * failure file records it, and `lockstep repro` refuses another build), and its targets.
 *
 * @example
 * const plugin: Plugin = loadPlugin('build/ring_target.so');
 * plugin.targets; // ['my-ring']
 */
export interface Plugin {
  readonly library: string;
  readonly sha256: string;
  readonly targets: readonly string[];
}

/**
 * A plugin that cannot be loaded, in one line: a missing file, not a shared library, built for
 * another machine or against another lockstep (its stamp), a symbol it lacks, no target
 * registered, a target whose name clashes with one loaded, or a spec naming no target of it.
 *
 * @example
 * try { loadPlugin('nope.so'); } catch (e) { if (e instanceof PluginError) console.error(e.message); } // "plugin /…/nope.so: no such file"
 */
export class PluginError extends Error {}

const loaded = new Map<string, Plugin>();

/**
 * Opens the plugin library (a path, relative to the working folder, or a file URL) in the
 * simulator and adds the TypeScript halves of its targets: `specs`, each made by defineTarget
 * and naming a target the library registers. A target without a spec is listed (listTargets)
 * and runs (runScenario), but scenarios are generated only for targets with one. Loading a
 * library again returns the same plugin (and adds any specs given). Throws a PluginError.
 *
 * @example
 * const ring = loadPlugin(new URL('./build/ring_target.so', import.meta.url), ringSpec);
 * fc.assert(fc.property(caseArbitrary('my-ring'), (c) => verdictOf(c.scenario, runScenario(c.scenario)) === null));
 */
export function loadPlugin(library: string | URL, ...specs: TargetSpec[]): Plugin {
  const path = library instanceof URL ? fileURLToPath(library) : resolve(String(library));
  let targets: string[];
  try {
    targets = addon().loadPlugin(path);
  } catch (e) {
    throw new PluginError((e as Error).message);
  }
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  for (const spec of specs) {
    try {
      defineTarget(spec);
    } catch (e) {
      throw new PluginError(`plugin ${path}: ${(e as Error).message}`);
    }
    if (!targets.includes(spec.name)) throw new PluginError(`plugin ${path}: the spec for '${spec.name}' names no target of it (it registers ${targets.join(', ')})`);
    const problem = specProblem(spec, addon().listTargets().find((t) => t.name === spec.name)!);
    if (problem !== null) throw new PluginError(`plugin ${path}: the spec for '${spec.name}' does not fit its C++ half: ${problem}`);
  }
  for (const spec of specs) {
    try {
      addSpec(spec, `plugin ${path}`);
    } catch (e) {
      throw new PluginError((e as Error).message);
    }
  }
  const plugin: Plugin = loaded.get(path) ?? { library: path, sha256, targets };
  loaded.set(path, plugin);
  return plugin;
}

/**
 * The plugins loaded so far, in the order loaded.
 *
 * @example
 * loadedPlugins().map((p) => p.library); // ['/home/me/ring/build/ring_target.so']
 */
export function loadedPlugins(): readonly Plugin[] {
  return [...loaded.values()];
}

/**
 * The plugin that registered `target`; undefined for a built-in target (or an unknown name).
 *
 * @example
 * pluginOf('my-ring')?.sha256; // the hash a failure file records
 */
export function pluginOf(target: string): Plugin | undefined {
  for (const p of loaded.values()) if (p.targets.includes(target)) return p;
  return undefined;
}
