// The stored results of assessments (docs/domain.md §8) and the one read the dashboard makes of a
// cycle: every agency of the cycle's grades with its assessment's state and stored levels.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { AssessmentResultsTable, Database } from '../db/types.js';
import { blockingProcesses, type AgencyStanding, type BlockingProcess } from '../domain/programme.js';
import type { ScoreResult } from '../domain/scoring.js';
import type { AssessmentState } from '../domain/workflow.js';

type Db = Kysely<Database> | Transaction<Database>;

const bitOrNull = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);
const boolOrNull = (n: number | null): boolean | null => (n === null ? null : Number(n) === 1);

/** The stored-results row of an assessment's two results, as written at `at`. */
export function storedResultsRow(assessmentId: string, results: { self: ScoreResult; validated: ScoreResult }, at: string): Insertable<AssessmentResultsTable> {
  const { self, validated } = results;
  return {
    assessmentId,
    questionnaire: self.questionnaire,
    selfLevel: self.level,
    selfScore: self.score,
    selfMeetsTarget: bitOrNull(self.meetsTarget),
    selfTargetLevel: self.targetLevel,
    selfResult: JSON.stringify(self),
    validatedLevel: validated.level,
    validatedScore: validated.score,
    validatedMeetsTarget: bitOrNull(validated.meetsTarget),
    validatedTargetLevel: validated.targetLevel,
    validatedResult: JSON.stringify(validated),
    storedAt: at,
    selfBlocking: JSON.stringify(blockingProcesses(self)),
    validatedBlocking: JSON.stringify(blockingProcesses(validated)),
  };
}

export async function upsertStoredResults(db: Db, assessmentId: string, results: { self: ScoreResult; validated: ScoreResult }, at: string): Promise<void> {
  const { assessmentId: _id, ...row } = storedResultsRow(assessmentId, results, at);
  await db
    .insertInto('assessmentResults')
    .values({ assessmentId, ...row })
    .onConflict((oc) => oc.column('assessmentId').doUpdateSet(row))
    .execute();
}

/** One agency of a cycle's grades, with its assessment (if any) and the stored levels (if any). */
export type CycleAgencyRow = AgencyStanding;

/** Every agency whose grade for `cycle` is one of `grades` (of `ministry` only, when given), by code: one row each. */
export async function cycleAgencies(db: Db, cycle: number, grades: readonly string[], ministry?: string): Promise<CycleAgencyRow[]> {
  if (grades.length === 0) return [];
  let q = db
    .selectFrom('agencyGrades')
    .innerJoin('agencies', 'agencies.code', 'agencyGrades.agencyCode')
    .leftJoin('assessments', (j) => j.onRef('assessments.agencyCode', '=', 'agencyGrades.agencyCode').onRef('assessments.cycleYear', '=', 'agencyGrades.cycleYear'))
    .leftJoin('assessmentResults', 'assessmentResults.assessmentId', 'assessments.id')
    .select([
      'agencies.code',
      'agencies.name',
      'agencies.ministry',
      'agencyGrades.grade',
      'assessments.id as assessmentId',
      'assessments.status',
      'assessmentResults.selfLevel',
      'assessmentResults.selfScore',
      'assessmentResults.selfMeetsTarget',
      'assessmentResults.validatedLevel',
      'assessmentResults.validatedScore',
      'assessmentResults.validatedMeetsTarget',
    ])
    .where('agencyGrades.cycleYear', '=', cycle)
    .where('agencyGrades.grade', 'in', grades)
    .orderBy('agencies.code');
  if (ministry !== undefined) q = q.where('agencies.ministry', '=', ministry);
  const rows = await q.execute();
  return rows.map((r) => ({
    agency: r.code,
    name: r.name,
    ministry: r.ministry,
    grade: r.grade,
    assessment: r.assessmentId,
    state: r.status as AssessmentState | null,
    self: r.selfLevel === null ? null : { level: Number(r.selfLevel), score: Number(r.selfScore), meetsTarget: boolOrNull(r.selfMeetsTarget) },
    validated: r.validatedLevel === null ? null : { level: Number(r.validatedLevel), score: Number(r.validatedScore), meetsTarget: boolOrNull(r.validatedMeetsTarget) },
  }));
}

/**
 * The stored result of one basis of each of `assessments`. Each basis's JSON column is read only for the
 * assessments that need it: a result is about 10 KB, and reading both columns doubled the bytes read and
 * copied (measured at 7,000 agencies: docs/performance.md).
 */
export async function storedResultsOf(db: Db, assessments: readonly { id: string; basis: 'self' | 'validated' }[]): Promise<Map<string, ScoreResult>> {
  const out = new Map<string, ScoreResult>();
  for (const basis of ['self', 'validated'] as const) {
    const ids = assessments.filter((a) => a.basis === basis).map((a) => a.id);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const q = db.selectFrom('assessmentResults').where('assessmentId', 'in', chunk);
      const rows = basis === 'self' ? await q.select(['assessmentId', 'selfResult as result']).execute() : await q.select(['assessmentId', 'validatedResult as result']).execute();
      for (const r of rows) out.set(r.assessmentId, JSON.parse(r.result) as ScoreResult);
    }
  }
  return out;
}

/** The stored blocking processes of one basis of each of `assessments` (small columns: the results themselves are not read). */
export async function blockingOf(db: Db, assessments: readonly { id: string; basis: 'self' | 'validated' }[]): Promise<Map<string, BlockingProcess[]>> {
  const out = new Map<string, BlockingProcess[]>();
  const basisOf = new Map(assessments.map((a) => [a.id, a.basis]));
  const ids = [...basisOf.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('assessmentResults')
      .select(['assessmentId', 'selfBlocking', 'validatedBlocking'])
      .where('assessmentId', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const text = basisOf.get(r.assessmentId) === 'validated' ? r.validatedBlocking : r.selfBlocking;
      out.set(r.assessmentId, JSON.parse(text) as BlockingProcess[]);
    }
  }
  return out;
}
