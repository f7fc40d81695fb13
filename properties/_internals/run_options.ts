/**
 * fast-check run parameters with visible seeds: `LOCKSTEP_SEED` fixes the
 * seed and `LOCKSTEP_NUM_RUNS` the number of runs (CI overrides); otherwise
 * the seed is random and fast-check prints it, with the path, on failure.
 */
import type { Parameters } from 'fast-check';

/** The integer in environment variable `name`, or undefined when unset; a RangeError naming it otherwise. */
export function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got '${raw}'`);
  return value;
}

/** Parameters for fc.assert: `numRuns` unless LOCKSTEP_NUM_RUNS says otherwise. */
export function runOptions<T>(numRuns: number): Parameters<T> {
  const seed = envInteger('LOCKSTEP_SEED');
  return { numRuns: envInteger('LOCKSTEP_NUM_RUNS') ?? numRuns, ...(seed === undefined ? {} : { seed }) };
}
