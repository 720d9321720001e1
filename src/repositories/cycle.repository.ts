// Cycles and the questionnaire versions they pin.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Cycle, CyclesTable, Database, QuestionnaireVersionsTable } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export const listCycles = (db: Db): Promise<Cycle[]> => db.selectFrom('cycles').selectAll().orderBy('year').execute();

export const findCycle = (db: Db, year: number): Promise<Cycle | undefined> => db.selectFrom('cycles').selectAll().where('year', '=', year).executeTakeFirst();

export async function insertCycle(db: Db, cycle: Insertable<CyclesTable>): Promise<void> {
  await db.insertInto('cycles').values(cycle).execute();
}

export async function updateCycle(db: Db, year: number, changes: Updateable<CyclesTable>): Promise<void> {
  await db.updateTable('cycles').set(changes).where('year', '=', year).execute();
}

/**
 * Points a cycle at another questionnaire version only while it is open, still on `from` and never changed since
 * it was created; true when it moved.
 */
export async function moveUntouchedCycle(db: Db, year: number, from: string, to: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('cycles')
    .set({ questionnaire: to, updatedAt: at })
    .where('year', '=', year)
    .where('questionnaire', '=', from)
    .where('closedAt', 'is', null)
    .whereRef('updatedAt', '=', 'createdAt')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const countCycles = async (db: Db): Promise<number> => {
  const row = await db.selectFrom('cycles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
};

export const findQuestionnaireVersion = (db: Db, ref: string) => db.selectFrom('questionnaireVersions').selectAll().where('ref', '=', ref).executeTakeFirst();

export const listQuestionnaireVersions = (db: Db) =>
  db.selectFrom('questionnaireVersions').select(['ref', 'id', 'version', 'rocYear', 'targetLevel', 'titleZh', 'titleEn', 'contentSha256']).orderBy('id').orderBy('version').execute();

export async function insertQuestionnaireVersion(db: Db, row: Insertable<QuestionnaireVersionsTable>): Promise<void> {
  await db.insertInto('questionnaireVersions').values(row).execute();
}
