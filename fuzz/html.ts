/**
 * A failure as one self-contained HTML page: the verdict, the scenario
 * table and the interleaving as a timeline, one column per thread, one row
 * per step, switches shaded, the failing step marked. No scripts, no
 * external files.
 */
import type { RunResult, Scenario } from '../native/index.js';
import type { FailureFile } from './failure_file.js';
import { describeAccess, isBlockRow } from './render.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1em; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 2px 8px; font-family: ui-monospace, monospace; text-align: left; }
tr.switch td, tr.switch th { border-top: 3px solid #888; }
tr.broke { background: #fdd; }
.t0 { color: #1f5fa8; } .t1 { color: #a8401f; } .t2 { color: #2b7d2b; } .t3 { color: #7a2ba8; }
`;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');


/** A crash or hang: the case as it ran (no interleaving: the run never ended). */
export function renderCrashHtml(failure: FailureFile, reproduced: string): string {
  const scenario = failure.scenario;
  const depth = Math.max(0, ...scenario.threads.map((t) => t.length));
  const rows = Array.from({ length: depth }, (_, i) => `<tr>${scenario.threads.map((ops) => `<td>${ops[i] ? escape(`${ops[i]!.op}(${ops[i]!.arg ?? ''})`) : ''}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lockstep: ${escape(failure.target)} (${escape(failure.variant)})</title>
<style>${STYLE}</style></head><body>
<h1>${escape(failure.target)} (${escape(failure.variant)}): ${escape(failure.check)}</h1>
<pre>${escape(failure.message)}</pre>
<p>${escape(reproduced)} — build ${escape(failure.build)}, memory model ${escape(failure.memoryModel)}, schedule ${escape(JSON.stringify(scenario.schedule ?? null))}.</p>
<h2>Scenario</h2>
<table><tr>${scenario.threads.map((_, t) => `<th>thread ${t}</th>`).join('')}</tr>
${rows}</table>
</body></html>
`;
}

/**
 * A failure as one self-contained HTML page (no scripts, no external files): the verdict
 * `reproduced`, the scenario table and the interleaving as a timeline, one column per thread,
 * switches shaded, the failing step marked.
 *
 * @example
 * const f = readFailure(path);
 * writeFileSync('failure.html', renderHtml(f, runScenario(f.scenario), runScenario({ ...f.scenario, trace: true }), 'reproduces'));
 */
export function renderHtml(failure: FailureFile, run: RunResult, traced: RunResult, reproduced: string): string {
  const scenario: Scenario = failure.scenario;
  const threads = scenario.threads.length;
  const results = new Map<string, string>();
  for (const h of run.history) results.set(`${h.thread}.${h.index}`, h.result === undefined ? '-' : h.result === null ? 'empty' : String(h.result));
  const depth = Math.max(0, ...scenario.threads.map((t) => t.length));
  const scenarioRows = Array.from({ length: depth }, (_, i) =>
    `<tr>${scenario.threads.map((ops, t) => `<td>${ops[i] ? escape(`${ops[i]!.op}(${ops[i]!.arg ?? ''}): ${results.get(`${t}.${i}`) ?? 'pending'}`) : ''}</td>`).join('')}</tr>`,
  ).join('\n');
  const mark = run.outcome.step;
  let last = -1;
  const steps = (traced.trace ?? [])
    .map((e) => {
      const cells = Array.from({ length: threads }, (_, t) => `<td class="t${t % 4}">${t === e.thread ? escape(describeAccess(e, scenario.memoryModel === 'tso')) : ''}</td>`).join('');
      const block = isBlockRow(e); // not a step: no step number
      const cls = [e.thread !== last && last !== -1 ? 'switch' : '', e.step === mark && !block ? 'broke' : ''].join(' ').trim();
      last = e.thread;
      return `<tr class="${cls}"><th>${block ? '' : e.step}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lockstep: ${escape(failure.target)} (${escape(failure.variant)})</title>
<style>${STYLE}</style></head><body>
<h1>${escape(failure.target)} (${escape(failure.variant)}): ${escape(failure.check)}</h1>
<pre>${escape(failure.message)}</pre>
<p>${escape(reproduced)} — build ${escape(failure.build)}, memory model ${escape(failure.memoryModel)}, found by ${escape(failure.found.strategy)}${failure.found.fastCheck ? ` (fast-check seed ${failure.found.fastCheck.seed}, path ${escape(failure.found.fastCheck.path)})` : ''}.</p>
<h2>Scenario</h2>
<table><tr>${scenario.threads.map((_, t) => `<th>thread ${t}</th>`).join('')}</tr>
${scenarioRows}</table>
<h2>Interleaving (${traced.steps} steps; thicker lines mark a switch)</h2>
<table><tr><th>step</th>${scenario.threads.map((_, t) => `<th>thread ${t}</th>`).join('')}</tr>
${steps}</table>
</body></html>
`;
}
