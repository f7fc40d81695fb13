/**
 * A fuzz campaign: N worker processes fuzz the chosen (target, variant)
 * pairs until a time or run budget is spent. Crash isolation: a worker that
 * dies (segfault, abort) or stops reporting for `hangSeconds` is recorded as
 * a failure with the case it was running, then replaced, and the campaign
 * goes on. Failures are written as they arrive, atomically and once each
 * (failure_file.ts); a summary goes to `summary.json` at the end.
 *
 * @example
 * const summary = await runCampaign({ pairs, strategy: 'mixed', seconds: 20, jobs: 2, seed: 7, out: '.failures' });
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { addonBuildId, type MemoryModel } from '../native/index.js';
import type { Strategy } from './cases.js';
import { failureName, writeAtomically, writeFailure, type FailureFile } from './failure_file.js';
import { deriveSeed } from './seeds.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

export interface CampaignOptions {
  pairs: { target: string; variant: string }[];
  strategy: Strategy;
  /** @defaultValue 'sc' */
  memoryModel?: MemoryModel;
  /** Time budget; or `runs`. */
  seconds?: number;
  runs?: number;
  jobs: number;
  seed: number;
  /** This machine's part of a campaign spread over `count` machines. @defaultValue { index: 1, count: 1 } */
  shard?: { index: number; count: number };
  out: string;
  stopAtFirstFailure?: boolean;
  /** Keep fuzzing a pair after its first failure, collecting distinct failures. @defaultValue false */
  keepGoing?: boolean;
  /** A worker that reports nothing for this long is killed as hung. @defaultValue 30 */
  hangSeconds?: number;
  /** Called with each progress line (about four times a second) and with each saved failure. */
  onProgress?: (p: Progress) => void;
  /** Called with each failure's file (not with one this campaign found twice). */
  onFailure?: (path: string, f: FailureFile) => void;
  /** Test hook: the first worker aborts at this run. */
  crashAt?: number;
}

export interface Progress {
  runs: number;
  runsPerSecond: number;
  interleavings: number;
  failures: number;
  secondsLeft: number | undefined;
}

export interface PairSummary {
  target: string;
  variant: string;
  runs: number;
  failures: number;
  firstFailureSeconds?: number;
  firstFailureRuns?: number;
  shrunk?: FailureFile['shrunk'];
  check?: string;
}

export interface Summary {
  format: 1;
  build: string;
  strategy: Strategy;
  memoryModel: MemoryModel;
  seed: number;
  shard: { index: number; count: number };
  jobs: number;
  runs: number;
  seconds: number;
  runsPerSecond: number;
  interleavings: number;
  /** Every failure this campaign found, one file each (written now, or already there from an earlier campaign). */
  failures: { path: string; target: string; variant: string; check: string; message: string }[];
  /** Failures found again (the same file) or found on a pair that had already failed. */
  repeats: number;
  crashes: number;
  pairs: PairSummary[];
}

const WORKER = new URL('./worker.js', import.meta.url);
const MAX_INTERLEAVINGS = 5_000_000;

export async function runCampaign(o: CampaignOptions): Promise<Summary> {
  const shard = o.shard ?? { index: 1, count: 1 };
  mkdirSync(o.out, { recursive: true });
  const start = Date.now();
  const deadline = o.seconds === undefined ? Infinity : start + o.seconds * 1000;
  const interleavings = new Set<number>();
  const failures: Summary['failures'] = [];
  const pairs = new Map<string, PairSummary>(o.pairs.map((p) => [`${p.target}/${p.variant}`, { ...p, runs: 0, failures: 0 }]));
  let runs = 0;
  let crashes = 0;
  let repeats = 0;
  let stopping = false;
  const workers = new Set<ChildProcess>();

  const record = (f: FailureFile) => {
    const key = `${f.target}/${f.variant}`;
    const pair = pairs.get(key);
    if (pair !== undefined && pair.failures > 0 && !o.keepGoing) {
      repeats++; // another worker found this pair failing too
      return;
    }
    // Already on disk (an earlier campaign found it): still this campaign's
    // failure, not written twice.
    const written = writeFailure(o.out, f);
    const path = written ?? join(o.out, failureName(f));
    if (written === undefined && failures.some((x) => x.path === path)) {
      repeats++; // this campaign found it twice (--keep-going)
      return;
    }
    if (pair !== undefined) {
      pair.failures++;
      if (pair.firstFailureSeconds === undefined) {
        // When the failing run happened (the worker's stamp), not when its shrinking ended.
        const at = Date.parse(f.found.at);
        pair.firstFailureSeconds = ((Number.isNaN(at) ? Date.now() : at) - start) / 1000;
        pair.firstFailureRuns = f.found.runs;
        pair.shrunk = f.shrunk;
        pair.check = f.check;
      }
    }
    failures.push({ path, target: f.target, variant: f.variant, check: f.check, message: f.message });
    o.onFailure?.(path, f);
    if (o.stopAtFirstFailure) stopping = true;
    if (!o.keepGoing) for (const w of workers) tell(w, { type: 'drop', pairs: [key] });
  };

  const progress = (): Progress => {
    const seconds = (Date.now() - start) / 1000;
    return {
      runs,
      runsPerSecond: seconds > 0 ? runs / seconds : 0,
      interleavings: interleavings.size,
      failures: failures.length,
      secondsLeft: Number.isFinite(deadline) ? Math.max(0, (deadline - Date.now()) / 1000) : undefined,
    };
  };
  const ticker = setInterval(() => o.onProgress?.(progress()), 250);

  /** One worker slot: runs a worker, replaces it when it crashes or hangs, until the budget is spent. */
  const slot = async (w: number): Promise<void> => {
    const share = o.runs === undefined ? Infinity : Math.floor(o.runs / o.jobs) + (w < o.runs % o.jobs ? 1 : 0);
    let used = 0;
    for (let restart = 0; !stopping && Date.now() < deadline && used < share; restart++) {
      const currentFile = join(o.out, `.worker-${w}.current.json`);
      const job: WorkerJob = {
        pairs: o.pairs,
        strategy: o.strategy,
        memoryModel: o.memoryModel ?? 'sc',
        seed: deriveSeed(o.seed, shard.count, shard.index, w, restart),
        deadline,
        runs: share - used,
        chunk: 200,
        currentFile,
        stopAtFirstFailure: o.stopAtFirstFailure ?? false,
        keepGoing: o.keepGoing ?? false,
        ...(o.crashAt !== undefined && w === 0 && restart === 0 ? { crashAt: o.crashAt } : {}),
      };
      const failedPairs = [...pairs.values()].filter((p) => p.failures > 0 && !o.keepGoing).map((p) => `${p.target}/${p.variant}`);
      const outcome = await runWorker(job, failedPairs, workers, (m) => {
        if (m.type === 'progress') {
          runs += m.runs;
          used += m.runs;
          const pair = pairs.get(m.pair);
          if (pair !== undefined) pair.runs += m.runs;
          for (const h of m.interleavings) if (interleavings.size < MAX_INTERLEAVINGS) interleavings.add(h);
        } else if (m.type === 'failure') {
          record(m.failure);
        }
      }, o.hangSeconds ?? 30);
      if (outcome.kind === 'done') return;
      crashes++;
      const failure = crashFailure(currentFile, outcome);
      if (failure !== undefined) record(failure);
      rmSync(currentFile, { force: true });
    }
  };

  try {
    await Promise.all(Array.from({ length: o.jobs }, (_, w) => slot(w)));
  } finally {
    clearInterval(ticker);
  }
  for (let w = 0; w < o.jobs; w++) rmSync(join(o.out, `.worker-${w}.current.json`), { force: true });
  const seconds = (Date.now() - start) / 1000;
  const summary: Summary = {
    format: 1,
    build: addonBuildId(),
    strategy: o.strategy,
    memoryModel: o.memoryModel ?? 'sc',
    seed: o.seed,
    shard,
    jobs: o.jobs,
    runs,
    seconds,
    runsPerSecond: runs / seconds,
    interleavings: interleavings.size,
    failures,
    repeats,
    crashes,
    pairs: [...pairs.values()],
  };
  writeAtomically(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

/** Sends to a worker that may be exiting: a closed channel is not an error here. */
function tell(child: ChildProcess, message: object): void {
  if (child.connected) child.send(message, () => {});
}

type WorkerOutcome = { kind: 'done' } | { kind: 'crash'; how: string; stderr: string } | { kind: 'hang'; seconds: number };

/** Runs one worker process to its end: done, crashed, or killed as hung. `drop`: pairs already failed. */
function runWorker(job: WorkerJob, drop: string[], workers: Set<ChildProcess>, onMessage: (m: WorkerMessage) => void, hangSeconds: number): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    workers.add(child);
    child.on('error', () => {}); // a send to an exiting worker; its exit is handled below
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let finished = false;
    let heard = Date.now();
    let hung = false;
    const watchdog = setInterval(() => {
      if (Date.now() - heard > hangSeconds * 1000) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 500);
    child.on('message', (m: WorkerMessage) => {
      heard = Date.now();
      if (m.type === 'done') finished = true;
      onMessage(m);
    });
    child.on('exit', (code, signal) => {
      clearInterval(watchdog);
      workers.delete(child);
      if (finished && code === 0) resolve({ kind: 'done' });
      else if (hung) resolve({ kind: 'hang', seconds: hangSeconds });
      else resolve({ kind: 'crash', how: signal !== null ? `signal ${signal}` : `exit code ${code}`, stderr });
    });
    if (drop.length > 0) tell(child, { type: 'drop', pairs: drop });
    tell(child, { type: 'start', job });
  });
}

/** The failure for a worker that crashed or hung: the case it was running, from its current-case file. */
function crashFailure(currentFile: string, outcome: Exclude<WorkerOutcome, { kind: 'done' }>): FailureFile | undefined {
  if (!existsSync(currentFile)) return undefined;
  const current = JSON.parse(readFileSync(currentFile, 'utf8')) as { target: string; variant: string; strategy: string; scenario: FailureFile['scenario'] };
  const message =
    outcome.kind === 'hang'
      ? `the worker stopped reporting for ${outcome.seconds} s while running this case and was killed`
      : `the worker died (${outcome.how}) while running this case` + (outcome.stderr ? `; its last output:\n${outcome.stderr.trim().split('\n').slice(-8).join('\n')}` : '');
  return {
    format: 1,
    kind: 'lockstep-failure',
    build: addonBuildId(),
    target: current.target,
    variant: current.variant,
    memoryModel: current.scenario.memoryModel ?? 'sc',
    check: outcome.kind === 'hang' ? 'hang' : 'crash',
    message,
    scenario: current.scenario,
    found: { strategy: current.strategy, runs: 0, seconds: 0, at: new Date().toISOString() },
    shrunk: {
      threads: current.scenario.threads.length,
      ops: current.scenario.threads.reduce((n, t) => n + t.length, 0),
      preemptions: 0,
      steps: 0,
    },
    report: message,
  };
}
