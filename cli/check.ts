/** `lockstep check FILE --model M`: is a history linearizable? The collection monitors, and the generic checker on small histories. */
import { readFileSync } from 'node:fs';

import { checkHistory, COLLECTION_MONITORS, GENERIC_CHECK_LIMIT, type HistoryCheck, type MonitorName } from '../models/collection_monitors.js';
import { parseHistory, type History } from '../models/history.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, parse, usage, UsageError } from './flags.js';
import { jsonOutput } from './schemas.js';

export const check: Command = {
  name: 'check',
  summary: 'is a history file (format 1) linearizable? the collection monitors',
  help: () => `lockstep check FILE --model M [--json]: is the history in FILE (format 1,
see docs/formats.md) linearizable for a collection with unique values?

  --model M   ${Object.entries(COLLECTION_MONITORS).map(([m, x]) => `${m} (${x.checks})`).join(',\n              ')}  (required)
  --json      print the verdicts as JSON (schemas/check.schema.json)

Runs the collection monitor of M (polynomial: any size), and for a history
of at most ${GENERIC_CHECK_LIMIT} operations also the generic checker against the same spec,
which must agree (it prints the longest linearization it found). Each
spec is an unbounded collection: a refused push (result false) is not
linearizable.

${exitCodes({ ok: 'linearizable', failure: 'not linearizable', usage: 'a bad flag or file', internal: 'an internal error, such as two checkers that disagree (a lockstep bug: please report it)' })}`,
  run: (args) => {
    const { values: v, positionals } = parse('check', args, { model: { type: 'string' }, json: { type: 'boolean' } }, true);
    if (v.help) return process.stdout.write(check.help()), EXIT.ok;
    if (positionals.length !== 1) usage('check', `check takes one history file, got ${positionals.length}`);
    const models = Object.keys(COLLECTION_MONITORS);
    if (v.model === undefined || !models.includes(v.model)) usage('check', `--model must be one of ${models.join(', ')}, got ${v.model === undefined ? 'nothing' : `'${v.model}'`}`);
    const file = positionals[0]!;
    let history: History;
    let verdict: HistoryCheck;
    try {
      history = parseHistory(JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')));
      verdict = checkHistory(v.model as MonitorName, history);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || (e as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`${file}: ${(e as Error).message}`);
      throw e; // a CheckerDisagreement: a lockstep bug, exit 3
    }
    const { monitor, generic } = verdict;
    if (v.json) process.stdout.write(jsonOutput('check', { file, model: v.model, operations: history.operations.length, monitor, generic }));
    else {
      process.stdout.write(`${file}: ${history.operations.length} operations, ${v.model} monitor: ${monitor.kind === 'ok' ? 'linearizable' : monitor.message}\n`);
      if (generic !== undefined) process.stdout.write(`generic checker: ${generic.kind === 'ok' ? 'linearizable' : generic.kind === 'unknown' ? `gave up: ${generic.message}` : generic.message}\n`);
    }
    return verdict.kind === 'ok' ? EXIT.ok : EXIT.failure;
  },
};
