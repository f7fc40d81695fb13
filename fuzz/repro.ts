/**
 * `lockstep repro FILE`: replays a failure file deterministically and says
 * whether it still fails. Exit code 1 when it reproduces, 0 when it no
 * longer does, 2 (a FailureFileError) when the file is malformed or does not
 * fit this build (unknown target or variant, an invalid scenario). Crashes
 * and hangs are replayed in a child process, so that repro itself survives.
 * `memoryModel` replays under another model than the file's: the same
 * choices then pick among other candidates (store buffers come and go), so
 * it is another schedule, useful to ask whether a failure needs the model.
 */
import { spawnSync } from 'node:child_process';

import { addon, addonBuildId, defaultAddonPath, type MemoryModel } from '../native/index.js';
import { verdictOf } from '../properties/_internals/simulation.js';
import { FailureFileError, readFailure, writeAtomically, type FailureFile } from './failure_file.js';
import { renderHtml } from './html.js';
import { renderFailure } from './render.js';

export interface ReproResult {
  reproduces: boolean;
  text: string;
}

export function repro(path: string, htmlOut?: string, memoryModel?: MemoryModel): ReproResult {
  const read = readFailure(path);
  const f = memoryModel === undefined || memoryModel === read.memoryModel ? read : underModel(read, memoryModel);
  const target = addon()
    .listTargets()
    .find((t) => t.name === f.target);
  if (target === undefined) throw new FailureFileError(`${path}: target '${f.target}' is not in this build`);
  if (!target.variants.some((v) => v.name === f.variant)) throw new FailureFileError(`${path}: ${f.target} has no variant '${f.variant}' in this build`);
  let note = f.build === addonBuildId() ? '' : `note: found with engine build ${f.build}; replaying on ${addonBuildId()}\n`;
  if (f !== read) note += `note: found under ${read.memoryModel}; replaying under ${f.memoryModel} (the same choices, another schedule)\n`;
  if (f.check === 'crash' || f.check === 'hang') return replayInChild(f, note);

  let run;
  try {
    run = addon().runScenario(f.scenario);
  } catch (e) {
    throw new FailureFileError(`${path}: its scenario is not valid here: ${(e as Error).message}`);
  }
  const broken = verdictOf(f.scenario, run);
  const traced = addon().runScenario({ ...f.scenario, trace: true });
  const verdict =
    broken === null
      ? `does not reproduce: the run now passes (it failed ${f.check}: ${f.message})`
      : broken.check === f.check
        ? `reproduces: ${broken.check}`
        : `reproduces, failing another check: ${broken.check} (the file says ${f.check})`;
  if (htmlOut !== undefined) writeAtomically(htmlOut, renderHtml(f, run, traced, verdict));
  const report = renderFailure(f.scenario, run, traced, broken?.message ?? 'passes now');
  return { reproduces: broken !== null, text: `${note}${path}: ${verdict}\n\n${report}\n` };
}

/** The failure with its scenario moved to `model` (absent for sc, as generated scenarios have it). */
function underModel(f: FailureFile, model: MemoryModel): FailureFile {
  const { memoryModel: _, ...rest } = f.scenario;
  return { ...f, memoryModel: model, scenario: model === 'sc' ? rest : { ...rest, memoryModel: model } };
}

/** A crash or hang: run the case in a child process with a time limit. */
function replayInChild(f: FailureFile, note: string): ReproResult {
  const script = `const a = require(process.argv[1]); a.runScenario(JSON.parse(process.argv[2]));`;
  const child = spawnSync(process.execPath, ['-e', script, defaultAddonPath(), JSON.stringify(f.scenario)], { timeout: 30_000, encoding: 'utf8' });
  const died = child.signal !== null || child.status !== 0;
  const how = child.error?.message ?? (child.signal !== null ? `signal ${child.signal}` : `exit code ${child.status}`);
  const verdict = died ? `reproduces: the replay died (${how})` : `does not reproduce: the case now runs to its end (it was: ${f.message.split('\n')[0]})`;
  return { reproduces: died, text: `${note}${verdict}\n\nscenario: ${JSON.stringify(f.scenario)}\n` };
}
