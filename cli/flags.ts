/**
 * What every command shares: reading flags (durations, counts, seeds,
 * shards, targets, variants, folders), each checked with a message that
 * says what was wrong, and the exit codes. A UsageError ends the CLI with
 * exit code 2 and its one line; nothing a user types ends in a stack trace.
 */
import { parseArgs } from 'node:util';

import { resolve } from 'node:path';

import { folderProblem, fileProblem } from '../fuzz/atomic_write.js';
import { importPlugins, PluginUseError } from '../fuzz/plugin_modules.js';
import { addon, type MemoryModel } from '../native/index.js';
import { SPECS } from '../properties/_internals/specs.js';

/** The exit codes, the same for every command (each command's help says which it uses). */
export const EXIT = {
  /** All well. */
  ok: 0,
  /** A failure found or reproduced; a history not linearizable. */
  failure: 1,
  /** A usage error, a bad file, or a machine that cannot do what was asked (no addon build). */
  usage: 2,
  /** An internal error: a bug in lockstep. */
  internal: 3,
  /** A failure was found but could not be saved (a full disk): it is printed in full on stderr. */
  unsaved: 4,
  /** A campaign that could not do all it was asked: a pair with no run, a worker that died between cases. */
  incomplete: 5,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal's number, after the summary of what ran. */
  sigint: 130,
  sigterm: 143,
} as const;

/** The exit-code lines of a help text: `codes` picks which, in this order. */
export function exitCodes(codes: Partial<Record<keyof typeof EXIT, string>>): string {
  const lines = Object.entries(codes).map(([k, text]) => `  ${String(EXIT[k as keyof typeof EXIT]).padEnd(4)}${text}`);
  return `Exit codes:\n${lines.join('\n')}\n`;
}

export class UsageError extends Error {}

/** Throws the usage error for `command`: one line, pointing at its help. */
export function usage(command: string, message: string): never {
  throw new UsageError(`${command === '' ? '' : `${command}: `}${message} (lockstep ${command === '' ? '' : command + ' '}--help)`);
}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/**
 * Node's parseArgs, strict, with `--help`; a value that starts with a dash
 * (`--runs -5`) is taken as the flag's value, so that the flag's own check
 * says what is wrong with it.
 */
/** What parse returns: each flag given, a string or a boolean as its type says; `help`; the positionals. */
export type Parsed<T extends Options> = {
  values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : T[K]['multiple'] extends true ? string[] : string } & { help?: boolean };
  positionals: string[];
};

export function parse<T extends Options>(command: string, args: string[], options: T, positionals = false): Parsed<T> {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < args.length && /^-\d/.test(args[i + 1]!)) {
      joined.push(`${a}=${args[++i]}`);
    } else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: positionals }) as Parsed<T>;
  } catch (e) {
    return usage(command, (e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/, ''));
  }
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
/** The longest time budget: a year. */
export const MAX_SECONDS = 365 * 86400;

/** "60s", "2m", "500ms", "1h", "2d" or a number of seconds; above zero, at most a year. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${flag} must be a duration like 60s, 2m or 500ms, got '${text}'`);
  const seconds = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (!(seconds > 0)) throw new UsageError(`${flag} must be more than zero, got '${text}'`);
  if (seconds > MAX_SECONDS) throw new UsageError(`${flag} must be at most 365d, got '${text}'`);
  return seconds;
}

export function parseCount(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

/** Seeds, for every command that takes one: fast-check's 31-bit range. */
export const MAX_SEED = 0x7fffffff;

/** --seed S, or a random seed when not given (`given` says which, for the banner). */
export function parseSeed(text: string | undefined, after = 0): { seed: number; given: boolean } {
  if (text === undefined) return { seed: Math.floor(Math.random() * (MAX_SEED - after)), given: false };
  return { seed: parseCount('--seed', text, 0, MAX_SEED - after), given: true };
}

/** "i/n": shard i of n, 1-based. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count || count > 100_000) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (this machine's part of n), got '${text}'`);
  }
  return { index, count };
}

/** A comma-separated list, each name once, in the order given. */
function names(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

/**
 * The targets the fuzzer knows (those with a model, plugins' included), or some of them;
 * without --target, `defaults` where given (the --plugin targets), else all.
 */
export function parseTargets(text: string | undefined, defaults?: readonly string[]): string[] {
  const known = Object.keys(SPECS);
  if (text === undefined && defaults !== undefined && defaults.length > 0) return [...defaults];
  if (text === undefined || text === 'all') return known;
  const list = names(text);
  if (list.length === 0) throw new UsageError(`--target must be all or one of ${known.join(', ')}, got '${text}'`);
  for (const n of list) {
    if (known.includes(n)) continue;
    if (addon().listTargets().some((t) => t.name === n)) {
      throw new UsageError(`--target ${n} has no TypeScript half (a spec made by defineTarget) to generate its scenarios from: give --plugin the module that loads it with one (docs/sdk.md)`);
    }
    throw new UsageError(`--target must be all or one of ${known.join(', ')}, got '${n}'`);
  }
  return list;
}

/**
 * (target, variant) pairs: `variant` is a comma-separated list of names,
 * `all`, or `mutants` (every variant but correct). Each name must be a
 * variant of at least one of the targets.
 */
export function pairsFor(targets: string[], variant: string): { target: string; variant: string }[] {
  const all = new Map(addon().listTargets().map((t) => [t.name, t.variants.map((v) => v.name)]));
  const wanted = names(variant);
  if (wanted.length === 0) throw new UsageError(`--variant must name a variant, all or mutants, got '${variant}'`);
  const pairs: { target: string; variant: string }[] = [];
  for (const w of wanted) {
    let matched = false;
    for (const target of targets) {
      const list = all.get(target)!;
      const take = w === 'all' ? list : w === 'mutants' ? list.slice(1) : list.includes(w) ? [w] : [];
      for (const v of take) if (!pairs.some((p) => p.target === target && p.variant === v)) pairs.push({ target, variant: v });
      matched ||= take.length > 0 || w === 'mutants';
    }
    if (!matched) {
      const hint = targets.length === 1 ? `one of ${all.get(targets[0]!)!.join(', ')} (${targets[0]})` : `a variant of ${targets.join(', ')} (lockstep list)`;
      throw new UsageError(`--variant must be all, mutants or ${hint}, got '${w}'`);
    }
  }
  if (pairs.length === 0) throw new UsageError(`no target among ${targets.join(', ')} has a variant '${variant}'`);
  return pairs;
}

/** The --plugin flag, for every command that takes targets. */
export const PLUGIN_FLAG = { plugin: { type: 'string', multiple: true } } as const;
export const PLUGIN_HELP = `  --plugin FILE         load your own targets: a plugin module (it calls
                        loadPlugin) or its .so; again for more (docs/sdk.md)`;

/**
 * Loads the --plugin files (fuzz/plugin_modules.ts); returns what each loaded, and the
 * targets that have specs (what --target defaults to). A file that does not load is a usage
 * error naming it.
 */
export async function loadPluginFlags(command: string, files: readonly string[] | undefined): Promise<{ files: string[]; targets: string[] }> {
  if (files === undefined || files.length === 0) return { files: [], targets: [] };
  try {
    const plugins = await importPlugins(files);
    return { files: files.map((f) => resolve(f)), targets: plugins.flatMap((p) => p.targets.filter((t) => t in SPECS)) };
  } catch (e) {
    if (e instanceof PluginUseError) usage(command, e.message);
    throw e;
  }
}

/** --memory-model: sc, tso or c11. */
export function parseMemoryModel(text: string | undefined): MemoryModel | undefined {
  if (text === undefined) return undefined;
  if (text === 'sc' || text === 'tso' || text === 'c11') return text;
  throw new UsageError(`--memory-model must be sc, tso or c11, got '${text}'`);
}

/** A folder lockstep will write into (made if missing): a UsageError when it cannot. */
export function outFolder(flag: string, dir: string): string {
  const problem = folderProblem(dir);
  if (problem !== null) throw new UsageError(`${flag} ${problem}`);
  return dir;
}

/** A file lockstep will write (its folder must exist): a UsageError when it cannot. */
export function outFile(flag: string, path: string): string {
  const problem = fileProblem(path);
  if (problem !== null) throw new UsageError(`${flag} ${problem}`);
  return path;
}
