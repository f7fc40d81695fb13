/**
 * A user's mistake is exit 2 and one line, never a stack trace (issue 18,
 * defects 8 and 16): bad output paths for every command that writes, bad
 * merge inputs, a missing addon build, negative or out-of-range numbers,
 * and the small things: `help <command>`, `--version`, lists of variants,
 * a target named twice.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli, tempDir } from './spawn_cli.js';

/** Exit 2, one line on stderr, no stack trace. */
function expectOneLine(r: ReturnType<typeof runCli>, message: RegExp): void {
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
}

describe('user mistakes: exit 2, one line', () => {
  const dir = tempDir();
  const file = join(dir, 'existing-file.json');
  writeFileSync(file, '{}\n');
  const failure = join(dir, 'failure.json');
  writeFileSync(
    failure,
    JSON.stringify({
      format: 1,
      kind: 'lockstep-failure',
      build: 'x',
      target: 'mpmc-queue',
      variant: 'lap-dropped',
      memoryModel: 'sc',
      check: 'assertion',
      message: 'm',
      report: 'r',
      scenario: { target: 'mpmc-queue', variant: 'lap-dropped', setup: { capacity: 1 }, threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]], schedule: { kind: 'choices', choices: [] } },
      found: { strategy: 'choices', runs: 0, seconds: 0, at: '2026-12-01T00:00:00Z' },
      shrunk: { threads: 2, ops: 2, preemptions: 0, steps: 0 },
    }),
  );
  const corrupt = join(dir, 'corrupt');
  mkdirSync(corrupt);
  writeFileSync(join(corrupt, 'summary-x.json'), '{"format": 1, "runs"');

  it.each<[string[], RegExp]>([
    [['repro', failure, '--html', '/nonexistent/dir/x.html'], /--html the folder \/nonexistent\/dir does not exist/],
    [['repro', failure, '--html', dir], /--html .* is a folder, not a file/],
    [['repro', failure, '--html', ''], /--html is empty: name a file/],
    [['repro', failure, '--html', '/proc/x.html'], /--html cannot write into \/proc: /],
    [['fuzz', '--out', file, '--runs', '10'], /--out .*existing-file.json exists and is not a folder/],
    [['fuzz', '--out', '', '--runs', '10'], /--out is empty: name a folder/],
    [['fuzz', '--out', '/proc/nope', '--runs', '10'], /--out cannot make the folder \/proc\/nope/],
    [['stress', '--target', 'mpmc-queue', '--out', file], /--out .*existing-file.json exists and is not a folder/],
    [['stress', '--target', 'mpmc-queue', '--out', ''], /--out is empty: name a folder/],
    [['mutants', '--out', file], /--out .*existing-file.json exists and is not a folder/],
    [['merge', dir, '--out', file], /--out .*existing-file.json exists and is not a folder/],
    [['merge', dir, '--out', ''], /--out is empty: name a folder/],
    [['merge', file], /existing-file.json is not a folder \(merge joins campaign folders, not files\)/],
    [['merge', corrupt], /summary-x.json is not a readable campaign summary/],
    [['fuzz', '--runs', '-5'], /--runs must be a whole number from 1 to .*, got '-5'/],
    [['fuzz', '--jobs', '-1'], /--jobs must be a whole number from 1 to 256, got '-1'/],
    [['fuzz', '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483647/],
    [['stress', '--target', 'mpmc-queue', '--seed', '2147483648'], /--seed must be a whole number from 0 to 2147483646/],
    [['fuzz', '--time', '99999999999999999999s'], /--time must be at most 365d/],
    [['fuzz', '--runs', '3'], /--runs 3 is fewer than the 9 target\/variant pairs selected/],
    [['fuzz', '--target', 'mpmc-queue', '--variant', 'correct,nope'], /--variant must be all, mutants or one of correct, lap-dropped, [a-z0-9, -]+ \(mpmc-queue\), got 'nope'/],
    [['help', 'frobnicate'], /help takes one command/],
  ])('%j', (args, message) => {
    expectOneLine(runCli(args), message);
  });

  it('a missing addon build: the message says how to build it, not "internal error"', () => {
    expectOneLine(runCli(['list'], { LOCKSTEP_ADDON: '/nonexistent/lockstep.node' }), /the native addon is not built: \/nonexistent\/lockstep.node does not exist\. Build it with `npm run build:native`/);
  });
});

describe('the small things', () => {
  it('lockstep help fuzz prints the help of fuzz', () => {
    const r = runCli(['help', 'fuzz']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^lockstep fuzz \[flags\]/);
    expect(r.stdout).toMatch(/--keep-going/);
  });

  it('--version names the version and the engine build', () => {
    const r = runCli(['--version']);
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/^lockstep \d+\.\d+\.\d+ \(engine build [0-9a-f]{16}\)\n$/)]);
  });

  it('--variant takes a list; a target named twice is one pair', () => {
    const r = runCli(['fuzz', '--target', 'mpmc-queue,mpmc-queue', '--variant', 'correct,lap-dropped', '--runs', '2', '--jobs', '1', '--seed', '1', '--out', tempDir(), '--json']);
    const summary = JSON.parse(r.stdout) as { pairs: { target: string; variant: string; runs: number }[] };
    expect(summary.pairs.map((p) => `${p.target}/${p.variant}`)).toEqual(['mpmc-queue/correct', 'mpmc-queue/lap-dropped']);
    expect(summary.pairs.map((p) => p.runs)).toEqual([1, 1]);
  });

  it('every help text lists its exit codes', () => {
    for (const command of ['fuzz', 'repro', 'list', 'mutants', 'stress', 'bench', 'check', 'merge', 'topology']) {
      const r = runCli([command, '--help']);
      expect(r.stdout, command).toMatch(/Exit codes:\n {2}0 {3}/);
    }
  });
});
