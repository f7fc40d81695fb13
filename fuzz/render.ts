/**
 * Failure reports in lincheck's layout: the scenario as a table (one column
 * per thread, `op(arg): result`), then the interleaving, one row per step:
 * an operation's call and its result, each access (reads as `x ➜ v`, writes
 * as `x = v`, read-modify-writes as `x ➜ v = w`; under TSO buffered stores
 * and their flushes), each block allocated or freed during the run (rows
 * without a step number: `free block1 (24 bytes)`), a `switch` row where
 * another thread takes over, and the step where the run broke marked ✗.
 *
 * @example
 * console.log(renderScenarioTable(scenario, run));
 * console.log(renderInterleaving(scenario, tracedRun));
 */
import type { HistoryEntry, PendingEntry, RunResult, Scenario, TraceEntry } from '../native/index.js';

/** A block allocated or freed: a row of the trace that is not a step. */
export const isBlockRow = (e: TraceEntry) => e.access === 'allocate' || e.access === 'free';
const describeResult = (r: HistoryEntry['result']) => (r === undefined ? '-' : r === null ? 'empty' : String(r));
const describeCall = (op: string, arg: number | undefined) => `${op}(${arg ?? ''})`;

/** Columns padded to their widest cell, with a header row (a markdown table, no final newline). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One column per thread: each op with its result, `pending` for one that never returned. */
export function renderScenarioTable(scenario: Scenario, run: RunResult): string {
  const results = new Map<string, string>();
  for (const h of run.history) results.set(`${h.thread}.${h.index}`, describeResult(h.result));
  for (const p of run.pending) results.set(`${p.thread}.${p.index}`, 'pending');
  const depth = Math.max(0, ...scenario.threads.map((t) => t.length));
  const rows = Array.from({ length: depth }, (_, i) =>
    scenario.threads.map((ops, t) => {
      const call = ops[i];
      if (call === undefined) return '';
      return `${describeCall(call.op, call.arg)}: ${results.get(`${t}.${i}`) ?? 'not run'}`;
    }),
  );
  return table(
    scenario.threads.map((_, t) => `thread ${t}`),
    rows,
  );
}

/**
 * One access as the interleaving shows it: `x ➜ v`, `x = v`, `x ➜ v = w`;
 * under TSO (`tso`) a store that waits in its thread's buffer reads
 * `x = v (buffered)` and the step where it reaches memory `flush x = v`;
 * under C11 a load of an older store than the newest names the store it
 * missed, `x ➜ 0 (stale: missed x = 1 by thread 0 at step 5)` (with more
 * than one newer store, `missed 2 newer stores, the newest x = 2 by ...`),
 * and a store placed before a newer one in modification order names it,
 * `x = 1 (before a newer store: x = 2 by thread 1 at step 6)`; a block
 * allocated or freed
 * `allocate block2 (24 bytes)`, `free block1 (24 bytes)`.
 */
export function describeAccess(e: TraceEntry, tso = false): string {
  const where = e.location ?? '';
  const order = e.order === 'relaxed' || e.order === 'seq_cst' ? '' : ` (${e.order})`;
  // The newest store, which a stale access missed (or went before).
  const newest = (m: NonNullable<TraceEntry['missed']>, one: string, many: string) =>
    `${m.newer > 1 ? `${many} ${m.newer} newer stores, the newest` : one} ${where} = ${m.value} by thread ${m.thread} at step ${m.step}`;
  const stale = !e.stale ? '' : e.missed === undefined ? ' (stale)' : ` (stale: ${newest(e.missed, 'missed', 'missed')})`;
  switch (e.access) {
    case 'load':
    case 'cell-read':
    case 'wait':
      return `${where} ➜ ${e.read ?? '?'}${order}${stale}`; // ?: not performed (freed memory)
    case 'store':
    case 'cell-write': {
      const before = !e.stale ? '' : e.missed === undefined ? ' (before a newer store)' : ` (${newest(e.missed, 'before a newer store:', 'before')})`;
      return `${where} = ${e.written ?? '?'}${order}${tso && e.order !== 'seq_cst' ? ' (buffered)' : ''}${before}`;
    }
    case 'flush':
      return `flush ${where} = ${e.written}${order}`;
    case 'rmw':
      return `${where} ➜ ${e.read ?? '?'} = ${e.written ?? '?'}${order}${stale}`;
    case 'cas-fail':
      return `${where} ➜ ${e.read}, CAS fails${order}${stale}`;
    case 'fence':
      return `fence ${e.order}`;
    case 'allocate':
    case 'free':
      return `${e.access} block${e.block} (${e.bytes} bytes)`;
    default:
      return `${e.access}${where ? ' ' + where : ''}`;
  }
}

/**
 * The interleaving of a run made with `trace: true`. `markStep` (default:
 * the outcome's step) gets ✗.
 */
export function renderInterleaving(scenario: Scenario, run: RunResult, markStep: number | undefined = run.outcome.step): string {
  if (run.trace === undefined) throw new Error('renderInterleaving: the run has no trace (run it with trace: true)');
  const threads = scenario.threads.length;
  const ops = [...run.history, ...run.pending].map((h) => ({
    entry: h,
    returned: 'return' in h,
    arg: scenario.threads[h.thread]![h.index]!.arg,
  }));
  const rows: string[][] = [];
  const row = (step: string, thread: number, text: string) => rows.push([step, ...Array.from({ length: threads }, (_, t) => (t === thread ? text : ''))]);
  let last = -1;
  const begun = new Set<string>();
  const ended = new Set<string>();
  const trace = run.trace;
  // Calls not yet shown that began before this row: before its step, or (a block row, which is no
  // step) up to the call that allocated or freed it.
  const callsBefore = (e: TraceEntry) =>
    ops
      .filter((o) => o.entry.thread === e.thread && !begun.has(`${e.thread}.${o.entry.index}`))
      .filter((o) => (isBlockRow(e) ? e.call !== undefined && o.entry.index <= e.call : o.entry.call < e.step))
      .sort((p, q) => p.entry.index - q.entry.index);
  // A call that returned at this row's step returns after it, unless a block row of the same call
  // (a free after its last access) follows at the same step.
  const freesLater = (i: number, index: number) => {
    for (let j = i + 1; j < trace.length && trace[j]!.step === trace[i]!.step; j++) {
      const f = trace[j]!;
      if (f.thread === trace[i]!.thread && isBlockRow(f) && f.call === index) return true;
    }
    return false;
  };
  trace.forEach((e, i) => {
    if (last !== -1 && e.thread !== last) row('', last, 'switch');
    for (const o of callsBefore(e)) {
      begun.add(`${e.thread}.${o.entry.index}`);
      row('', e.thread, describeCall(o.entry.op, o.arg));
    }
    const step = isBlockRow(e) ? '' : String(e.step) + (e.step === markStep ? ' ✗' : '');
    row(step, e.thread, `  ${describeAccess(e, scenario.memoryModel === 'tso')}`);
    for (const o of ops) {
      const h = o.entry as HistoryEntry;
      const key = `${h.thread}.${h.index}`;
      if (!o.returned || h.thread !== e.thread || h.return !== e.step || ended.has(key) || freesLater(i, h.index)) continue;
      ended.add(key);
      row('', e.thread, `  → ${describeResult(h.result)}`);
    }
    last = e.thread;
  });
  // Ops that ran no step at all.
  for (const o of ops) {
    if (!begun.has(`${o.entry.thread}.${o.entry.index}`)) {
      row('', o.entry.thread, `${describeCall(o.entry.op, o.arg)} → ${o.returned ? describeResult((o.entry as HistoryEntry).result) : 'pending'}`);
    }
  }
  return table(
    ['step', ...Array.from({ length: threads }, (_, t) => `thread ${t}`)],
    rows,
  );
}

/**
 * The whole report in lincheck's layout: what broke, the scenario as a table (one column per
 * thread, `op(arg): result`), then the interleaving from the `traced` run (the same scenario
 * with `trace: true`), one row per step, the broken step marked ✗.
 *
 * @example
 * const run = runScenario(scenario);
 * const text = renderFailure(scenario, run, runScenario({ ...scenario, trace: true }), verdictOf(scenario, run)?.message ?? 'passes');
 */
export function renderFailure(scenario: Scenario, run: RunResult, traced: RunResult, what: string): string {
  const pending: PendingEntry[] = run.pending;
  return [
    `= ${scenario.target} (${scenario.variant ?? 'correct'})${scenario.memoryModel && scenario.memoryModel !== 'sc' ? ` under ${scenario.memoryModel}` : ''}: ${what} =`,
    '',
    renderScenarioTable(scenario, run),
    '',
    `= The interleaving (choices ${JSON.stringify(run.choices)}; ${run.steps} steps${pending.length ? `, ${pending.length} pending` : ''}) =`,
    '',
    renderInterleaving(scenario, traced),
  ].join('\n');
}
