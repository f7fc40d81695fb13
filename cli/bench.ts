/** `lockstep bench`: the native benchmarks against their peers (bench/native_bench.ts). */
import { BenchError, BENCHES, runNativeBench, type BenchName, type BenchReport } from '../bench/native_bench.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, parse, parseCount, usage } from './flags.js';
import { jsonOutput } from './schemas.js';

export const bench: Command = {
  name: 'bench',
  summary: 'the native benchmarks against their peers: tables, JSON, charts',
  help: () => `lockstep bench [flags]: the native benchmarks, each subject against the
peers a user would pick instead (timing inside native code; medians, spread,
ratios against the best peer of the same run)

  --filter F     benchmarks whose name contains F; a comma-separated list
                 (${Object.keys(BENCHES).join(', ')})  [all]
  --trials N     trials per benchmark  [7]
  --smoke        each loop once with small sizes: proves it builds and runs;
                 writes nothing
  --json         print the reports as JSON (schemas/bench.schema.json)

The loops are built under build/bench on first use (cmake); peers from
Debian's packages are linked when installed and listed as skipped when not.
Each benchmark writes bench/results/<name>.json and <name>.svg.

${exitCodes({ ok: 'every benchmark ran', failure: 'a loop failed to build or run', usage: 'a bad flag', internal: 'an internal error (a lockstep bug: please report it)' })}`,
  run: (args) => {
    const { values: v } = parse('bench', args, { filter: { type: 'string' }, trials: { type: 'string' }, smoke: { type: 'boolean' }, json: { type: 'boolean' } });
    if (v.help) return process.stdout.write(bench.help()), EXIT.ok;
    const all = Object.keys(BENCHES) as BenchName[];
    const filters = (v.filter ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
    const names = filters.length === 0 ? all : all.filter((n) => filters.some((f) => n.includes(f)));
    if (names.length === 0) usage('bench', `--filter '${v.filter}' matches no benchmark (${all.join(', ')})`);
    const trials = parseCount('--trials', v.trials ?? '7', 1, 1000);
    const reports = [];
    for (const name of names) {
      if (!v.json) process.stderr.write(`bench ${name}...\n`);
      try {
        const report = runNativeBench(name, { trials, smoke: v.smoke ?? false, log: (l) => process.stderr.write(l) });
        reports.push(report);
        if (!v.json) process.stdout.write(`\n## ${name} (${BENCHES[name].unit})\n\n${report.table}\n${report.files.length ? `wrote ${report.files.join(' and ')}\n` : ''}`);
      } catch (e) {
        if (!(e instanceof BenchError)) throw e;
        process.stderr.write(`lockstep bench: ${name}: ${e.message}\n`);
        return EXIT.failure;
      }
    }
    if (v.json) process.stdout.write(benchJson(reports, v.smoke ?? false));
    return EXIT.ok;
  },
};

/** What `lockstep bench --json` prints for these reports (schemas/bench.schema.json); a ratio with no peer measured is null. */
export function benchJson(reports: readonly BenchReport[], smoke: boolean): string {
  return jsonOutput('bench', { smoke, benchmarks: reports.map(({ name, rows, skipped }) => ({ name, unit: BENCHES[name].unit, rows, skipped })) });
}
