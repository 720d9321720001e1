// The audit trail (docs/domain.md §6): a closed list of actions, one helper that appends an entry
// holding the previous entry's hash (before → after), verification, and the office's listing.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.js';
import type { AuditEntry, Database } from '../db/types.js';
import type { Actor } from '../domain/roles.js';
import { appendAuditEntry, auditEntriesInOrder, listAuditEntries, readAuditHead, type AuditQuery } from '../repositories/audit.repository.js';
import type { Clock } from './clock.js';

/** Every action the trail records; docs/domain.md §7 says what each entry's before and after hold. */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'logout.everywhere',
  'token.create',
  'token.revoke',
  'otp.enrol',
  'otp.confirm',
  'otp.reset',
  'user.create',
  'user.update',
  'user.password-reset',
  'user.password-change',
  'user.unlock',
  'agency.create',
  'agency.update',
  'agency.import',
  'cycle.create',
  'cycle.update',
  'cycle.close',
  'cycle.extension',
  'assessor.qualification',
  'assessment.create',
  'assessment.read',
  'assessment.submit',
  'assessment.review',
  'assessment.return',
  'assessment.accept',
  'assessment.reopen',
  'assessment.move',
  'assignment.put',
  'answer.put',
  'answer.confirm',
  'scope.put',
  'comment.add',
  'evidence.add',
  'evidence.read',
  'report.read',
  'sheet.export',
  'sheet.import',
  'assessor-rating.put',
  'assessor-rating.withdraw',
  'scope-decision.put',
  'override.put',
  'finding.put',
  'result.read',
  'improvement.create',
  'improvement.update',
  'demo.seeded',
  'demo.fill-in',
  'seed.national',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS_HASH = '0'.repeat(64);

const json = (value: unknown): string | null => (value === undefined || value === null ? null : canonicalJson(value));

/**
 * The hash of an entry: SHA-256 of the RFC 8785 canonical JSON of every field but the hash itself. PostgreSQL
 * computes the same bytes in SQL when it links an entry at commit (migration 0008's audit_hash).
 */
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

/** What an entry records: who did what to which thing, and the thing before and after. */
export interface AuditEvent {
  actor: Actor | null;
  action: AuditAction;
  /** `kind:id`, e.g. `assessment:<id>`, `user:<name>`, `agency:<code>`, `cycle:<year>`. */
  subject: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head: string;
  firstBad?: { seq: number; reason: string };
}

export interface AuditView {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

export class AuditService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends one entry inside the caller's transaction, so the change and its entry commit together (and the
   * entry takes its place in the chain no later than the commit: appendAuditEntry says where it is linked).
   */
  async record(trx: Transaction<Database>, event: AuditEvent): Promise<void> {
    const content = { at: this.clock.now().toISOString(), actor: event.actor?.username ?? null, action: event.action, subject: event.subject, before: json(event.before), after: json(event.after) };
    await appendAuditEntry(trx, content, hashAuditEntry);
  }

  /** Records a read (or anything else that changes nothing) in a transaction of its own. */
  async recordAlone(event: AuditEvent): Promise<void> {
    await this.db.transaction().execute((trx) => this.record(trx, event));
  }

  /** Entries newest first, filtered, with before and after as JSON values. */
  async list(query: AuditQuery): Promise<AuditView[]> {
    const rows = await listAuditEntries(this.db, query);
    return rows.map((r) => ({ ...r, before: r.before === null ? null : (JSON.parse(r.before) as unknown), after: r.after === null ? null : (JSON.parse(r.after) as unknown) }));
  }

  verify(): Promise<AuditVerification> {
    return verifyAudit(this.db);
  }
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
