// The three lines: the engine's MPMC queue, generated scenarios and schedules,
// each run checked for memory errors, linearizability and conservation.
// EXAMPLE_VARIANT=lap-dropped runs a seeded bug instead: the test fails and
// prints the shrunk counterexample and the { seed, path } that replays it.
import { test } from 'vitest';
import { lockstepProperty } from 'lockstep/vitest';

const variant = process.env['EXAMPLE_VARIANT'] ?? 'correct';

test(`mpmc-queue (${variant}) under x86-TSO`, lockstepProperty('mpmc-queue', { variant, memoryModel: 'tso', strategy: 'mixed' }));
