/**
 * The litmus table of docs/memory-models.md, measured: for every litmus test and memory
 * model, whether exhaustive exploration (no preemption bound) shows the
 * weak outcome, how many distinct outcomes it shows and over how many
 * schedules; and what the C++20 model allows (the c11 reference). Under
 * c11 a schedule also fixes which store each load reads, so it counts those
 * choices too.
 *
 * Run: npm run litmus:table   (prints markdown to stdout; `npm run
 * docs:examples` writes it into docs/memory-models.md, its `litmus` block)
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { LITMUS, type LitmusOp, type LitmusOutcome, outcomeKey } from '../models/litmus.js';
import { type MemoryModel } from '../native/index.js';
import { exploreLitmus } from '../properties/_internals/litmus_runs.js';

const MODELS: MemoryModel[] = ['sc', 'tso', 'c11'];
const n = (x: number) => x.toLocaleString('en-US');

/** `x=1 rel`, `r0←y acq`, `r1←x+=1` (fetch_add), `fence sc`: the program as the table shows it. */
function program(threads: readonly (readonly LitmusOp[])[]): string {
  let load = 0;
  const order = (o: string) => (o === 'rlx' ? '' : ` ${o}`);
  return threads
    .map((ops) =>
      ops
        .map((op) => {
          const m = /^(store|load|fadd)-([xyz])\.(\w+)$/.exec(op.op);
          if (m === null) return `fence ${op.op.slice('fence.'.length)}`;
          if (m[1] === 'fadd') return `r${load++}←${m[2]}+=${op.arg}${order(m[3]!)}`;
          return m[1] === 'store' ? `${m[2]}=${op.arg}${order(m[3]!)}` : `r${load++}←${m[2]}${order(m[3]!)}`;
        })
        .join('; '),
    )
    .join(' ‖ ');
}

function explore(threads: readonly (readonly LitmusOp[])[], model: MemoryModel): { outcomes: LitmusOutcome[]; schedules: number } {
  const explored = exploreLitmus(threads, model);
  if (!explored.complete) throw new Error(`exploration under ${model} did not complete`);
  const found = new Map(explored.runs.map((r) => [outcomeKey(explored.outcomeOf(r)), explored.outcomeOf(r)]));
  return { outcomes: [...found.values()], schedules: explored.schedules };
}

/** The table, as markdown: a row per litmus test. */
export function litmusTable(): string {
  const lines = ['| test | program | weak outcome | `sc` | `tso` | `c11` | C++20 |', '|---|---|---|---|---|---|---|'];
  for (const test of LITMUS) {
    const cells = MODELS.map((model) => {
      const { outcomes, schedules } = explore(test.threads, model);
      const seen = outcomes.some(test.weak);
      return `${seen ? '**seen**' : 'never'} (${n(outcomes.length)} outcomes, ${n(schedules)} schedules)`;
    });
    const cpp = test.allowed.c11 ? (test.notModelled === undefined ? 'allowed' : 'allowed (not modelled: load buffering)') : 'forbidden';
    lines.push(`| ${test.name} | ${program(test.threads)} | ${test.weakText} | ${cells.join(' | ')} | ${cpp} |`);
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) process.stdout.write(litmusTable());
