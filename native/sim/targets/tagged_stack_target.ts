/** tagged-stack's TypeScript half (its C++ half: tagged_stack_target.cpp). */
import { boundedStackModel } from '../../../models/bounded_stack.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'tagged-stack',
  model: (s) => boundedStackModel({ capacity: s['capacity']! }),
  conservation: { inserts: ['push'], removes: ['pop'] },
  setup: { capacity: [1, 3] },
  stress: { monitor: 'stack', checks: 'LIFO stack (stack monitor)' },
});
