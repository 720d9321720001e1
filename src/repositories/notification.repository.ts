// The facts notifications are computed from (docs/domain.md §8) — assignment audit entries, returns,
// an agency's standing in the open cycles — and which notifications each user has read.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { AssessmentState } from '../domain/workflow.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The assessments now assigned to an assessor. */
export const assessmentsAssignedTo = (db: Db, assessorId: string) =>
  db.selectFrom('assessments').select(['id', 'agencyCode', 'cycleYear', 'assessorId']).where('assessorId', '=', assessorId).orderBy('id').execute();

/** The `assignment.put` audit entries of the given subjects, with `after` as stored (JSON text). */
export async function assignmentEntriesOf(db: Db, subjects: readonly string[]) {
  if (subjects.length === 0) return [];
  return db.selectFrom('auditEntries').select(['seq', 'at', 'subject', 'after']).where('action', '=', 'assignment.put').where('subject', 'in', subjects).orderBy('seq').execute();
}

/** Every change to `returned` of the assessments of one agency, with the assessor's comment. */
export function returnsOfAgency(db: Db, agency: string) {
  return db
    .selectFrom('stateChanges')
    .innerJoin('assessments', 'assessments.id', 'stateChanges.assessmentId')
    .select(['stateChanges.id', 'stateChanges.at', 'stateChanges.comment', 'assessments.id as assessment', 'assessments.agencyCode as agency', 'assessments.cycleYear as cycle'])
    .where('assessments.agencyCode', '=', agency)
    .where('stateChanges.toStatus', '=', 'returned')
    .orderBy('stateChanges.at')
    .execute();
}

export interface CycleStandingRow {
  cycle: number;
  /** JSON: the grades that must assess. */
  grades: string;
  deadline: string | null;
  closed: boolean;
  grade: string;
  assessment: { id: string; state: AssessmentState } | null;
}

/** An agency in every open cycle it has a grade for: the cycle's grades and deadline, its grade there and its assessment (if any). */
export async function openCycleStandingsOf(db: Db, agency: string): Promise<CycleStandingRow[]> {
  const rows = await db
    .selectFrom('cycles')
    .innerJoin('agencyGrades', (j) => j.onRef('agencyGrades.cycleYear', '=', 'cycles.year').on('agencyGrades.agencyCode', '=', agency))
    .leftJoin('assessments', (j) => j.onRef('assessments.cycleYear', '=', 'cycles.year').on('assessments.agencyCode', '=', agency))
    .select(['cycles.year', 'cycles.grades', 'cycles.deadline', 'cycles.closedAt', 'agencyGrades.grade', 'assessments.id as assessmentId', 'assessments.status'])
    .where('cycles.closedAt', 'is', null)
    .orderBy('cycles.year')
    .execute();
  return rows.map((r) => ({
    cycle: Number(r.year),
    grades: r.grades,
    deadline: r.deadline,
    closed: r.closedAt !== null,
    grade: r.grade,
    assessment: r.assessmentId === null || r.status === null ? null : { id: r.assessmentId, state: r.status as AssessmentState },
  }));
}

/** The ids of the notifications a user has marked read. */
export async function readNotificationIds(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('notificationReads').select('notificationId').where('userId', '=', userId).execute();
  return new Set(rows.map((r) => r.notificationId));
}

/** Marks notifications read for a user; one already marked keeps its first time (marking again, even at once, stores no second row). */
export async function markNotificationsRead(db: Db, userId: string, ids: readonly string[], at: string): Promise<void> {
  // In slices, well under PostgreSQL's limit of parameters per statement.
  for (let i = 0; i < ids.length; i += 500) {
    const values = ids.slice(i, i + 500).map((notificationId) => ({ userId, notificationId, readAt: at }));
    await db
      .insertInto('notificationReads')
      .values(values)
      .onConflict((oc) => oc.columns(['userId', 'notificationId']).doNothing())
      .execute();
  }
}
