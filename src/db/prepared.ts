// Statements of a fixed shape on the hottest paths (who holds a bearer token or a session, an assessment, an
// answer and its save, the audit append), built and compiled by Kysely once per dialect and run with new values
// each time. Building and compiling a query costs about as much as SQLite takes to run a short one (docs/performance.md);
// a query whose shape varies (optional filters, a list of any length) stays an ordinary Kysely query.
//
// On SQLite a prepared query also skips Kysely's executor when it may: better-sqlite3 runs a statement
// synchronously, so one that runs while no other request's transaction is open (or inside the transaction that
// holds the one connection) runs alone, exactly as it would have after waiting its turn.
import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Compilable, type Kysely, type KyselyPlugin, type QueryResult } from 'kysely';
import type { Database } from './types.js';

/** SQLite connections that prepared queries may use directly, by the Kysely adapter their database and its transactions share. */
const directConnections = new WeakMap<object, SQLite.Database>();

/** Lets prepared queries on `db` (SQLite, one connection) run on `sqlite` directly when that is safe. */
export function allowDirectExecution(db: Kysely<Database>, sqlite: SQLite.Database): void {
  directConnections.set(db.getExecutor().adapter, sqlite);
}

/**
 * The connection to run on now, if running directly is the same as waiting for a turn: inside a transaction
 * (which holds the connection, and whose own transaction is the open one), or with no transaction open at all.
 */
function directConnection(db: Kysely<Database>, adapter: object): SQLite.Database | undefined {
  const sqlite = directConnections.get(adapter);
  if (!sqlite?.open) return undefined;
  return db.isTransaction === sqlite.inTransaction ? sqlite : undefined;
}

async function throughPlugins<R>(plugins: readonly KyselyPlugin[], result: QueryResult<R>, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  let out = result as QueryResult<unknown>;
  for (const plugin of plugins) out = await plugin.transformResult({ result: out as QueryResult<Record<string, unknown>>, queryId: query.queryId });
  return out as QueryResult<R>;
}

function runDirectly<R>(db: Kysely<Database>, sqlite: SQLite.Database, query: CompiledQuery<R>, parameters: unknown[]): Promise<QueryResult<R>> {
  let result: QueryResult<R>;
  try {
    const statement = sqlite.prepare(query.sql);
    if (statement.reader) result = { rows: statement.all(parameters) as R[] };
    else result = { numAffectedRows: BigInt(statement.run(parameters).changes), rows: [] };
  } catch (error) {
    // A constraint or I/O failure reaches the caller as Kysely's would: a rejected promise of better-sqlite3's error.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return throughPlugins(db.getExecutor().plugins, result, query);
}

const NAME = Symbol('parameter');
interface Placeholder {
  readonly [NAME]: string;
}
const isPlaceholder = (value: unknown): value is Placeholder => typeof value === 'object' && value !== null && NAME in value;

/** The parameters as the query builder sees them: each a stand-in for the value given at run time. */
const placeholders = <P>(): P => new Proxy({}, { get: (_, name) => ({ [NAME]: String(name) }) }) as P;

/**
 * A query built once by `build` from named parameters `p` (each used as a value, never as a name or a list),
 * compiled once per dialect, then run on `db` (or a transaction) with `values` bound in their places.
 * The result goes through the database's plugins as any Kysely query's does (row keys in camelCase).
 */
export function prepared<P extends Record<string, unknown>, R>(build: (db: Kysely<Database>, p: P) => Compilable<R>): (db: Kysely<Database>, values: P) => Promise<QueryResult<R>> {
  // Keyed by the dialect's adapter, which a database and each of its transactions share: the compiled query and,
  // parameter by parameter, the name of the value to bind there (or null for a constant of the query itself).
  const compiled = new WeakMap<object, { query: CompiledQuery<R>; names: (string | null)[] }>();
  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) {
      const query = build(db, placeholders<P>()).compile();
      entry = { query, names: query.parameters.map((v) => (isPlaceholder(v) ? v[NAME] : null)) };
      compiled.set(adapter, entry);
    }
    const { query, names } = entry;
    const parameters = new Array<unknown>(names.length);
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      const value = name === null ? query.parameters[k] : values[name!];
      if (value === undefined) return Promise.reject(new Error(`prepared query: no value for parameter ${name ?? '?'}`));
      parameters[k] = value;
    }
    const sqlite = directConnection(db, adapter);
    if (sqlite) return runDirectly(db, sqlite, query, parameters);
    return db.executeQuery(CompiledQuery.raw(query.sql, parameters));
  };
}

/** The first row of a prepared query's result, if any. */
export const firstRow = <R>(result: QueryResult<R>): R | undefined => result.rows[0];

/** How many rows a prepared insert, update or delete touched. */
export const affected = (result: QueryResult<unknown>): number => Number(result.numAffectedRows ?? 0n);
