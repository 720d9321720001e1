// Vitest configuration: the whole suite under test/, run in forked workers (better-sqlite3 is native).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Vitest's default is one worker fewer than the CPUs: a single worker on a 2-CPU machine. The
    // test files spend much of their time off the worker's own thread (scrypt on libuv's pool,
    // PostgreSQL, child processes), so one worker per CPU, and never fewer than two, keeps the CPUs
    // busy. TEST_MAX_WORKERS overrides it (e.g. 1 to debug one file at a time).
    maxWorkers: Number(process.env.TEST_MAX_WORKERS) || Math.max(2, availableParallelism()),
    testTimeout: 30_000,
  },
});
