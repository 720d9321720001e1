// Stored results (docs/domain.md §8): an assessment's self and validated results, scored once and
// written whenever it is submitted, accepted, reopened or moved to another questionnaire version —
// inside the transaction of that change — so that counting a cycle reads one row per agency and never
// scores. Also the one place both results are computed from an assessment's parts.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { QuestionnaireIndex } from '../domain/questionnaire.js';
import { score, type ScoreResult } from '../domain/scoring.js';
import * as repo from '../repositories/assessment.repository.js';
import type { AssessmentParts, AssessmentRecord } from '../repositories/assessment.repository.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { upsertStoredResults } from '../repositories/result.repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Results {
  self: ScoreResult;
  validated: ScoreResult;
}

/** Both results of an assessment from its parts: the agency's own (self) and the effective (validated). */
export function resultsOf(index: QuestionnaireIndex, parts: AssessmentParts, target: number | null): Results {
  const inputs = {
    answers: parts.answers,
    outOfScope: parts.scope.filter((s) => !s.inScope).map((s) => s.process),
    target,
    assessor: { ratings: parts.assessorRatings, scope: parts.scopeDecisions, overrides: parts.overrides },
  };
  return { self: score(index, { ...inputs, basis: 'self' }), validated: score(index, { ...inputs, basis: 'validated' }) };
}

/** Reads an assessment's parts and its cycle's target through `db` (a transaction's, to score what it holds) and scores both bases. */
export async function scoreAssessment(db: Db, index: QuestionnaireIndex, a: Pick<AssessmentRecord, 'id' | 'cycleYear'>): Promise<{ parts: AssessmentParts; results: Results }> {
  const [parts, cycle] = await Promise.all([repo.loadAssessmentParts(db, a.id), findCycle(db, a.cycleYear)]);
  return { parts, results: resultsOf(index, parts, cycle?.targetLevel ?? null) };
}

/** Writes (or replaces) the stored results of an assessment; call it inside the change's transaction. */
export async function storeResults(db: Db, assessmentId: string, results: Results, at: string): Promise<void> {
  await upsertStoredResults(db, assessmentId, results, at);
}
