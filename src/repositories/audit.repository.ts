// The audit chain: appends lock the single head row, so entries form one chain across instances.
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import { firstRow, prepared } from '../db/prepared.js';
import type { AuditEntry, Database } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

const claimSeq = prepared((db) =>
  db
    .updateTable('auditHead')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash']),
);
/** The entry's columns, each bound to its parameter. */
const entryColumns = (p: AuditEntry): AuditEntry => ({ seq: p.seq, at: p.at, actor: p.actor, action: p.action, subject: p.subject, before: p.before, after: p.after, prevHash: p.prevHash, hash: p.hash });
const insertEntry = prepared((db, p: AuditEntry) => db.insertInto('auditEntries').values(entryColumns(p)));
const moveHead = prepared((db, p: { hash: string }) => db.updateTable('auditHead').set({ hash: p.hash }).where('id', '=', 1));
/** PostgreSQL: the insert and the head's move in one statement, one round trip fewer while the head is locked. */
const insertEntryMovingHead = prepared((db, p: AuditEntry) =>
  db
    .with('entry', (w) => w.insertInto('auditEntries').values(entryColumns(p)).returning('seq'))
    .updateTable('auditHead')
    .set({ hash: p.hash })
    .where('id', '=', 1),
);

/** Advances the head by one (a row lock on PostgreSQL, the write lock on SQLite) and returns the new seq and the previous hash. */
export async function claimNextAuditSeq(trx: Transaction<Database>): Promise<{ seq: number; prevHash: string }> {
  const head = firstRow(await claimSeq(trx, {}));
  if (!head) throw new Error('the audit chain has no head row');
  return { seq: Number(head.seq), prevHash: head.hash };
}

/**
 * Appends the entry and moves the head to it. Every other append waits on the head's lock until this
 * transaction ends, so on PostgreSQL (where several instances append) it is one statement; SQLite's write lock
 * is the connection's anyway, and SQLite has no insert inside a WITH.
 */
export async function insertAuditEntry(trx: Transaction<Database>, entry: AuditEntry): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await insertEntryMovingHead(trx, entry);
    return;
  }
  await insertEntry(trx, entry);
  await moveHead(trx, { hash: entry.hash });
}

/**
 * The chain head, locked until the transaction ends (a row lock on PostgreSQL; SQLite's write lock),
 * so that no other entry can be appended before this transaction's own: what it reads is the head at commit.
 */
export async function lockAuditHead(trx: Transaction<Database>): Promise<string> {
  const head = await trx.updateTable('auditHead').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1).returning('hash').executeTakeFirstOrThrow();
  return head.hash;
}

export const readAuditHead = (db: Db) => db.selectFrom('auditHead').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();

export async function* auditEntriesInOrder(db: Db, batch = 1000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('auditEntries').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
    for (const row of rows) yield { ...row, seq: Number(row.seq) };
    if (rows.length < batch) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

export interface AuditQuery {
  subject?: string;
  actor?: string;
  action?: string;
  limit: number;
  before?: number;
}

export async function listAuditEntries(db: Db, q: AuditQuery): Promise<AuditEntry[]> {
  let query = db.selectFrom('auditEntries').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.subject) query = query.where('subject', '=', q.subject);
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.before) query = query.where('seq', '<', q.before);
  return (await query.execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
}
