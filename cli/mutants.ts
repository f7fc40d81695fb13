/** `lockstep mutants`: mutation testing — a campaign against every seeded bug (fuzz/mutants.ts). */
import { writeAtomically } from '../fuzz/atomic_write.js';
import { runMutants, type MutantRow } from '../fuzz/mutants.js';
import { table } from '../fuzz/render.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, loadPluginFlags, outFile, outFolder, parse, PLUGIN_FLAG, parseCount, parseDuration, parseMemoryModel, parseSeed, parseTargets } from './flags.js';
import { mutantsJUnit } from './junit.js';
import { number } from './output.js';
import { jsonOutput } from './schemas.js';

export const mutants: Command = {
  name: 'mutants',
  summary: 'run a campaign against every seeded bug; print what is caught',
  help: () => `lockstep mutants [flags]: mutation testing — a campaign against every seeded bug

  --target T|all   targets, or a comma-separated list
                   [all; with --plugin, the plugins' targets]
  --memory-model M run every mutant under sc, tso or c11  [per mutant: the
                   strongest model that can show it]
  --time D         budget per mutant per repeat  [10s]
  --repeat N       campaigns per mutant, different seeds; times are medians  [1]
  --jobs N         worker processes per campaign  [1]
  --seed S         0 to 2147483647  [random]
  --out DIR        failure files  [.failures/mutants]
  --json           print the table as JSON (schemas/mutants.schema.json)
  --junit FILE     also write a JUnit XML report: a testcase per mutant, a
                   <failure> for each not caught, <skipped> for each not run
  --plugin FILE    load your own targets (docs/sdk.md); again for more

${exitCodes({
  ok: 'every mutant its memory model can expose was caught in every repeat',
  failure: 'a mutant that its memory model can expose was not caught',
  usage: 'a bad flag, an --out or --junit that cannot be written, no addon build',
  internal: 'an internal error (a lockstep bug: please report it)',
})}`,
  run: async (args) => {
    const { values: v } = parse('mutants', args, {
      target: { type: 'string' },
      ...PLUGIN_FLAG,
      'memory-model': { type: 'string' },
      time: { type: 'string' },
      repeat: { type: 'string' },
      jobs: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      junit: { type: 'string' },
    });
    if (v.help) return process.stdout.write(mutants.help()), EXIT.ok;
    const plugins = await loadPluginFlags('mutants', v.plugin);
    const { seed } = parseSeed(v.seed);
    const memoryModel = parseMemoryModel(v['memory-model']);
    const targets = parseTargets(v.target, plugins.targets);
    const seconds = parseDuration('--time', v.time ?? '10s');
    const repeat = v.repeat === undefined ? 1 : parseCount('--repeat', v.repeat, 1, 100);
    const jobs = v.jobs === undefined ? 1 : parseCount('--jobs', v.jobs, 1, 256);
    const out = outFolder('--out', v.out ?? '.failures/mutants');
    const junit = v.junit === undefined ? undefined : outFile('--junit', v.junit);
    const started = new Date();
    const rows = await runMutants({
      targets,
      plugins: plugins.files,
      ...(memoryModel !== undefined ? { memoryModel } : {}),
      seconds,
      repeat,
      jobs,
      seed,
      out,
      onRow: (r) => {
        if (!v.json) process.stderr.write(`${r.target}/${r.variant} (${r.memoryModel}): ${r.reason ? 'not run' : `${r.caught} of ${r.repeat} caught`}\n`);
      },
    });
    if (v.json) process.stdout.write(jsonOutput('mutants', { seed, rows }));
    else {
      process.stdout.write(`\nmutants, seed ${seed}:\n\n`);
      process.stdout.write(table(['target', 'variant', 'model', 'caught', 'median time', 'median runs', 'check', 'shrunk (threads x ops, preemptions)'], rows.map(mutantRow)) + '\n');
    }
    if (junit !== undefined) {
      // A report that cannot be written now (a full disk) is a WriteError: exit 2, one line.
      writeAtomically(junit, mutantsJUnit(rows, { at: started, seconds: (Date.now() - started.getTime()) / 1000, seed, perMutantSeconds: seconds }));
      if (!v.json) process.stdout.write(`\nJUnit report: ${junit}\n`);
    }
    return rows.some((r) => r.caught !== undefined && r.caught < r.repeat) ? EXIT.failure : EXIT.ok;
  },
};

function mutantRow(r: MutantRow): string[] {
  if (r.reason !== undefined) return [r.target, r.variant, r.memoryModel, 'not run', '-', '-', '-', r.reason];
  return [
    r.target,
    r.variant,
    r.memoryModel,
    `${r.caught} of ${r.repeat}`,
    r.medianSeconds === undefined ? '-' : `${r.medianSeconds.toFixed(2)} s`,
    r.medianRuns === undefined ? '-' : number(r.medianRuns),
    r.check ?? '-',
    r.shrunk ? `${r.shrunk.threads} x ${r.shrunk.ops}, ${r.shrunk.preemptions}` : '-',
  ];
}
