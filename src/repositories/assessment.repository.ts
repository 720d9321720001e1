// Assessments and their parts: all the Kysely code of the assessment aggregate.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { AnswersTable, Assessment, AssessmentsTable, Database, EvidenceFilesTable, SealedRecordsTable } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AssessmentFilter {
  cycle?: number;
  agency?: string;
  status?: string;
  agencies?: readonly string[];
  ministry?: string;
  assessorId?: string;
}

export async function listAssessments(db: Db, f: AssessmentFilter) {
  let q = db
    .selectFrom('assessments')
    .innerJoin('agencies', 'agencies.code', 'assessments.agencyCode')
    .leftJoin('users', 'users.id', 'assessments.assessorId')
    .selectAll('assessments')
    .select(['agencies.name as agencyName', 'agencies.ministry as ministry', 'users.username as assessorUsername'])
    .orderBy('assessments.cycleYear', 'desc')
    .orderBy('assessments.agencyCode');
  if (f.cycle !== undefined) q = q.where('assessments.cycleYear', '=', f.cycle);
  if (f.agency !== undefined) q = q.where('assessments.agencyCode', '=', f.agency);
  if (f.status !== undefined) q = q.where('assessments.status', '=', f.status);
  if (f.agencies !== undefined) {
    if (f.agencies.length === 0) return [];
    q = q.where('assessments.agencyCode', 'in', f.agencies);
  }
  if (f.ministry !== undefined) q = q.where('agencies.ministry', '=', f.ministry);
  if (f.assessorId !== undefined) q = q.where('assessments.assessorId', '=', f.assessorId);
  return q.execute();
}

export const findAssessment = (db: Db, id: string): Promise<Assessment | undefined> => db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirst();

export const findAssessmentOf = (db: Db, agency: string, cycle: number): Promise<Assessment | undefined> =>
  db.selectFrom('assessments').selectAll().where('agencyCode', '=', agency).where('cycleYear', '=', cycle).executeTakeFirst();

export async function insertAssessment(db: Db, row: Insertable<AssessmentsTable>): Promise<void> {
  await db.insertInto('assessments').values(row).execute();
}

export async function updateAssessment(db: Db, id: string, changes: Updateable<AssessmentsTable>): Promise<void> {
  await db.updateTable('assessments').set(changes).where('id', '=', id).execute();
}

export const findAnswers = (db: Db, assessmentId: string) => db.selectFrom('answers').selectAll().where('assessmentId', '=', assessmentId).execute();

export const findAnswer = (db: Db, assessmentId: string, process: string, indicator: string) =>
  db.selectFrom('answers').selectAll().where('assessmentId', '=', assessmentId).where('process', '=', process).where('indicator', '=', indicator).executeTakeFirst();

export async function insertAnswer(db: Db, row: Insertable<AnswersTable>): Promise<void> {
  await db.insertInto('answers').values(row).execute();
}

/** Inserts a first answer unless one appeared meanwhile; returns whether it did. */
export async function insertAnswerIfAbsent(db: Db, row: Insertable<AnswersTable>): Promise<boolean> {
  const result = await db.insertInto('answers').values(row).onConflict((oc) => oc.columns(['assessmentId', 'process', 'indicator']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Writes an answer only if it is still at `revision`; returns whether it was. */
export async function updateAnswerAt(db: Db, key: { assessmentId: string; process: string; indicator: string }, revision: number, changes: Updateable<AnswersTable>): Promise<boolean> {
  const result = await db
    .updateTable('answers')
    .set(changes)
    .where('assessmentId', '=', key.assessmentId)
    .where('process', '=', key.process)
    .where('indicator', '=', key.indicator)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const findScope = (db: Db, assessmentId: string) => db.selectFrom('scope').selectAll().where('assessmentId', '=', assessmentId).execute();

export async function upsertScope(db: Db, row: { assessmentId: string; process: string; inScope: number; justification: string | null; updatedAt: string; updatedBy: string }): Promise<void> {
  await db
    .insertInto('scope')
    .values(row)
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ inScope: row.inScope, justification: row.justification, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export const findAssessorRatings = (db: Db, assessmentId: string) => db.selectFrom('assessorRatings').selectAll().where('assessmentId', '=', assessmentId).execute();

export async function upsertAssessorRating(db: Db, row: { assessmentId: string; process: string; indicator: string; rating: string; reason: string | null; stale: number; updatedAt: string; updatedBy: string }): Promise<void> {
  await db
    .insertInto('assessorRatings')
    .values(row)
    .onConflict((oc) => oc.columns(['assessmentId', 'process', 'indicator']).doUpdateSet({ rating: row.rating, reason: row.reason, stale: row.stale, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export async function deleteAssessorRating(db: Db, assessmentId: string, process: string, indicator: string): Promise<number> {
  const r = await db.deleteFrom('assessorRatings').where('assessmentId', '=', assessmentId).where('process', '=', process).where('indicator', '=', indicator).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function markAssessorRatingStale(db: Db, assessmentId: string, process: string, indicator: string): Promise<number> {
  const r = await db.updateTable('assessorRatings').set({ stale: 1 }).where('assessmentId', '=', assessmentId).where('process', '=', process).where('indicator', '=', indicator).where('stale', '=', 0).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export const findScopeDecisions = (db: Db, assessmentId: string) => db.selectFrom('scopeDecisions').selectAll().where('assessmentId', '=', assessmentId).execute();

export async function upsertScopeDecision(db: Db, row: { assessmentId: string; process: string; inScope: number; reason: string; updatedAt: string; updatedBy: string }): Promise<void> {
  await db
    .insertInto('scopeDecisions')
    .values(row)
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ inScope: row.inScope, reason: row.reason, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export const findOverrides = (db: Db, assessmentId: string) => db.selectFrom('attributeOverrides').selectAll().where('assessmentId', '=', assessmentId).execute();

export async function upsertOverride(db: Db, row: { assessmentId: string; process: string; attribute: string; rating: string; reason: string; updatedAt: string; updatedBy: string }): Promise<void> {
  await db
    .insertInto('attributeOverrides')
    .values(row)
    .onConflict((oc) => oc.columns(['assessmentId', 'process', 'attribute']).doUpdateSet({ rating: row.rating, reason: row.reason, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export const findFindings = (db: Db, assessmentId: string) => db.selectFrom('findings').selectAll().where('assessmentId', '=', assessmentId).orderBy('process').execute();

export async function upsertFinding(db: Db, row: { assessmentId: string; process: string; text: string; updatedAt: string; updatedBy: string }): Promise<void> {
  await db
    .insertInto('findings')
    .values(row)
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ text: row.text, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export const findComments = (db: Db, assessmentId: string) => db.selectFrom('comments').selectAll().where('assessmentId', '=', assessmentId).orderBy('createdAt').orderBy('id').execute();

export async function insertComment(db: Db, row: { id: string; assessmentId: string; author: string; role: string; text: string; createdAt: string }): Promise<void> {
  await db.insertInto('comments').values(row).execute();
}

export const findStateChanges = (db: Db, assessmentId: string) => db.selectFrom('stateChanges').selectAll().where('assessmentId', '=', assessmentId).orderBy('at').orderBy('id').execute();

export async function insertStateChange(db: Db, row: { id: string; assessmentId: string; fromStatus: string | null; toStatus: string; by: string; at: string; comment: string | null }): Promise<void> {
  await db.insertInto('stateChanges').values(row).execute();
}

export async function insertEvidenceFile(db: Db, row: Insertable<EvidenceFilesTable>): Promise<void> {
  await db.insertInto('evidenceFiles').values(row).execute();
}

export const listEvidenceFiles = (db: Db, assessmentId: string) =>
  db.selectFrom('evidenceFiles').select(['id', 'process', 'indicator', 'name', 'type', 'size', 'sha256', 'uploadedBy', 'createdAt']).where('assessmentId', '=', assessmentId).orderBy('createdAt').execute();

export const findEvidenceFile = (db: Db, id: string) => db.selectFrom('evidenceFiles').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertSealedRecord(db: Db, row: Insertable<SealedRecordsTable>): Promise<void> {
  await db.insertInto('sealedRecords').values(row).execute();
}

export const findSealedRecords = (db: Db, assessmentId: string) => db.selectFrom('sealedRecords').selectAll().where('assessmentId', '=', assessmentId).orderBy('acceptedAt').execute();

export const findSealedRecordByHash = (db: Db, sha256: string) => db.selectFrom('sealedRecords').selectAll().where('recordSha256', '=', sha256).executeTakeFirst();

export async function updateSealedRecord(db: Db, id: string, changes: Updateable<SealedRecordsTable>): Promise<void> {
  await db.updateTable('sealedRecords').set(changes).where('id', '=', id).execute();
}
