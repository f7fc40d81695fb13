/** block-pool's TypeScript half (its C++ half: block_pool_target.cpp). */
import { blockPoolModel } from '../../../models/block_pool.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'block-pool',
  model: (s) => blockPoolModel({ blocks: s['blocks']!, cached: (s['cache'] ?? 0) > 0 }),
  // The drain gives back every block held, then allocates until none is free: each block exactly once.
  conservation: (s) => ({ inserts: [], removes: [], initial: Array.from({ length: s['blocks']! }, (_, b) => b) }),
  setup: { blocks: [1, 3], prefreed: [0, 3], cache: [0, 4] },
  // A cache spills only once it fills: a thread needs a few allocations and frees first.
  maxOps: 6,
  variants: {
    'tag-2-bits': {
      search: {
        strategy: 'pct',
        numRuns: 200_000,
        why: 'the 2-bit tag wraps only after 4 CASes on the free list inside one paused pop (3 allocations and a free by another thread); PCT places such a pause far more often than choice lists (measured, seeds 1, 2, 3, 42, 5: 9.7k, 54k, 70k, 13.6k, 31k runs; choice lists: none within 200k)',
      },
    },
    'stale-chain-tail': {
      search: {
        strategy: 'pct',
        numRuns: 200_000,
        why: "a cache's spill must lose its CAS to another thread's push or pop in a 2-step window, after the cache filled (measured, seeds 1, 2, 3, 42, 5: 50k, 111k, 56k, 19k, 12k runs with PCT; 83k, 64k, 19k, 73k, 76k with choice lists)",
      },
    },
  },
});
