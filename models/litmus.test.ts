/**
 * The reference machines against the literature: for every litmus test the
 * weak outcome is reachable under sc and tso exactly when the table says
 * the model allows it, and every sc outcome is a tso outcome.
 */
import { describe, expect, it } from 'vitest';

import { LITMUS, outcomeKey } from './litmus.js';
import { outcomes } from './memory_models.js';

describe.each(LITMUS)('$name', (test) => {
  it.each(['sc', 'tso'] as const)('%s: the weak outcome is reachable exactly when the model allows it', (model) => {
    const all = outcomes(test.threads, model);
    expect(all.length).toBeGreaterThan(0);
    expect(all.some(test.weak)).toBe(test.allowed[model]);
  });

  it('every sc outcome is a tso outcome', () => {
    const tso = new Set(outcomes(test.threads, 'tso').map(outcomeKey));
    for (const o of outcomes(test.threads, 'sc')) expect(tso.has(outcomeKey(o)), outcomeKey(o)).toBe(true);
  });
});

describe('the reference machines', () => {
  it('SB: three outcomes under sc, the fourth (0, 0) under tso', () => {
    const sb = LITMUS.find((t) => t.name === 'SB')!;
    expect(outcomes(sb.threads, 'sc').map(outcomeKey).sort()).toEqual(['0 | 1 ; 1,1,0', '1 | 0 ; 1,1,0', '1 | 1 ; 1,1,0']);
    expect(outcomes(sb.threads, 'tso').map(outcomeKey).sort()).toEqual(['0 | 0 ; 1,1,0', '0 | 1 ; 1,1,0', '1 | 0 ; 1,1,0', '1 | 1 ; 1,1,0']);
  });

  it('a load reads its own buffered store first', () => {
    const own = [[{ op: 'store-x.rlx', arg: 5 }, { op: 'load-x.rlx' }]];
    expect(outcomes(own, 'tso').map(outcomeKey)).toEqual(['5 ; 5,0,0']);
  });

  it('rejects an op that is not a store, load or fence', () => {
    expect(() => outcomes([[{ op: 'spin-until-x' }]], 'sc')).toThrow(RangeError);
    expect(() => outcomes([[{ op: 'store-x.rlx' }]], 'sc')).toThrow(/needs an argument/);
  });
});
