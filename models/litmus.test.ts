/**
 * The reference machines against the literature: for every litmus test the
 * weak outcome is reachable under sc, tso and c11 (RC11) exactly when the
 * table says the model allows it — except load buffering, which C++20
 * allows and RC11 forbids (`notModelled`) — and every sc outcome is a tso
 * and a c11 outcome.
 */
import { describe, expect, it } from 'vitest';

import { LITMUS, outcomeKey } from './litmus.js';
import { outcomes } from './memory_models.js';

describe.each(LITMUS)('$name', (test) => {
  it.each(['sc', 'tso', 'c11'] as const)('%s: the weak outcome is reachable exactly when the model allows it', (model) => {
    const all = outcomes(test.threads, model);
    expect(all.length).toBeGreaterThan(0);
    const expected = model === 'c11' && test.notModelled !== undefined ? false : test.allowed[model];
    expect(all.some(test.weak)).toBe(expected);
  });

  it('every sc outcome is a tso and a c11 outcome', () => {
    const sc = outcomes(test.threads, 'sc').map(outcomeKey);
    for (const model of ['tso', 'c11'] as const) {
      const weaker = new Set(outcomes(test.threads, model).map(outcomeKey));
      for (const o of sc) expect(weaker.has(o), `${model}: ${o}`).toBe(true);
    }
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

  it('c11: coherence keeps one thread reading a location forward, even relaxed', () => {
    const corr = [[{ op: 'store-x.rlx', arg: 1 }, { op: 'store-x.rlx', arg: 2 }], [{ op: 'load-x.rlx' }, { op: 'load-x.rlx' }]];
    const seen = outcomes(corr, 'c11').map((o) => o.loads[1]!.join(','));
    expect(seen).not.toContain('2,1');
    expect(seen).not.toContain('1,0');
    expect(seen).toContain('0,2');
  });

  it('rejects an op that is not a store, load or fence', () => {
    for (const model of ['sc', 'c11'] as const) {
      expect(() => outcomes([[{ op: 'spin-until-x' }]], model)).toThrow(RangeError);
    }
    expect(() => outcomes([[{ op: 'store-x.rlx' }]], 'sc')).toThrow(/needs an argument/);
  });
});
