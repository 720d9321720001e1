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
    // Each worker imports fastify, kysely, exceljs, ajv… once for all the files it runs, not once per
    // file (about a quarter of the suite's CPU time). Safe while test files share no mutable module
    // state: no vi.mock / vi.spyOn / fake timers and no process.env writes (each app gets its own
    // Config and database). A file that needs them must run isolated (a separate project).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
