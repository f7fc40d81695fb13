/**
 * `lockstep repro FILE`: replay a failure file (fuzz/repro.ts) and print
 * what happens; optionally an HTML page of it.
 */
import { repro as replay } from '../fuzz/repro.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, outFile, parse, parseDuration, parseMemoryModel, usage } from './flags.js';

export const repro: Command = {
  name: 'repro',
  summary: 'replay a failure file and print what happens',
  help: () => `lockstep repro FILE [flags]: replay a failure file

  --html OUT            also write the failure as a self-contained HTML page
  --memory-model M      replay under sc, tso or c11 instead of the file's model:
                        the same choices, another schedule
  --timeout D           a crash or hang replay (in a child process) that runs
                        longer is a hang  [30s]

Prints the scenario table and the interleaving (a crash or hang: the case
and how the replay ended). The file is checked before anything runs: a
damaged one is exit 2, naming the field.

${exitCodes({
  ok: "it no longer fails (under --memory-model: it passes under that model, which says nothing of the file's)",
  failure: 'it fails again',
  usage: 'a bad flag; a file that is malformed, damaged or does not fit this build',
  internal: 'an internal error (a lockstep bug: please report it)',
})}`,
  run: (args) => {
    const { values: v, positionals } = parse('repro', args, { html: { type: 'string' }, 'memory-model': { type: 'string' }, timeout: { type: 'string' } }, true);
    if (v.help) return process.stdout.write(repro.help()), EXIT.ok;
    if (positionals.length !== 1) usage('repro', `repro takes one failure file, got ${positionals.length}`);
    const memoryModel = parseMemoryModel(v['memory-model']);
    const timeoutSeconds = parseDuration('--timeout', v.timeout ?? '30s');
    const html = v.html === undefined ? undefined : outFile('--html', v.html);
    const result = replay(positionals[0]!, { ...(html !== undefined ? { html } : {}), ...(memoryModel !== undefined ? { memoryModel } : {}), timeoutSeconds });
    process.stdout.write(result.text);
    if (html !== undefined) process.stdout.write(`written: ${html}\n`);
    return result.reproduces ? EXIT.failure : EXIT.ok;
  },
};
