/**
 * The arena's and the pool's model-based properties (memory_commands.ts):
 * the correct variants hold on every generated command sequence, and each
 * property is seen to fail on the seeded bug a single thread can reach.
 * The concurrent bugs (racy-bump, untagged-head, tag-2-bits) are the
 * simulator's: properties/simulation.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { arenaProperty, poolProperty } from './memory_commands.js';
import { runOptions } from './_internals/run_options.js';

describe('arena and block pool against their models', () => {
  it('arena (correct): aligned, disjoint, in bounds, exhausted exactly when full, reset, stats', () => {
    fc.assert(arenaProperty('correct'), runOptions(1000));
  });

  it('block pool (correct): blocks free, aligned, disjoint; exhausted only when all are out; double free an Error; stats', () => {
    fc.assert(poolProperty('correct'), runOptions(1000));
  });

  it.each([
    ['arena', 'ignores-alignment', arenaProperty, /not aligned to/],
    ['block pool', 'last-block-unused', poolProperty, /ran out with/],
  ] as const)('%s: catches the %s mutant, shrunk', (_, variant, property, message) => {
    const result = fc.check(property(variant) as fc.IPropertyWithHooks<[unknown, ...unknown[]]>, { numRuns: 300, seed: 20261130 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(message);
    process.stdout.write(`${variant}: ${String(result.errorInstance).split('\n')[0]} — counterexample ${fc.stringify(result.counterexample)}\n`);
  });

  it('bad options are clear errors', () => {
    const a = addon();
    expect(() => a.arenaCreate({ bytes: 0 })).toThrow(/arenaCreate: option bytes must be an integer from 1 to 268435456, got 0/);
    expect(() => a.arenaCreate({ hugePages: 'yes' as 'auto' })).toThrow(/arenaCreate: option hugePages must be one of auto, never, require, got 'yes'/);
    expect(() => a.poolCreate({ alignment: 3 })).toThrow(/poolCreate: option alignment must be a power of two, got 3/);
    const pool = a.poolCreate({ blocks: 2, blockSize: 32 });
    expect(() => a.poolFree(pool, 8)).toThrow(/poolFree: offset 8 is not the start of a block \(blocks start every 32 bytes, from 0 to 32\)/);
    expect(() => a.poolFree(pool, 0)).toThrow(/poolFree: the block at offset 0 is not allocated/);
    a.close(pool);
    const arena = a.arenaCreate({ bytes: 100 });
    expect(() => a.arenaAllocate(arena, 1, 3)).toThrow(/arenaAllocate: argument 3 \(alignment\) must be a power of two from 1 to 4096, got 3/);
    expect(a.arenaStats(arena)).toMatchObject({ reserved: 4096, used: 0 });
    a.close(arena);
  });

  it('a region on huge pages where the machine has them, else a clear answer', () => {
    const a = addon();
    const arena = a.arenaCreate({ bytes: 4 << 20 });
    expect(['explicit', 'transparent', 'normal']).toContain(a.arenaStats(arena).pages);
    a.close(arena);
    try {
      const h = a.arenaCreate({ bytes: 2 << 20, hugePages: 'require' });
      expect(a.arenaStats(h).pages).toBe('explicit');
      a.close(h);
    } catch (e) {
      expect(String(e)).toMatch(/arenaCreate: Region: no explicit huge pages .*vm\.nr_hugepages/);
    }
  });
});
