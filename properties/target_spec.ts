/**
 * A target's TypeScript half: what the suite needs to generate its
 * scenarios and judge its runs — the sequential model, what goes in and
 * comes out (conservation), the setup ranges to generate, how many threads
 * and ops, what its seeded bugs need to show (a weaker memory model, a
 * deeper search) and which collection monitor checks it on real threads.
 * Its C++ half (ops, roles, parameters, variants, the factory) registers
 * itself with LOCKSTEP_TARGET in a file of the same name:
 * `native/sim/targets/ring_target.cpp` and `ring_target.ts`. The suite
 * loads every `*_target.ts` there (properties/_internals/specs.ts);
 * nothing else lists targets.
 *
 * @example
 * export default defineTarget({
 *   name: 'mpmc-queue',
 *   model: (s) => boundedQueueModel({ capacity: s['capacity']! }),
 *   conservation: { inserts: ['push'], removes: ['pop'] },
 *   setup: { capacity: [1, 3] },
 * });
 */
import type { MonitorName } from '../models/collection_monitors.js';
import type { ConservationSpec } from '../models/conservation.js';
import type { Model } from '../models/model.js';
import type { MemoryModel, TargetInfo } from '../native/index.js';

/**
 * What a seeded bug (a variant) needs to be shown: a memory model weaker than sequential
 * consistency, or a search other than generated choice lists.
 *
 * @example
 * const needs: VariantNeeds = { weakest: { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' } };
 */
export interface VariantNeeds {
  /** The strongest memory model that can show it (sequential consistency cannot), and why. */
  weakest?: { model: 'tso' | 'c11'; why: string };
  /** Generated choice lists seldom reach it: how the mutant test searches instead, and why. */
  search?: { strategy: 'pct' | 'mixed'; numRuns: number; why: string };
}

/**
 * A target's TypeScript half, made by {@link defineTarget}: the model its runs are checked
 * against, what conservation means for it, the setup ranges to generate, and what its seeded
 * bugs need.
 *
 * @example
 * const spec: TargetSpec = defineTarget({ name: 'mpmc-queue', model: (s) => boundedQueueModel({ capacity: s['capacity']! }), conservation: { inserts: ['push'], removes: ['pop'] }, setup: { capacity: [1, 3] } });
 */
export interface TargetSpec {
  /** The target's name, as its C++ file registers it (lockstep list). */
  readonly name: string;
  /** The model for a scenario's setup and memory model. */
  model(setup: Record<string, number>, memoryModel: MemoryModel): Model<readonly number[]>;
  /** What goes in and comes out; a function of the setup where the structure starts full. Absent: not checked (not a collection). */
  readonly conservation?: ConservationSpec | ((setup: Record<string, number>) => ConservationSpec);
  /** Setup parameters to generate, with their ranges (small, so growth and wrap-around happen). @defaultValue {} (each parameter at its default) */
  readonly setup?: Readonly<Record<string, readonly [number, number]>>;
  /** Ops per thread at most. @defaultValue 4 */
  readonly maxOps?: number;
  /** Threads at most. @defaultValue 3 */
  readonly maxThreads?: number;
  /** Seeded bugs that need more than sequential consistency and generated choice lists. */
  readonly variants?: Readonly<Record<string, VariantNeeds>>;
  /** Stress mode: the collection monitor that decides its real-thread histories, and what that checks. */
  readonly stress?: { readonly monitor: MonitorName; readonly checks: string };
}

/**
 * Declares a target's TypeScript half: checks the spec's shape (a RangeError naming
 * `defineTarget`, the target and the field) and returns it. The default export of
 * `native/sim/targets/<name>_target.ts`, beside the C++ half that registers the target.
 *
 * @example
 * export default defineTarget({
 *   name: 'mpmc-queue',
 *   model: (s) => boundedQueueModel({ capacity: s['capacity']! }),
 *   conservation: { inserts: ['push'], removes: ['pop'] },
 *   setup: { capacity: [1, 3] },
 * });
 */
export function defineTarget(spec: TargetSpec): TargetSpec {
  const fail = (what: string): never => {
    throw new RangeError(`defineTarget(${JSON.stringify(spec.name)}): ${what}`);
  };
  if (typeof spec.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(spec.name)) fail('name must be lower-case words joined by dashes');
  if (typeof spec.model !== 'function') fail('model must be a function of (setup, memoryModel)');
  if (spec.setup !== undefined && (typeof spec.setup !== 'object' || spec.setup === null)) fail('setup must be an object of [min, max] ranges');
  for (const [k, range] of Object.entries(spec.setup ?? {})) {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isSafeInteger(range[0]) || !Number.isSafeInteger(range[1]) || range[0] > range[1]) {
      fail(`setup.${k} must be a [min, max] pair of whole numbers`);
    }
  }
  if (spec.maxOps !== undefined && !(Number.isSafeInteger(spec.maxOps) && spec.maxOps >= 1)) fail('maxOps must be a whole number >= 1');
  if (spec.maxThreads !== undefined && !(Number.isSafeInteger(spec.maxThreads) && spec.maxThreads >= 2)) fail('maxThreads must be a whole number >= 2');
  return spec;
}

/**
 * What is wrong with a spec as the TypeScript half of `target` (its C++ half, as listTargets()
 * describes it): a setup parameter it does not have or a range outside its own, a conservation
 * op it lacks, a variant it does not have. Null when the two halves fit.
 *
 * @example
 * specProblem(spec, listTargets().find((t) => t.name === spec.name)!); // null, or "setup.size: my-ring has no parameter size (it has capacity)"
 */
export function specProblem(spec: TargetSpec, target: TargetInfo): string | null {
  const params = target.setup.map((p) => p.name);
  for (const [k, [lo, hi]] of Object.entries(spec.setup ?? {})) {
    const p = target.setup.find((x) => x.name === k);
    if (p === undefined) return `setup.${k}: ${target.name} has no parameter ${k} (it has ${params.join(', ') || 'none'})`;
    if (lo < p.min || hi > p.max) return `setup.${k}: [${lo}, ${hi}] is not within ${target.name}'s [${p.min}, ${p.max}]`;
  }
  const ops = target.ops.map((o) => o.name);
  if (spec.conservation !== undefined) {
    const defaults = Object.fromEntries(target.setup.map((p) => [p.name, p.default]));
    const conservation = typeof spec.conservation === 'function' ? spec.conservation(defaults) : spec.conservation;
    for (const op of [...conservation.inserts, ...conservation.removes]) {
      if (!ops.includes(op)) return `conservation: ${target.name} has no op ${op} (it has ${ops.join(', ')})`;
    }
  }
  const variants = target.variants.map((v) => v.name);
  for (const v of Object.keys(spec.variants ?? {})) {
    if (!variants.includes(v)) return `variants.${v}: ${target.name} has no variant ${v} (it has ${variants.join(', ')})`;
  }
  return null;
}
