// The programme's tracking (docs/domain.md §8): a cycle's KPI snapshot stored when the office closes it,
// deadline extensions per agency, improvement plans per gap, which computed notifications a user has
// read, and the stored national KPI reports of closed cycles.
import { PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from '../src/db/types.js';
import { blockingProcesses } from '../src/domain/programme.js';
import type { ScoreResult } from '../src/domain/scoring.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('cycle_snapshots')
    .addColumn('cycle_year', 'integer', (c) => c.primaryKey().references('cycles.year').onDelete('cascade'))
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable('deadline_extensions')
    .addColumn('cycle_year', 'integer', (c) => c.notNull().references('cycles.year').onDelete('cascade'))
    .addColumn('agency_code', 'text', (c) => c.notNull().references('agencies.code').onDelete('cascade'))
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deadline_extensions_pk', ['cycle_year', 'agency_code'])
    .execute();

  await db.schema
    .createTable('improvement_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
    .addColumn('agency_code', 'text', (c) => c.notNull())
    .addColumn('cycle_year', 'integer', (c) => c.notNull())
    .addColumn('process', 'text', (c) => c.notNull())
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('improvement_plans_agency').on('improvement_plans').columns(['agency_code', 'cycle_year']).execute();
  await db.schema.createIndex('improvement_plans_assessment').on('improvement_plans').column('assessment_id').execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_reads_pk', ['user_id', 'notification_id'])
    .execute();

  await db.schema
    .createTable('national_reports')
    .addColumn('cycle_year', 'integer', (c) => c.notNull().references('cycle_snapshots.cycle_year').onDelete('cascade'))
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('snapshot_sha256', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('national_reports_pk', ['cycle_year', 'lang'])
    .execute();

  // Beside each stored result, the processes that block its target, so that the dashboard lists them without
  // parsing the results. The table is rebuilt with every small column ahead of the two results (about 10 KB each):
  // SQLite reads a row's columns in order, and reading a level stored after a result walked its overflow pages.
  await db.schema
    .createTable('assessment_results_next')
    .addColumn('assessment_id', 'text', (c) => c.primaryKey().references('assessments.id').onDelete('cascade'))
    .addColumn('questionnaire', 'text', (c) => c.notNull())
    .addColumn('self_level', 'integer', (c) => c.notNull())
    .addColumn('self_score', 'double precision', (c) => c.notNull())
    .addColumn('self_meets_target', 'integer')
    .addColumn('self_target_level', 'integer')
    .addColumn('validated_level', 'integer', (c) => c.notNull())
    .addColumn('validated_score', 'double precision', (c) => c.notNull())
    .addColumn('validated_meets_target', 'integer')
    .addColumn('validated_target_level', 'integer')
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .addColumn('self_blocking', 'text', (c) => c.notNull())
    .addColumn('validated_blocking', 'text', (c) => c.notNull())
    .addColumn('self_result', 'text', (c) => c.notNull())
    .addColumn('validated_result', 'text', (c) => c.notNull())
    .execute();
  const typed = db as unknown as Kysely<Database>;
  const stored = await typed.selectFrom('assessmentResults').selectAll().execute();
  const blocking = (text: string) => JSON.stringify(blockingProcesses(JSON.parse(text) as ScoreResult));
  for (let i = 0; i < stored.length; i += 200) {
    const rows = stored.slice(i, i + 200).map((r) => ({ ...r, selfBlocking: blocking(r.selfResult), validatedBlocking: blocking(r.validatedResult) }));
    await (typed as unknown as Kysely<{ assessmentResultsNext: Database['assessmentResults'] }>).insertInto('assessmentResultsNext').values(rows).execute();
  }
  await db.schema.dropTable('assessment_results').execute();
  await db.schema.alterTable('assessment_results_next').renameTo('assessment_results').execute();

  // The dashboard reads a cycle's agencies by grade; an assessor's notifications read the assignments of their assessments.
  await db.schema.createIndex('agency_grades_cycle').on('agency_grades').columns(['cycle_year', 'grade']).execute();
  await db.schema.createIndex('audit_entries_subject_action').on('audit_entries').columns(['subject', 'action']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_entries_subject_action').execute();
  await db.schema.dropIndex('agency_grades_cycle').execute();
  await db.schema.alterTable('assessment_results').dropColumn('validated_blocking').execute();
  await db.schema.alterTable('assessment_results').dropColumn('self_blocking').execute();
  for (const t of ['national_reports', 'notification_reads', 'improvement_plans', 'deadline_extensions', 'cycle_snapshots']) await db.schema.dropTable(t).execute();
}
