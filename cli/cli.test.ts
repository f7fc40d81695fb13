/**
 * The lockstep CLI, run as a user runs it (the built dist/cli/bin.js):
 * usage errors exit 2 with a message; a campaign against a seeded bug saves
 * a failure file that repro replays (exit 1), that no longer fails once the
 * bug is gone (exit 0), and that repro rejects when malformed (exit 2); a
 * campaign killed with SIGKILL leaves every failure it reported complete; a
 * worker that crashes is recorded with its case and the campaign finishes;
 * shards are deterministic and merge.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readFailure } from '../fuzz/failure_file.js';

const cli = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
const temp = () => mkdtempSync(join(tmpdir(), 'lockstep-cli-'));
const failureFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('summary') && !f.startsWith('.'));
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => /^summary-.*\.json$/.test(f))!), 'utf8')) as Record<string, unknown>;

describe('lockstep CLI', () => {
  it('is built: npm test builds dist first', () => {
    expect(existsSync(cli), `${cli} missing: run npm run build:ts`).toBe(true);
  });

  it.each<[string[], RegExp]>([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['fuzz', '--bogus'], /Unknown option '--bogus'[\s\S]*lockstep fuzz --help/],
    [['fuzz', '--time', 'soon'], /--time must be a duration like 60s/],
    [['fuzz', '--time', '1s', '--runs', '5'], /--time and --runs are two budgets/],
    [['fuzz', '--shard', '3/2'], /--shard must be i\/n/],
    [['fuzz', '--target', 'heap'], /--target must be all or one of arc, arena, block-pool, chase-lev-deque, mpmc-queue, mpsc-queue, scheduler, spsc-ring, tagged-stack, got 'heap'/],
    [['fuzz', '--target', 'mpmc-queue', '--variant', 'nope'], /--variant must be all, mutants or one of correct, lap-dropped/],
    [['fuzz', '--memory-model', 'arm'], /--memory-model must be sc, tso or c11, got 'arm'/],
    [['repro', 'x.json', '--memory-model', 'pso'], /--memory-model must be sc, tso or c11, got 'pso'/],
    [['mutants', '--memory-model', 'power'], /--memory-model must be sc, tso or c11, got 'power'/],
    [['repro'], /repro takes one failure file, got 0/],
    [['topology', '--root', '/nonexistent'], /topology: \/nonexistent: no NUMA nodes/],
    [['mutants', '--repeat', '0'], /--repeat must be a whole number from 1 to 100/],
    [['stress'], /--target is required: one of chase-lev-deque, mpmc-queue, mpsc-queue, spsc-ring, tagged-stack/],
    [['stress', '--target', 'arc'], /--target must be one of chase-lev-deque, mpmc-queue, mpsc-queue, spsc-ring, tagged-stack, got 'arc'/],
    [['stress', '--target', 'chase-lev-deque', '--threads', '0'], /--threads must be a whole number from 1 to 64/],
    [['stress', '--target', 'spsc-ring', '--threads', '3'], /spsc-ring takes at most 2 threads in stress mode \(one per role\), got 3/],
    [['stress', '--target', 'mpmc-queue', '--variant', 'untagged-head'], /--variant must be one of correct, lap-dropped, relaxed-turn-store, turn-2-bits \(mpmc-queue\)/],
    [['stress', '--target', 'chase-lev-deque', '--variant', 'steal-without-fence'], /may read freed memory on real threads/],
    [['check'], /check takes one history file, got 0/],
    [['check', 'x.json'], /--model must be one of queue, stack, deque, multiset, got nothing/],
    [['check', '/nonexistent.json', '--model', 'queue'], /\/nonexistent.json: ENOENT/],
    [['bench', '--filter', 'nope'], /--filter 'nope' matches no benchmark \(alloc, sched, queue, padding, deque, latency, pingpong, stack, spsc, arc\)/],
    [['bench', '--trials', '0'], /--trials must be a whole number from 1 to 1000/],
  ])('exits 2 on %j', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints help for every command', () => {
    for (const command of ['', 'fuzz', 'repro', 'list', 'mutants', 'merge', 'topology', 'stress', 'bench', 'check']) {
      const r = run(command ? [command, '--help'] : ['--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/lockstep/);
    }
  });

  it('stress: the correct deque passes (exit 0); a seeded bug is caught (exit 1) with the rows that show it', () => {
    const ok = run(['stress', '--target', 'chase-lev-deque', '--ops', '20000', '--runs', '2']);
    expect(ok.stdout).toMatch(/run 2\/2 \(seed 2\): [\d,]+ ops in \d+ ms \([\d.]+ M ops\/s, (pinned|NOT pinned)\), checked in \d+ ms: ok/);
    expect(ok.stdout).toMatch(/caught in 0 of 2 runs \(0 not linearizable, 0 no progress\)/);
    expect(ok.status).toBe(0);
    // push-publishes-bottom-first hands out an unwritten slot: caught in every 50,000-op run measured.
    const dir = temp();
    const bad = run(['stress', '--target', 'chase-lev-deque', '--variant', 'push-publishes-bottom-first', '--ops', '50000', '--runs', '5', '--out', dir, '--json']);
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as { caught: number; runs: { verdict: { kind: string; message?: string }; saved?: string }[] };
    expect(report.caught).toBeGreaterThan(0);
    const caught = report.runs.find((r) => r.verdict.kind === 'illegal')!;
    expect(caught.verdict.message).toMatch(/^not linearizable: .* — row \d+: thread \d+ /);
    // The evidence: a small history file that lockstep check rejects too.
    const checked = run(['check', caught.saved!, '--model', 'deque']);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/\d+ operations, deque monitor: not linearizable/);
    // A deque's history is not a queue's: a clear error, exit 2.
    const wrong = run(['check', caught.saved!, '--model', 'queue']);
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringMatching(/checkQueueHistory: row \d+ has op steal; this monitor takes push, pop/)]);
  });

  it('stress: a structure that stops making progress ends with a verdict naming the thread and the op, exit 1', () => {
    const dir = temp();
    const r = run(['stress', '--target', 'mpmc-queue', '--variant', 'turn-2-bits', '--ops', '20000', '--progress-timeout', '1s', '--out', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/run 1\/1 \(seed 1\): stopped after \d+ ms, [\d,]+ ops: no progress for 1000 ms: thread \d stuck in push\(\d+\) after \d+ ops/);
    expect(r.stdout).toMatch(/history so far saved: /);
  });

  it('check: a legal history exits 0; the generic checker agrees on a small one', () => {
    const dir = temp();
    const file = join(dir, 'fifo.json');
    const op = (thread: number, o: string, call: number, ret: number, v: number) =>
      o === 'push' ? { thread, op: 'push', arg: v, call, return: ret, result: true } : { thread, op: 'pop', call, return: ret, result: v };
    writeFileSync(file, JSON.stringify({ format: 1, operations: [op(0, 'push', 0, 2, 1), op(1, 'push', 1, 3, 2), op(0, 'pop', 4, 5, 1), op(1, 'pop', 6, 7, 2)] }));
    const ok = run(['check', file, '--model', 'queue']);
    expect(ok.stdout).toMatch(/4 operations, queue monitor: linearizable\ngeneric checker: linearizable/);
    expect(ok.status).toBe(0);
    // Popped in the other order than pushed one after the other: not a queue.
    writeFileSync(file, JSON.stringify({ format: 1, operations: [op(0, 'push', 0, 2, 1), op(1, 'push', 3, 4, 2), op(0, 'pop', 5, 6, 2), op(1, 'pop', 7, 8, 1)] }));
    const bad = run(['check', file, '--model', 'queue', '--json']);
    expect(bad.status).toBe(1);
    const verdicts = JSON.parse(bad.stdout) as { monitor: { kind: string }; generic: { kind: string } };
    expect([verdicts.monitor.kind, verdicts.generic.kind]).toEqual(['illegal', 'illegal']);
  });

  it('topology: this machine, a synthetic tree, JSON', () => {
    const here = run(['topology']);
    expect(here.status).toBe(0);
    expect(here.stdout).toMatch(/NUMA topology from .*: \d+ node\(s\), \d+ CPU\(s\)/);
    expect(here.stdout).toMatch(/this process may run on CPUs [0-9]/);
    expect(here.stdout).toMatch(/memory binding: (works \(mbind to node \d+: a touched page reports node \d+\)|not available)/);
    const root = temp();
    for (const [node, cpus, distance] of [['node0', '0-3', '10 20'], ['node1', '4-7', '20 10']]) {
      mkdirSync(join(root, 'devices/system/node', node!), { recursive: true });
      writeFileSync(join(root, 'devices/system/node', node!, 'cpulist'), `${cpus}\n`);
      writeFileSync(join(root, 'devices/system/node', node!, 'distance'), `${distance}\n`);
    }
    const synthetic = run(['topology', '--root', root]);
    expect(synthetic.status).toBe(0);
    expect(synthetic.stdout).toMatch(/2 node\(s\), 8 CPU\(s\)/);
    expect(synthetic.stdout).toMatch(/\| 1 +\| 4-7 +\| 20 10 +\|/);
    const json = JSON.parse(run(['topology', '--root', root, '--json']).stdout) as { topology: { nodes: { cpus: number[] }[] } };
    expect(json.topology.nodes.map((n) => n.cpus)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('lists targets, roles, ops and variants', () => {
    const r = run(['list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/chase-lev-deque: .*\n\s+roles:\s+owner \(at most 1\), thief/);
    expect(r.stdout).toMatch(/steal-without-buffer-recheck: /);
  });

  it('fuzz finds a seeded bug, saves it; repro reproduces it, and stops reproducing once the bug is gone', () => {
    const dir = temp();
    const fuzz = run(['fuzz', '--target', 'mpsc-queue', '--variant', 'stale-next-on-reuse', '--time', '20s', '--jobs', '1', '--seed', '1', '--out', dir]);
    expect(fuzz.status).toBe(1);
    expect(fuzz.stdout).toMatch(/1 failure\(s\)/);
    const [name] = failureFiles(dir);
    const file = join(dir, name!);
    const f = readFailure(file);
    expect(f).toMatchObject({ target: 'mpsc-queue', variant: 'stale-next-on-reuse', memoryModel: 'sc' });
    expect(f.scenario.schedule).toMatchObject({ kind: 'choices' });
    // Found again by a later campaign: still a failure (exit 1), not a second file.
    const second = run(['fuzz', '--target', 'mpsc-queue', '--variant', 'stale-next-on-reuse', '--time', '20s', '--jobs', '1', '--seed', '1', '--out', dir]);
    expect(second.status).toBe(1);
    expect(failureFiles(dir)).toEqual([name]);

    const html = join(dir, 'failure.html');
    const again = run(['repro', file, '--html', html]);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/reproduces: /);
    expect(again.stdout).toMatch(/\| thread 0/);
    expect(readFileSync(html, 'utf8')).toMatch(/<h1>mpsc-queue \(stale-next-on-reuse\)/);

    const fixed = join(dir, 'fixed.json');
    writeFileSync(fixed, JSON.stringify({ ...f, variant: 'correct', scenario: { ...f.scenario, variant: 'correct' } }));
    const gone = run(['repro', fixed]);
    expect(gone.status).toBe(0);
    expect(gone.stdout).toMatch(/does not reproduce/);
  });

  it('repro exits 2, saying why, on a malformed or incompatible file', () => {
    const dir = temp();
    const cases: [unknown, RegExp][] = [
      ['not json {', /is not JSON/],
      [{ kind: 'other' }, /is not a lockstep failure file/],
      [{ kind: 'lockstep-failure', format: 9 }, /has format 9; this lockstep reads format 1/],
      [{ kind: 'lockstep-failure', format: 1, build: 'x', target: 'heap', variant: 'correct', memoryModel: 'sc', message: '', report: '', check: 'assertion', scenario: { target: 'heap', threads: [[{ op: 'push', arg: 1 }]], schedule: { kind: 'choices', choices: [] } }, found: { strategy: 'choices' }, shrunk: {} }, /target 'heap' is not in this build/],
    ];
    for (const [content, message] of cases) {
      const file = join(dir, 'bad.json');
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      const r = run(['repro', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(run(['repro', join(dir, 'missing.json')]).stderr).toMatch(/cannot read/);
  });

  it('a campaign killed with SIGKILL leaves every failure it reported complete and valid', async () => {
    const dir = temp();
    const child = spawn(process.execPath, [cli, 'fuzz', '--target', 'chase-lev-deque', '--variant', 'mutants', '--keep-going', '--time', '60s', '--jobs', '2', '--seed', '4', '--out', dir]);
    const reported: string[] = [];
    await new Promise<void>((resolve) => {
      let buffer = '';
      child.stderr.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (const m of buffer.matchAll(/failure saved: (\S+)/g)) if (!reported.includes(m[1]!)) reported.push(m[1]!);
        if (reported.length >= 3) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    expect(reported.length).toBeGreaterThanOrEqual(3);
    for (const path of reported) {
      expect(() => readFailure(path)).not.toThrow();
      expect(run(['repro', path]).status).toBe(1);
    }
  });

  it('a worker that crashes is recorded with its case, replaced, and the campaign finishes', () => {
    const dir = temp();
    // One case in 1,000 kills its worker: the crash fails the pair it was fuzzing; the replacement goes on with the others.
    const faults = { LOCKSTEP_FAILPOINTS: 'case:SIGABRT:1000:7' };
    const r = run(['fuzz', '--target', 'mpmc-queue,tagged-stack', '--runs', '1500', '--jobs', '1', '--seed', '2', '--out', dir, '--json'], faults);
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as { runs: number; crashes: number; failures: { check: string; path: string }[]; pairs: { runs: number; failures: number }[] };
    expect(summary.crashes).toBe(1);
    expect(summary.failures.map((f) => f.check)).toEqual(['crash']);
    expect(summary.pairs.find((p) => p.failures === 0)!.runs).toBe(750); // the replacement worker went on
    const crash = readFailure(summary.failures[0]!.path);
    expect(crash.message).toMatch(/the worker died \(signal SIGABRT\) while running this case/);
    // The exact case: replayed in a child process under the same failpoint, it dies the same way; without it, it runs to its end.
    const again = run(['repro', summary.failures[0]!.path], faults);
    expect([again.status, again.stdout]).toEqual([1, expect.stringMatching(/reproduces: the replay died \(signal SIGABRT\)/)]);
    expect(run(['repro', summary.failures[0]!.path]).stdout).toMatch(/does not reproduce: the case now runs to its end/);
  });

  it('shards are deterministic, differ from each other, and merge', () => {
    const shard = (i: number) => {
      const dir = temp();
      const r = run(['fuzz', '--target', 'mpmc-queue', '--runs', '400', '--jobs', '1', '--seed', '9', '--shard', `${i}/2`, '--out', dir, '--json']);
      expect(r.status).toBe(0);
      return { dir, summary: JSON.parse(r.stdout) as { interleavings: number; runs: number } };
    };
    const a = shard(1);
    const again = shard(1);
    const b = shard(2);
    expect(again.summary.interleavings).toBe(a.summary.interleavings);
    expect(b.summary.interleavings).not.toBe(a.summary.interleavings);
    const merged = temp();
    const m = run(['merge', a.dir, b.dir, '--out', merged]);
    expect(m.status).toBe(0);
    expect(JSON.parse(readFileSync(join(merged, 'summary-merged.json'), 'utf8'))).toMatchObject({ runs: a.summary.runs + b.summary.runs, shards: [{ index: 1, count: 2 }, { index: 2, count: 2 }], missingShards: [] });
  });

  it('mutants: every mutant a simulated model can expose is caught; the others are listed with the reason', () => {
    const r = run(['mutants', '--target', 'mpsc-queue', '--time', '20s', '--seed', '1', '--out', temp(), '--json']);
    expect(r.status).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: { variant: string; memoryModel: string; caught?: number; reason?: string; shrunk?: object }[] };
    expect(rows.find((x) => x.variant === 'stale-next-on-reuse')).toMatchObject({ memoryModel: 'sc', caught: 1, shrunk: expect.any(Object) });
    expect(rows.find((x) => x.variant === 'relaxed-link-store')).toMatchObject({ memoryModel: 'c11', caught: 1, shrunk: expect.any(Object) });
  });

  it('under tso: fuzz catches a missing fence that sc cannot, and the failure file replays under tso', () => {
    const dir = temp();
    const sc = run(['mutants', '--target', 'chase-lev-deque', '--memory-model', 'sc', '--time', '1s', '--seed', '1', '--out', dir, '--json']);
    const { rows } = JSON.parse(sc.stdout) as { rows: { variant: string; reason?: string }[] };
    expect(rows.find((x) => x.variant === 'pop-without-fence')?.reason).toMatch(/not observable under sc: needs tso, because store-load reordering/);

    const fuzz = run(['fuzz', '--memory-model', 'tso', '--target', 'chase-lev-deque', '--variant', 'pop-without-fence', '--time', '20s', '--jobs', '1', '--seed', '1', '--out', dir]);
    expect(fuzz.status).toBe(1);
    expect(fuzz.stderr).toMatch(/memory model tso/);
    const file = join(dir, failureFiles(dir).find((n) => n.includes('pop-without-fence'))!);
    const f = readFailure(file);
    expect(f).toMatchObject({ memoryModel: 'tso', scenario: { memoryModel: 'tso' } });
    expect(summaryOf(dir)).toMatchObject({ memoryModel: 'tso' });
    const again = run(['repro', file]);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/under tso: /);
    expect(again.stdout).toMatch(/\(buffered\)/);
    expect(again.stdout).toMatch(/flush /);
    const other = run(['repro', file, '--memory-model', 'sc']);
    expect([0, 1]).toContain(other.status);
    expect(other.stdout).toMatch(/note: found under tso; replaying under sc/);
  });

  it('under c11: fuzz catches a relaxed store that tso cannot show, and the failure file replays under c11 with the stale read marked', () => {
    const dir = temp();
    const tso = run(['mutants', '--target', 'mpsc-queue', '--memory-model', 'tso', '--time', '1s', '--seed', '1', '--out', dir, '--json']);
    const { rows } = JSON.parse(tso.stdout) as { rows: { variant: string; reason?: string }[] };
    expect(rows.find((x) => x.variant === 'relaxed-link-store')?.reason).toMatch(/not observable under tso: needs c11, because a relaxed store that should release/);

    const fuzz = run(['fuzz', '--memory-model', 'c11', '--target', 'mpsc-queue', '--variant', 'relaxed-link-store', '--time', '20s', '--jobs', '1', '--seed', '1', '--out', dir]);
    expect(fuzz.status).toBe(1);
    expect(fuzz.stderr).toMatch(/memory model c11/);
    const file = join(dir, failureFiles(dir).find((n) => n.includes('relaxed-link-store'))!);
    expect(readFailure(file)).toMatchObject({ memoryModel: 'c11', scenario: { memoryModel: 'c11' } });
    const again = run(['repro', file]);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/under c11: /);
    expect(again.stdout).toMatch(/ \(stale: missed (\d+ newer stores, the newest )?\S+ = \S+ by thread \d+ at step \d+\)/);
    const strong = run(['repro', file, '--memory-model', 'tso']);
    expect(strong.status).toBe(0);
    expect(strong.stdout).toMatch(/note: found under c11; replaying under tso/);
  });
});
