/** arc's TypeScript half (its C++ half: arc_target.cpp). */
import { arcModel } from '../../../models/arc.js';
import { defineTarget } from '../../../properties/target_spec.js';

export default defineTarget({
  name: 'arc',
  // The count's whole history is in the ops' results: when the object died, what its destructor saw.
  model: () => arcModel(),
  // Nothing goes in or comes out: the count's conservation is the target's check_invariants (the counts
  // equal the handles held) and its drain (every handle dropped: the destructor ran once, the block came back once).
  conservation: { inserts: [], removes: [] },
  setup: {},
  maxOps: 4,
  variants: {
    'relaxed-decrement': { weakest: { model: 'c11', why: "the count stays right; only what orders each owner's accesses before the destructor is lost, and every x86 read-modify-write is a full barrier" } },
    'no-acquire-fence': { weakest: { model: 'c11', why: 'the decrements release, but the destructor acquires nothing; x86 reads never pass reads' } },
  },
});
