// Vitest configuration: the whole suite under test/, run in forked workers (better-sqlite3 is native).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
