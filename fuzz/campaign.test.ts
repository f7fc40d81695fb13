/**
 * Campaign budgets and folders (issue 18, defects 2, 3 and 10), through the
 * CLI as a user runs it: a run budget gives every selected pair its share,
 * a short time budget still runs every pair, a folder that cannot be
 * written is refused before anything starts, and two campaigns on one
 * folder share no file but the failures.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli, startCli, tempDir } from '../cli/spawn_cli.js';
import { SPECS } from '../properties/_internals/specs.js';
import { readFailure } from './failure_file.js';

interface Summary {
  campaign: string;
  runs: number;
  pairs: { target: string; variant: string; runs: number }[];
  warnings: string[];
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout) as Summary;
/** The pairs of a default campaign: every target with a model, its correct variant. */
const pairs = Object.keys(SPECS).length;

describe('campaign budgets', () => {
  it('--runs N over k pairs gives every pair at least floor(N/k) runs, whatever the jobs', () => {
    for (const [runs, jobs] of [
      [300, 2],
      [70, 1],
    ] as const) {
      const r = runCli(['fuzz', '--runs', String(runs), '--jobs', String(jobs), '--seed', '1', '--out', tempDir(), '--json']);
      expect(r.status, r.stderr).toBe(0);
      const s = json(r);
      expect(s.pairs).toHaveLength(pairs);
      for (const p of s.pairs) expect(p.runs, `${p.target}: ${runs} runs, ${jobs} job(s)`).toBeGreaterThanOrEqual(Math.floor(runs / pairs));
      expect(s.runs).toBe(runs);
      expect(s.warnings).toEqual([]);
    }
  });

  it('--target all --variant all: every one of the pairs runs', () => {
    const r = runCli(['fuzz', '--target', 'all', '--variant', 'all', '--keep-going', '--runs', '64', '--jobs', '2', '--seed', '3', '--out', tempDir(), '--json']);
    const s = json(r);
    expect(s.pairs.length).toBeGreaterThan(30);
    expect(s.pairs.filter((p) => p.runs === 0)).toEqual([]);
  });

  it('a time budget shorter than a worker start still runs every pair (the clock starts when the first worker is ready)', () => {
    const r = runCli(['fuzz', '--time', '100ms', '--jobs', '2', '--seed', '1', '--out', tempDir(), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r).pairs.filter((p) => p.runs === 0)).toEqual([]);
  });
});

describe('campaign folders', () => {
  it('a damaged file under the name of a new failure is replaced, not trusted (defect 11)', () => {
    const dir = tempDir();
    const args = ['fuzz', '--target', 'mpsc-queue', '--variant', 'stale-next-on-reuse', '--runs', '300', '--jobs', '1', '--seed', '1', '--out', dir];
    expect(runCli(args).status).toBe(1);
    const [name] = readdirSync(dir).filter((f) => f.startsWith('mpsc-queue.'));
    writeFileSync(join(dir, name!), readFileSync(join(dir, name!), 'utf8').slice(0, 100)); // truncated, as by an editor or a crash
    const again = runCli(args);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`failure saved: .*${name!.replace(/\./g, '\\.')} \\(it replaces a damaged file of that name\\)`));
    expect(() => readFailure(join(dir, name!))).not.toThrow();
  });

  it('an --out that cannot be written is refused before anything runs (exit 2, one line)', () => {
    for (const out of ['/proc/nope', '/proc/self/nope/deeper']) {
      const r = runCli(['fuzz', '--runs', '10', '--out', out], {}, 20_000);
      expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
      expect(r.stderr).toMatch(/--out cannot make the folder/);
    }
  });

  it('two campaigns on one folder keep their own summaries and records', async () => {
    const dir = tempDir();
    const args = ['fuzz', '--target', 'mpmc-queue', '--time', '2s', '--jobs', '1', '--out', dir, '--json'];
    const outputs = await Promise.all(
      [1, 2].map(
        (seed) =>
          new Promise<Summary>((resolve) => {
            const child = startCli([...args, '--seed', String(seed)]);
            let out = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.on('close', () => resolve(JSON.parse(out) as Summary));
          }),
      ),
    );
    expect(outputs[0]!.campaign).not.toBe(outputs[1]!.campaign);
    const summaries = readdirSync(dir).filter((f) => f.startsWith('summary-'));
    expect(summaries.sort()).toEqual(outputs.map((s) => `summary-${s.campaign}.json`).sort());
    for (const s of outputs) expect(JSON.parse(readFileSync(join(dir, `summary-${s.campaign}.json`), 'utf8'))).toMatchObject({ campaign: s.campaign, runs: s.runs });
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // records removed
  });
});
