/**
 * The simulator through the addon: scenarios are checked field by field,
 * runs replay byte for byte (in this process and in another), exhaustive
 * mode enumerates exactly the interleavings a brute force predicts, and each
 * failure outcome can be produced.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { addon, defaultAddonPath, type Scenario } from '../index.js';

const a = addon();

describe('listTargets', () => {
  it('lists every structure with the same variants as the direct bindings, and the litmus target', () => {
    const targets = a.listTargets();
    // In name order: each target registers itself from its own file (native/sim/targets/).
    expect(targets.map((t) => t.name)).toEqual(['arc', 'arena', 'block-pool', 'chase-lev-deque', 'litmus', 'mpmc-queue', 'mpsc-queue', 'scheduler', 'spsc-ring', 'tagged-stack']);
    for (const t of targets) {
      expect(t.ops.length).toBeGreaterThan(0);
      expect(t.variants[0]?.name).toBe('correct');
      // Every structure with a direct binding lists the same variants there.
      if (t.name in a.variants) expect(t.variants).toEqual(a.variants[t.name as keyof typeof a.variants]);
    }
    const deque = targets.find((t) => t.name === 'chase-lev-deque')!;
    expect(deque.roles).toEqual([
      { name: 'owner', maxThreads: 1, description: expect.any(String) },
      { name: 'thief', description: expect.any(String) },
    ]);
    expect(deque.ops.find((o) => o.name === 'steal')?.roles).toEqual(['thief']);
    // Every role limited: a thread without ops takes none of them.
    const spsc = targets.find((t) => t.name === 'spsc-ring')!;
    expect(spsc.roles.map((r) => [r.name, r.maxThreads])).toEqual([
      ['producer', 1],
      ['consumer', 1],
    ]);
    expect(a.runScenario({ target: 'spsc-ring', threads: [[{ op: 'push', arg: 1 }], [], [{ op: 'pop' }]] }).outcome.kind).toBe('ok');
    expect(deque.setup.map((p) => [p.name, p.default])).toEqual([
      ['capacity', 2],
      ['maxCapacity', 1024],
    ]);
  });
});

describe('runScenario checks every field', () => {
  const deque = (extra: Partial<Scenario>): Scenario => ({ target: 'chase-lev-deque', threads: [[{ op: 'pop' }]], ...extra });
  it.each<[string, unknown, RegExp]>([
    ['no target', { threads: [] }, /^TypeError: runScenario: scenario.target must be a string, got undefined$/],
    ['an unknown target', { target: 'queue', threads: [] }, /scenario.target must be one of arc, arena, block-pool, chase-lev-deque, .*got 'queue'/],
    ['an unknown field', deque({ thread: [] } as never), /scenario has an unknown field 'thread'/],
    ['an unknown op', deque({ threads: [[{ op: 'pul' }]] }), /scenario.threads\[0\]\[0\].op must be one of push, pop, steal/],
    ['a missing arg', deque({ threads: [[{ op: 'push' }]] }), /scenario.threads\[0\]\[0\].arg must be a safe integer \(push takes one\)/],
    ['a stray arg', deque({ threads: [[{ op: 'pop', arg: 1 }]] }), /arg must be absent: pop takes no argument/],
    ['two owners', deque({ threads: [[{ op: 'pop' }], [{ op: 'push', arg: 1 }]] }), /scenario.threads\[1\] would be a second owner/],
    ['a thread of two roles', deque({ threads: [[{ op: 'pop' }, { op: 'steal' }]] }), /threads\[0\] calls pop, steal, which no single/],
    ['two producers of the SPSC ring', { target: 'spsc-ring', threads: [[{ op: 'push', arg: 1 }], [{ op: 'push', arg: 2 }]] }, /scenario.threads\[1\] would be a second producer of the spsc-ring, which allows 1/],
    ['an unknown setup field', deque({ setup: { size: 2 } }), /scenario.setup has an unknown field 'size' \(chase-lev-deque's parameters: capacity, maxCapacity\)/],
    ['a setup that does not fit', deque({ setup: { capacity: 8, maxCapacity: 4 } }), /scenario.setup does not fit/],
    ['an unknown variant', deque({ variant: 'buggy' }), /scenario.variant must be one of correct, pop-without-fence/],
    ['an unknown memory model', deque({ memoryModel: 'pso' as 'sc' }), /scenario.memoryModel must be one of sc, tso, c11 \(memory models\), got 'pso'/],
    ['a field of another schedule kind', deque({ schedule: { kind: 'random', choices: [1] } as never }), /schedule.choices does not apply to schedule kind 'random'/],
    ['a negative choice', deque({ schedule: { kind: 'choices', choices: [-1] } }), /schedule.choices\[0\] must be an integer from 0/],
    ['a format other than 1', deque({ format: 2 as 1 }), /scenario.format must be an integer from 1 to 1/],
    ['no thread', deque({ threads: [] }), /^RangeError: runScenario: scenario.threads must hold at least one thread/],
    ['threads with no operation', deque({ threads: [[], []] }), /^RangeError: runScenario: scenario.threads holds no operation: a scenario runs at least one$/],
  ])('rejects %s', (_, scenario, message) => {
    let error: unknown;
    try {
      a.runScenario(scenario as Scenario);
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(message);
    expect(error).toSatisfy((e) => e instanceof TypeError || e instanceof RangeError);
  });
});

const dequeScenario: Scenario = {
  target: 'chase-lev-deque',
  threads: [
    [{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }, { op: 'pop' }],
    [{ op: 'steal' }, { op: 'steal' }],
  ],
  schedule: { kind: 'random', seed: 11 },
  trace: true,
};

describe('determinism', () => {
  it('a random run replays from its choices byte for byte, 1,000 times', () => {
    const first = a.runScenario(dequeScenario);
    expect(first.outcome.kind).toBe('ok');
    const replay: Scenario = { ...dequeScenario, schedule: { kind: 'choices', choices: first.choices } };
    const want = JSON.stringify(first);
    for (let i = 0; i < 1000; i++) expect(JSON.stringify(a.runScenario(replay))).toBe(want);
  });

  it('another process gives byte-identical results', () => {
    const replay = JSON.stringify({ ...dequeScenario, schedule: { kind: 'choices', choices: a.runScenario(dequeScenario).choices } });
    const hashOf1000 = `const a = require(process.argv[1]); const s = JSON.parse(process.argv[2]);
      const h = require('node:crypto').createHash('sha256');
      for (let i = 0; i < 1000; i++) h.update(JSON.stringify(a.runScenario(s)));
      process.stdout.write(h.digest('hex'));`;
    const here = createHash('sha256');
    for (let i = 0; i < 1000; i++) here.update(JSON.stringify(a.runScenario(JSON.parse(replay) as Scenario)));
    const there = execFileSync(process.execPath, ['-e', hashOf1000, defaultAddonPath(), replay], { encoding: 'utf8' });
    expect(there).toBe(here.digest('hex'));
  });
});

/** Every interleaving of the threads' ops, each op one access: the brute force. */
function interleavings(lengths: number[]): number[][] {
  const out: number[][] = [];
  const walk = (left: number[], order: number[]) => {
    if (left.every((n) => n === 0)) out.push(order);
    left.forEach((n, t) => {
      if (n > 0) walk(left.map((m, u) => (u === t ? m - 1 : m)), [...order, t]);
    });
  };
  walk(lengths, []);
  return out;
}

/** The loads' values under SC for one interleaving of litmus ops, thread by thread. */
function scOutcome(threads: { op: string; arg?: number }[][], order: number[]): number[][] {
  const memory: Record<string, number> = { x: 0, y: 0, z: 0 };
  const next = threads.map(() => 0);
  const loads = threads.map((): number[] => []);
  for (const t of order) {
    const { op, arg } = threads[t]![next[t]!++]!;
    const [kind, location] = op.split(/[-.]/);
    if (kind === 'store') memory[location!] = arg!;
    if (kind === 'load') loads[t]!.push(memory[location!]!);
  }
  return loads;
}

describe('exhaustive exploration', () => {
  const litmus = {
    SB: [
      [{ op: 'store-x.sc', arg: 1 }, { op: 'load-y.sc' }],
      [{ op: 'store-y.sc', arg: 1 }, { op: 'load-x.sc' }],
    ],
    MP: [
      [{ op: 'store-x.rlx', arg: 1 }, { op: 'store-y.rlx', arg: 1 }],
      [{ op: 'load-y.rlx' }, { op: 'load-x.rlx' }],
    ],
    'three threads': [[{ op: 'store-x.sc', arg: 1 }], [{ op: 'load-x.sc' }, { op: 'store-y.sc', arg: 2 }, { op: 'load-z.sc' }], [{ op: 'load-y.sc' }, { op: 'store-z.sc', arg: 3 }]],
  };

  it.each(Object.entries(litmus))('%s: the schedules and SC outcomes a brute force predicts', (_, threads) => {
    const result = a.runScenario({ target: 'litmus', threads, schedule: { kind: 'exhaustive', preemptionBound: 100 } });
    const orders = interleavings(threads.map((t) => t.length));
    expect(result.complete).toBe(true);
    expect(result.schedules).toBe(orders.length);
    const loadsOf = (r: (typeof result.results)[number]) =>
      threads.map((_, t) => r.history.filter((h) => h.thread === t && typeof h.result === 'number').sort((p, q) => p.index - q.index).map((h) => h.result));
    const seen = new Set(result.results.map((r) => JSON.stringify(loadsOf(r))));
    const predicted = new Set(orders.map((o) => JSON.stringify(scOutcome(threads, o))));
    expect(seen).toEqual(predicted);
  });

  it('SB never shows (0, 0) and MP never reads stale data under SC', () => {
    const sb = a.runScenario({ target: 'litmus', threads: litmus.SB, schedule: { kind: 'exhaustive', preemptionBound: 100 } });
    expect(sb.results.some((r) => r.history.filter((h) => h.op.startsWith('load')).every((h) => h.result === 0))).toBe(false);
    const mp = a.runScenario({ target: 'litmus', threads: litmus.MP, schedule: { kind: 'exhaustive', preemptionBound: 100 } });
    const stale = mp.results.some((r) => r.history.find((h) => h.op === 'load-y.rlx')?.result === 1 && r.history.find((h) => h.op === 'load-x.rlx')?.result === 0);
    expect(stale).toBe(false);
  });

  it('counts the schedules of a deque scenario and reports every distinct result', () => {
    const result = a.runScenario({ ...dequeScenario, trace: false, schedule: { kind: 'exhaustive', preemptionBound: 2 } });
    expect(result.complete).toBe(true);
    expect(result.results.reduce((n, r) => n + r.count, 0)).toBe(result.schedules);
    expect(result.results.every((r) => r.outcome.kind === 'ok')).toBe(true);
  });
});

describe('outcomes', () => {
  it('deadlock: every thread left waits', () => {
    const r = a.runScenario({ target: 'litmus', threads: [[{ op: 'wait-until-x' }], [{ op: 'store-y.sc', arg: 1 }]] });
    expect(r.outcome).toMatchObject({ kind: 'deadlock', thread: 0, message: expect.stringContaining('thread 0 waits') });
    expect(r.pending).toEqual([{ thread: 0, index: 0, op: 'wait-until-x', call: 0 }]);
  });

  it('step-limit: a spin that no store ends', () => {
    const r = a.runScenario({ target: 'litmus', threads: [[{ op: 'spin-until-y' }]], maxSteps: 100 });
    expect(r.outcome).toMatchObject({ kind: 'step-limit', step: 100, thread: 0 });
    expect(r.final).toBeUndefined();
  });

  it('assertion: a LOCKSTEP_DEBUG_ASSERT that fails ends the run at its step', () => {
    const threads = [[{ op: 'assert-x-is-0' }], [{ op: 'store-x.sc', arg: 1 }]];
    const passes = a.runScenario({ target: 'litmus', threads });
    expect(passes.outcome.kind).toBe('ok');
    const fails = a.runScenario({ target: 'litmus', threads, schedule: { kind: 'choices', choices: [1] } });
    expect(fails.outcome).toMatchObject({ kind: 'assertion', step: 2, thread: 0, message: expect.stringMatching(/^litmus: the location is not 0 \(v == 0\) at .*litmus_target.cpp:\d+$/) });
    expect(fails.pending).toEqual([{ thread: 0, index: 0, op: 'assert-x-is-0', call: 0 }]);
  });

  it('memory-error: a steal without the buffer re-check reads a freed buffer', () => {
    const scenario: Scenario = {
      target: 'chase-lev-deque',
      variant: 'steal-without-buffer-recheck',
      setup: { capacity: 1 },
      threads: [[{ op: 'push', arg: 1 }, { op: 'push', arg: 2 }], [{ op: 'steal' }]],
      schedule: { kind: 'choices', choices: [1, 1, 0] },
    };
    expect(a.runScenario(scenario).outcome).toMatchObject({ kind: 'memory-error', thread: 1, message: expect.stringContaining('after it was freed') });
    expect(a.runScenario({ ...scenario, variant: 'correct' }).outcome.kind).toBe('ok');
  });

  it('memory-error: a cell index out of its array is caught before the access, not a crash', () => {
    // store-cell(i) writes cell i of the litmus target's 4-cell array (block 0), whatever i is.
    const run = (index: number) => a.runScenario({ target: 'litmus', threads: [[{ op: 'store-cell', arg: 0 }, { op: 'store-cell', arg: index }]], trace: true });
    expect(run(3).outcome.kind).toBe('ok');
    const past = run(4);
    expect(past.outcome).toEqual({
      kind: 'memory-error',
      step: 2,
      thread: 0,
      message: 'cell access out of bounds: offset 32 (8 bytes) is past the end of block 0 (32 bytes, allocated at setup)',
    });
    expect(past.history).toHaveLength(1);
    expect(past.trace?.at(-1)).toMatchObject({ step: 2, thread: 0, access: 'cell-write', location: 'cell[4]' });
    expect(run(-1).outcome.message).toBe('cell access out of bounds: offset -8 (8 bytes) is before the start of block 0 (32 bytes, allocated at setup)');
    // Far from every block (there may be no memory there at all).
    expect(run(2 ** 40).outcome).toMatchObject({ kind: 'memory-error', message: expect.stringContaining('outside every block allocated in this run') });
  });

  it('assertion: the untagged stack\'s ABA breaks an invariant, which exhaustive search finds', () => {
    const scenario = {
      target: 'tagged-stack',
      variant: 'untagged-head',
      threads: [
        [{ op: 'push', arg: 1 }, { op: 'pop' }, { op: 'push', arg: 2 }],
        [{ op: 'push', arg: 3 }, { op: 'pop' }],
      ],
      schedule: { kind: 'exhaustive' as const, preemptionBound: 3 },
    };
    const broken = a.runScenario(scenario).results.filter((r) => r.outcome.kind === 'assertion');
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]!.outcome.message).toMatch(/^check_invariants: tagged stack: .*(lost|twice|cycle)/);
    // The correct stack, same scenario, every schedule: no broken invariant.
    const correct = a.runScenario({ ...scenario, variant: 'correct' });
    expect(correct.complete).toBe(true);
    expect(correct.results.every((r) => r.outcome.kind === 'ok')).toBe(true);
  });
});

describe('pct and random', () => {
  it('runs are reproducible from the seed and differ across seeds', () => {
    for (const kind of ['random', 'pct'] as const) {
      const s = (seed: number): Scenario => ({ ...dequeScenario, trace: false, schedule: { kind, seed } });
      expect(JSON.stringify(a.runScenario(s(5)))).toBe(JSON.stringify(a.runScenario(s(5))));
      const distinct = new Set(Array.from({ length: 50 }, (_, i) => JSON.stringify(a.runScenario(s(i)).choices)));
      expect(distinct.size).toBeGreaterThan(5);
    }
  });

  it('benchScenario runs natively and counts steps', () => {
    const b = a.benchScenario({ ...dequeScenario, trace: false }, 100);
    expect(b).toMatchObject({ runs: 100, failures: 0 });
    expect(b.steps).toBeGreaterThan(100);
    expect(() => a.benchScenario(dequeScenario, 0)).toThrow(/benchScenario: argument 2 \(runs\) must be from 1/);
  });
});
