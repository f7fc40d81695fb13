/**
 * The arena's specification: a bump allocator over `bytes` bytes. The state
 * is the bytes used; `alloc(n)` starts its block at the first multiple of
 * `alignment` at or after that (the arena's start is aligned to more than
 * any alignment asked here) and returns the block's offset, or null when
 * the block would end past the arena. Deterministic, with no relaxation:
 * a concurrent arena must be linearizable to exactly this.
 *
 * @example
 * const m = arenaModel({ bytes: 16, alignment: 4 });
 * m.step([1], { op: 'alloc', arg: 2 }); // [{ output: 4, state: [6] }]
 */
import { describeCall, type Input, type Model } from './model.js';

export type ArenaState = readonly [used: number];

/**
 * Options of {@link arenaModel}.
 *
 * @example
 * arenaModel({ bytes: 4096, alignment: 8 } satisfies ArenaModelConstraints);
 */
export interface ArenaModelConstraints {
  /** The arena's size in bytes. */
  bytes: number;
  /** Every block's alignment, a power of two. */
  alignment: number;
}

/** Where a block of `size` bytes goes when `used` bytes are taken, or null when it does not fit. */
export function bumpFit(used: number, size: number, alignment: number, bytes: number): number | null {
  const start = Math.ceil(used / alignment) * alignment;
  return start + size <= bytes ? start : null;
}

/**
 * The arena's model: a bump allocator over `bytes` bytes; alloc(n) → the block's offset, or
 * null when it does not fit. No relaxation. Throws a RangeError naming it for bad sizes.
 *
 * @example
 * const m = arenaModel({ bytes: 16, alignment: 4 });
 * m.step([1], { op: 'alloc', arg: 2 }); // [{ output: 4, state: [6] }]
 */
export function arenaModel(constraints: ArenaModelConstraints): Model<ArenaState> {
  const { bytes, alignment } = constraints;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`arenaModel: bytes must be a non-negative integer, got ${bytes}`);
  if (!Number.isSafeInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) {
    throw new RangeError(`arenaModel: alignment must be a power of two, got ${alignment}`);
  }
  return {
    name: 'bump-allocator',
    init: () => [0],
    step([used], input: Input) {
      if (input.op !== 'alloc') return [];
      const start = bumpFit(used, input.arg as number, alignment, bytes);
      return [start === null ? { output: null, state: [used] } : { output: start, state: [start + (input.arg as number)] }];
    },
    key: ([used]) => String(used),
    describeOperation: describeCall,
    describeState: ([used]) => `${used} of ${bytes} bytes used`,
  };
}
