/**
 * docs/cli.md, made from the commands' own help texts (so the page, the
 * help and the tests name the same flags and exit codes): `npm run
 * docs:cli` writes it, and cli/reference.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../native/index.js';
import { EXIT } from './flags.js';
import { COMMANDS, mainHelp } from './main.js';

const MEANING: Record<keyof typeof EXIT, string> = {
  ok: 'all well',
  failure: 'a failure found or reproduced; a history not linearizable; merged shards that hold failures',
  usage: 'a usage error: a bad flag, a bad or damaged file, a folder that cannot be written, no addon build — one line on stderr, no stack trace',
  internal: 'an internal error: a bug in lockstep (the stack trace follows; please report it)',
  unsaved: '`fuzz`: a failure was found but could not be saved (a full disk), and is printed in full on stderr; or the summary, or the `--junit` report, could not be written',
  incomplete: '`fuzz`: a selected target/variant got no runs, or a worker died where no case ran (see the warnings)',
  sigint: '`fuzz`: stopped by Ctrl-C, after printing and saving the summary of what ran',
  sigterm: '`fuzz`: stopped by SIGTERM, likewise',
};

export function cliReference(): string {
  const rows = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map((k) => `| ${EXIT[k]} | ${MEANING[k]} |`);
  return [
    '# The lockstep CLI',
    '',
    '<!-- Made by `npm run docs:cli` from the help texts in cli/*.ts; cli/reference.test.ts fails when it is stale. -->',
    '',
    'Every command prints this help with `--help` (or `lockstep help <command>`).',
    '',
    '## Exit codes',
    '',
    'The same numbers mean the same thing for every command; each command below lists the ones it uses.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...rows,
    '',
    '## lockstep',
    '',
    '```',
    mainHelp().trimEnd(),
    '```',
    ...COMMANDS.flatMap((c) => ['', `## lockstep ${c.name}`, '', '```', c.help().trimEnd(), '```']),
    '',
  ].join('\n');
}

export function writeCliReference(): string {
  const path = join(packageRoot(), 'docs', 'cli.md');
  writeFileSync(path, cliReference());
  return path;
}
