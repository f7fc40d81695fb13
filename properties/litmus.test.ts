/**
 * The simulator's memory models against the reference machines: for every
 * litmus test and model, the set of outcomes that exhaustive exploration
 * observes is exactly the set the model allows (memory_models.ts), so under
 * sc no weak outcome shows and under tso exactly store buffering's. The
 * comparison can fail: a tso run is not what the sc machine predicts.
 */
import { describe, expect, it } from 'vitest';

import { LITMUS, outcomeKey, type LitmusOutcome, type LitmusTest } from '../models/litmus.js';
import { outcomes } from '../models/memory_models.js';
import { addon, type MemoryModel, type RunResult, type ScenarioCall } from '../native/index.js';

const a = addon();

/** Every outcome exhaustive exploration of `test` under `model` observes. */
export function observed(test: LitmusTest, model: MemoryModel): { outcomes: Set<string>; schedules: number; runs: RunResult[] } {
  const result = a.runScenario({
    target: 'litmus',
    threads: test.threads as ScenarioCall[][],
    memoryModel: model,
    schedule: { kind: 'exhaustive', preemptionBound: 1000, maxSchedules: 1_000_000 },
  });
  expect(result.complete, `${test.name} under ${model}: exploration incomplete`).toBe(true);
  const outcomeOf = (r: RunResult): LitmusOutcome => ({
    loads: test.threads.map((_, t) =>
      r.history
        .filter((h) => h.thread === t && typeof h.result === 'number')
        .sort((p, q) => p.index - q.index)
        .map((h) => h.result as number),
    ),
    final: r.final!.items as [number, number, number],
  });
  for (const r of result.results) expect(r.outcome.kind).toBe('ok');
  return { outcomes: new Set(result.results.map((r) => outcomeKey(outcomeOf(r)))), schedules: result.schedules, runs: result.results };
}

const expected = (test: LitmusTest, model: 'sc' | 'tso') => new Set(outcomes(test.threads, model).map(outcomeKey));

describe.each(LITMUS)('$name', (test) => {
  it.each(['sc', 'tso'] as const)('%s: exhaustive exploration observes exactly the outcomes the model allows', (model) => {
    const seen = observed(test, model);
    expect(seen.outcomes).toEqual(expected(test, model));
    const weak = test.weak;
    const sawWeak = [...seen.outcomes].some((k) => outcomes(test.threads, model).some((o) => outcomeKey(o) === k && weak(o)));
    expect(sawWeak).toBe(test.allowed[model]);
  });
});

describe('the comparison', () => {
  it('fails where the models differ: tso runs of SB and R are not what the sc machine predicts', () => {
    for (const name of ['SB', 'R']) {
      const test = LITMUS.find((t) => t.name === name)!;
      expect(observed(test, 'tso').outcomes).not.toEqual(expected(test, 'sc'));
    }
  });

  it('tso replays: the choices of a weak SB run give the same run again', () => {
    const sb = LITMUS.find((t) => t.name === 'SB')!;
    const weakRun = observed(sb, 'tso').runs.find((r) => r.history.filter((h) => h.op.startsWith('load')).every((h) => h.result === 0))!;
    const again = a.runScenario({ target: 'litmus', threads: sb.threads as ScenarioCall[][], memoryModel: 'tso', schedule: { kind: 'choices', choices: weakRun.choices } });
    expect(again.history).toEqual(weakRun.history);
    expect(again.final).toEqual(weakRun.final);
  });
});
