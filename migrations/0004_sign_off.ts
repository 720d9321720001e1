// The CISO's sign-off on submission: `{name, username, at, statement}` as JSON text, kept with the
// assessment and copied into the sealed record on acceptance. Assessments submitted before this
// migration have none (null).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assessments').addColumn('sign_off', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assessments').dropColumn('sign_off').execute();
}
