/**
 * Failure files (DESIGN.md, "Failure files and replay"): everything needed
 * to reproduce and understand one failure — the engine build, the target,
 * variant and memory model, the shrunk scenario with the concrete choices
 * that replay it, the fast-check seed and path that found it, the check it
 * broke, and the rendered report. Written atomically (a temporary file in
 * the same folder, fsync, rename), so a campaign killed at any moment leaves
 * only complete files; named after a hash of (target, variant, check,
 * shrunk scenario), so one failure found twice is kept once.
 *
 * @example
 * const path = writeFailure(dir, failure); // undefined: already there
 * const again = readFailure(path);         // throws FailureFileError if malformed
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import type { Check } from '../properties/_internals/simulation.js';
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
}

export class FailureFileError extends Error {}

/** The file name: target, variant, check and a hash of the shrunk scenario. */
export function failureName(f: Pick<FailureFile, 'target' | 'variant' | 'check' | 'scenario'>): string {
  const { threads, setup, schedule, memoryModel } = f.scenario;
  const model = memoryModel === undefined || memoryModel === 'sc' ? [] : [memoryModel]; // sc names as before tso existed
  const hash = createHash('sha256')
    .update(JSON.stringify([f.target, f.variant, f.check, threads, setup ?? {}, schedule ?? null, ...model]))
    .digest('hex')
    .slice(0, 10);
  return `${f.target}.${f.variant}.${f.check}.${hash}.json`;
}

/** Writes `f` into `dir` atomically; returns its path, or undefined when the same failure is there already. */
export function writeFailure(dir: string, f: FailureFile): string | undefined {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, failureName(f));
  if (existsSync(path)) return undefined;
  writeAtomically(path, JSON.stringify(f, null, 2) + '\n');
  return path;
}

/** Writes `text` to `path` so that no reader ever sees a part of it. */
export function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (e) {
    unlinkSync(temp);
    throw e;
  }
}

/** Reads and checks a failure file; throws FailureFileError saying what is wrong. */
export function readFailure(path: string): FailureFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FailureFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let f: Record<string, unknown>;
  try {
    f = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new FailureFileError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new FailureFileError(`${path}: ${what}`);
  };
  if (typeof f !== 'object' || f === null || Array.isArray(f)) fail('must hold a JSON object');
  if (f['kind'] !== 'lockstep-failure') fail(`is not a lockstep failure file (kind is ${JSON.stringify(f['kind'])}, expected "lockstep-failure")`);
  if (f['format'] !== FAILURE_FORMAT) {
    fail(`has format ${JSON.stringify(f['format'])}; this lockstep reads format ${FAILURE_FORMAT}`);
  }
  for (const key of ['build', 'target', 'variant', 'memoryModel', 'message', 'report'] as const) {
    if (typeof f[key] !== 'string') fail(`field ${key} must be a string`);
  }
  if (!CHECKS.includes(f['check'] as string)) fail(`field check must be one of ${CHECKS.join(', ')}, got ${JSON.stringify(f['check'])}`);
  const scenario = f['scenario'] as Record<string, unknown> | undefined;
  if (typeof scenario !== 'object' || scenario === null || !Array.isArray(scenario['threads'])) fail('field scenario must be a scenario with threads');
  if (scenario!['target'] !== f['target'] || (scenario!['variant'] ?? 'correct') !== f['variant']) fail('the scenario names another target or variant than the file');
  if ((scenario!['memoryModel'] ?? 'sc') !== f['memoryModel']) fail(`the scenario's memory model (${String(scenario!['memoryModel'] ?? 'sc')}) is not the file's (${String(f['memoryModel'])})`);
  if (typeof f['found'] !== 'object' || f['found'] === null) fail('field found must be an object');
  if (typeof f['shrunk'] !== 'object' || f['shrunk'] === null) fail('field shrunk must be an object');
  return f as unknown as FailureFile;
}
