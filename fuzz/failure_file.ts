/**
 * Failure files (docs/formats.md, "Failure file"): everything needed
 * to reproduce and understand one failure — the engine build, the target,
 * variant and memory model, the shrunk scenario with the concrete choices
 * that replay it, the fast-check seed and path that found it, the check it
 * broke, and the rendered report. Written atomically (atomic_write.ts), so a campaign killed at any moment leaves
 * only complete files; named after a hash of (target, variant, check,
 * shrunk scenario), so one failure found twice is kept once.
 *
 * @example
 * const { path, fresh } = writeFailure(dir, failure); // fresh false: already there
 * const again = readFailure(path);                   // throws FailureFileError if malformed
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { writeAtomically } from './atomic_write.js';

import type { PluginRecord } from './plugin_modules.js';
import type { Check } from '../properties/scenarios.js';
import type { Scenario } from '../native/index.js';

export const FAILURE_FORMAT = 1;
const CHECKS: readonly string[] = ['memory-error', 'deadlock', 'step-limit', 'assertion', 'linearizability', 'conservation', 'crash', 'hang'];

/** How a failure was found. */
export interface Found {
  /** The strategy whose run failed: choices, random, pct or exhaustive. */
  strategy: string;
  /** fast-check's seed and path to the shrunk counterexample (replays with fc.assert). */
  fastCheck?: { seed: number; path: string };
  /** Runs this worker made before the failing one (across its pairs). */
  runs: number;
  /** Seconds from the worker's start to the failing run (before shrinking). */
  seconds: number;
  /** When the failing run happened (before shrinking). */
  at: string;
}

/**
 * A failure file (docs/formats.md): the engine build, the target, variant and memory model,
 * the check that broke and how, the shrunk scenario with the concrete choices that replay it,
 * how it was found (strategy, fast-check's seed and path), its size and the rendered report.
 *
 * @example
 * const f: FailureFile = readFailure('.failures/mpmc-queue.lap-dropped.assertion.4695aa8ba0.json');
 * console.log(f.report);
 */
export interface FailureFile {
  format: typeof FAILURE_FORMAT;
  kind: 'lockstep-failure';
  /** addonBuildId() of the engine that failed. */
  build: string;
  target: string;
  variant: string;
  memoryModel: string;
  check: Check | 'crash' | 'hang';
  message: string;
  /** The shrunk scenario; its schedule is the concrete choices list. */
  scenario: Scenario;
  found: Found;
  shrunk: { threads: number; ops: number; preemptions: number; steps: number };
  /** The scenario table and the interleaving, as printed. */
  report: string;
  /** For a plugin's target: the plugin that registered it (lockstep repro loads it, and refuses another build). */
  plugin?: PluginRecord;
}

/**
 * A failure file that cannot be read, is not one, or does not fit this build: the message
 * names the file and the field.
 *
 * @example
 * try { readFailure(path); } catch (e) { if (e instanceof FailureFileError) console.error(e.message); } // "x.json: field scenario.threads must be a list of at least one thread"
 */
export class FailureFileError extends Error {}

/**
 * The file name of a failure: target, variant, check and a hash of the shrunk scenario, so
 * that one failure found twice is kept once.
 *
 * @example
 * failureName(readFailure(path)) === basename(path); // true: the name a campaign gave it
 */
export function failureName(f: Pick<FailureFile, 'target' | 'variant' | 'check' | 'scenario'>): string {
  const { threads, setup, schedule, memoryModel } = f.scenario;
  const model = memoryModel === undefined || memoryModel === 'sc' ? [] : [memoryModel]; // sc names as before tso existed
  const hash = createHash('sha256')
    .update(JSON.stringify([f.target, f.variant, f.check, threads, setup ?? {}, schedule ?? null, ...model]))
    .digest('hex')
    .slice(0, 10);
  return `${f.target}.${f.variant}.${f.check}.${hash}.json`;
}

/**
 * Writes `f` into `dir` atomically, once: a valid file of the same name is
 * the same failure, kept (`fresh: false`); a damaged one is replaced
 * (`replaced: true`). Throws WriteError when the file cannot be written.
 *
 * @example
 * const { path, fresh } = writeFailure('.failures', f); // fresh false: already there
 */
export function writeFailure(dir: string, f: FailureFile): { path: string; fresh: boolean; replaced: boolean } {
  const path = join(dir, failureName(f));
  let replaced = false;
  if (existsSync(path)) {
    try {
      readFailure(path);
      return { path, fresh: false, replaced: false };
    } catch (e) {
      if (!(e instanceof FailureFileError)) throw e;
      replaced = true; // truncated or edited: not to be trusted, nor kept
    }
  }
  writeAtomically(path, JSON.stringify(f, null, 2) + '\n');
  return { path, fresh: true, replaced };
}

/**
 * Reads and checks a failure file; throws FailureFileError saying what is wrong.
 *
 * @example
 * const f = readFailure('fuzz/corpus/chase-lev-deque.steal-reads-slot-after-cas.linearizability.96025eaa9d.json');
 * f.check; // 'linearizability'
 */
export function readFailure(path: string): FailureFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FailureFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let f: unknown;
  try {
    f = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    throw new FailureFileError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const problem = failureProblem(f);
  if (problem !== null) throw new FailureFileError(`${path}: ${problem}`);
  return f as FailureFile;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

/** What is wrong with a failure file's content, naming the field; null when nothing is. */
export function failureProblem(f: unknown): string | null {
  if (!isObject(f)) return 'must hold a JSON object';
  if (f['kind'] !== 'lockstep-failure') return `is not a lockstep failure file (kind is ${JSON.stringify(f['kind'])}, expected "lockstep-failure")`;
  if (f['format'] !== FAILURE_FORMAT) return `has format ${JSON.stringify(f['format'])}; this lockstep reads format ${FAILURE_FORMAT}`;
  for (const key of ['build', 'target', 'variant', 'memoryModel', 'message', 'report'] as const) {
    if (typeof f[key] !== 'string') return `field ${key} must be a string`;
  }
  if (!CHECKS.includes(f['check'] as string)) return `field check must be one of ${CHECKS.join(', ')}, got ${JSON.stringify(f['check'])}`;
  if (!['sc', 'tso', 'c11'].includes(f['memoryModel'] as string)) return `field memoryModel must be sc, tso or c11, got ${JSON.stringify(f['memoryModel'])}`;
  const scenario = scenarioProblem(f['scenario'], f['check'] === 'crash' || f['check'] === 'hang');
  if (scenario !== null) return scenario;
  const s = f['scenario'] as Record<string, unknown>;
  if (s['target'] !== f['target'] || (s['variant'] ?? 'correct') !== f['variant']) return 'the scenario names another target or variant than the file';
  if ((s['memoryModel'] ?? 'sc') !== f['memoryModel']) return `the scenario's memory model (${String(s['memoryModel'] ?? 'sc')}) is not the file's (${String(f['memoryModel'])})`;
  if (!isObject(f['found']) || typeof f['found']['strategy'] !== 'string') return 'field found must be an object with a strategy';
  if (!isObject(f['shrunk'])) return 'field shrunk must be an object';
  if (f['plugin'] !== undefined) {
    const p = f['plugin'];
    if (!isObject(p) || typeof p['library'] !== 'string' || p['library'] === '') return 'field plugin must be an object with the library path';
    if (typeof p['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(p['sha256'])) return 'field plugin.sha256 must be 64 hex digits';
    if (p['module'] !== undefined && (typeof p['module'] !== 'string' || p['module'] === '')) return 'field plugin.module must be a path';
  }
  return null;
}

/**
 * What is wrong with a failure file's scenario, naming the field. A failure
 * replays from its concrete choices list; a crash or hang from the case as
 * it ran (a choices list or a random, PCT or exhaustive schedule).
 */
function scenarioProblem(s: unknown, anySchedule: boolean): string | null {
  if (!isObject(s)) return 'field scenario must be an object';
  if (typeof s['target'] !== 'string') return 'field scenario.target must be a string';
  if (s['variant'] !== undefined && typeof s['variant'] !== 'string') return 'field scenario.variant must be a string';
  const threads = s['threads'];
  if (!Array.isArray(threads) || threads.length === 0) return 'field scenario.threads must be a list of at least one thread';
  for (const [t, ops] of threads.entries()) {
    if (!Array.isArray(ops) || ops.length === 0) return `field scenario.threads[${t}] must be a list of at least one operation`;
    for (const [i, call] of ops.entries()) {
      if (!isObject(call) || typeof call['op'] !== 'string' || call['op'] === '') return `field scenario.threads[${t}][${i}] must be an operation like {"op":"push","arg":1}`;
      if (call['arg'] !== undefined && !Number.isSafeInteger(call['arg'])) return `field scenario.threads[${t}][${i}].arg must be a whole number`;
    }
  }
  if (s['setup'] !== undefined) {
    if (!isObject(s['setup'])) return 'field scenario.setup must be an object';
    for (const [k, v] of Object.entries(s['setup'])) if (!Number.isSafeInteger(v)) return `field scenario.setup.${k} must be a whole number`;
  }
  if (s['maxSteps'] !== undefined && !(isCount(s['maxSteps']) && (s['maxSteps'] as number) > 0)) return 'field scenario.maxSteps must be a whole number above 0';
  const schedule = s['schedule'];
  if (!isObject(schedule)) return 'field scenario.schedule is missing: a failure replays from its schedule';
  const kind = schedule['kind'];
  if (kind === 'choices') {
    const choices = schedule['choices'];
    if (!Array.isArray(choices) || !choices.every(isCount)) return 'field scenario.schedule.choices must be a list of whole numbers >= 0';
    return null;
  }
  if (!anySchedule) return `field scenario.schedule must be a choices list (kind "choices"), got kind ${JSON.stringify(kind)}: a failure file replays its concrete choices`;
  if (kind === 'random' || kind === 'pct') {
    for (const key of ['seed', 'depth', 'estimatedSteps']) {
      if (schedule[key] !== undefined && !isCount(schedule[key])) return `field scenario.schedule.${key} must be a whole number >= 0`;
    }
    return null;
  }
  if (kind === 'exhaustive') {
    for (const key of ['preemptionBound', 'maxSchedules']) {
      if (schedule[key] !== undefined && !isCount(schedule[key])) return `field scenario.schedule.${key} must be a whole number >= 0`;
    }
    return null;
  }
  return `field scenario.schedule.kind must be choices, random, pct or exhaustive, got ${JSON.stringify(kind)}`;
}
