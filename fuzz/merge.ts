/**
 * `lockstep merge DIR... --out DIR`: joins the outputs of a campaign's
 * shards (or of several campaigns): every failure file, once, and one
 * summary with the runs, interleavings and crashes added up.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Summary } from './campaign.js';
import { readFailure, writeAtomically } from './failure_file.js';
import { UsageError } from './options.js';

export interface Merged {
  failures: number;
  added: number;
  runs: number;
}

export function merge(dirs: string[], out: string): Merged {
  mkdirSync(out, { recursive: true });
  const summaries: Summary[] = [];
  const failures: Summary['failures'] = [];
  let added = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new UsageError(`merge: ${dir} does not exist`);
    for (const name of readdirSync(dir)) {
      if (name === 'summary.json') {
        summaries.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Summary);
        continue;
      }
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const f = readFailure(join(dir, name)); // a malformed file stops the merge, with its reason
      const target = join(out, name);
      if (!existsSync(target)) {
        copyFileSync(join(dir, name), target);
        added++;
      }
      failures.push({ path: target, target: f.target, variant: f.variant, check: f.check, message: f.message });
    }
  }
  const unique = [...new Map(failures.map((f) => [f.path, f])).values()];
  const runs = summaries.reduce((n, s) => n + s.runs, 0);
  const merged = {
    format: 1,
    merged: dirs,
    runs,
    seconds: Math.max(0, ...summaries.map((s) => s.seconds)),
    interleavings: summaries.reduce((n, s) => n + s.interleavings, 0),
    crashes: summaries.reduce((n, s) => n + s.crashes, 0),
    shards: summaries.map((s) => s.shard),
    failures: unique,
  };
  writeAtomically(join(out, 'summary.json'), JSON.stringify(merged, null, 2) + '\n');
  return { failures: unique.length, added, runs };
}
