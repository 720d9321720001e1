// Audit trail (DOMAIN.md §4): every change appends an entry holding the previous entry's hash.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.js';
import type { AuditEntry, Database } from '../db/types.js';
import { auditEntriesInOrder, claimNextAuditSeq, insertAuditEntry, readAuditHead } from '../repositories/audit.repository.js';

export interface AuditEvent {
  actor: string | null;
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

const json = (value: unknown): string | null => (value === undefined || value === null ? null : canonicalJson(value));

/** The hash of an entry: SHA-256 of the RFC 8785 canonical JSON of every field but the hash itself. */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    before: entry.before,
    after: entry.after,
    prevHash: entry.prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends one entry inside the caller's transaction, so the change and its entry commit together. */
export async function appendAudit(trx: Transaction<Database>, event: AuditEvent, at = new Date().toISOString()): Promise<AuditEntry> {
  const { seq, prevHash } = await claimNextAuditSeq(trx);
  const body = { seq, at, actor: event.actor, action: event.action, subject: event.subject, before: json(event.before), after: json(event.after), prevHash };
  const entry = { ...body, hash: hashAuditEntry(body) };
  await insertAuditEntry(trx, entry);
  return entry;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head: string;
  firstBad?: { seq: number; reason: string };
}

/** Walks the chain from the genesis hash; names the first entry whose link or hash does not hold. */
export async function verifyAudit(db: Kysely<Database>): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for await (const entry of auditEntriesInOrder(db)) {
    entries++;
    if (entry.seq !== expectedSeq) return { ok: false, entries, head: prev, firstBad: { seq: entry.seq, reason: `expected entry ${expectedSeq} here: an entry is missing` } };
    if (entry.prevHash !== prev) return { ok: false, entries, head: prev, firstBad: { seq: entry.seq, reason: 'its previous-hash does not match the entry before it' } };
    const { hash, ...body } = entry;
    if (hashAuditEntry(body) !== hash) return { ok: false, entries, head: prev, firstBad: { seq: entry.seq, reason: 'its content does not match its hash (edited after it was written)' } };
    prev = hash;
    expectedSeq++;
  }
  const head = await readAuditHead(db);
  if (Number(head.seq) !== expectedSeq - 1 || head.hash !== prev) {
    return { ok: false, entries, head: prev, firstBad: { seq: expectedSeq, reason: `the chain head says entry ${head.seq} with another hash: entries were removed from the end` } };
  }
  return { ok: true, entries, head: prev };
}
