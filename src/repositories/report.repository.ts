// Stored findings reports: the PDFs rendered for a sealed record, one per language and part.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredReport {
  verificationCode: string;
  assessmentId: string;
  lang: string;
  part: string;
  sha256: string;
  content: Buffer;
}

export async function findStoredReport(db: Db, verificationCode: string, lang: string, part: string): Promise<StoredReport | undefined> {
  const row = await db
    .selectFrom('storedReports')
    .select(['verificationCode', 'assessmentId', 'lang', 'part', 'sha256', 'content'])
    .where('verificationCode', '=', verificationCode)
    .where('lang', '=', lang)
    .where('part', '=', part)
    .executeTakeFirst();
  return row && { ...row, content: Buffer.from(row.content) };
}

/** The stored report whose bytes hash to `sha256`, without its bytes. */
export const findStoredReportByHash = (db: Db, sha256: string) =>
  db.selectFrom('storedReports').select(['verificationCode', 'assessmentId', 'lang', 'part', 'sha256']).where('sha256', '=', sha256).executeTakeFirst();

/** Stores a rendered report unless one is stored already for its record, language and part (the first one stays). */
export async function insertStoredReport(db: Db, report: StoredReport, at: string): Promise<void> {
  await db
    .insertInto('storedReports')
    .values({ ...report, size: report.content.length, createdAt: at })
    .onConflict((oc) => oc.columns(['verificationCode', 'lang', 'part']).doNothing())
    .execute();
}
