/**
 * For tests (run from source by vitest): the built CLI run as a user runs
 * it, in a child process.
 * `LOCKSTEP_CLI` names another build of it (an older lockstep, to show a
 * test failing before its fix).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = process.env['LOCKSTEP_CLI'] ?? fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

/** Runs `lockstep ...args` to its end (at most `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs });
}

/** Starts `lockstep ...args` in the background. */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
}

/** A fresh temporary folder. */
export const tempDir = (prefix = 'lockstep-cli-') => mkdtempSync(join(tmpdir(), prefix));
