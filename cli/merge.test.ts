/**
 * `lockstep merge` refuses what would make a wrong total (issue 18, defect
 * 12), and says by its exit code whether the merged shards hold failures.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli, tempDir } from './spawn_cli.js';

/** A campaign's output: `target` fuzzed for `runs` runs as shard i/n of seed `seed`. */
function shard(seed: number, i: number, n: number, target = 'mpmc-queue', variant = 'correct'): string {
  const dir = tempDir('lockstep-shard-');
  const r = runCli(['fuzz', '--target', target, '--variant', variant, '--runs', '30', '--jobs', '1', '--seed', String(seed), '--shard', `${i}/${n}`, '--out', dir, '--json']);
  expect([0, 1]).toContain(r.status);
  return dir;
}

describe('merge', () => {
  const a = shard(9, 1, 2);
  const b = shard(9, 2, 2);

  it.each<[string, () => string[], RegExp]>([
    ['an empty folder', () => { const e = tempDir(); return [e]; }, /holds no campaign summary/],
    ['a folder twice', () => [a, a], /is given twice/],
    ['another seed', () => [a, shard(10, 2, 2)], /is from another campaign \(seed 10, 2 shard\(s\)\)/],
    ['another shard count', () => [a, shard(9, 2, 3)], /is from another campaign \(seed 9, 3 shard\(s\)\)/],
    ['one shard twice', () => [a, shard(9, 1, 2)], /shard 1\/2 is there twice/],
    ['an output that is an input', () => [a, b, '--out', a], /--out .* is one of the folders to merge/],
  ])('refuses %s: exit 2', (_, args, message) => {
    const given = args();
    const r = runCli(['merge', ...given, ...(given.includes('--out') ? [] : ['--out', join(tempDir(), 'm')])]);
    expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(message);
  });

  it('exits 0 when the shards hold no failure, 1 when they do; a missing shard is listed', () => {
    expect(runCli(['merge', a, b, '--out', join(tempDir(), 'm')]).status).toBe(0);
    const bad = shard(5, 1, 2, 'mpsc-queue', 'stale-next-on-reuse');
    const out = join(tempDir(), 'm');
    mkdirSync(out);
    const r = runCli(['merge', bad, '--out', out]);
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/1 failure file\(s\) \(1 new\)/)]);
    expect(JSON.parse(readFileSync(join(out, 'summary-merged.json'), 'utf8'))).toMatchObject({ shards: [{ index: 1, count: 2 }], missingShards: [2] });
  });
});
