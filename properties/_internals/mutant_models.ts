/**
 * Which memory model each seeded bug is shown under: the strongest the
 * simulator runs that can show it (its target spec's `variants` says when
 * sequential consistency cannot).
 */
import type { MemoryModel } from '../../native/index.js';
import { variantNeeds } from './specs.js';

/** The memory models, strongest first: each allows every behaviour of the ones before it. */
export const MEMORY_MODELS = ['sc', 'tso', 'c11'] as const;
/** The ones the simulator runs. */
export const SIMULATED_MODELS: readonly MemoryModel[] = ['sc', 'tso', 'c11'];

/** The strongest simulated model under which `target/variant` can fail (sc for the correct ones), or why none can yet. */
export function mutantModel(target: string, variant: string): { model: MemoryModel } | { skip: string } {
  const weakest = variantNeeds(target, variant).weakest;
  if (weakest === undefined) return { model: 'sc' };
  if ((SIMULATED_MODELS as readonly string[]).includes(weakest.model)) return { model: weakest.model as MemoryModel };
  return { skip: `needs ${weakest.model} (not simulated yet): ${weakest.why}` };
}
