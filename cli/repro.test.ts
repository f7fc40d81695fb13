/**
 * `lockstep repro` never misreports (issue 18, defects 6 and 7): a damaged
 * failure file is exit 2 naming the field, never "the bug is fixed"; a
 * crash or hang file's HTML page is written; replaying under another
 * memory model says what that means instead of "does not reproduce".
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { hashText } from '../fuzz/seeds.js';
import { runCli, tempDir } from './spawn_cli.js';

const corpus = (name: string) => fileURLToPath(new URL(`../fuzz/corpus/${name}`, import.meta.url));
const lapDropped = JSON.parse(readFileSync(corpus('mpmc-queue.lap-dropped.assertion.86e47f809b.json'), 'utf8')) as Record<string, unknown> & { scenario: Record<string, unknown> };

describe('repro refuses a damaged file before anything runs', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no thread', { threads: [] }, /field scenario.threads must be a list of at least one thread/],
    ['a thread with no operation', { threads: [[]] }, /field scenario.threads\[0\] must be a list of at least one operation/],
    ['a random schedule', { schedule: { kind: 'random', seed: 1 } }, /field scenario.schedule must be a choices list \(kind "choices"\), got kind "random"/],
    ['no schedule', { schedule: undefined }, /field scenario.schedule is missing/],
    ['an exhaustive schedule', { schedule: { kind: 'exhaustive' } }, /field scenario.schedule must be a choices list/],
  ])('%s: exit 2, naming the field', (_, change, message) => {
    const file = join(tempDir(), 'damaged.json');
    writeFileSync(file, JSON.stringify({ ...lapDropped, scenario: { ...lapDropped.scenario, ...change } }));
    const r = runCli(['repro', file]);
    expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/does not reproduce/);
  });
});

describe('repro of a crash or hang', () => {
  // A crash file as a campaign writes it; a failpoint that crashes exactly this case (fuzz/failpoints.ts).
  const scenario = lapDropped.scenario;
  const crash = { ...lapDropped, check: 'crash', message: 'the worker died (signal SIGSEGV) while running this case', report: '' };
  const failpoint = `case:SIGSEGV:1000003:${hashText(JSON.stringify(scenario)) % 1000003}`;

  it('writes the HTML page it says it wrote, and replays the exact case', () => {
    const dir = tempDir();
    const file = join(dir, 'crash.json');
    writeFileSync(file, JSON.stringify(crash));
    const html = join(dir, 'crash.html');
    const r = runCli(['repro', file, '--html', html], { LOCKSTEP_FAILPOINTS: failpoint });
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/reproduces: the replay died \(signal SIGSEGV\)[\s\S]*written: /)]);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toMatch(/<h1>mpmc-queue \(lap-dropped\): crash<\/h1>[\s\S]*reproduces: the replay died/);
    const gone = runCli(['repro', file]);
    expect([gone.status, gone.stdout]).toEqual([0, expect.stringMatching(/does not reproduce: the case now runs to its end/)]);
  });

  it('a hang replays until --timeout, then says it hung', () => {
    const file = join(tempDir(), 'hang.json');
    writeFileSync(file, JSON.stringify({ ...crash, check: 'hang' }));
    const r = runCli(['repro', file, '--timeout', '1s'], { LOCKSTEP_FAILPOINTS: failpoint.replace('SIGSEGV', 'hang') });
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/reproduces: the replay hung \(it ran past 1 s and was killed\)/)]);
  });
});

describe('repro under another memory model', () => {
  it('says the run passes there, and that this does not say the bug is gone', () => {
    const r = runCli(['repro', corpus('mpsc-queue.relaxed-link-store.linearizability.445c2f8d2b.json'), '--memory-model', 'sc']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/note: found under c11; replaying under sc/);
    expect(r.stdout).toMatch(/passes under sc \(it failed linearizability under c11\): .* this does not say the bug is gone/);
    expect(r.stdout).not.toMatch(/does not reproduce/);
  });
});
