/**
 * A litmus program explored in the simulator: every schedule (no preemption
 * bound) under a memory model, and the outcome of each distinct result in
 * the reference machines' form (loads per thread in program order, then
 * x, y, z), for the litmus property and the litmus table of docs/memory-models.md.
 */
import { type LitmusOp, type LitmusOutcome } from '../../models/litmus.js';
import { addon, type MemoryModel, type RunResult, type ScenarioCall } from '../../native/index.js';

export interface LitmusExploration {
  /** Whether every schedule was run (false: more than maxSchedules). */
  complete: boolean;
  schedules: number;
  /** One run per distinct result. */
  runs: RunResult[];
  outcomeOf: (r: RunResult) => LitmusOutcome;
}

export function exploreLitmus(threads: readonly (readonly LitmusOp[])[], model: MemoryModel, maxSchedules = 1_000_000): LitmusExploration {
  const result = addon().runScenario({
    target: 'litmus',
    threads: threads as ScenarioCall[][],
    memoryModel: model,
    schedule: { kind: 'exhaustive', preemptionBound: 1000, maxSchedules },
  });
  const outcomeOf = (r: RunResult): LitmusOutcome => ({
    loads: threads.map((_, t) =>
      r.history
        .filter((h) => h.thread === t && typeof h.result === 'number')
        .sort((p, q) => p.index - q.index)
        .map((h) => h.result as number),
    ),
    final: r.final!.items as [number, number, number],
  });
  return { complete: result.complete, schedules: result.schedules, runs: result.results, outcomeOf };
}
