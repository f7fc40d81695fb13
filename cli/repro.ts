/**
 * `lockstep repro FILE`: replay a failure file (fuzz/repro.ts) and print
 * what happens; optionally an HTML page of it.
 */
import { existsSync } from 'node:fs';

import { readFailure } from '../fuzz/failure_file.js';
import { pluginFileOf } from '../fuzz/plugin_modules.js';
import { repro as replay, type ReproResult } from '../fuzz/repro.js';
import type { Command } from './command.js';
import { addonBuildId } from '../native/index.js';
import { EXIT, exitCodes, loadPluginFlags, outFile, parse, parseDuration, parseMemoryModel, PLUGIN_FLAG, PLUGIN_HELP, usage } from './flags.js';
import { jsonOutput } from './schemas.js';

export const repro: Command = {
  name: 'repro',
  summary: 'replay a failure file and print what happens',
  help: () => `lockstep repro FILE [flags]: replay a failure file

  --html OUT            also write the failure as a self-contained HTML page
  --memory-model M      replay under sc, tso or c11 instead of the file's model:
                        the same choices, another schedule
  --timeout D           a crash or hang replay (in a child process) that runs
                        longer is a hang  [30s]
  --json                print the verdict as JSON: the check and message, the
                        scenario, the run's history, the report
                        (schemas/repro.schema.json)
${PLUGIN_HELP}
                        [a plugin's failure: the plugin it records]

Prints the scenario table and the interleaving (a crash or hang: the case
and how the replay ended). The file is checked before anything runs: a
damaged one is exit 2, naming the field. A plugin target's failure loads
the plugin it records and refuses another build of its library (exit 2).

${exitCodes({
  ok: "it no longer fails (under --memory-model: it passes under that model, which says nothing of the file's)",
  failure: 'it fails again',
  usage: 'a bad flag; a file that is malformed, damaged or does not fit this build',
  internal: 'an internal error (a lockstep bug: please report it)',
})}`,
  run: async (args) => {
    const { values: v, positionals } = parse('repro', args, { html: { type: 'string' }, 'memory-model': { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' }, ...PLUGIN_FLAG }, true);
    if (v.help) return process.stdout.write(repro.help()), EXIT.ok;
    if (positionals.length !== 1) usage('repro', `repro takes one failure file, got ${positionals.length}`);
    const memoryModel = parseMemoryModel(v['memory-model']);
    const timeoutSeconds = parseDuration('--timeout', v.timeout ?? '30s');
    const html = v.html === undefined ? undefined : outFile('--html', v.html);
    const file = positionals[0]!;
    // A plugin's failure: the plugin it records, unless --plugin says which.
    const recorded = v.plugin === undefined ? readFailure(file).plugin : undefined;
    if (recorded !== undefined && !existsSync(pluginFileOf(recorded))) {
      usage('repro', `${file} comes from the plugin ${pluginFileOf(recorded)}, which is not there: build it, or give --plugin`);
    }
    const plugins = await loadPluginFlags('repro', v.plugin ?? (recorded === undefined ? undefined : [pluginFileOf(recorded)]));
    const result = replay(file, { ...(html !== undefined ? { html } : {}), ...(memoryModel !== undefined ? { memoryModel } : {}), timeoutSeconds, plugins: plugins.files });
    if (v.json) {
      process.stdout.write(reproJson(file, result, html));
    } else {
      process.stdout.write(result.text);
      if (html !== undefined) process.stdout.write(`written: ${html}\n`);
    }
    return result.reproduces ? EXIT.failure : EXIT.ok;
  },
};

/** What `lockstep repro --json` prints (schemas/repro.schema.json). */
function reproJson(file: string, result: ReproResult, html: string | undefined): string {
  const recorded = readFailure(file);
  const f = result.failure;
  const r = result.run;
  return jsonOutput('repro', {
    file,
    reproduces: result.reproduces,
    verdict: result.verdict,
    ...(result.check !== undefined ? { check: result.check, message: result.message } : {}),
    recorded: { check: recorded.check, message: recorded.message, memoryModel: recorded.memoryModel, build: recorded.build },
    target: f.target,
    variant: f.variant,
    memoryModel: f.memoryModel,
    build: addonBuildId(),
    notes: result.notes,
    scenario: f.scenario,
    ...(r !== undefined ? { run: { outcome: r.outcome, history: r.history, pending: r.pending, choices: r.choices, steps: r.steps, ...(r.final !== undefined ? { final: r.final } : {}) } } : {}),
    report: result.report,
    ...(html !== undefined ? { html } : {}),
  });
}
