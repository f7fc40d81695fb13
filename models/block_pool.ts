/**
 * The block pool's specification: `blocks` blocks, numbered from 0, each
 * free or out. The state is the blocks out (held by a thread, or being
 * passed between threads), ascending. `alloc` takes any free block (the
 * spec does not say which: every free block is an outcome), or returns
 * null only when none is free; `free` gives back a block that is out (or
 * returns null: the thread held none); `pass` moves a block between
 * threads, which the pool does not see: it returns a block that is out, or
 * null. So a block handed out twice without a free between, a block that
 * was never in the pool, or an exhaustion with a block free, is illegal.
 * With per-thread caches (`cached`), a block freed into one thread's cache
 * is free only to that thread: `alloc` may then return null at any time
 * (not a relaxation of the solo kind: the blocks stay cached when no call
 * is in flight), and the check that matters, no block out twice, stays.
 *
 * @example
 * const m = blockPoolModel({ blocks: 2 });
 * m.step([1], { op: 'alloc' }); // [{ output: 0, state: [0, 1] }]
 */
import { describeCall, type Input, type Model, type Outcome } from './model.js';

export type BlockPoolState = readonly number[];

/**
 * Options of {@link blockPoolModel}.
 *
 * @example
 * blockPoolModel({ blocks: 8, cached: true } satisfies BlockPoolModelConstraints);
 */
export interface BlockPoolModelConstraints {
  /** How many blocks the pool has. */
  blocks: number;
  /** Threads allocate and free through caches. @defaultValue false */
  cached?: boolean;
}

/**
 * The block pool's model: `blocks` blocks, each free or out; alloc → any free block (or null
 * only when none is), free and pass → a block that is out (or null).
 *
 * @example
 * const m = blockPoolModel({ blocks: 2 });
 * m.step([1], { op: 'alloc' }); // [{ output: 0, state: [0, 1] }]
 */
export function blockPoolModel(constraints: BlockPoolModelConstraints): Model<BlockPoolState> {
  const { blocks, cached = false } = constraints;
  if (!Number.isSafeInteger(blocks) || blocks < 1) throw new RangeError(`blockPoolModel: blocks must be a positive integer, got ${blocks}`);
  return {
    name: 'block-allocator',
    init: () => [],
    step(out, input: Input) {
      const outcomes: Outcome<BlockPoolState>[] = [];
      if (input.op === 'alloc') {
        for (let b = 0; b < blocks; b++) {
          if (!out.includes(b)) outcomes.push({ output: b, state: [...out, b].sort((x, y) => x - y) });
        }
        if (outcomes.length === 0 || cached) outcomes.push({ output: null, state: out });
      } else if (input.op === 'free') {
        for (const b of out) outcomes.push({ output: b, state: out.filter((x) => x !== b) });
        outcomes.push({ output: null, state: out });
      } else if (input.op === 'pass') {
        for (const b of out) outcomes.push({ output: b, state: out });
        outcomes.push({ output: null, state: out });
      }
      return outcomes;
    },
    key: (out) => out.join(','),
    describeOperation: describeCall,
    describeState: (out) => (out.length === 0 ? `all ${blocks} blocks free` : `blocks out: ${out.join(', ')} (of ${blocks})`),
  };
}
