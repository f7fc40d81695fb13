/**
 * The litmus suite: small programs over three locations x, y, z (all 0 at
 * first) whose outcomes tell memory models apart, written in the litmus
 * target's ops (`store-x.rlx` and `fadd-x.acq_rel` with an argument,
 * `load-y.acq`, `fence.sc`, ...), so that the same program runs in the
 * simulator and in the reference
 * machines of memory_models.ts. Each test names its weak outcome and, per
 * model, whether the model allows it: sc never; tso (x86-TSO, Sewell et al.,
 * CACM 2010) only store buffering's (SB and R, unfenced); c11 as the C++20
 * model (with the RC11 fixes, Lahav et al., PLDI 2017) permits it — RC11
 * and lockstep forbid load buffering, which C++20 allows (`notModelled`).
 *
 * @example
 * const sb = LITMUS.find((t) => t.name === 'SB')!;
 * sb.weak({ loads: [[0], [0]], final: [1, 1, 0] }); // true: both loads missed the other store
 */

/** One op of the litmus target. */
export interface LitmusOp {
  readonly op: string;
  readonly arg?: number;
}

/** What a run of a litmus program ends with: each thread's loads in program order, and x, y, z. */
export interface LitmusOutcome {
  readonly loads: readonly (readonly number[])[];
  readonly final: readonly [number, number, number];
}

export type LitmusModel = 'sc' | 'tso' | 'c11';

export interface LitmusTest {
  readonly name: string;
  readonly threads: readonly (readonly LitmusOp[])[];
  /** The weak outcome, as the litmus table (docs/memory-models.md) shows it. */
  readonly weakText: string;
  readonly weak: (o: LitmusOutcome) => boolean;
  /** Whether each model allows the weak outcome (c11: as C++20 does). */
  readonly allowed: Readonly<Record<LitmusModel, boolean>>;
  /**
   * Where C++20 allows the weak outcome but RC11 (the c11 reference, rc11.ts) and lockstep do
   * not: why. Only load buffering, which needs a load to read a store its thread performs later.
   */
  readonly notModelled?: string;
}

type Order = 'rlx' | 'rel' | 'acq' | 'sc';
const st = (loc: string, value: number, order: Order = 'rlx'): LitmusOp => ({ op: `store-${loc}.${order}`, arg: value });
const ld = (loc: string, order: Order = 'rlx'): LitmusOp => ({ op: `load-${loc}.${order}` });
const fence = (order: 'acq' | 'rel' | 'acq_rel' | 'sc'): LitmusOp => ({ op: `fence.${order}` });
const fadd = (loc: string, value: number, order: Order | 'acq_rel' = 'rlx'): LitmusOp => ({ op: `fadd-${loc}.${order}`, arg: value });

const r = (o: LitmusOutcome, thread: number, i: number) => o.loads[thread]![i];
const X = 0;
const Y = 1;

// Orders for the variants: relaxed everywhere, release stores with acquire
// loads, seq_cst everywhere.
interface Shape {
  name: string;
  threads: (s: Order, l: Order) => LitmusOp[][];
  weakText: string;
  weak: (o: LitmusOutcome) => boolean;
}

const sb = (s: Order, l: Order, between: LitmusOp[] = []) => [
  [st('x', 1, s), ...between, ld('y', l)],
  [st('y', 1, s), ...between, ld('x', l)],
];
const mp = (s: Order, l: Order, w: LitmusOp[] = [], rd: LitmusOp[] = []) => [
  [st('x', 1), ...w, st('y', 1, s)],
  [ld('y', l), ...rd, ld('x')],
];
const lb = (s: Order, l: Order) => [
  [ld('x', l), st('y', 1, s)],
  [ld('y', l), st('x', 1, s)],
];
const iriw = (s: Order, l: Order, between: LitmusOp[] = []) => [
  [st('x', 1, s)],
  [st('y', 1, s)],
  [ld('x', l), ...between, ld('y', l)],
  [ld('y', l), ...between, ld('x', l)],
];
const w22 = (s: Order, between: LitmusOp[] = []) => [
  [st('x', 1, s), ...between, st('y', 2, s)],
  [st('y', 1, s), ...between, st('x', 2, s)],
];
const wrc = (s: Order, l: Order) => [[st('x', 1, s)], [ld('x', l), st('y', 1, s)], [ld('y', l), ld('x', l)]];
const rtest = (s: Order, l: Order, between: LitmusOp[] = []) => [
  [st('x', 1, s), ...between, st('y', 1, s)],
  [st('y', 2, s), ...between, ld('x', l)],
];

const SB: Shape = { name: 'SB', threads: (s, l) => sb(s, l), weakText: 'r0 = 0, r1 = 0', weak: (o) => r(o, 0, 0) === 0 && r(o, 1, 0) === 0 };
const MP: Shape = { name: 'MP', threads: (s, l) => mp(s, l), weakText: 'r0 = 1, r1 = 0', weak: (o) => r(o, 1, 0) === 1 && r(o, 1, 1) === 0 };
const LB: Shape = { name: 'LB', threads: lb, weakText: 'r0 = 1, r1 = 1', weak: (o) => r(o, 0, 0) === 1 && r(o, 1, 0) === 1 };
const IRIW: Shape = {
  name: 'IRIW',
  threads: (s, l) => iriw(s, l),
  weakText: 'r0 = 1, r1 = 0, r2 = 1, r3 = 0',
  weak: (o) => r(o, 2, 0) === 1 && r(o, 2, 1) === 0 && r(o, 3, 0) === 1 && r(o, 3, 1) === 0,
};
const W22: Shape = { name: '2+2W', threads: (s) => w22(s), weakText: 'x = 1, y = 1 at the end', weak: (o) => o.final[X] === 1 && o.final[Y] === 1 };
const WRC: Shape = { name: 'WRC', threads: wrc, weakText: 'r0 = 1, r1 = 1, r2 = 0', weak: (o) => r(o, 1, 0) === 1 && r(o, 2, 0) === 1 && r(o, 2, 1) === 0 };
// SB with relaxed fetch_adds for the stores (r0, r2: what they read).
const SBRMW: Shape = {
  name: 'SB+rmw',
  threads: () => [
    [fadd('x', 1), ld('y')],
    [fadd('y', 1), ld('x')],
  ],
  weakText: 'r1 = 0, r3 = 0',
  weak: (o) => r(o, 0, 1) === 0 && r(o, 1, 1) === 0,
};
// Release sequences (C++20): a release store, then read-modify-writes of
// any thread that read from it, carry its release; the same thread's later
// plain store no longer does (P0982R1).
const MPRS: Shape = {
  name: 'MP+rs',
  threads: () => [[st('x', 1), st('y', 1, 'rel')], [fadd('y', 1)], [ld('y', 'acq'), ld('x')]],
  weakText: 'r1 = 2, r2 = 0',
  weak: (o) => r(o, 2, 0) === 2 && r(o, 2, 1) === 0,
};
const MPRLX: Shape = {
  name: 'MP+rel-then-rlx',
  threads: () => [[st('x', 1), st('y', 1, 'rel'), st('y', 2)], [ld('y', 'acq'), ld('x')]],
  weakText: 'r0 = 2, r1 = 0',
  weak: (o) => r(o, 1, 0) === 2 && r(o, 1, 1) === 0,
};
// S with fetch_adds: thread 1 sees thread 0's fetch_add of x, yet its own
// fetch_add of y goes before thread 0's earlier store to y in mo. A
// read-modify-write need not read the newest store (ARM reorders them).
const SRMW: Shape = {
  name: 'S+rmw',
  threads: () => [
    [st('y', 1), fadd('x', 1)],
    [ld('x'), fadd('y', 1)],
  ],
  weakText: 'r1 = 1, r2 = 0, y = 1 at the end',
  weak: (o) => r(o, 1, 0) === 1 && r(o, 1, 1) === 0 && o.final[Y] === 1,
};
// Two fetch_adds of 1: atomicity forbids losing one.
const ADD2: Shape = { name: '2FADD', threads: () => [[fadd('x', 1)], [fadd('x', 1)]], weakText: 'x = 1 at the end', weak: (o) => o.final[X] === 1 };
const R: Shape = { name: 'R', threads: (s, l) => rtest(s, l), weakText: 'y = 2 at the end, r0 = 0', weak: (o) => o.final[Y] === 2 && r(o, 1, 0) === 0 };

const test = (shape: Shape, suffix: string, threads: LitmusOp[][], allowed: [boolean, boolean, boolean], notModelled?: string): LitmusTest => ({
  name: shape.name + suffix,
  threads,
  weakText: shape.weakText,
  weak: shape.weak,
  allowed: { sc: allowed[0], tso: allowed[1], c11: allowed[2] },
  ...(notModelled === undefined ? {} : { notModelled }),
});

const LOAD_BUFFERING =
  'C++20 allows load buffering, which needs a load to read a store its own thread performs after it (speculation, and with it out-of-thin-air values); lockstep performs each load before the next access, as RC11 requires (sb ∪ rf acyclic)';

/** The suite, with what sc, tso and c11 allow. */
export const LITMUS: readonly LitmusTest[] = [
  test(SB, '', SB.threads('rlx', 'rlx'), [false, true, true]),
  test(SB, '+rel-acq', SB.threads('rel', 'acq'), [false, true, true]),
  test(SB, '+fences', sb('rlx', 'rlx', [fence('sc')]), [false, false, false]),
  test(SB, '+sc', SB.threads('sc', 'sc'), [false, false, false]),
  // x86's locked read-modify-write drains the buffer; a relaxed C++ one orders nothing.
  test(SBRMW, '', SBRMW.threads('rlx', 'rlx'), [false, false, true]),
  test(MP, '', MP.threads('rlx', 'rlx'), [false, false, true]),
  test(MP, '+rel-acq', MP.threads('rel', 'acq'), [false, false, false]),
  test(MP, '+fences', mp('rlx', 'rlx', [fence('rel')], [fence('acq')]), [false, false, false]),
  test(MPRS, '', MPRS.threads('rlx', 'rlx'), [false, false, false]),
  test(MPRLX, '', MPRLX.threads('rlx', 'rlx'), [false, false, true]),
  test(LB, '', LB.threads('rlx', 'rlx'), [false, false, true], LOAD_BUFFERING),
  test(LB, '+rel-acq', LB.threads('rel', 'acq'), [false, false, false]),
  test(IRIW, '', IRIW.threads('rlx', 'rlx'), [false, false, true]),
  test(IRIW, '+rel-acq', IRIW.threads('rel', 'acq'), [false, false, true]),
  test(IRIW, '+fences', iriw('rlx', 'rlx', [fence('sc')]), [false, false, false]),
  test(IRIW, '+sc', IRIW.threads('sc', 'sc'), [false, false, false]),
  test(W22, '', W22.threads('rlx', 'rlx'), [false, false, true]),
  test(W22, '+rel', W22.threads('rel', 'rlx'), [false, false, true]),
  test(W22, '+fences', w22('rlx', [fence('sc')]), [false, false, false]),
  test(WRC, '', WRC.threads('rlx', 'rlx'), [false, false, true]),
  test(WRC, '+rel-acq', WRC.threads('rel', 'acq'), [false, false, false]),
  test(R, '', R.threads('rlx', 'rlx'), [false, true, true]),
  test(R, '+rel-acq', R.threads('rel', 'acq'), [false, true, true]),
  test(R, '+fences', rtest('rlx', 'rlx', [fence('sc')]), [false, false, false]),
  test(R, '+sc', R.threads('sc', 'sc'), [false, false, false]),
  test(SRMW, '', SRMW.threads('rlx', 'rlx'), [false, false, true]),
  test(ADD2, '', ADD2.threads('rlx', 'rlx'), [false, false, false]),
];

/** A canonical string for an outcome, to compare sets of them. */
export function outcomeKey(o: LitmusOutcome): string {
  return `${o.loads.map((t) => t.join(',')).join(' | ')} ; ${o.final.join(',')}`;
}
