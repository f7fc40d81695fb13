// @ts-check
// ring_plugin.js — the ring's TypeScript half: loads the plugin library
// (ring_target.cpp, built by CMake into build/) with the model the
// simulator's runs are checked against. `lockstep fuzz --plugin
// ring_plugin.js` imports it; so do the tests.
import { boundedQueueModel, defineTarget, loadPlugin } from 'lockstep';

export default loadPlugin(
  new URL('./build/ring_target.so', import.meta.url),
  defineTarget({
    name: 'my-ring',
    // Strict under sc: full and empty are decided on a fresh index. Under
    // tso and c11 the other side's index store may still be buffered: the
    // bounded queue's two relaxations (full or empty while the other side
    // is mid-operation) are allowed there.
    model: (setup, memoryModel) => boundedQueueModel({ capacity: setup['capacity'] ?? 2, strict: memoryModel === 'sc' }),
    conservation: { inserts: ['push'], removes: ['pop'] },
    setup: { capacity: [1, 3] },
    // lockstep stress: the production build (Ring<StdSync, Bugs>) on real
    // threads, its history checked as a FIFO queue's.
    stress: { monitor: 'queue', checks: 'FIFO queue' },
  }),
);
