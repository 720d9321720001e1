// What calibration reads of accepted assessments (docs/domain.md §8): both stored results, the assessors'
// current ratings beside the agency's answers, and the attribute overrides — a few queries per 500 assessments.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { AnswerRating, Rating } from '../domain/questionnaire.js';
import type { ScoreResult } from '../domain/scoring.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CalibrationRows {
  self: ScoreResult;
  validated: ScoreResult;
  ratings: { process: string; indicator: string; rating: AnswerRating; answer: AnswerRating | null }[];
  overrides: { process: string; attribute: string; rating: Rating }[];
}

/** Per assessment id (those with stored results): what calibration compares. */
export async function calibrationRowsOf(db: Db, assessmentIds: readonly string[]): Promise<Map<string, CalibrationRows>> {
  const out = new Map<string, CalibrationRows>();
  for (let i = 0; i < assessmentIds.length; i += 500) {
    const chunk = assessmentIds.slice(i, i + 500);
    const results = await db.selectFrom('assessmentResults').select(['assessmentId', 'selfResult', 'validatedResult']).where('assessmentId', 'in', chunk).execute();
    for (const r of results) out.set(r.assessmentId, { self: JSON.parse(r.selfResult) as ScoreResult, validated: JSON.parse(r.validatedResult) as ScoreResult, ratings: [], overrides: [] });
    const ratings = await db
      .selectFrom('assessorRatings')
      .leftJoin('answers', (j) => j.onRef('answers.assessmentId', '=', 'assessorRatings.assessmentId').onRef('answers.process', '=', 'assessorRatings.process').onRef('answers.indicator', '=', 'assessorRatings.indicator'))
      .select(['assessorRatings.assessmentId', 'assessorRatings.process', 'assessorRatings.indicator', 'assessorRatings.rating', 'answers.rating as answer'])
      .where('assessorRatings.assessmentId', 'in', chunk)
      .where('assessorRatings.stale', '=', 0)
      .execute();
    for (const r of ratings) out.get(r.assessmentId)?.ratings.push({ process: r.process, indicator: r.indicator, rating: r.rating as AnswerRating, answer: r.answer as AnswerRating | null });
    const overrides = await db.selectFrom('attributeOverrides').select(['assessmentId', 'process', 'attribute', 'rating']).where('assessmentId', 'in', chunk).execute();
    for (const o of overrides) out.get(o.assessmentId)?.overrides.push({ process: o.process, attribute: o.attribute, rating: o.rating as Rating });
  }
  return out;
}
