/**
 * Reference machines for the litmus suite: every outcome a litmus program
 * (litmus.ts) can end with under sequential consistency and under x86-TSO,
 * by brute force over the abstract machines, and under C11 (rc11.ts: the
 * RC11 axioms over candidate executions), independent of the simulator.
 *
 * sc: one memory; any interleaving of the threads' ops.
 * tso: the x86-TSO abstract machine (Owens, Sarkar, Sewell, TPHOLs 2009):
 * each thread has a FIFO store buffer; a store other than seq_cst joins its
 * thread's buffer; a load reads its thread's newest buffered store to the
 * location, else memory; at any moment a buffer's oldest store may reach
 * memory; a seq_cst store (xchg), a seq_cst fence (mfence) and every
 * read-modify-write (lock xadd) wait for their thread's buffer to be empty,
 * and a read-modify-write reads and writes memory at once; acquire, release
 * and acq_rel fences compile to nothing. A run ends when every thread is done and every buffer empty.
 *
 * @example
 * outcomes(LITMUS[0].threads, 'tso'); // SB's four outcomes, (0, 0) among them
 */
import type { LitmusOp, LitmusOutcome } from './litmus.js';
import { rc11Outcomes } from './rc11.js';

const LOCATIONS = ['x', 'y', 'z'] as const;

interface Decoded {
  kind: 'store' | 'load' | 'fadd' | 'fence';
  loc: number;
  order: string;
  value: number;
}

function decode(op: LitmusOp): Decoded {
  const m =
    /^(store|load)-([xyz])\.(rlx|rel|acq|sc)$/.exec(op.op) ?? /^(fadd)-([xyz])\.(rlx|acq|rel|acq_rel|sc)$/.exec(op.op) ?? /^(fence)\.(acq|rel|acq_rel|sc)$/.exec(op.op);
  if (m === null) throw new RangeError(`memory_models: '${op.op}' is not a litmus store, load, fadd or fence`);
  if (m[1] === 'fence') return { kind: 'fence', loc: -1, order: m[2]!, value: 0 };
  if (m[1] !== 'load' && op.arg === undefined) throw new RangeError(`memory_models: ${op.op} needs an argument`);
  return { kind: m[1] as 'store' | 'load' | 'fadd', loc: LOCATIONS.indexOf(m[2] as 'x'), order: m[3]!, value: op.arg ?? 0 };
}

interface State {
  pc: number[];
  buffers: [number, number][][]; // per thread: [location, value], oldest first
  memory: number[];
  loads: number[][];
}

const keyOf = (s: State) => JSON.stringify(s);

/** The set of outcomes (by value) that `threads` can end with under `model`. */
export function outcomes(threads: readonly (readonly LitmusOp[])[], model: 'sc' | 'tso' | 'c11'): LitmusOutcome[] {
  if (model === 'c11') return rc11Outcomes(threads);
  const program = threads.map((t) => t.map(decode));
  const seen = new Set<string>();
  const found = new Map<string, LitmusOutcome>();
  const visit = (s: State): void => {
    const key = keyOf(s);
    if (seen.has(key)) return;
    seen.add(key);
    let moved = false;
    const next = (change: (c: State) => void) => {
      const c: State = structuredClone(s);
      change(c);
      moved = true;
      visit(c);
    };
    program.forEach((ops, t) => {
      const buffer = s.buffers[t]!;
      // A flush: the oldest buffered store reaches memory.
      if (buffer.length > 0) {
        next((c) => {
          const [loc, value] = c.buffers[t]!.shift()!;
          c.memory[loc] = value;
        });
      }
      const op = ops[s.pc[t]!];
      if (op === undefined) return;
      // seq_cst stores and fences drain the buffer (xchg, mfence), and every read-modify-write (lock).
      const drains = (op.order === 'sc' && op.kind !== 'load') || op.kind === 'fadd';
      if (model === 'tso' && drains && buffer.length > 0) return; // waits for its buffer
      next((c) => {
        c.pc[t]!++;
        if (op.kind === 'store') {
          if (model === 'tso' && op.order !== 'sc') c.buffers[t]!.push([op.loc, op.value]);
          else c.memory[op.loc] = op.value;
        } else if (op.kind === 'fadd') {
          c.loads[t]!.push(c.memory[op.loc]!);
          c.memory[op.loc]! += op.value;
        } else if (op.kind === 'load') {
          const own = [...c.buffers[t]!].reverse().find(([loc]) => loc === op.loc);
          c.loads[t]!.push(own !== undefined ? own[1] : c.memory[op.loc]!);
        }
      });
    });
    if (!moved) {
      const outcome: LitmusOutcome = { loads: s.loads, final: [s.memory[0]!, s.memory[1]!, s.memory[2]!] };
      found.set(JSON.stringify(outcome), outcome);
    }
  };
  visit({ pc: program.map(() => 0), buffers: program.map(() => []), memory: [0, 0, 0], loads: program.map(() => []) });
  return [...found.values()];
}
