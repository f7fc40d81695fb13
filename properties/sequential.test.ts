import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type CollectionTarget } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';
import { runSequential, sequentialProperty, sequentialTargets } from './sequential.js';

const targets = Object.keys(sequentialTargets) as CollectionTarget[];

describe('sequential semantics through the addon', () => {
  it.each(targets)('%s (correct) matches its model on every sequence', (target) => {
    fc.assert(sequentialProperty(sequentialTargets[target], 'correct'), runOptions(300));
  });

  // The property is trusted because it catches the seeded bugs that a single
  // thread can reach. The others need interleavings (the simulator's job).
  it.each([
    ['chase-lev-deque', 'grow-copies-one-short'],
    ['mpsc-queue', 'stale-next-on-reuse'],
  ] as const)('%s catches the %s mutant', (target, variant) => {
    const result = fc.check(sequentialProperty(sequentialTargets[target], variant), { numRuns: 300, seed: 20261122 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/differs from its model/);
  });

  it('reports the first operation that differs, with the state before it', () => {
    // Growth at the third push copies one item short: slot 1 of the new ring
    // was never written, so the second pop reads its initial 0.
    const report = runSequential(sequentialTargets['chase-lev-deque'], 'grow-copies-one-short', [
      { op: 'push', arg: 1 },
      { op: 'push', arg: 2 },
      { op: 'push', arg: 3 },
      { op: 'pop' },
      { op: 'pop' },
    ]);
    expect(report).toMatch(/after 4 operation\(s\) in state \[1, 2\] \(top first\): got pop\(\) → 0, the model allows pop\(\) → 2/);
  });

  it('every variant of every target can be created and runs a solo push and pop', () => {
    for (const target of targets) {
      for (const { name } of addon().variants[target]) {
        expect(runSequential(sequentialTargets[target], name, [{ op: 'push', arg: 1 }, { op: 'pop' }])).toBeNull();
      }
    }
  });
});
