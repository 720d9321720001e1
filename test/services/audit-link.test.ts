// Where an audit entry is linked into the chain (migration 0008): inside its transaction on SQLite, by the
// database at commit on PostgreSQL. Either way each committed entry is linked, in commit order, with the hash
// hashAuditEntry computes (PostgreSQL's SQL computes the same bytes, hostile text included); a rolled-back
// entry leaves nothing; and on PostgreSQL an open transaction holding an entry does not hold up the others.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAuditEntry, verifyAudit } from '../../src/services/audit.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { databaseKinds, type DatabaseKind } from '../helpers/databases.js';

const HOSTILE = ['plain', 'q"uote', 'back\\slash', 'ctl\u0001\u001f\b\f\n\r\t', '中文評估 第 3 級', '😀 emoji', 'sep\u2028\u2029', 'del\u007f', '</script><b>x</b>', JSON.stringify({ a: 'x"y', b: [1, 2], c: null })];

const event = (text: string, i: number) => ({ actor: i % 2 ? null : { id: 'u', username: text, role: 'office' as const, agency: null, ministry: null }, action: 'comment.add' as const, subject: `assessment:${text}`, before: i % 3 ? null : { text }, after: { text, i } });

/** An app on a fresh database of `kind` for the describe block it is called in, and its database and audit service. */
function appOn(kind: DatabaseKind) {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });
  return { db: () => t.app.services.handle.db, audit: () => t.app.services.audit };
}

describe.each(databaseKinds)('linking audit entries on $name', (kind) => {
  const { db, audit } = appOn(kind);

  it('links every entry of a transaction, in order, with the hash hashAuditEntry gives (hostile text included)', async () => {
    const before = await verifyAudit(db());
    await db().transaction().execute(async (trx) => {
      for (const [i, text] of HOSTILE.entries()) await audit().record(trx, event(text, i));
    });
    const after = await verifyAudit(db());
    expect(after).toMatchObject({ ok: true, entries: before.entries + HOSTILE.length });
    const rows = await db().selectFrom('auditEntries').selectAll().where('seq', '>', before.entries).orderBy('seq').execute();
    expect(rows.map((r) => JSON.parse(r.after!) as { i: number }).map((a) => a.i)).toEqual(HOSTILE.map((_, i) => i));
    for (const { hash, ...body } of rows) expect(hash).toBe(hashAuditEntry({ ...body, seq: Number(body.seq) }));
    expect(rows[0]!.prevHash).toBe(before.head);
  });

  it('leaves nothing of a rolled-back transaction, and no entry unlinked', async () => {
    const before = await verifyAudit(db());
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await audit().record(trx, event('rolled back', 0));
          throw new Error('refused');
        }),
    ).rejects.toThrow('refused');
    expect(await verifyAudit(db())).toEqual(before);
    const unlinked = await db().selectFrom('auditEntries').select((eb) => eb.fn.countAll().as('n')).where((eb) => eb.or([eb('seq', '<=', 0), eb('hash', '=', '')])).executeTakeFirstOrThrow();
    expect(Number(unlinked.n)).toBe(0);
  });
});

// PostgreSQL only (SQLite has one writer and links inside the transaction): none of these run without it.
describe.each(databaseKinds.filter((k) => k.name === 'postgres'))('linking at commit on $name', (kind) => {
  const { db, audit } = appOn(kind);

  it('lets others append and commit while a transaction holding an entry stays open, and links that one at its commit', async () => {
    const before = await verifyAudit(db());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seenInside: { seq: number; hash: string } | undefined;
    const open = db()
      .transaction()
      .execute(async (trx) => {
        await audit().record(trx, event('held open', 0));
        // Inside its own transaction the entry is not linked yet: a placeholder seq below zero, no hash.
        const own = await trx.selectFrom('auditEntries').select(['seq', 'hash']).where('subject', '=', 'assessment:held open').executeTakeFirstOrThrow();
        seenInside = { seq: Number(own.seq), hash: own.hash };
        await held;
      });
    // Others append and commit meanwhile, without waiting for the open transaction.
    for (let i = 0; i < 3; i++) await audit().recordAlone(event(`meanwhile ${i}`, i));
    expect(await verifyAudit(db())).toMatchObject({ ok: true, entries: before.entries + 3 });
    release();
    await open;
    expect(seenInside!.seq).toBeLessThan(0);
    expect(seenInside!.hash).toBe('');
    const after = await verifyAudit(db());
    expect(after).toMatchObject({ ok: true, entries: before.entries + 4 });
    const last = await db().selectFrom('auditEntries').select(['subject']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last.subject).toBe('assessment:held open');
  });

  it('computes in SQL the bytes hashAuditEntry hashes', async () => {
    for (const [i, text] of HOSTILE.entries()) {
      const e = { seq: 1000 + i, at: '2026-12-02T10:00:00.000Z', actor: i % 2 ? null : text, action: 'answer.put', subject: `assessment:${text}`, before: i % 3 ? null : text, after: text, prevHash: 'ab'.repeat(32) };
      const { rows } = await sql<{ h: string }>`select audit_hash(${e.seq}, ${e.at}, ${e.actor}, ${e.action}, ${e.subject}, ${e.before}, ${e.after}, ${e.prevHash}) as h`.execute(db());
      expect(rows[0]!.h, JSON.stringify(text)).toBe(hashAuditEntry(e));
    }
  });
});
