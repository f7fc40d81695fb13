/**
 * A fuzz campaign: worker processes fuzz the chosen (target, variant) pairs
 * until a time or run budget is spent, and nothing they find is lost.
 *
 * - **Fair budgets.** The parent hands out chunks (a pair, a seed, up to
 *   200 runs) in turn over the pairs still live: under `runs: N` each of k
 *   pairs gets ⌊N/k⌋ runs (the first N mod k one more); under a time
 *   budget each pair gets a chunk in turn, every pair at least one run. A
 *   chunk's seed derives from the campaign seed, the shard, the pair and
 *   the chunk's number, so a run budget repeats exactly, whatever the jobs.
 * - **Crashes and hangs.** A worker that dies, or runs a chunk without a
 *   word for `hangSeconds`, is recorded as a `crash` or `hang` failure with
 *   the case it was running (its `.case` record, fuzz/case_record.ts), and
 *   replaced; a failure it had found and was still shrinking is saved
 *   unshrunk (its `.found` record). A worker that died between cases is
 *   listed as such.
 * - **Files.** Failures are written as they arrive, atomically, once each
 *   (failure_file.ts); one that cannot be written (a full disk) is handed
 *   to `onUnsaved` whole and counted in `unsaved`. The summary goes to
 *   `summary-<campaign>.json`; records are `.lockstep-<campaign>-w<N>.*`:
 *   campaigns that share a folder share no file but the failures.
 * - **Stopping.** `signal` aborts the campaign: workers are killed, what
 *   they found is kept, and the summary of what ran is written.
 *
 * @example
 * const summary = await runCampaign({ pairs, strategy: 'mixed', seconds: 20, jobs: 2, seed: 7, out: '.failures' });
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { addonBuildId, type MemoryModel } from '../native/index.js';
import { WriteError, folderProblem, writeAtomically } from './atomic_write.js';
import { readRecord, removeRecord } from './case_record.js';
import type { Strategy } from './cases.js';
import { writeFailure, type FailureFile } from './failure_file.js';
import { deriveSeed } from './seeds.js';
import { pluginField, pluginRecordOf } from './plugin_modules.js';
import type { CaseRecord, Chunk, Found, ToWorker, WorkerMessage } from './worker.js';

/**
 * What {@link runCampaign} fuzzes and for how long: the (target, variant) pairs, the strategy
 * and memory model, a time or run budget, the worker processes, the seed, where failures go,
 * and callbacks for progress and failures.
 *
 * @example
 * const options: CampaignOptions = { pairs: [{ target: 'mpmc-queue', variant: 'lap-dropped' }], strategy: 'mixed', runs: 2000, jobs: 2, seed: 7, out: '.failures' };
 */
export interface CampaignOptions {
  pairs: { target: string; variant: string }[];
  strategy: Strategy;
  /** @defaultValue 'sc' */
  memoryModel?: MemoryModel;
  /** Time budget, from the moment the first worker is ready; or `runs`. */
  seconds?: number;
  /** Run budget over all pairs: at least one per pair. */
  runs?: number;
  jobs: number;
  seed: number;
  /** This machine's part of a campaign spread over `count` machines. @defaultValue { index: 1, count: 1 } */
  shard?: { index: number; count: number };
  out: string;
  stopAtFirstFailure?: boolean;
  /** Keep fuzzing a pair after its first failure, collecting distinct failures. @defaultValue false */
  keepGoing?: boolean;
  /** --plugin files (importPlugins) the pairs' targets need: each worker loads them too. */
  plugins?: string[];
  /** A worker that reports nothing for this long while running a chunk is killed as hung. @defaultValue 30 */
  hangSeconds?: number;
  /** Write `summary-<campaign>.json` into `out`. @defaultValue true */
  writeSummary?: boolean;
  /** Aborting it stops the campaign: workers killed, found failures kept, the summary written. */
  signal?: AbortSignal;
  /** Called with each progress line (about four times a second). */
  onProgress?: (p: Progress) => void;
  /** Called with each failure's file (not with one this campaign found twice); `replaced`: a damaged file of that name was there. */
  onFailure?: (path: string, f: FailureFile, replaced: boolean) => void;
  /** Called with a failure that could not be written, and why: it exists nowhere else. */
  onUnsaved?: (f: FailureFile, error: WriteError) => void;
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

/** A worker that died: how, and the failure file of the case it was running (none when it died between cases). */
export interface Death {
  worker: number;
  how: string;
  kind: 'crash' | 'hang';
  path?: string;
}

/**
 * The $id of the summary's JSON Schema (schemas/fuzz-summary.schema.json): the summary carries
 * it as its `schema` field; the number at its end changes only when a field is removed, renamed or
 * changes meaning (docs/formats.md#json-outputs).
 */
export const SUMMARY_SCHEMA = 'https://lockstep.invalid/schemas/fuzz-summary/1';

/**
 * What a campaign did: its budget and runs, the distinct interleavings it tried, every failure
 * it found (one file each), crashes, hangs and warnings, and per pair the runs to the first
 * failure and its shrunk size. Also written as `summary-<campaign>.json` (docs/formats.md).
 *
 * @example
 * const summary: Summary = await runCampaign(options);
 * for (const f of summary.failures) console.log(`${f.target}/${f.variant}: ${f.check} → ${f.path}`);
 */
export interface Summary {
  /** The $id of its JSON Schema (schemas/fuzz-summary.schema.json). */
  schema: typeof SUMMARY_SCHEMA;
  format: 1;
  /** This campaign's id: its summary is summary-<campaign>.json. */
  campaign: string;
  build: string;
  strategy: Strategy;
  memoryModel: MemoryModel;
  seed: number;
  shard: { index: number; count: number };
  jobs: number;
  budget: { seconds: number } | { runs: number };
  runs: number;
  seconds: number;
  runsPerSecond: number;
  interleavings: number;
  /** Every failure this campaign found, one file each (written now, or already there from an earlier campaign). */
  failures: { path: string; target: string; variant: string; check: string; message: string }[];
  /** Failures found again (the same file) or found on a pair that had already failed. */
  repeats: number;
  crashes: number;
  deaths: Death[];
  /** Failures that could not be written (handed to onUnsaved). */
  unsaved: number;
  /** What did not go as asked: a pair with no run, a worker that died between cases. */
  warnings: string[];
  /** The signal's reason when the campaign was stopped early. */
  interrupted?: string;
  /** Why summary-<campaign>.json could not be written (not in the file, of course). */
  summaryError?: string;
  pairs: PairSummary[];
}

const WORKER = new URL('./worker.js', import.meta.url);
const MAX_INTERLEAVINGS = 5_000_000;
const CHUNK = 200;

interface Pair extends PairSummary {
  index: number;
  /** Runs allowed in all (Infinity under a time budget). */
  budget: number;
  /** Runs handed out in chunks not yet done. */
  inflight: number;
  chunks: number;
  dropped: boolean;
}

interface Slot {
  w: number;
  generation: number;
  child: ChildProcess;
  records: string;
  ready: boolean;
  chunk?: { chunk: Chunk; pair: Pair; runsBefore: number; reported: number } | undefined;
  heard: number;
  killedAs?: 'hang' | 'stopped';
}

/** A campaign id: the start time and the process, unique on this machine. */
function campaignId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${process.pid}`;
}

/**
 * Runs a fuzz campaign: `jobs` worker processes fuzz the pairs until the budget is
 * spent; each failure is shrunk, pinned to a choices list and written to `out` as it arrives;
 * crashes and hangs become failure files too. Resolves to the {@link Summary}; rejects with a
 * RangeError naming `runCampaign` for bad options, or a WriteError when `out` is not writable.
 *
 * @example
 * const summary = await runCampaign({ pairs: [{ target: 'chase-lev-deque', variant: 'correct' }], strategy: 'mixed', seconds: 20, jobs: 2, seed: 7, out: '.failures' });
 * process.exitCode = summary.failures.length > 0 ? 1 : 0;
 */
export async function runCampaign(o: CampaignOptions): Promise<Summary> {
  const shard = o.shard ?? { index: 1, count: 1 };
  const memoryModel = o.memoryModel ?? 'sc';
  if (o.pairs.length === 0) throw new RangeError('runCampaign: no target/variant pair to fuzz');
  if (!Number.isInteger(o.jobs) || o.jobs < 1) throw new RangeError(`runCampaign: jobs must be a whole number >= 1, got ${o.jobs}`);
  if ((o.seconds === undefined) === (o.runs === undefined)) throw new RangeError('runCampaign: give one budget, seconds or runs');
  if (o.runs !== undefined && o.runs < o.pairs.length) {
    throw new RangeError(`runCampaign: ${o.runs} runs cannot cover ${o.pairs.length} target/variant pairs (each needs at least one)`);
  }
  const problem = folderProblem(o.out);
  if (problem !== null) throw new WriteError(o.out, 'EACCES', `--out ${problem}`);

  const id = campaignId();
  const start = Date.now();
  let fuzzingFrom: number | undefined; // when the first worker was ready: the time budget starts there
  const deadline = () => (o.seconds === undefined ? Infinity : fuzzingFrom === undefined ? Infinity : fuzzingFrom + o.seconds * 1000);
  const interleavings = new Set<number>();
  const failures: Summary['failures'] = [];
  const deaths: Death[] = [];
  const warnings: string[] = [];
  const received = new Set<string>(); // found ids whose shrunk failure arrived
  const pairs: Pair[] = o.pairs.map((p, index) => ({
    ...p,
    index,
    runs: 0,
    failures: 0,
    budget: o.runs === undefined ? Infinity : Math.floor(o.runs / o.pairs.length) + (index < o.runs % o.pairs.length ? 1 : 0),
    inflight: 0,
    chunks: 0,
    dropped: false,
  }));
  const byKey = new Map(pairs.map((p) => [`${p.target}/${p.variant}`, p]));
  let runs = 0;
  let crashes = 0;
  let repeats = 0;
  let unsaved = 0;
  let stopping = false;
  let cursor = 0;
  let chunkIds = 0;
  const slots: Slot[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  /** Saves a failure once; returns its path (undefined: a repeat, or not written). */
  const record = (f: FailureFile, foundRuns?: number): string | undefined => {
    const pair = byKey.get(`${f.target}/${f.variant}`);
    if (pair !== undefined && pair.failures > 0 && !o.keepGoing) {
      repeats++; // another worker found this pair failing too
      return undefined;
    }
    let written;
    try {
      written = writeFailure(o.out, f);
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      unsaved++;
      o.onUnsaved?.(f, e);
      if (pair !== undefined && !o.keepGoing) pair.dropped = true;
      return undefined;
    }
    if (!written.fresh && failures.some((x) => x.path === written.path)) {
      repeats++; // this campaign found it twice (--keep-going)
      return undefined;
    }
    if (pair !== undefined) {
      pair.failures++;
      if (pair.firstFailureSeconds === undefined) {
        // When the failing run happened (the worker's stamp), not when its shrinking ended.
        const at = Date.parse(f.found.at);
        pair.firstFailureSeconds = ((Number.isNaN(at) ? Date.now() : at) - start) / 1000;
        pair.firstFailureRuns = foundRuns ?? f.found.runs;
        pair.shrunk = f.shrunk;
        pair.check = f.check;
      }
      if (!o.keepGoing) pair.dropped = true;
    }
    failures.push({ path: written.path, target: f.target, variant: f.variant, check: f.check, message: f.message });
    o.onFailure?.(written.path, f, written.replaced);
    if (o.stopAtFirstFailure) stop();
    return written.path;
  };

  const progress = (): Progress => {
    const seconds = (Date.now() - start) / 1000;
    const end = deadline();
    return {
      runs,
      runsPerSecond: seconds > 0 ? runs / seconds : 0,
      interleavings: interleavings.size,
      failures: failures.length,
      secondsLeft: o.seconds === undefined ? undefined : Number.isFinite(end) ? Math.max(0, (end - Date.now()) / 1000) : o.seconds,
    };
  };
  const ticker = setInterval(() => o.onProgress?.(progress()), 250);
  const watchdog = setInterval(() => {
    for (const s of slots) {
      const waiting = !s.ready || s.chunk !== undefined;
      if (waiting && s.killedAs === undefined && Date.now() - s.heard > (o.hangSeconds ?? 30) * 1000) {
        s.killedAs = 'hang';
        s.child.kill('SIGKILL');
      }
    }
  }, 250);

  /** The next chunk: pairs in turn; under a time budget, past the deadline only a pair's first. */
  const nextChunk = (): { chunk: Chunk; pair: Pair } | undefined => {
    if (stopping) return undefined;
    const now = Date.now();
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[(cursor + i) % pairs.length]!;
      if (pair.dropped) continue;
      const want = pair.budget - pair.runs - pair.inflight;
      if (want <= 0) continue;
      if (now >= deadline() && pair.chunks > 0) continue;
      cursor = (cursor + i + 1) % pairs.length;
      const size = Math.min(CHUNK, want);
      pair.chunks++;
      pair.inflight += Number.isFinite(size) ? size : 0;
      return {
        pair,
        chunk: {
          id: ++chunkIds,
          target: pair.target,
          variant: pair.variant,
          strategy: o.strategy,
          memoryModel,
          seed: deriveSeed(o.seed, shard.count, shard.index, pair.index, pair.chunks),
          runs: size,
          until: o.seconds === undefined ? null : deadline(),
        },
      };
    }
    return undefined;
  };

  const dispatch = (s: Slot) => {
    if (!s.ready || s.chunk !== undefined || s.killedAs !== undefined) return;
    const next = nextChunk();
    if (next === undefined) {
      tell(s.child, { type: 'exit' });
      return;
    }
    s.chunk = { ...next, runsBefore: next.pair.runs, reported: 0 };
    s.heard = Date.now();
    tell(s.child, { type: 'chunk', chunk: next.chunk });
  };

  const chunkEnded = (s: Slot) => {
    if (s.chunk === undefined) return;
    const { pair, chunk } = s.chunk;
    pair.inflight -= Number.isFinite(chunk.runs) ? chunk.runs : 0;
    s.chunk = undefined;
  };

  const onMessage = (s: Slot, m: WorkerMessage) => {
    s.heard = Date.now();
    if (m.type === 'ready') {
      s.ready = true;
      fuzzingFrom ??= Date.now();
      for (const other of slots) dispatch(other);
    } else if (m.type === 'progress') {
      runs += m.runs;
      const pair = byKey.get(m.pair);
      if (pair !== undefined) pair.runs += m.runs;
      if (s.chunk !== undefined) s.chunk.reported += m.runs;
      for (const h of m.interleavings) if (interleavings.size < MAX_INTERLEAVINGS) interleavings.add(h);
    } else if (m.type === 'failure') {
      received.add(m.found);
      const before = s.chunk?.runsBefore ?? 0;
      const f = { ...m.failure, found: { ...m.failure.found, runs: before + m.failure.found.runs } };
      record(f, f.found.runs);
    } else if (m.type === 'chunk-done') {
      chunkEnded(s);
      dispatch(s);
    }
  };

  /** After a worker ended: keep what it found, record its crash or hang, and replace it if there is work left. */
  const onClose = (s: Slot, code: number | null, signal: NodeJS.Signals | null) => {
    const before = s.chunk?.runsBefore ?? 0;
    const rec = readRecord(`${s.records}.case`);
    const last = rec.newest?.value as CaseRecord | undefined;
    if (s.chunk !== undefined && last?.chunk === s.chunk.chunk.id && (last.done ?? 0) > s.chunk.reported) {
      // Runs the worker made but had not reported yet.
      const missing = last.done! - s.chunk.reported;
      runs += missing;
      s.chunk.pair.runs += missing;
    }
    chunkEnded(s);
    const found = readRecord(`${s.records}.found`).newest?.value as Found | undefined;
    if (found !== undefined && !received.has(found.id)) {
      const why = s.killedAs === 'stopped' ? 'the campaign was stopped' : s.killedAs === 'hang' ? 'the worker hung' : 'the worker died';
      record(unshrunk(found, `not shrunk: ${why} while shrinking it`), before + found.runs);
    }
    const clean = code === 0 && signal === null && s.killedAs === undefined;
    if (!clean && s.killedAs !== 'stopped') {
      crashes++;
      const kind = s.killedAs === 'hang' ? 'hang' : 'crash';
      const how = kind === 'hang' ? `it stopped reporting for ${o.hangSeconds ?? 30} s and was killed` : signal !== null ? `signal ${signal}` : `exit code ${code}`;
      const current = rec.torn ? undefined : last;
      const death: Death = { worker: s.w, how, kind };
      if (current !== undefined && !('idle' in current)) {
        const path = record(crashFailure(current, kind, how, stderrOf(s)));
        if (path !== undefined) death.path = path;
      } else {
        const last = stderrOf(s).trim().split('\n').pop();
        warnings.push(`worker ${s.w} died (${how}) ${s.ready ? 'between cases' : 'before it was ready'}: no case to record${last ? `; its last output: ${last}` : ''}`);
      }
      deaths.push(death);
      earlyDeaths[s.w] = s.ready ? 0 : (earlyDeaths[s.w] ?? 0) + 1;
    }
    removeRecord(`${s.records}.case`);
    removeRecord(`${s.records}.found`);
    slots.splice(slots.indexOf(s), 1);
    if (!stopping && hasWork()) {
      if ((earlyDeaths[s.w] ?? 0) < 3) spawnWorker(s.w, s.generation + 1);
      else warnings.push(`worker ${s.w} died 3 times before it was ready: not replaced`);
    }
    if (slots.length === 0) finish();
  };
  const earlyDeaths: number[] = [];

  const hasWork = () => pairs.some((p) => !p.dropped && p.budget - p.runs - p.inflight > 0 && (Date.now() < deadline() || p.chunks === 0));

  const stderrBuffers = new Map<Slot, string>();
  const stderrOf = (s: Slot) => stderrBuffers.get(s) ?? '';

  const spawnWorker = (w: number, generation: number) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const s: Slot = { w, generation, child, records: join(o.out, `.lockstep-${id}-w${w}`), ready: false, heard: Date.now() };
    slots.push(s);
    child.on('error', () => {}); // a send to an exiting worker; its end is handled on close
    child.stderr!.on('data', (d: Buffer) => stderrBuffers.set(s, (stderrOf(s) + d.toString()).slice(-4000)));
    child.on('message', (m: WorkerMessage) => onMessage(s, m));
    child.on('close', (code, signal) => onClose(s, code, signal));
    tell(child, { type: 'setup', records: s.records, worker: `${w}.${generation}`, parent: process.pid, plugins: o.plugins ?? [] });
  };

  function stop(): void {
    if (stopping) return;
    stopping = true;
    for (const s of slots) {
      if (s.chunk !== undefined || !s.ready) {
        s.killedAs ??= 'stopped';
        s.child.kill('SIGKILL');
      } else tell(s.child, { type: 'exit' });
    }
  }
  const onAbort = () => stop();
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) stopping = true;

  for (let w = 0; w < o.jobs && !stopping; w++) spawnWorker(w, 0);
  if (slots.length === 0) finish();
  try {
    await finished;
  } finally {
    clearInterval(ticker);
    clearInterval(watchdog);
    o.signal?.removeEventListener('abort', onAbort);
  }

  const interrupted = o.signal?.aborted ? String(o.signal.reason ?? 'aborted') : undefined;
  for (const p of pairs) {
    if (p.runs === 0) warnings.push(`${p.target}/${p.variant} got no runs${interrupted ? ' before the campaign was stopped' : ''}`);
  }
  const seconds = (Date.now() - start) / 1000;
  const summary: Summary = {
    schema: SUMMARY_SCHEMA,
    format: 1,
    campaign: id,
    build: addonBuildId(),
    strategy: o.strategy,
    memoryModel,
    seed: o.seed,
    shard,
    jobs: o.jobs,
    budget: o.runs !== undefined ? { runs: o.runs } : { seconds: o.seconds! },
    runs,
    seconds,
    runsPerSecond: runs / seconds,
    interleavings: interleavings.size,
    failures,
    repeats,
    crashes,
    deaths,
    unsaved,
    warnings,
    ...(interrupted !== undefined ? { interrupted } : {}),
    pairs: pairs.map(({ target, variant, runs: r, failures: n, firstFailureSeconds, firstFailureRuns, shrunk, check }) => ({
      target,
      variant,
      runs: r,
      failures: n,
      ...(firstFailureSeconds !== undefined ? { firstFailureSeconds, firstFailureRuns, shrunk, check } : {}),
    })),
  };
  if (o.writeSummary ?? true) {
    try {
      writeAtomically(summaryPath(o.out, summary), JSON.stringify(summary, null, 2) + '\n');
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      summary.summaryError = e.message;
    }
  }
  return summary;
}

/** Where a campaign's summary goes. */
export function summaryPath(out: string, s: Pick<Summary, 'campaign'>): string {
  return join(out, `summary-${s.campaign}.json`);
}

/** Sends to a worker that may be exiting: a closed channel is not an error here. */
function tell(child: ChildProcess, message: ToWorker): void {
  if (child.connected) child.send(message, () => {});
}

/** A found failure whose shrinking did not end: saved as found, with the choices that replay it. */
function unshrunk(found: Found, note: string): FailureFile {
  const ops = found.scenario.threads.reduce((n, t) => n + t.length, 0);
  return {
    format: 1,
    kind: 'lockstep-failure',
    build: addonBuildId(),
    target: found.target,
    variant: found.variant,
    memoryModel: found.scenario.memoryModel ?? 'sc',
    check: found.check as FailureFile['check'],
    message: found.message,
    scenario: found.scenario,
    found: { strategy: found.strategy, runs: found.runs, seconds: 0, at: found.at },
    shrunk: { threads: found.scenario.threads.filter((t) => t.length > 0).length, ops, preemptions: -1, steps: -1 },
    report: `${found.message}\n(${note}; lockstep repro prints the interleaving)`,
    ...pluginField(found.target),
  };
}

/** The failure for a worker that crashed or hung: the case it was running, from its `.case` record. */
function crashFailure(current: Exclude<CaseRecord, { idle: true }>, kind: 'crash' | 'hang', how: string, stderr: string): FailureFile {
  const during = current.phase === 'shrink' ? ' while shrinking a failure' : '';
  const message =
    kind === 'hang'
      ? `the worker ran this case${during}, ${how}` +
        // The simulator ends a run that keeps stepping (the step limit): a hang is code that never steps.
        (pluginRecordOf(current.target) === undefined ? '' : ' (a simulated run that takes no step: a spin on a raw std::atomic, or a lock, in the plugin? docs/sdk.md)')
      : `the worker died (${how}) while running this case${during}` + (stderr ? `; its last output:\n${stderr.trim().split('\n').slice(-8).join('\n')}` : '');
  return {
    format: 1,
    kind: 'lockstep-failure',
    build: addonBuildId(),
    target: current.target,
    variant: current.variant,
    memoryModel: current.scenario.memoryModel ?? 'sc',
    check: kind,
    message,
    scenario: current.scenario,
    found: { strategy: current.strategy, runs: 0, seconds: 0, at: new Date().toISOString() },
    shrunk: {
      threads: current.scenario.threads.filter((t) => t.length > 0).length,
      ops: current.scenario.threads.reduce((n, t) => n + t.length, 0),
      preemptions: 0,
      steps: 0,
    },
    report: message,
    ...pluginField(current.target),
  };
}
