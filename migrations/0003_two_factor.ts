// Two-factor sign-in: each user's TOTP secret (encrypted), when it was confirmed, the last time step
// used (a code is never accepted twice), and single-use recovery codes stored as hashes. Bearer
// tokens that never expired get the default lifetime of 90 days, counted from this migration.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('otp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('otp_confirmed_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('otp_last_step', 'integer').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();

  // Timestamps are ISO text, whose arithmetic differs between the two databases: a token without an
  // expiry gets 90 days from the migration instead (never less than it was promised: none had one).
  const in90days = new Date(Date.now() + 90 * 86_400_000).toISOString();
  await sql`update api_tokens set expires_at = ${in90days} where expires_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.alterTable('users').dropColumn('otp_last_step').execute();
  await db.schema.alterTable('users').dropColumn('otp_confirmed_at').execute();
  await db.schema.alterTable('users').dropColumn('otp_secret').execute();
}
