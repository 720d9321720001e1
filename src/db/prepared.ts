// Statements of a fixed shape on the hottest paths (who holds a bearer token or a session, an assessment, an
// answer and its save, the audit append), built and compiled by Kysely once per dialect and run with new values
// each time. Building and compiling a query costs about as much as SQLite takes to run a short one (docs/performance.md);
// a query whose shape varies (optional filters, a list of any length) stays an ordinary Kysely query.
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './types.js';

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
  // Keyed by the dialect's adapter, which a database and each of its transactions share.
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      query = build(db, placeholders<P>()).compile();
      compiled.set(adapter, query);
    }
    const parameters: unknown[] = [];
    for (const v of query.parameters) {
      const value = isPlaceholder(v) ? values[v[NAME]] : v;
      if (value === undefined) return Promise.reject(new Error(`prepared query: no value for parameter ${isPlaceholder(v) ? v[NAME] : '?'}`));
      parameters.push(value);
    }
    return db.executeQuery(CompiledQuery.raw(query.sql, parameters));
  };
}

/** The first row of a prepared query's result, if any. */
export const firstRow = <R>(result: QueryResult<R>): R | undefined => result.rows[0];

/** How many rows a prepared insert, update or delete touched. */
export const affected = (result: QueryResult<unknown>): number => Number(result.numAffectedRows ?? 0n);
