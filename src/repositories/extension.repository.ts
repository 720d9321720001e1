// Deadline extensions: one per agency and cycle, granted by the office (docs/domain.md §2).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, DeadlineExtensionsTable } from '../db/types.js';

type Db = Kysely<Database> | Transaction<Database>;
export type DeadlineExtension = Selectable<DeadlineExtensionsTable>;

/** The extensions of a cycle, by agency code. */
export async function extensionsOf(db: Db, year: number): Promise<Map<string, DeadlineExtension>> {
  const rows = await db.selectFrom('deadlineExtensions').selectAll().where('cycleYear', '=', year).execute();
  return new Map(rows.map((r) => [r.agencyCode, r]));
}

/** Grants or replaces one agency's extension. */
export async function putExtension(db: Db, extension: DeadlineExtension): Promise<void> {
  const { until, reason, grantedBy, grantedAt } = extension;
  await db
    .insertInto('deadlineExtensions')
    .values(extension)
    .onConflict((oc) => oc.columns(['cycleYear', 'agencyCode']).doUpdateSet({ until, reason, grantedBy, grantedAt }))
    .execute();
}
