/** `lockstep merge DIR... --out DIR`: join the outputs of one campaign's shards (fuzz/merge.ts). */
import { merge as join, MergeError } from '../fuzz/merge.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, parse, usage, UsageError } from './flags.js';
import { number } from './output.js';

export const merge: Command = {
  name: 'merge',
  summary: "join the outputs of a campaign's shards",
  help: () => `lockstep merge DIR... [--out DIR]: join the outputs of one campaign's shards
(lockstep fuzz --shard i/n on n machines): every failure file once, one
summary (DIR/summary-merged.json) with the runs, interleavings and crashes
added up, and the shards missing from it listed.

  --out DIR   [.failures/merged]

Refused, with the reason: a folder given twice, a folder that is not a
campaign's output, a damaged summary or failure file, shards of different
seeds or shard counts, one shard twice, an --out that is one of the inputs.

${exitCodes({
  ok: 'merged; no failure among the shards',
  failure: 'merged; the shards hold failures (listed in the summary)',
  usage: 'a bad flag or folder, or shards that do not belong together',
  internal: 'an internal error (a lockstep bug: please report it)',
})}`,
  run: (args) => {
    const { values: v, positionals } = parse('merge', args, { out: { type: 'string' } }, true);
    if (v.help) return process.stdout.write(merge.help()), EXIT.ok;
    if (positionals.length === 0) usage('merge', 'merge takes the campaign folders to join');
    const dir = v.out ?? '.failures/merged';
    if (dir === '') usage('merge', '--out is empty: name a folder');
    let m;
    try {
      m = join(positionals, dir);
    } catch (e) {
      if (e instanceof MergeError) throw new UsageError(`merge: ${e.message}`);
      throw e;
    }
    process.stdout.write(`merged ${positionals.length} folder(s) into ${dir}: ${number(m.runs)} runs, ${m.failures} failure file(s) (${m.added} new); summary ${m.summary}\n`);
    return m.failures > 0 ? EXIT.failure : EXIT.ok;
  },
};
