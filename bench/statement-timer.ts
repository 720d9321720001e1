// Loaded with `--import` (after tsx) into a server under the load bench's LOAD_STATEMENTS part: times every
// better-sqlite3 statement the process runs (`run`, `all`, `get`; a transaction's BEGIN and COMMIT included), by
// its SQL. On SIGUSR2 it writes what it gathered since the previous signal to
// `$STATEMENT_TIMES_DIR/<pid>.json` ({ sql: { count, ns } }) and starts over.
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';

export interface StatementTimes {
  [sql: string]: { count: number; ns: number };
}

const dir = process.env.STATEMENT_TIMES_DIR;
if (!dir) throw new Error('STATEMENT_TIMES_DIR is required');

// The same module instance as the server's own import (ESM imports of CommonJS share require's cache).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof SQLite;
type Method = (this: SQLite.Statement, ...args: unknown[]) => unknown;
const probe = new Database(':memory:');
const prototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<'run' | 'all' | 'get', Method>;
probe.close();

let times: StatementTimes = {};
for (const name of ['run', 'all', 'get'] as const) {
  const original = prototype[name];
  prototype[name] = function timed(this: SQLite.Statement, ...args: unknown[]) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const entry = (times[this.source] ??= { count: 0, ns: 0 });
      entry.count++;
      entry.ns += Number(process.hrtime.bigint() - start);
    }
  };
}

process.on('SIGUSR2', () => {
  const file = join(dir, `${process.pid}.json`);
  // Written whole, then renamed: the bench never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(times));
  renameSync(`${file}.tmp`, file);
  times = {};
});
