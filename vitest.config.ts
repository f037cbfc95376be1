import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000,
    // Each file starts its own servers on free ports; two cores, so two workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
