import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    // Each file in its own process: a native crash fails that file, not the run.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
