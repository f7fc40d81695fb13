/**
 * `lockstep repro FILE`: replays a failure file deterministically and says
 * what happened. The file is validated first (FailureFileError, naming the
 * field); so is its fit with this build (an unknown target or variant).
 * Crashes and hangs are replayed in a child process with a time limit, so
 * that repro itself survives them. `memoryModel` replays under another
 * model than the file's: the same choices then pick among other candidates
 * (store buffers come and go), so it is another schedule — the verdict says
 * so, and never that the bug is gone.
 *
 * @example
 * const r = repro('.failures/x.json', { html: 'x.html' });
 * r.reproduces; // true: it still fails
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { addon, addonBuildId, type MemoryModel, type RunResult } from '../native/index.js';
import { pluginOf } from '../properties/plugins.js';
import { verdictOf } from '../properties/scenarios.js';
import { writeAtomically } from './atomic_write.js';
import { FailureFileError, readFailure, type FailureFile } from './failure_file.js';
import { renderCrashHtml, renderHtml } from './html.js';
import { pluginFileOf } from './plugin_modules.js';
import { renderFailure } from './render.js';

/**
 * Options of {@link repro}.
 *
 * @example
 * repro(path, { html: 'failure.html', memoryModel: 'sc', timeoutSeconds: 10 } satisfies ReproOptions);
 */
export interface ReproOptions {
  /** Also write the failure as a self-contained HTML page here. */
  html?: string;
  /** Replay under this memory model instead of the file's. */
  memoryModel?: MemoryModel;
  /** A crash or hang replay that runs longer is a hang. @defaultValue 30 */
  timeoutSeconds?: number;
  /** The --plugin files loaded for a plugin's failure (importPlugins): a crash's replay child loads them too. */
  plugins?: string[];
}

/**
 * What {@link repro} found: whether the failure reproduces, and the text `lockstep repro`
 * prints (the verdict, the scenario table, the interleaving); the same as data (what
 * `lockstep repro --json` prints).
 *
 * @example
 * const { reproduces, text } = repro(path);
 */
export interface ReproResult {
  /** It failed again (under the file's model, or the one asked for). */
  reproduces: boolean;
  /** All that `lockstep repro` prints: the notes, the verdict, the report. */
  text: string;
  /** The verdict, as printed after the file's name: `reproduces: linearizability`, `does not reproduce: ...`. */
  verdict: string;
  /** The check that failed on replay (a crash or hang replay: `crash` when it died, `hang` when it ran past its time); absent when it passed. */
  check?: string;
  /** What broke, as that check says it; absent when it passed. */
  message?: string;
  /** Printed before the verdict: the failure came from another engine build, or is replayed under another memory model. */
  notes: string[];
  /** The failure as replayed: the file's, its scenario moved to `memoryModel` when one was asked for. */
  failure: FailureFile;
  /** The replayed run (its outcome, history, choices); absent for a crash or hang, replayed in a child process. */
  run?: RunResult;
  /** The scenario table and the interleaving (a crash or hang: the scenario and the replay's last output). */
  report: string;
}

const CHILD = fileURLToPath(new URL('./replay_child.js', import.meta.url));

/**
 * Replays a failure file deterministically (what `lockstep repro` does): the verdict, then the
 * report; a crash or hang is replayed in a child process with a time limit. Throws a
 * FailureFileError for a malformed file or one that does not fit this build.
 *
 * @example
 * const r = repro('.failures/x.json', { html: 'x.html' });
 * r.reproduces; // true: it still fails
 */
export function repro(path: string, options: ReproOptions = {}): ReproResult {
  const read = readFailure(path);
  const other = options.memoryModel !== undefined && options.memoryModel !== read.memoryModel;
  const f = other ? underModel(read, options.memoryModel!) : read;
  const target = addon()
    .listTargets()
    .find((t) => t.name === f.target);
  if (target === undefined) {
    const from = f.plugin === undefined ? '' : `: it comes from the plugin ${pluginFileOf(f.plugin)}; give --plugin with it`;
    throw new FailureFileError(`${path}: target '${f.target}' is not in this build${from}`);
  }
  if (f.plugin !== undefined) {
    const now = pluginOf(f.target);
    if (now !== undefined && now.sha256 !== f.plugin.sha256) {
      throw new FailureFileError(
        `${path}: its plugin was rebuilt: ${now.library} is not the build that failed (sha256 ${f.plugin.sha256.slice(0, 12)}… then, ${now.sha256.slice(0, 12)}… now); replay with the library that failed, or fuzz the new build afresh`,
      );
    }
  }
  if (!target.variants.some((v) => v.name === f.variant)) throw new FailureFileError(`${path}: ${f.target} has no variant '${f.variant}' in this build`);
  const notes: string[] = [];
  if (f.build !== addonBuildId()) notes.push(`found with engine build ${f.build}; replaying on ${addonBuildId()}`);
  if (other) notes.push(`found under ${read.memoryModel}; replaying under ${f.memoryModel} (the same choices, another schedule)`);
  const note = notes.map((n) => `note: ${n}\n`).join('');
  if (f.check === 'crash' || f.check === 'hang') return replayInChild(path, f, notes, other, options);

  let run;
  try {
    run = addon().runScenario(f.scenario);
  } catch (e) {
    throw new FailureFileError(`${path}: its scenario is not valid here: ${(e as Error).message}`);
  }
  const broken = verdictOf(f.scenario, run);
  const traced = addon().runScenario({ ...f.scenario, trace: true });
  const verdict = other
    ? broken === null
      ? `passes under ${f.memoryModel} (it failed ${f.check} under ${read.memoryModel}): these choices make another schedule under ${f.memoryModel}, so this does not say the bug is gone — replay without --memory-model for that`
      : `fails under ${f.memoryModel} too: ${broken.check}${broken.check === f.check ? '' : ` (the file says ${f.check} under ${read.memoryModel})`}`
    : broken === null
      ? `does not reproduce: the run now passes (it failed ${f.check}: ${f.message.split('\n')[0]})`
      : broken.check === f.check
        ? `reproduces: ${broken.check}`
        : `reproduces, failing another check: ${broken.check} (the file says ${f.check})`;
  if (options.html !== undefined) writeAtomically(options.html, renderHtml(f, run, traced, verdict));
  const report = renderFailure(f.scenario, run, traced, broken?.message ?? 'passes now');
  return {
    reproduces: broken !== null,
    text: `${note}${path}: ${verdict}\n\n${report}\n`,
    verdict,
    ...(broken !== null ? { check: broken.check, message: broken.message } : {}),
    notes,
    failure: f,
    run,
    report,
  };
}

/** The failure with its scenario moved to `model` (absent for sc, as generated scenarios have it). */
function underModel(f: FailureFile, model: MemoryModel): FailureFile {
  const { memoryModel: _, ...rest } = f.scenario;
  return { ...f, memoryModel: model, scenario: model === 'sc' ? rest : { ...rest, memoryModel: model } };
}

/** A crash or hang: the case runs in a child process with a time limit. */
function replayInChild(path: string, f: FailureFile, notes: string[], other: boolean, options: ReproOptions): ReproResult {
  const seconds = options.timeoutSeconds ?? 30;
  const child = spawnSync(process.execPath, [CHILD, JSON.stringify(f.scenario), JSON.stringify(options.plugins ?? [])], { timeout: seconds * 1000, encoding: 'utf8', killSignal: 'SIGKILL' });
  const invalid = child.status === 2 && child.signal === null ? /^invalid scenario: (.*)$/m.exec(child.stderr)?.[1] : undefined;
  if (invalid !== undefined) throw new FailureFileError(`${path}: its scenario is not valid here: ${invalid}`);
  const timedOut = (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const died = timedOut || child.signal !== null || child.status !== 0;
  const how = timedOut ? `it ran past ${seconds} s and was killed` : child.signal !== null ? `signal ${child.signal}` : `exit code ${child.status}`;
  const was = f.message.split('\n')[0];
  const verdict = died
    ? `${other ? `fails under ${f.memoryModel} too` : 'reproduces'}: the replay ${timedOut ? 'hung' : 'died'} (${how})`
    : other
      ? `runs to its end under ${f.memoryModel} (it was: ${was}); replay without --memory-model to see whether the crash is gone`
      : `does not reproduce: the case now runs to its end (it was: ${was})`;
  if (options.html !== undefined) writeAtomically(options.html, renderCrashHtml(f, verdict));
  const output = child.stderr.trim() === '' ? '' : `\nits last output:\n${child.stderr.trim().split('\n').slice(-8).join('\n')}\n`;
  const report = `scenario: ${JSON.stringify(f.scenario)}\n${output}`;
  const note = notes.map((n) => `note: ${n}\n`).join('');
  return {
    reproduces: died,
    text: `${note}${path}: ${verdict}\n\n${report}`,
    verdict,
    ...(died ? { check: timedOut ? 'hang' : 'crash', message: `the replay ${timedOut ? 'hung' : 'died'} (${how})` } : {}),
    notes,
    failure: f,
    report,
  };
}
