/** spsc-ring's TypeScript half (its C++ half: spsc_ring_target.cpp). */
import { boundedQueueModel } from '../../../models/bounded_queue.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'spsc-ring',
  // Strict under sc: the ring decides full and empty on a freshly loaded
  // index, so the stale-cached-head mutant's refused push is illegal as
  // soon as the pop that made room has returned. Under tso and c11 a side's
  // index store may still sit in its store buffer (or be unordered by
  // happens-before) while the other side loads the old one — store
  // buffering between head and tail, which no fence forbids — so the two
  // relaxations of the bounded queue hold, each only while an op of the
  // other side is in flight.
  model: (s, memoryModel) => boundedQueueModel({ capacity: s['capacity']!, name: 'spsc-queue', strict: memoryModel === 'sc' }),
  conservation: { inserts: ['push'], removes: ['pop'] },
  setup: { capacity: [1, 3] },
  maxThreads: 2,
  maxOps: 6,
  variants: {
    'relaxed-tail-store': { weakest: { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' } },
  },
  stress: { monitor: 'queue', checks: 'FIFO queue (queue monitor)' },
});
