/**
 * `lockstep mutants`: a campaign against every seeded bug, each until its
 * first failure or its time budget, `repeat` times with different seeds;
 * the table says, per mutant, whether it was caught, the median time and
 * runs to the first failure (time includes starting the worker), the check
 * that failed and the shrunk size. Each mutant runs under the strongest
 * memory model that can show it (sc, else tso, else c11), or `memoryModel` when given,
 * with mixed strategies (or the one its target's spec names for it);
 * mutants it cannot show are listed with the reason instead of run.
 */
import { runCampaign } from './campaign.js';
import { deriveSeed } from './seeds.js';
import { addon, type MemoryModel } from '../native/index.js';
import { MEMORY_MODELS, mutantModel } from '../properties/_internals/mutant_models.js';
import { variantNeeds } from '../properties/_internals/specs.js';

export interface MutantRow {
  target: string;
  variant: string;
  /** The memory model it ran under (or would need, when not run). */
  memoryModel: string;
  /** Runs that caught it, of `repeat`; undefined when not run. */
  caught?: number;
  repeat: number;
  medianSeconds?: number;
  medianRuns?: number;
  check?: string;
  shrunk?: { threads: number; ops: number; preemptions: number; steps: number };
  reason?: string;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

export async function runMutants(o: {
  targets: string[];
  seconds: number;
  jobs: number;
  seed: number;
  out: string;
  repeat: number;
  memoryModel?: MemoryModel;
  /** --plugin files the targets need (each campaign's workers load them). */
  plugins?: string[];
  onRow?: (r: MutantRow) => void;
}): Promise<MutantRow[]> {
  const rows: MutantRow[] = [];
  const rank = (m: string) => MEMORY_MODELS.indexOf(m as (typeof MEMORY_MODELS)[number]);
  const variants = new Map(addon().listTargets().map((t) => [t.name, t.variants.slice(1).map((v) => v.name)]));
  const pairs = o.targets.flatMap((target) => (variants.get(target) ?? []).map((variant) => ({ target, variant })));
  for (const pair of pairs) {
    const needs = mutantModel(pair.target, pair.variant);
    const { weakest, search } = variantNeeds(pair.target, pair.variant);
    const model = o.memoryModel ?? ('model' in needs ? needs.model : weakest!.model);
    const row: MutantRow = { ...pair, memoryModel: model, repeat: o.repeat };
    if ('skip' in needs && o.memoryModel === undefined) {
      row.reason = needs.skip;
    } else if (weakest !== undefined && rank(model) < rank(weakest.model)) {
      row.reason = `not observable under ${model}: needs ${weakest.model}, because ${weakest.why}`;
    } else {
      const seconds: number[] = [];
      const runs: number[] = [];
      for (let r = 0; r < o.repeat; r++) {
        const strategy = search?.strategy ?? 'mixed';
        const summary = await runCampaign({ pairs: [pair], strategy, memoryModel: model as MemoryModel, seconds: o.seconds, jobs: o.jobs, seed: deriveSeed(o.seed, r), out: o.out, stopAtFirstFailure: true, writeSummary: false, plugins: o.plugins ?? [] });
        const p = summary.pairs[0]!;
        if (p.firstFailureSeconds !== undefined) {
          seconds.push(p.firstFailureSeconds);
          runs.push(p.firstFailureRuns ?? 0);
          if (row.check === undefined && p.check !== undefined) row.check = p.check;
          if (p.shrunk !== undefined && (row.shrunk === undefined || p.shrunk.ops < row.shrunk.ops)) row.shrunk = p.shrunk;
        }
      }
      row.caught = seconds.length;
      if (seconds.length > 0) {
        row.medianSeconds = median(seconds)!;
        row.medianRuns = median(runs)!;
      }
    }
    rows.push(row);
    o.onRow?.(row);
  }
  return rows;
}
