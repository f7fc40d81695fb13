/**
 * Reading the CLI's flags: durations, counts, shards, targets and variants,
 * each checked with a message that says what was wrong. A UsageError ends
 * the CLI with exit code 2.
 */
import { addon, type MemoryModel } from '../native/index.js';
import { SPECS } from '../properties/_internals/simulation.js';

export class UsageError extends Error {}

/** "60s", "2m", "500ms", "1h" or a number of seconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${flag} must be a duration like 60s, 2m or 500ms, got '${text}'`);
  const n = Number(m[1]);
  const seconds = n * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
  if (!(seconds > 0)) throw new UsageError(`${flag} must be more than zero, got '${text}'`);
  return seconds;
}

export function parseCount(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

/** "i/n": shard i of n, 1-based. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (this machine's part of n), got '${text}'`);
  }
  return { index, count };
}

/** The targets the fuzzer knows (those with a model), or one of them. */
export function parseTargets(text: string | undefined): string[] {
  const known = Object.keys(SPECS);
  if (text === undefined || text === 'all') return known;
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!known.includes(n)) throw new UsageError(`--target must be all or one of ${known.join(', ')}, got '${n}'`);
  }
  return names;
}

/** (target, variant) pairs: `variant` is a name, `all`, or `mutants` (every variant but correct). */
export function pairsFor(targets: string[], variant: string): { target: string; variant: string }[] {
  const all = new Map(addon().listTargets().map((t) => [t.name, t.variants.map((v) => v.name)]));
  const pairs: { target: string; variant: string }[] = [];
  for (const target of targets) {
    const names = all.get(target)!;
    if (variant === 'all') names.forEach((v) => pairs.push({ target, variant: v }));
    else if (variant === 'mutants') names.slice(1).forEach((v) => pairs.push({ target, variant: v }));
    else if (names.includes(variant)) pairs.push({ target, variant });
    else if (targets.length === 1) throw new UsageError(`--variant must be all, mutants or one of ${names.join(', ')} (${target}), got '${variant}'`);
  }
  if (pairs.length === 0) throw new UsageError(`no target among ${targets.join(', ')} has a variant '${variant}'`);
  return pairs;
}

/** --memory-model: sc, tso or c11. */
export function parseMemoryModel(text: string | undefined): MemoryModel | undefined {
  if (text === undefined) return undefined;
  if (text === 'sc' || text === 'tso' || text === 'c11') return text;
  throw new UsageError(`--memory-model must be sc, tso or c11, got '${text}'`);
}
