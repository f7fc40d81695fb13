/** mpmc-queue's TypeScript half (its C++ half: mpmc_queue_target.cpp). */
import { boundedQueueModel } from '../../../models/bounded_queue.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'mpmc-queue',
  model: (s) => boundedQueueModel({ capacity: s['capacity']! }),
  conservation: { inserts: ['push'], removes: ['pop'] },
  setup: { capacity: [1, 3] },
  variants: {
    'relaxed-turn-store': { weakest: { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' } },
  },
  stress: { monitor: 'queue', checks: 'FIFO queue (queue monitor)' },
});
