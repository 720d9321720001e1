// Stored results (docs/domain.md §8): per assessment, its self and validated results — level, score,
// meetsTarget, target level and the whole result JSON — and the questionnaire version they were scored
// on. Written when an assessment is submitted, accepted, reopened or moved; the dashboard counts these
// rows and never scores. The migration backfills every assessment already submitted or later: an
// accepted one from its seal in force (the results it was accepted with), any other by scoring it.
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/types.js';
import { indexQuestionnaire, type Questionnaire, type QuestionnaireIndex } from '../src/domain/questionnaire.js';
import type { ScoreResult } from '../src/domain/scoring.js';
import { upsertStoredResults } from '../src/repositories/result.repository.js';
import { scoreAssessment } from '../src/services/stored-results.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assessment_results')
    .addColumn('assessment_id', 'text', (c) => c.primaryKey().references('assessments.id').onDelete('cascade'))
    .addColumn('questionnaire', 'text', (c) => c.notNull())
    .addColumn('self_level', 'integer', (c) => c.notNull())
    .addColumn('self_score', 'double precision', (c) => c.notNull())
    .addColumn('self_meets_target', 'integer')
    .addColumn('self_target_level', 'integer')
    .addColumn('self_result', 'text', (c) => c.notNull())
    .addColumn('validated_level', 'integer', (c) => c.notNull())
    .addColumn('validated_score', 'double precision', (c) => c.notNull())
    .addColumn('validated_meets_target', 'integer')
    .addColumn('validated_target_level', 'integer')
    .addColumn('validated_result', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .execute();
  await backfill(db as unknown as Kysely<Database>, new Date().toISOString());
}

/** Stores the results of every assessment submitted or later that has none yet; returns how many. */
export async function backfill(db: Kysely<Database>, at: string): Promise<number> {
  const pending = await db
    .selectFrom('assessments')
    .leftJoin('assessmentResults', 'assessmentResults.assessmentId', 'assessments.id')
    .select(['assessments.id', 'assessments.cycleYear', 'assessments.questionnaire', 'assessments.status'])
    .where('assessments.status', '!=', 'draft')
    .where('assessmentResults.assessmentId', 'is', null)
    .orderBy('assessments.id')
    .execute();
  const indexes = new Map<string, QuestionnaireIndex>();
  const indexOf = async (ref: string) => {
    let index = indexes.get(ref);
    if (!index) {
      const row = await db.selectFrom('questionnaireVersions').select('content').where('ref', '=', ref).executeTakeFirstOrThrow();
      indexes.set(ref, (index = indexQuestionnaire(JSON.parse(row.content) as Questionnaire)));
    }
    return index;
  };
  for (const a of pending) {
    const seal =
      a.status === 'accepted' ? await db.selectFrom('sealedRecords').select('record').where('assessmentId', '=', a.id).where('revokedAt', 'is', null).executeTakeFirst() : undefined;
    const sealed = seal ? (JSON.parse(seal.record) as { self?: ScoreResult; validated?: ScoreResult }) : undefined;
    const results = sealed?.self && sealed.validated ? { self: sealed.self, validated: sealed.validated } : (await scoreAssessment(db, await indexOf(a.questionnaire), { id: a.id, cycleYear: a.cycleYear })).results;
    await upsertStoredResults(db, a.id, results, at);
  }
  return pending.length;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('assessment_results').execute();
}
