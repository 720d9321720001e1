// The database factory: one Kysely instance over SQLite (better-sqlite3, WAL, foreign keys on) or
// PostgreSQL (pg pool), chosen by DATABASE_URL.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, sql, type Driver } from 'kysely';
import pg from 'pg';
import { WAL_SIZE_LIMIT, startCheckpointer, type Checkpointer } from './checkpointer.js';
import { allowDirectExecution } from './prepared.js';
import type { Database } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file (absolute path), for online backups. */
  sqliteFile?: string;
  /** The raw better-sqlite3 connection, for online backups. */
  sqlite?: SQLite.Database;
  url: string;
  close(): Promise<void>;
}

/**
 * Kysely prepares every statement anew, and preparing costs about as much as running a short one; the
 * same SQL text is reused constantly (parameters are bound separately), so prepared statements are kept,
 * the most recent 500 of them.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  // An own property shadows the prototype's method, so every caller of this connection shares the cache.
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= 500) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
  return sqlite;
}

/**
 * SQLite has one connection, which Kysely's driver guards with a mutex that wakes every waiter at
 * once; under load some requests then wait far longer than others. This dialect hands the connection
 * over strictly in arrival order.
 */
class FairSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const inner = super.createDriver();
    const waiting: (() => void)[] = [];
    let busy = false;
    return {
      init: () => inner.init(),
      acquireConnection: async () => {
        if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
        busy = true;
        return inner.acquireConnection();
      },
      releaseConnection: async (connection) => {
        await inner.releaseConnection(connection);
        const next = waiting.shift();
        if (next) next();
        else busy = false;
      },
      beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
      commitTransaction: (connection) => inner.commitTransaction(connection),
      rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
      ...(inner.savepoint ? { savepoint: inner.savepoint.bind(inner) } : {}),
      ...(inner.rollbackToSavepoint ? { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) } : {}),
      ...(inner.releaseSavepoint ? { releaseSavepoint: inner.releaseSavepoint.bind(inner) } : {}),
      destroy: () => inner.destroy(),
    };
  }
}

export function sqlitePath(url: string): string {
  return resolve(url.replace(/^sqlite:(\/\/)?/, ''));
}

export interface OpenOptions {
  /**
   * SQLite only: checkpoint the write-ahead log in a worker thread rather than inside the commit that fills it
   * (src/db/checkpointer.ts), the server's setting; `onProblem` hears of a checkpoint that failed.
   */
  backgroundCheckpoints?: { onProblem: (message: string) => void };
}

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  if (url.startsWith('sqlite:')) {
    const file = sqlitePath(url);
    mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    let checkpointer: Checkpointer | undefined;
    const background = options.backgroundCheckpoints;
    if (background) {
      sqlite.pragma('wal_autocheckpoint = 0');
      checkpointer = startCheckpointer(file, sqlite, (message, ended) => {
        // Without the worker, SQLite's own checkpoints (every 1,000 pages, inside a commit) take over again.
        if (ended && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
        background.onProblem(message);
      });
    }
    const db = new Kysely<Database>({ dialect: new FairSqliteDialect({ database: withStatementCache(sqlite) }), plugins: [new CamelCasePlugin()] });
    allowDirectExecution(db, sqlite);
    const close = async () => {
      await checkpointer?.stop();
      await db.destroy();
    };
    return { db, dialect: 'sqlite', sqliteFile: file, sqlite, url, close };
  }
  // Keep integer columns (bigint counts) as numbers rather than strings.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  // A server that is down refuses the connection at once (503 at once); this bound is for one that does not answer
  // at all. It also bounds the wait for a free connection, so it is long enough that a burst of requests queues
  // rather than being refused.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle connection that the server ends (a restart, a failover) is dropped from the pool and
  // replaced on the next query; without a listener the error would end the process.
  pool.on('error', () => undefined);
  // A connection in use when the server goes away also emits 'error' (its query fails on its own, and the request
  // answers 503): with no listener there, that event would end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}

/** True when the database answers a trivial query. */
export async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL error classes 08 (connection exception) and 57P (operator intervention: shutdown, starting up). */
const PG_UNAVAILABLE = /^(08|57P0)/;
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_FULL']);
const MESSAGES_UNAVAILABLE = [/connection terminated/i, /timeout exceeded when trying to connect/i, /connection timeout/i, /the database connection is not open/i, /driver has already been destroyed/i, /Cannot use a pool after calling end/i];

/**
 * Whether an error says the database cannot be reached (down, restarting, unreachable, its file gone) rather than that a
 * query was wrong: such a request is answered 503 and the next one tries again.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NET_UNAVAILABLE.has(code) || (code.length === 5 && PG_UNAVAILABLE.test(code)) || code.startsWith('SQLITE_IOERR'))) return true;
  if (typeof message === 'string' && MESSAGES_UNAVAILABLE.some((m) => m.test(message))) return true;
  // Node's AggregateError when every address of the host refused.
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}
