// Stored national KPI reports: the PDFs of a closed cycle, one per language, rendered from its snapshot.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredNationalReport {
  cycleYear: number;
  lang: string;
  snapshotSha256: string;
  sha256: string;
  content: Buffer;
}

export async function findNationalReport(db: Db, year: number, lang: string): Promise<StoredNationalReport | undefined> {
  const row = await db.selectFrom('nationalReports').select(['cycleYear', 'lang', 'snapshotSha256', 'sha256', 'content']).where('cycleYear', '=', year).where('lang', '=', lang).executeTakeFirst();
  return row && { ...row, content: Buffer.from(row.content) };
}

/**
 * Stores a rendered report unless one is stored for its cycle and language (the first stays). No conflict
 * target: every unique constraint (the key, and the PDF's hash) is an arbiter, so a racing identical copy is
 * skipped on PostgreSQL too rather than failing on the hash.
 */
export async function insertNationalReport(db: Db, report: StoredNationalReport, at: string): Promise<void> {
  await db
    .insertInto('nationalReports')
    .values({ ...report, size: report.content.length, createdAt: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
