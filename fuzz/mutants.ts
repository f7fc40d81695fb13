/**
 * `lockstep mutants`: a campaign against every seeded bug, each until its
 * first failure or its time budget, `repeat` times with different seeds;
 * the table says, per mutant, whether it was caught, the median time and
 * runs to the first failure (time includes starting the worker), the check
 * that failed and the shrunk size. Mutants no current memory model can
 * expose are listed with the reason instead of run.
 */
import { pairsFor } from './options.js';
import { runCampaign } from './campaign.js';
import { deriveSeed } from './seeds.js';
import { WEAK_MEMORY_ONLY } from '../properties/_internals/simulation.js';

export interface MutantRow {
  target: string;
  variant: string;
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

export async function runMutants(o: { targets: string[]; seconds: number; jobs: number; seed: number; out: string; repeat: number; onRow?: (r: MutantRow) => void }): Promise<MutantRow[]> {
  const rows: MutantRow[] = [];
  for (const pair of pairsFor(o.targets, 'mutants')) {
    const reason = WEAK_MEMORY_ONLY[`${pair.target}/${pair.variant}`];
    const row: MutantRow = { ...pair, repeat: o.repeat };
    if (reason !== undefined) {
      row.reason = `not observable under sequential consistency: ${reason}`;
    } else {
      const seconds: number[] = [];
      const runs: number[] = [];
      for (let r = 0; r < o.repeat; r++) {
        const summary = await runCampaign({ pairs: [pair], strategy: 'mixed', seconds: o.seconds, jobs: o.jobs, seed: deriveSeed(o.seed, r), out: o.out, stopAtFirstFailure: true });
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
