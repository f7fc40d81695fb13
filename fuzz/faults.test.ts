/**
 * The fault-injection suite (issue 18): real campaigns, run as a user runs
 * them, with a fault injected at a random moment of each — a worker killed
 * by SIGSEGV, SIGKILL or SIGABRT or stopped by SIGSTOP; a case that kills
 * or hangs its worker (a failpoint: replaying the case does it again); the
 * campaign itself killed, interrupted (SIGINT) or terminated (SIGTERM); an
 * out folder that cannot be written; a disk that fills up (a small tmpfs
 * where mounting one is allowed, else an injected ENOSPC); two campaigns on
 * one folder. After each: no campaign lost (its summary, or for a killed
 * campaign its failure files, are there), every failure file valid, every
 * crash recorded with its case (replaying a failpoint's case reproduces the
 * crash), no worker left running, and the exit code the docs give.
 *
 * `npm test` runs one fault of each kind (LOCKSTEP_FAULTS=13); the long
 * run (`npm run test:faults`, docs/reliability.md) runs 60 or more, drawn
 * at random from LOCKSTEP_SEED. Each run writes its tally to
 * build/faults/last.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runCli, startCli, tempDir } from '../cli/spawn_cli.js';
import { failureProblem, readFailure, type FailureFile } from './failure_file.js';

const KINDS = [
  'worker-segv',
  'worker-kill',
  'worker-abrt',
  'worker-stop',
  'case-segv',
  'case-abrt',
  'case-hang',
  'parent-kill',
  'parent-int',
  'parent-term',
  'unwritable',
  'disk-full',
  'shared-out',
] as const;
type Kind = (typeof KINDS)[number];

const COUNT = Number(process.env['LOCKSTEP_FAULTS'] ?? KINDS.length);
const SEED = Number(process.env['LOCKSTEP_SEED'] ?? 18);

/** mulberry32: the plan's random moments, from the seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const PLAN: { n: number; kind: Kind; at: number; rem: number }[] = Array.from({ length: COUNT }, (_, n) => ({
  n,
  kind: n < KINDS.length ? KINDS[n]! : KINDS[Math.floor(rand() * KINDS.length)]!,
  at: 400 + Math.floor(rand() * 2600), // ms after the start
  rem: Math.floor(rand() * 1000),
}));

const started = Date.now();
const tally = {
  seed: SEED,
  faults: 0,
  byKind: {} as Record<string, number>,
  campaignsLost: 0,
  failureFiles: 0,
  corruptFiles: 0,
  crashesRecordedWithCase: 0,
  crashesBetweenCases: 0,
  replaysReproduced: 0,
  replaysExpected: 0,
  unexpectedExitCodes: 0,
  workersLeft: 0,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

/** Runs the CLI in the background; resolves with its exit and output. */
function campaign(args: string[], env: Record<string, string> = {}, during?: (pid: number) => Promise<void>) {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const workers = new Set<number>();
  const watch = setInterval(() => childrenOf(child.pid!).forEach((p) => workers.add(p)), 50);
  void during?.(child.pid!);
  return ended.then((end) => {
    clearInterval(watch);
    return { ...end, stdout, stderr, workers: [...workers], pid: child.pid! };
  });
}

/** After a campaign: no worker of it still runs (a killed parent's workers go within 3 s). */
async function expectWorkersGone(workers: number[]): Promise<void> {
  for (let t = 0; t < 60 && workers.some(alive); t++) await sleep(50);
  const left = workers.filter(alive);
  tally.workersLeft += left.length;
  expect(left, 'workers still running after their campaign').toEqual([]);
}

/** Every failure file in `dir` reads back valid; returns them. */
function checkFiles(dir: string): { path: string; f: FailureFile }[] {
  const files = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('summary') && !n.startsWith('.'));
  expect(readdirSync(dir).filter((n) => n.endsWith('.tmp')), 'temporary files left').toEqual([]);
  return files.map((n) => {
    tally.failureFiles++;
    const path = join(dir, n);
    try {
      return { path, f: readFailure(path) };
    } catch (e) {
      tally.corruptFiles++;
      throw e;
    }
  });
}

/** The campaign's summary file: there, valid, with what it says. */
function summaryIn(dir: string): Record<string, unknown> {
  const names = readdirSync(dir).filter((n) => /^summary-.*\.json$/.test(n));
  if (names.length === 0) tally.campaignsLost++;
  expect(names.length, 'summary written').toBe(1);
  return JSON.parse(readFileSync(join(dir, names[0]!), 'utf8')) as Record<string, unknown>;
}

function expectExit(code: number | null, allowed: number[]): void {
  if (code === null || !allowed.includes(code)) tally.unexpectedExitCodes++;
  expect(allowed, `exit code ${code}`).toContain(code);
}

const signalOf: Record<string, NodeJS.Signals> = { 'worker-segv': 'SIGSEGV', 'worker-kill': 'SIGKILL', 'worker-abrt': 'SIGABRT', 'worker-stop': 'SIGSTOP', 'case-segv': 'SIGSEGV', 'case-abrt': 'SIGABRT' };

async function inject(kind: Kind, at: number, rem: number): Promise<void> {
  const dir = tempDir('lockstep-fault-');
  const base = ['fuzz', '--jobs', '2', '--seed', String(rem), '--out', dir, '--hang-timeout', '2s'];
  if (kind.startsWith('worker-')) {
    // A worker killed or stopped from outside at a random moment: recorded with the case it ran (or as dying between cases); the campaign ends as planned.
    const r = await campaign([...base, '--time', '3s', '--target', 'mpmc-queue,chase-lev-deque,tagged-stack'], {}, async (pid) => {
      await sleep(Math.min(at, 2400)); // inside the 3 s campaign
      const worker = childrenOf(pid)[0];
      expect(worker, 'a worker to inject the fault into').toBeDefined();
      process.kill(worker!, signalOf[kind]!);
    });
    expectExit(r.code, [0, 1, 5]);
    const s = summaryIn(dir);
    const files = checkFiles(dir);
    for (const d of s['deaths'] as { path?: string }[]) {
      if (d.path !== undefined) {
        tally.crashesRecordedWithCase++;
        const replay = runCli(['repro', d.path, '--timeout', '20s']);
        expect(replay.status, replay.stdout).toBe(0); // the fault came from outside: the case itself runs to its end
      } else tally.crashesBetweenCases++;
    }
    expect(files.every(({ f }) => f.check === 'crash' || f.check === 'hang')).toBe(true);
    await expectWorkersGone(r.workers);
  } else if (kind.startsWith('case-')) {
    // A case that kills (or hangs) its worker: recorded with that exact case, which replays the same way.
    const fault = `case:${kind === 'case-hang' ? 'hang' : signalOf[kind]}:400:${rem % 400}`;
    const r = await campaign([...base, '--runs', '2000', '--target', kind === 'case-hang' ? 'arena' : 'mpmc-queue,arena'], { LOCKSTEP_FAILPOINTS: fault });
    expectExit(r.code, [1]);
    summaryIn(dir);
    const crashes = checkFiles(dir).filter(({ f }) => f.check === (kind === 'case-hang' ? 'hang' : 'crash'));
    expect(crashes.length).toBeGreaterThan(0);
    for (const { path } of crashes) {
      tally.crashesRecordedWithCase++;
      tally.replaysExpected++;
      const replay = runCli(['repro', path, '--timeout', '3s'], { LOCKSTEP_FAILPOINTS: fault });
      expect([replay.status, replay.stdout]).toEqual([1, expect.stringMatching(kind === 'case-hang' ? /reproduces: the replay hung/ : /reproduces: the replay died \(signal SIG/)]);
      tally.replaysReproduced++;
    }
    await expectWorkersGone(r.workers);
  } else if (kind === 'parent-kill') {
    // The campaign killed outright while it saves failures: every file it left is whole, and its workers die with it.
    let workers: number[] = [];
    const r = await campaign([...base, '--time', '30s', '--target', 'chase-lev-deque,mpsc-queue', '--variant', 'mutants', '--keep-going'], {}, async (pid) => {
      await sleep(at);
      workers = childrenOf(pid);
      process.kill(pid, 'SIGKILL');
    });
    expect(r.signal).toBe('SIGKILL');
    checkFiles(dir);
    await expectWorkersGone([...workers, ...r.workers]);
  } else if (kind === 'parent-int' || kind === 'parent-term') {
    // Ctrl-C or SIGTERM: the workers stop, the summary of what ran is printed and saved, exit 130 or 143.
    const signal = kind === 'parent-int' ? 'SIGINT' : 'SIGTERM';
    const r = await campaign([...base, '--time', '30s', '--target', 'mpmc-queue,tagged-stack', '--variant', 'all', '--keep-going'], {}, async (pid) => {
      await sleep(at);
      process.kill(pid, signal);
    });
    expectExit(r.code, [signal === 'SIGINT' ? 130 : 143]);
    expect(r.stdout).toMatch(new RegExp(`stopped by ${signal}: `));
    expect(r.stdout).toMatch(/\| target +\| variant/);
    const s = summaryIn(dir);
    expect(s['interrupted']).toBe(signal);
    checkFiles(dir);
    await expectWorkersGone(r.workers);
  } else if (kind === 'unwritable') {
    // A folder that cannot be written: refused at once, exit 2, one line.
    const out = rem % 2 === 0 ? `/proc/lockstep-${rem}` : readOnlyFolder() ?? `/proc/self/lockstep-${rem}`;
    const r = await campaign(['fuzz', '--runs', '20', '--out', out]);
    expectExit(r.code, [2]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--out cannot (make the folder|write into)/);
  } else if (kind === 'disk-full') {
    // The disk fills while failures are saved: each one that cannot be written is printed whole on stderr, no temporary file is left, exit 4.
    const small = smallDisk(dir);
    const r = await campaign(
      [...base, '--time', '5s', '--target', 'chase-lev-deque,mpsc-queue,mpmc-queue,arena', '--variant', 'mutants', '--keep-going', '--out', small.dir],
      small.env,
    );
    expectExit(r.code, [4]);
    const printed = [...r.stderr.matchAll(/a failure could not be saved: .*; here it is in full:\n(\{[\s\S]*?\n\})\n/g)].map((m) => JSON.parse(m[1]!) as unknown);
    expect(printed.length).toBeGreaterThan(0);
    for (const f of printed) expect(failureProblem(f)).toBeNull();
    checkFiles(small.dir);
    small.release();
    await expectWorkersGone(r.workers);
  } else {
    // Two campaigns on one folder: each its own summary and records, failures shared and whole.
    const [a, b] = await Promise.all(
      [1, 2].map((k) => campaign(['fuzz', '--jobs', '1', '--seed', String(rem + k), '--out', dir, '--time', '3s', '--target', 'mpsc-queue', '--variant', 'mutants', '--keep-going', '--json'])),
    );
    expectExit(a!.code, [1]);
    expectExit(b!.code, [1]);
    const ids = [a!, b!].map((x) => (JSON.parse(x.stdout) as { campaign: string }).campaign);
    expect(ids[0]).not.toBe(ids[1]);
    expect(readdirSync(dir).filter((n) => n.startsWith('summary-')).sort()).toEqual(ids.map((id) => `summary-${id}.json`).sort());
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    checkFiles(dir);
    await expectWorkersGone([...a!.workers, ...b!.workers]);
  }
}

/** A read-only folder (a read-only tmpfs) where mounting is allowed; undefined elsewhere. */
function readOnlyFolder(): string | undefined {
  const dir = tempDir('lockstep-ro-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return join(dir, 'out');
  } catch {
    return undefined;
  }
}

/** A disk with room for a few failure files: a 160 KiB tmpfs where mounting is allowed, else a failpoint (ENOSPC after 3 writes). */
function smallDisk(dir: string): { dir: string; env: Record<string, string>; release: () => void } {
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', disk], { stdio: 'ignore' });
    mounts.push(disk);
    writeFileSync(join(disk, 'filler'), Buffer.alloc(96 * 1024)); // what is left holds a few files
    return { dir: join(disk, 'out'), env: {}, release: () => {} };
  } catch {
    return { dir: join(disk, 'out'), env: { LOCKSTEP_FAILPOINTS: 'write:ENOSPC:3' }, release: () => {} };
  }
}
const mounts: string[] = [];

afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  mkdirSync('build/faults', { recursive: true });
  const at = new Date().toISOString().slice(0, 10);
  writeFileSync('build/faults/last.json', JSON.stringify({ ...tally, at, seconds: (Date.now() - started) / 1000 }, null, 2) + '\n');
  console.log(`fault injection, seed ${SEED}: ${JSON.stringify(tally)}`);
});

describe(`fault injection (${COUNT} faults, seed ${SEED})`, () => {
  it.each(PLAN)('fault $n: $kind at $at ms', async ({ kind, at, rem }) => {
    tally.faults++;
    tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
    await inject(kind, at, rem);
  }, 120_000);
});
