// Bulk writes for the national data set (seed-national): many rows per INSERT, chunked so that no
// statement binds more parameters than SQLite or PostgreSQL allow, inside the caller's transaction.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { hasAnyUserOrAgency } from './user.repository.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Rows per statement at most; fewer when the rows are wide (SQLite binds up to 32,766 parameters, PostgreSQL 65,535). */
const ROWS_PER_INSERT = 500;
const MAX_PARAMETERS = 30_000;

/** Inserts `rows` into `table`, a chunk per statement; returns how many were written. */
export async function insertRows<T extends keyof Database>(db: Db, table: T, rows: readonly Insertable<Database[T]>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / columns)));
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  }
  return rows.length;
}

/** True when the database holds no user and no agency (or has no tables yet). */
export async function isEmptyDatabase(db: Db): Promise<boolean> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'users') || !tables.some((t) => t.name === 'agencies')) return true;
  return !(await hasAnyUserOrAgency(db));
}
