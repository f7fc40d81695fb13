/**
 * `lockstep fuzz`: a campaign (fuzz/campaign.ts) with live progress, a
 * summary table and exit codes a script can trust. The first Ctrl-C (or
 * SIGTERM) stops the workers and prints and saves the summary of what ran;
 * a second one exits at once.
 */
import { availableParallelism } from 'node:os';

import { WriteError, writeAtomically } from '../fuzz/atomic_write.js';
import { runCampaign, summaryPath, type Progress, type Summary } from '../fuzz/campaign.js';
import type { Strategy } from '../fuzz/cases.js';
import { table } from '../fuzz/render.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, loadPluginFlags, outFile, outFolder, pairsFor, parse, PLUGIN_FLAG, PLUGIN_HELP, parseCount, parseDuration, parseMemoryModel, parseSeed, parseShard, parseTargets, usage } from './flags.js';
import { campaignJUnit, type UnsavedFailure } from './junit.js';
import { number, progressLine } from './output.js';

const STRATEGIES = ['choices', 'random', 'pct', 'exhaustive', 'mixed'];

export const fuzz: Command = {
  name: 'fuzz',
  summary: 'run a fuzz campaign (no flags: 20 s over every structure)',
  help: () => `lockstep fuzz [flags]: fuzz the engine in the simulator

  --target T|all        a target (lockstep list), a comma-separated list, or all
                        [all; with --plugin, the plugins' targets]
  --variant V           correct, a variant name, a comma-separated list,
                        mutants (every seeded bug), or all  [correct]
  --strategy S          choices | random | pct | exhaustive | mixed  [mixed]
  --memory-model M      sc | tso (x86 store buffers) | c11 (C++20)  [sc]
  --time D              time budget: 60s, 2m, 500ms, 1h, 2d (at most 365d)  [20s, unless --runs]
  --runs N              run budget instead: every target/variant pair gets
                        N / pairs of them (at least one each)
  --jobs N              worker processes  [this machine's cores]
  --seed S              campaign seed, 0 to 2147483647; printed when not given  [random]
  --shard i/n           this machine's part of a campaign spread over n machines  [1/1]
  --out DIR             where failure files and the summary go  [.failures]
  --keep-going          keep fuzzing a target/variant after its first failure
  --hang-timeout D      a worker silent this long while running a case is
                        killed and its case recorded as a hang  [30s]
  --json                print the summary as JSON, without progress
                        (schemas/fuzz-summary.schema.json)
  --junit FILE          also write a JUnit XML report for CI: a testcase per
                        target/variant, a <failure> (the message, the failure
                        file) for each that failed
${PLUGIN_HELP}

Pairs take turns in chunks of up to 200 runs. Each failure is saved as a
file (once, atomically) under --out, and by default a target/variant that
failed is not fuzzed further (the others go on). A worker that crashes or
hangs is recorded with the case it was running and replaced; a failure it
was shrinking is saved unshrunk. The summary goes to
DIR/summary-<campaign>.json (and the report to --junit FILE). The first
Ctrl-C stops the campaign and prints and saves the summary of what ran; a
second exits at once.

${exitCodes({
  ok: 'every pair ran, nothing failed',
  failure: 'a failure found (its files are listed)',
  usage: 'a bad flag, an --out or --junit that cannot be written, no addon build',
  internal: 'an internal error (a lockstep bug: please report it)',
  unsaved: 'a failure could not be saved (a full disk): printed in full on stderr;\n      or the summary, or the --junit report, could not be saved',
  incomplete: 'a pair got no runs, or a worker died where no case ran (see the warnings)',
  sigint: 'stopped by Ctrl-C (143: by SIGTERM), after printing the summary',
})}`,
  run: async (args) => {
    const { values: v } = parse('fuzz', args, {
      target: { type: 'string' },
      variant: { type: 'string' },
      strategy: { type: 'string' },
      'memory-model': { type: 'string' },
      time: { type: 'string' },
      runs: { type: 'string' },
      jobs: { type: 'string' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      junit: { type: 'string' },
      'keep-going': { type: 'boolean' },
      'hang-timeout': { type: 'string' },
      ...PLUGIN_FLAG,
    });
    if (v.help) return process.stdout.write(fuzz.help()), EXIT.ok;
    const plugins = await loadPluginFlags('fuzz', v.plugin);
    const strategy = (v.strategy ?? 'mixed') as Strategy;
    if (!STRATEGIES.includes(strategy)) usage('fuzz', `--strategy must be one of ${STRATEGIES.join(', ')}, got '${v.strategy}'`);
    const memoryModel = parseMemoryModel(v['memory-model']) ?? 'sc';
    if (v.time !== undefined && v.runs !== undefined) usage('fuzz', '--time and --runs are two budgets: give one');
    const seconds = v.runs === undefined ? parseDuration('--time', v.time ?? '20s') : undefined;
    const runs = v.runs === undefined ? undefined : parseCount('--runs', v.runs, 1, 1e12);
    const jobs = v.jobs === undefined ? availableParallelism() : parseCount('--jobs', v.jobs, 1, 256);
    const hangSeconds = parseDuration('--hang-timeout', v['hang-timeout'] ?? '30s');
    const { seed, given } = parseSeed(v.seed);
    const pairs = pairsFor(parseTargets(v.target, plugins.targets), v.variant ?? 'correct');
    if (runs !== undefined && runs < pairs.length) usage('fuzz', `--runs ${runs} is fewer than the ${pairs.length} target/variant pairs selected: each needs at least one run`);
    const shard = v.shard === undefined ? { index: 1, count: 1 } : parseShard(v.shard);
    const dir = outFolder('--out', v.out ?? '.failures');
    const junit = v.junit === undefined ? undefined : outFile('--junit', v.junit);
    const live = !v.json && process.stderr.isTTY;
    if (!v.json) {
      process.stderr.write(
        `lockstep fuzz: ${pairs.length} target/variant pair(s), strategy ${strategy}, memory model ${memoryModel}, ${seconds !== undefined ? `${seconds} s` : `${runs} runs`}, ${jobs} job(s), seed ${seed}${given ? '' : ' (random; --seed repeats it)'}${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}, failures to ${dir}\n`,
      );
    }
    const stop = new AbortController();
    const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
      if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm); // the second one: at once
      if (!v.json) process.stderr.write(`${live ? '\n' : ''}lockstep fuzz: ${signal}: stopping the workers; the summary follows (again to exit at once)\n`);
      stop.abort(signal);
    };
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    let lastPrinted = Date.now();
    const started = new Date();
    const unsaved: UnsavedFailure[] = [];
    let summary: Summary;
    try {
      summary = await runCampaign({
        pairs,
        strategy,
        memoryModel,
        ...(seconds !== undefined ? { seconds } : {}),
        ...(runs !== undefined ? { runs } : {}),
        jobs,
        seed,
        shard,
        out: dir,
        keepGoing: v['keep-going'] ?? false,
        hangSeconds,
        plugins: plugins.files,
        signal: stop.signal,
        onProgress: (p: Progress) => {
          if (v.json) return;
          if (live) process.stderr.write(`\r${progressLine(p)}  `);
          else if (Date.now() - lastPrinted > 5000) {
            process.stderr.write(progressLine(p) + '\n');
            lastPrinted = Date.now();
          }
        },
        onFailure: (path, f, replaced) => {
          const note = replaced ? ' (it replaces a damaged file of that name)' : '';
          if (!v.json) process.stderr.write(`${live ? '\r' : ''}failure saved: ${path}${note}\n  ${f.target} (${f.variant}): ${f.message.split('\n')[0]}\n`);
        },
        onUnsaved: (f, error) => {
          unsaved.push({ target: f.target, variant: f.variant, check: f.check, message: f.message });
          process.stderr.write(`${live ? '\n' : ''}lockstep fuzz: a failure could not be saved: ${error.message}; here it is in full:\n${JSON.stringify(f, null, 2)}\n`);
        },
      });
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
    if (v.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else printSummary(summary, dir, live);
    if (junit !== undefined) {
      try {
        writeAtomically(junit, campaignJUnit(summary, { at: started, unsaved }));
        if (!v.json) process.stdout.write(`JUnit report: ${junit}\n`);
      } catch (e) {
        if (!(e instanceof WriteError)) throw e;
        process.stderr.write(`lockstep fuzz: the JUnit report could not be saved: ${e.message}\n`);
        const code = exitCode(summary); // as for a summary that could not be saved: 4, unless stopped by a signal
        return code === EXIT.sigint || code === EXIT.sigterm ? code : EXIT.unsaved;
      }
    }
    return exitCode(summary);
  },
};

/** The exit code a summary earns (EXIT: interrupted, unsaved, failure, incomplete, ok; the first that applies). */
export function exitCode(s: Summary): number {
  if (s.interrupted !== undefined) return s.interrupted === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
  if (s.unsaved > 0 || s.summaryError !== undefined) return EXIT.unsaved;
  if (s.failures.length > 0) return EXIT.failure;
  if (s.warnings.length > 0) return EXIT.incomplete;
  return EXIT.ok;
}

function printSummary(s: Summary, dir: string, live: boolean): void {
  if (live) process.stderr.write('\n');
  const out = (text: string) => process.stdout.write(text);
  out(
    `\n${s.interrupted ? `stopped by ${s.interrupted}: ` : ''}${number(s.runs)} runs in ${s.seconds.toFixed(1)} s (${number(s.runsPerSecond)}/s, ${s.jobs} job(s)), ${number(s.interleavings)} distinct interleavings, ` +
      `${s.failures.length} failure(s)${s.repeats ? ` (and ${s.repeats} found again)` : ''}${s.crashes ? `, ${s.crashes} worker crash(es)` : ''}${s.unsaved ? `, ${s.unsaved} NOT SAVED (printed above)` : ''}\n\n`,
  );
  out(
    table(
      ['target', 'variant', 'runs', 'failures', 'first failure'],
      s.pairs.map((p) => [p.target, p.variant, number(p.runs), String(p.failures), p.firstFailureSeconds === undefined ? '-' : `${p.firstFailureSeconds.toFixed(1)} s, ${p.check}`]),
    ) + '\n',
  );
  if (s.failures.length > 0) out(`\nfailure files (replay with lockstep repro FILE):\n${s.failures.map((f) => `  ${f.path}`).join('\n')}\n`);
  for (const w of s.warnings) process.stderr.write(`lockstep fuzz: warning: ${w}\n`);
  if (s.summaryError !== undefined) process.stderr.write(`lockstep fuzz: the summary could not be saved: ${s.summaryError}\n`);
  else out(`\nsummary: ${summaryPath(dir, s)}\n`);
}
