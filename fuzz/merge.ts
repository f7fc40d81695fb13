/**
 * `lockstep merge DIR... --out DIR`: joins the outputs of one campaign's
 * shards (`--shard i/n` on n machines): every failure file once, and one
 * summary with the runs, interleavings and crashes added up. It refuses,
 * with a MergeError naming the folder or file, what would make a wrong
 * total: a folder given twice, a folder with no campaign summary, a
 * summary or failure file that does not read, shards of different seeds or
 * shard counts, one shard twice, and an output folder that is one of the
 * inputs.
 *
 * @example
 * const m = merge(['shard1', 'shard2'], 'merged'); // m.failures: failure files in merged/
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { folderProblem, writeAtomically } from './atomic_write.js';
import type { Summary } from './campaign.js';
import { FailureFileError, readFailure } from './failure_file.js';

export class MergeError extends Error {}

/** The `$id` of summary-merged.json's schema (schemas/merged-summary.schema.json; docs/formats.md#json-outputs). */
export const MERGED_SCHEMA = 'https://lockstep.invalid/schemas/merged-summary/1';

export interface Merged {
  failures: number;
  added: number;
  runs: number;
  /** Where the merged summary went. */
  summary: string;
}

/** A campaign summary (summary-<campaign>.json, or summary.json from before campaign ids), checked. */
function readSummary(path: string): Summary {
  let s: Partial<Summary>;
  try {
    s = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as Partial<Summary>;
  } catch (e) {
    throw new MergeError(`${path} is not a readable campaign summary: ${(e as Error).message}`);
  }
  const ok =
    typeof s === 'object' &&
    s !== null &&
    s.format === 1 &&
    Number.isSafeInteger(s.seed) &&
    typeof s.shard === 'object' &&
    Number.isSafeInteger(s.shard?.index) &&
    Number.isSafeInteger(s.shard?.count) &&
    Number.isSafeInteger(s.runs) &&
    typeof s.seconds === 'number' &&
    Number.isSafeInteger(s.interleavings) &&
    Number.isSafeInteger(s.crashes);
  if (!ok) throw new MergeError(`${path} is not a campaign summary (format 1 with seed, shard, runs, seconds, interleavings, crashes)`);
  return s as Summary;
}

export function merge(dirs: string[], out: string): Merged {
  if (dirs.length === 0) throw new MergeError('merge takes the campaign folders to join');
  if (out === '') throw new MergeError('--out is empty: name a folder');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new MergeError(`--out ${out} exists and is not a folder`);
  const real = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new MergeError(`${dir} does not exist`);
    if (!statSync(dir).isDirectory()) throw new MergeError(`${dir} is not a folder (merge joins campaign folders, not files)`);
    const r = realpathSync(dir);
    if (real.has(r)) throw new MergeError(`${dir} is given twice (as ${real.get(r)} too): its runs would count twice`);
    real.set(r, dir);
  }
  if (existsSync(out) && real.has(realpathSync(out))) throw new MergeError(`--out ${out} is one of the folders to merge: write the merge somewhere else`);

  const summaries: { dir: string; path: string; s: Summary }[] = [];
  const files: { dir: string; name: string }[] = [];
  for (const dir of dirs) {
    const names = readdirSync(dir).sort();
    const own = names.filter((n) => /^summary(-.+)?\.json$/.test(n));
    if (own.length === 0) throw new MergeError(`${dir} holds no campaign summary (summary-<campaign>.json): not a campaign's output`);
    for (const n of own) summaries.push({ dir, path: join(dir, n), s: readSummary(join(dir, n)) });
    for (const n of names) if (n.endsWith('.json') && !n.startsWith('.') && !own.includes(n)) files.push({ dir, name: n });
  }
  const first = summaries[0]!.s;
  const seen = new Map<string, string>();
  for (const { path, s } of summaries) {
    if (s.seed !== first.seed || s.shard.count !== first.shard.count) {
      throw new MergeError(`${path} is from another campaign (seed ${s.seed}, ${s.shard.count} shard(s)) than ${summaries[0]!.path} (seed ${first.seed}, ${first.shard.count} shard(s)): merge joins the shards of one campaign`);
    }
    const key = `${s.shard.index}/${s.shard.count}`;
    if (seen.has(key)) throw new MergeError(`shard ${key} is there twice: ${seen.get(key)} and ${path}`);
    seen.set(key, path);
  }
  for (const { dir, name } of files) {
    try {
      readFailure(join(dir, name));
    } catch (e) {
      if (e instanceof FailureFileError) throw new MergeError(e.message);
      throw e;
    }
  }

  const problem = folderProblem(out);
  if (problem !== null) throw new MergeError(`--out ${problem}`);
  const failures: Summary['failures'] = [];
  let added = 0;
  for (const { dir, name } of files) {
    const f = readFailure(join(dir, name));
    const target = join(out, name);
    if (!existsSync(target)) {
      writeAtomically(target, readFileSync(join(dir, name), 'utf8'));
      added++;
    }
    failures.push({ path: target, target: f.target, variant: f.variant, check: f.check, message: f.message });
  }
  const unique = [...new Map(failures.map((f) => [f.path, f])).values()];
  const list = summaries.map((x) => x.s);
  const merged = {
    schema: MERGED_SCHEMA,
    format: 1,
    merged: dirs.map((d) => resolve(d)),
    seed: first.seed,
    runs: list.reduce((n, s) => n + s.runs, 0),
    seconds: Math.max(0, ...list.map((s) => s.seconds)),
    interleavings: list.reduce((n, s) => n + s.interleavings, 0),
    crashes: list.reduce((n, s) => n + s.crashes, 0),
    shards: list.map((s) => s.shard).sort((p, q) => p.index - q.index),
    missingShards: Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !seen.has(`${i}/${first.shard.count}`)),
    failures: unique,
  };
  const summary = join(out, 'summary-merged.json');
  writeAtomically(summary, JSON.stringify(merged, null, 2) + '\n');
  return { failures: unique.length, added, runs: merged.runs, summary };
}
