/** scheduler's TypeScript half (its C++ half: scheduler_target.cpp). */
import { schedulerModel } from '../../../models/scheduler.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'scheduler',
  model: () => schedulerModel(),
  // The drain lists each accepted graph that ran whole (every accepted one after a cancel), exactly once.
  conservation: { inserts: ['submit'], removes: [] },
  // A random DAG per scenario: the root forks `nodes` tasks, `edges` is a bit per pair (i < j) that orders them.
  setup: { injection: [1, 3], nodes: [0, 5], edges: [0, 1023] },
  // Four submits overfill a queue of 3 rounded up to 4; a submitter and up to 3 workers.
  maxOps: 4,
  maxThreads: 4,
});
