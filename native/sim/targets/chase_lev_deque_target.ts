/** chase-lev-deque's TypeScript half (its C++ half: chase_lev_deque_target.cpp). */
import { dequeItemLimit, dequeModel } from '../../../models/deque.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'chase-lev-deque',
  model: (s, m) => dequeModel({ maxCapacity: dequeItemLimit(s['maxCapacity'] ?? 1024), weakMemory: m !== 'sc' }),
  conservation: { inserts: ['push'], removes: ['pop', 'steal'] },
  setup: { capacity: [1, 2], maxCapacity: [2, 8] },
  variants: {
    'pop-without-fence': {
      weakest: {
        model: 'tso',
        why: "store-load reordering: pop's store to bottom waits in the owner's store buffer while it reads top, so a steal takes the same last item",
      },
    },
    'steal-without-fence': {
      weakest: {
        model: 'tso',
        why: "store-load reordering: the thief's hazard waits in its store buffer, the owner's reclaim sees none and frees the buffer the thief then reads",
      },
    },
    'pop-stores-bottom-relaxed': {
      weakest: {
        model: 'c11',
        why: "C++20's release sequences: a thief that reads pop's relaxed bottom synchronises with no push; every x86 store releases",
      },
    },
    'grow-publishes-relaxed': { weakest: { model: 'c11', why: 'a relaxed store that should release; every x86 store releases' } },
  },
  stress: { monitor: 'deque', checks: 'owner LIFO, thieves FIFO (deque monitor)' },
});
