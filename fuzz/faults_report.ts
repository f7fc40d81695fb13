/**
 * `npm run test:faults` ends here: the tally of the fault-injection run
 * (build/faults/last.json, written by fuzz/faults.test.ts) goes into
 * docs/reliability.md between its `faults:begin` and `faults:end` marks,
 * so the figures there are the last long run's, never copied by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../native/index.js';

interface Tally {
  seed: number;
  faults: number;
  byKind: Record<string, number>;
  campaignsLost: number;
  failureFiles: number;
  corruptFiles: number;
  crashesRecordedWithCase: number;
  crashesBetweenCases: number;
  replaysReproduced: number;
  replaysExpected: number;
  unexpectedExitCodes: number;
  workersLeft: number;
}

export function faultsTable(t: Tally, when: string, seconds: number): string {
  const kinds = Object.entries(t.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `Last long run: ${t.faults} injected faults, seed ${t.seed}, ${when}, ${Math.round(seconds)} s (${kinds}).`,
    '',
    '| what | count |',
    '|---|---|',
    `| campaigns lost (no summary, or files missing) | ${t.campaignsLost} |`,
    `| failure files written, all read back | ${t.failureFiles} |`,
    `| failure files corrupt | ${t.corruptFiles} |`,
    `| worker crashes and hangs recorded with the case they ran | ${t.crashesRecordedWithCase} |`,
    `| worker deaths between cases (an outside signal where no case ran), listed as such | ${t.crashesBetweenCases} |`,
    `| crashes from a case (failpoint) whose replay reproduced the crash | ${t.replaysReproduced} of ${t.replaysExpected} |`,
    `| exit codes other than the documented ones | ${t.unexpectedExitCodes} |`,
    `| workers still running after their campaign ended | ${t.workersLeft} |`,
  ].join('\n');
}

const root = packageRoot();
const tally = JSON.parse(readFileSync(join(root, 'build/faults/last.json'), 'utf8')) as Tally & { seconds?: number; at?: string };
const doc = join(root, 'docs/reliability.md');
const text = readFileSync(doc, 'utf8');
const begin = '<!-- faults:begin -->';
const end = '<!-- faults:end -->';
const from = text.indexOf(begin);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`${doc} has no ${begin} ... ${end} marks`);
writeFileSync(doc, `${text.slice(0, from + begin.length)}\n${faultsTable(tally, tally.at ?? 'unknown date', tally.seconds ?? 0)}\n${text.slice(to)}`);
process.stdout.write(`wrote the tally of ${tally.faults} faults into ${doc}\n`);
