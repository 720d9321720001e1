// A closed cycle's KPI snapshot, and the state changes of its assessments made after it was taken.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CycleSnapshotsTable, Database } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;
export type CycleSnapshot = Selectable<CycleSnapshotsTable>;

export async function insertSnapshot(db: Db, snapshot: CycleSnapshot): Promise<void> {
  await db.insertInto('cycleSnapshots').values(snapshot).execute();
}

export const findSnapshot = (db: Db, year: number): Promise<CycleSnapshot | undefined> => db.selectFrom('cycleSnapshots').selectAll().where('cycleYear', '=', year).executeTakeFirst();

/** Marks a cycle closed unless it already is; true when this call closed it. */
export async function closeCycleIfOpen(db: Db, year: number, at: string): Promise<boolean> {
  const result = await db.updateTable('cycles').set({ closedAt: at, updatedAt: at }).where('year', '=', year).where('closedAt', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface LaterChange {
  agency: string;
  ministry: string;
  from: string | null;
  to: string;
  at: string;
}

/** The state changes of `year`'s assessments made after `after`, oldest first (of `ministry`'s agencies only, when given). */
export async function stateChangesAfter(db: Db, year: number, after: string, ministry?: string): Promise<LaterChange[]> {
  let q = db
    .selectFrom('stateChanges')
    .innerJoin('assessments', 'assessments.id', 'stateChanges.assessmentId')
    .innerJoin('agencies', 'agencies.code', 'assessments.agencyCode')
    .select(['agencies.code as agency', 'agencies.ministry', 'stateChanges.fromStatus as from', 'stateChanges.toStatus as to', 'stateChanges.at'])
    .where('assessments.cycleYear', '=', year)
    .where('stateChanges.at', '>', after)
    .orderBy('stateChanges.at')
    .orderBy('agencies.code');
  if (ministry !== undefined) q = q.where('agencies.ministry', '=', ministry);
  return q.execute();
}
