import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts', 'examples/*.test.ts', 'native/**/*.test.ts', 'models/**/*.test.ts', 'properties/**/*.test.ts', 'fuzz/**/*.test.ts', 'cli/**/*.test.ts', 'bench/**/*.test.ts'],
    // Each test file in its own process: a native crash fails that file
    // loudly instead of taking the runner down.
    pool: 'forks',
    // Two files at a time: vitest's default (cores - 1) runs them one by one
    // on the 2-core machines npm test is sized for.
    maxWorkers: 2,
    testTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['index.ts', 'vitest.ts', 'native/**/*.ts', 'models/**/*.ts', 'properties/**/*.ts', 'fuzz/**/*.ts', 'cli/**/*.ts'],
      exclude: ['**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'build/coverage',
    },
  },
});
