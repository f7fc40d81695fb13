/**
 * The simulation property for every structure: the correct variants pass at
 * the CI run count; every seeded bug that sequential consistency can show is
 * caught, and its shrunk counterexample printed in lincheck's layout.
 * Ordering bugs that only a weaker memory model shows are listed, skipped,
 * with the reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';
import { report, simulationProperty, SPECS, WEAK_MEMORY_ONLY } from './_internals/simulation.js';

const targets = addon()
  .listTargets()
  .filter((t) => t.name in SPECS);

describe.each(targets)('$name', (target) => {
  it('correct: runs clean, linearizable and conserving, on every generated scenario and schedule', () => {
    fc.assert(simulationProperty(target, 'correct'), runOptions(400));
  });

  for (const { name: variant } of target.variants.slice(1)) {
    const reason = WEAK_MEMORY_ONLY[`${target.name}/${variant}`];
    if (reason !== undefined) {
      it.skip(`${variant}: not observable under sequential consistency, because ${reason}`, () => {});
      continue;
    }
    it(`${variant}: caught, with a shrunk counterexample`, () => {
      const result = fc.check(simulationProperty(target, variant), { numRuns: 20_000, seed: 42 });
      expect(result.failed, `${variant} was not caught in ${result.numRuns} runs`).toBe(true);
      const shrunk = result.counterexample![0];
      process.stdout.write(`\n${report(shrunk)}\n(fast-check seed ${result.seed}, path ${result.counterexamplePath}, ${result.numRuns} runs, ${result.numShrinks} shrinks)\n`);
    });
  }
});
