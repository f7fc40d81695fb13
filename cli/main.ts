/**
 * The lockstep CLI: one command per file in cli/, flags and exit codes in
 * flags.ts. A user's mistake (a bad flag, a bad file, a folder that cannot
 * be written, no addon build) ends with exit 2 and one line; anything else
 * thrown is an internal error: exit 3 with its stack, to be reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WriteError } from '../fuzz/atomic_write.js';
import { FailureFileError } from '../fuzz/failure_file.js';
import { AddonLoadError, addonBuildId, packageRoot } from '../native/index.js';
import { bench } from './bench.js';
import { check } from './check.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, usage, UsageError } from './flags.js';
import { fuzz } from './fuzz.js';
import { list } from './list.js';
import { merge } from './merge.js';
import { mutants } from './mutants.js';
import { repro } from './repro.js';
import { stress } from './stress.js';
import { topology } from './topology.js';

export const COMMANDS: readonly Command[] = [fuzz, repro, list, mutants, stress, bench, check, merge, topology];

export function mainHelp(): string {
  return `lockstep: prove lock-free code correct

Usage: lockstep <command> [flags]      (lockstep help <command>, or lockstep <command> --help, for its flags)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join('\n')}

  lockstep --version   the version and the engine build

${exitCodes({
  ok: 'all well',
  failure: 'a failure found or reproduced (a history not linearizable)',
  usage: 'a usage error, a bad file, or no addon build: one line says which',
  internal: 'an internal error (a lockstep bug: please report it)',
  unsaved: 'fuzz: a failure could not be saved (a full disk): printed on stderr',
  incomplete: 'fuzz: a pair got no runs, or a worker died where no case ran',
  sigint: 'fuzz: stopped by Ctrl-C (143: by SIGTERM), the summary printed',
})}Each command's help says which of these it uses.
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  let build: string;
  try {
    build = `engine build ${addonBuildId()}`;
  } catch (e) {
    build = e instanceof AddonLoadError || (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'engine not built' : `engine: ${(e as Error).message}`;
  }
  return `lockstep ${pkg.version} (${build})\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') return process.stdout.write(mainHelp()), EXIT.ok;
  if (name === '--version' || name === '-v' || name === 'version') return process.stdout.write(version()), EXIT.ok;
  if (name === 'help') {
    if (rest.length === 0) return process.stdout.write(mainHelp()), EXIT.ok;
    const command = COMMANDS.find((c) => c.name === rest[0]);
    if (command === undefined || rest.length > 1) usage('', `help takes one command (${COMMANDS.map((c) => c.name).join(', ')}), got '${rest.join(' ')}'`);
    return process.stdout.write(command.help()), EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) usage('', `unknown command '${name}' (${COMMANDS.map((c) => c.name).join(', ')})`);
  return command.run(rest);
}

/** The exit code and the one line for something thrown out of a command. */
export function failureOf(e: unknown): { code: number; text: string } {
  if (e instanceof UsageError || e instanceof FailureFileError || e instanceof WriteError) return { code: EXIT.usage, text: `lockstep: ${e.message}\n` };
  if (e instanceof AddonLoadError) return { code: EXIT.usage, text: `${e.message}\n` };
  return { code: EXIT.internal, text: `lockstep: internal error (a bug in lockstep; please report it): ${(e as Error)?.stack ?? String(e)}\n` };
}
