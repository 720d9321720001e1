// The audit chain: appends lock the single head row, so entries form one chain across instances.
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
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
/** What an entry says, before it is linked into the chain. */
export type AuditContent = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** What an entry says, each column bound to its parameter (a prepared query's parameters are stand-ins, not a row). */
const contentColumns = (p: AuditContent): AuditContent => ({ at: p.at, actor: p.actor, action: p.action, subject: p.subject, before: p.before, after: p.after });
const insertEntry = prepared((db, p: AuditEntry) => db.insertInto('auditEntries').values({ seq: p.seq, ...contentColumns(p), prevHash: p.prevHash, hash: p.hash }));
const moveHead = prepared((db, p: { hash: string }) => db.updateTable('auditHead').set({ hash: p.hash }).where('id', '=', 1));
/** PostgreSQL: the entry unlinked, under a placeholder seq below zero; migration 0008's trigger links it at commit. */
const insertUnlinked = prepared((db, p: AuditContent) => db.insertInto('auditEntries').values({ seq: sql<number>`-nextval('audit_pending_seq')`, ...contentColumns(p), prevHash: '', hash: '' }));

/**
 * Appends an entry to the chain inside the caller's transaction. On SQLite (one writer) it is linked here: the
 * head advanced by one (the write lock is the connection's anyway), `hashOf` hashes the entry with its seq and
 * the previous hash, and the head moves to it. On PostgreSQL it is inserted unlinked, and the database links it
 * as the transaction commits (migration 0008), so that no other append waits on this transaction's round trips.
 */
export async function appendAuditEntry(trx: Transaction<Database>, content: AuditContent, hashOf: (entry: Omit<AuditEntry, 'hash'>) => string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await insertUnlinked(trx, content);
    return;
  }
  const head = firstRow(await claimSeq(trx, {}));
  if (!head) throw new Error('the audit chain has no head row');
  const body = { seq: Number(head.seq), ...content, prevHash: head.hash };
  const hash = hashOf(body);
  await insertEntry(trx, { ...body, hash });
  await moveHead(trx, { hash });
}

/**
 * The chain head, locked until the transaction ends (a row lock on PostgreSQL; SQLite's write lock), so that
 * no other transaction's entry can be linked before this one ends: what it reads is the head as this
 * transaction commits, short of the entries it appends itself after the lock.
 */
export async function lockAuditHead(trx: Transaction<Database>): Promise<string> {
  const head = await trx.updateTable('auditHead').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1).returning('hash').executeTakeFirstOrThrow();
  return head.hash;
}

export const readAuditHead = (db: Db) => db.selectFrom('auditHead').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();

/**
 * An entry as the services see it (`seq` a number: PostgreSQL's bigint arrives as text). Each field is read by name:
 * a row of Kysely's camel-case mapping spread into a new object costs microseconds, and the chain is read whole.
 */
const entryOf = (r: AuditEntry): AuditEntry => ({ seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, subject: r.subject, before: r.before, after: r.after, prevHash: r.prevHash, hash: r.hash });

export async function* auditEntriesInOrder(db: Db, batch = 1000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('auditEntries').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
    for (const row of rows) yield entryOf(row);
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
  return (await query.execute()).map(entryOf);
}
