// Agencies and their grade per cycle.
import type { Kysely, Transaction } from 'kysely';
import type { Agency, Database } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AgencyFilter {
  codes?: readonly string[];
  ministry?: string;
}

export async function listAgencies(db: Db, filter: AgencyFilter = {}): Promise<Agency[]> {
  let query = db.selectFrom('agencies').selectAll().orderBy('code');
  if (filter.codes) {
    if (filter.codes.length === 0) return [];
    query = query.where('code', 'in', filter.codes);
  }
  if (filter.ministry !== undefined) query = query.where('ministry', '=', filter.ministry);
  return query.execute();
}

export const findAgency = (db: Db, code: string): Promise<Agency | undefined> => db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst();

export async function insertAgency(db: Db, agency: Agency): Promise<void> {
  await db.insertInto('agencies').values(agency).execute();
}

export async function updateAgency(db: Db, code: string, changes: { name?: string; ministry?: string; updatedAt: string }): Promise<void> {
  await db.updateTable('agencies').set(changes).where('code', '=', code).execute();
}

export async function setAgencyGrade(db: Db, agencyCode: string, cycleYear: number, grade: string): Promise<void> {
  await db
    .insertInto('agencyGrades')
    .values({ agencyCode, cycleYear, grade })
    .onConflict((oc) => oc.columns(['agencyCode', 'cycleYear']).doUpdateSet({ grade }))
    .execute();
}

export async function deleteAgencyGrade(db: Db, agencyCode: string, cycleYear: number): Promise<void> {
  await db.deleteFrom('agencyGrades').where('agencyCode', '=', agencyCode).where('cycleYear', '=', cycleYear).execute();
}

/** Grades by agency code, then by cycle year. */
export async function gradesOf(db: Db, codes: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const grades = new Map<string, Record<string, string>>();
  if (codes.length === 0) return grades;
  const rows = await db.selectFrom('agencyGrades').selectAll().where('agencyCode', 'in', codes).orderBy('cycleYear').execute();
  for (const row of rows) {
    const entry = grades.get(row.agencyCode) ?? {};
    entry[String(row.cycleYear)] = row.grade;
    grades.set(row.agencyCode, entry);
  }
  return grades;
}
