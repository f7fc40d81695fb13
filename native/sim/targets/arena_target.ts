/** arena's TypeScript half (its C++ half: arena_target.cpp). */
import { arenaModel } from '../../../models/arena.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'arena',
  model: (s) => arenaModel({ bytes: s['bytes']!, alignment: 2 ** s['alignLog2']! }),
  conservation: { inserts: [], removes: [] }, // nothing to drain: the offsets are the check
  setup: { bytes: [1, 24], alignLog2: [0, 3] },
});
