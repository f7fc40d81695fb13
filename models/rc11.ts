/**
 * The C11 reference for the litmus suite: every outcome of a litmus
 * program (litmus.ts) that RC11 allows (Lahav, Vafeiadis, Kang, Hur,
 * Dreyer, "Repairing sequential consistency in C/C++11", PLDI 2017; its
 * seq_cst part is C++20's), by brute force over candidate executions — each
 * load's reads-from and each location's modification order — kept when
 * consistent:
 *
 * - coherence: hb ; eco? irreflexive, where hb = (sb ∪ sw)+ and
 *   eco = (rf ∪ mo ∪ fr)+;
 * - SC: psc = psc_base ∪ psc_F acyclic;
 * - no thin air: sb ∪ rf acyclic (so, unlike C++20, no load buffering).
 *
 * - atomicity: a read-modify-write (`fadd`) reads the write immediately
 *   before its own in mo.
 *
 * sw: a release write, or a release fence sb-before a write, heads a
 * release sequence (C++20: that write, then the read-modify-writes that
 * read from it or from one another — no longer the same thread's later
 * stores, P0982R1); an acquire read, or a read sb-before an acquire fence,
 * that reads from it synchronises. Independent of the simulator: relations
 * as matrices.
 *
 * @example
 * rc11Outcomes(LITMUS.find((t) => t.name === 'MP+rel-acq')!.threads); // never r0 = 1, r1 = 0
 */
import type { LitmusOp, LitmusOutcome } from './litmus.js';

interface Event {
  thread: number; // -1: an initial write
  kind: 'W' | 'R' | 'U' | 'F'; // U: a read-modify-write (fetch_add)
  loc: number; // -1 for fences
  value: number; // W: the value written; U: the addend
  order: string; // rlx, rel, acq, acq_rel, sc (initial writes: na)
}

type Rel = boolean[][];

const LOCATIONS = ['x', 'y', 'z'];

function decode(op: LitmusOp, thread: number): Event {
  const m =
    /^(store|load)-([xyz])\.(rlx|rel|acq|sc)$/.exec(op.op) ?? /^(fadd)-([xyz])\.(rlx|acq|rel|acq_rel|sc)$/.exec(op.op) ?? /^(fence)\.(acq|rel|acq_rel|sc)$/.exec(op.op);
  if (m === null) throw new RangeError(`rc11: '${op.op}' is not a litmus store, load, fadd or fence`);
  if (m[1] === 'fence') return { thread, kind: 'F', loc: -1, value: 0, order: m[2]! };
  const kind = m[1] === 'store' ? 'W' : m[1] === 'load' ? 'R' : 'U';
  return { thread, kind, loc: LOCATIONS.indexOf(m[2]!), value: op.arg ?? 0, order: m[3]! };
}

const empty = (n: number): Rel => Array.from({ length: n }, () => Array<boolean>(n).fill(false));
const union = (...rs: Rel[]): Rel => rs[0]!.map((row, i) => row.map((_, j) => rs.some((r) => r[i]![j]!)));
function compose(a: Rel, b: Rel): Rel {
  const n = a.length;
  const out = empty(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (a[i]![k]) for (let j = 0; j < n; j++) if (b[k]![j]) out[i]![j] = true;
  return out;
}
function closure(r: Rel): Rel {
  const n = r.length;
  const out = r.map((row) => [...row]);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) if (out[i]![k]) for (let j = 0; j < n; j++) if (out[k]![j]) out[i]![j] = true;
  return out;
}
const acyclic = (r: Rel) => closure(r).every((row, i) => !row[i]);
const reflexive = (r: Rel): Rel => r.map((row, i) => row.map((x, j) => x || i === j));
const filter = (n: number, keep: (i: number, j: number) => boolean): Rel => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => keep(i, j)));

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

/** Every outcome RC11 allows for `threads`. */
export function rc11Outcomes(threads: readonly (readonly LitmusOp[])[]): LitmusOutcome[] {
  const events: Event[] = LOCATIONS.map((_, loc) => ({ thread: -1, kind: 'W' as const, loc, value: 0, order: 'na' }));
  const position: number[] = events.map(() => -1);
  threads.forEach((ops, t) =>
    ops.forEach((op, i) => {
      events.push(decode(op, t));
      position.push(i);
    }),
  );
  const n = events.length;
  const ids = events.map((_, i) => i);
  const isRead = (i: number) => events[i]!.kind === 'R' || events[i]!.kind === 'U';
  const isWrite = (i: number) => events[i]!.kind === 'W' || events[i]!.kind === 'U';
  const reads = ids.filter(isRead);
  const writesTo = (loc: number) => ids.filter((i) => isWrite(i) && events[i]!.loc === loc);
  const isRel = (e: Event) => ['rel', 'acq_rel', 'sc'].includes(e.order) && e.kind !== 'R';
  const isAcq = (e: Event) => ['acq', 'acq_rel', 'sc'].includes(e.order) && e.kind !== 'W';
  const isSc = (e: Event) => e.order === 'sc';

  // sb: program order, and every initial write before every other event.
  const sb = filter(n, (i, j) => {
    const [a, b] = [events[i]!, events[j]!];
    if (a.thread === -1) return b.thread !== -1;
    return a.thread === b.thread && position[i]! < position[j]!;
  });
  const sameLoc = (i: number, j: number) => events[i]!.loc >= 0 && events[i]!.loc === events[j]!.loc;

  const found = new Map<string, LitmusOutcome>();
  const rfChoices = product(reads.map((r) => writesTo(events[r]!.loc).filter((w) => w !== r)));
  const moChoices = product(LOCATIONS.map((_, loc) => permutations(writesTo(loc).filter((w) => events[w]!.thread !== -1))));
  for (const rfPick of rfChoices) {
    const rf = empty(n);
    reads.forEach((r, k) => (rf[rfPick[k]!]![r] = true));
    // No thin air (rf ∪ sb acyclic) also makes every value well defined.
    if (!acyclic(union(sb, rf))) continue;
    const source = (r: number) => rfPick[reads.indexOf(r)]!;
    const written = (w: number): number => (events[w]!.kind === 'U' ? written(source(w)) + events[w]!.value : events[w]!.value);
    // Release sequences: a write, then the read-modify-writes that read from it, transitively.
    const rs = closure(union(reflexive(empty(n)), filter(n, (w, u) => events[u]!.kind === 'U' && rf[w]![u]!)));
    for (const moPick of moChoices) {
      const mo = empty(n);
      moPick.forEach((order, loc) => {
        const chain = [loc, ...order]; // the initial write (event `loc`) first
        for (let a = 0; a < chain.length; a++) for (let b = a + 1; b < chain.length; b++) mo[chain[a]!]![chain[b]!] = true;
      });
      const fr = filter(n, (r, w2) => r !== w2 && ids.some((w) => rf[w]![r]! && mo[w]![w2]!));
      // Atomicity: a read-modify-write comes right after the write it read, in mo.
      if (ids.some((u) => events[u]!.kind === 'U' && (!mo[source(u)]![u] || ids.some((w) => mo[source(u)]![w]! && mo[w]![u]!)))) continue;
      // sw: release side a, its write w (a itself, or sb-after a fence a), w's release sequence, rf r, acquire side b (r, or a fence sb-after r).
      const sw = filter(n, (a, b) => {
        if (!isRel(events[a]!) || !isAcq(events[b]!)) return false;
        const stores = events[a]!.kind !== 'F' ? [a] : ids.filter((w) => isWrite(w) && sb[a]![w]);
        const loads = events[b]!.kind !== 'F' ? [b] : ids.filter((r) => isRead(r) && sb[r]![b]);
        return stores.some((w) => ids.some((v) => rs[w]![v]! && loads.some((r) => rf[v]![r])));
      });
      const hb = closure(union(sb, sw));
      const eco = closure(union(rf, mo, fr));
      // Coherence.
      if (!acyclic(hb) || compose(hb, eco).some((row, i) => row[i])) continue;
      // SC.
      const sbNotLoc = filter(n, (i, j) => sb[i]![j]! && !sameLoc(i, j));
      const hbLoc = filter(n, (i, j) => hb[i]![j]! && sameLoc(i, j));
      const scb = union(sb, compose(compose(sbNotLoc, hb), sbNotLoc), hbLoc, mo, fr);
      const scAccess = filter(n, (i, j) => i === j && isSc(events[i]!));
      const scFence = filter(n, (i, j) => i === j && isSc(events[i]!) && events[i]!.kind === 'F');
      const hbq = reflexive(hb);
      const left = union(scAccess, compose(scFence, hbq));
      const right = union(scAccess, compose(hbq, scFence));
      const pscBase = compose(compose(left, scb), right);
      const pscF = compose(compose(scFence, union(hb, compose(compose(hb, eco), hb))), scFence);
      if (!acyclic(union(pscBase, pscF))) continue;

      const loads = threads.map((_, t) =>
        reads
          .filter((r) => events[r]!.thread === t)
          .sort((p, q) => position[p]! - position[q]!)
          .map((r) => written(source(r))),
      );
      const last = LOCATIONS.map((_, loc) => {
        const ws = writesTo(loc);
        return written(ws.find((w) => ws.every((v) => v === w || mo[v]![w]))!);
      });
      const outcome: LitmusOutcome = { loads, final: [last[0]!, last[1]!, last[2]!] };
      found.set(JSON.stringify(outcome), outcome);
    }
  }
  return [...found.values()];
}
