/** mpsc-queue's TypeScript half (its C++ half: mpsc_queue_target.cpp). */
import { mpscQueueModel } from '../../../models/mpsc_queue.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'mpsc-queue',
  model: (s) => mpscQueueModel({ capacity: s['capacity']! }),
  conservation: { inserts: ['push'], removes: ['pop'] },
  setup: { capacity: [1, 3] },
  variants: {
    'relaxed-link-store': { weakest: { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' } },
  },
  stress: { monitor: 'queue', checks: 'FIFO queue (queue monitor)' },
});
