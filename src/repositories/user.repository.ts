// Users, their sessions, bearer tokens and login throttling: all the Kysely code of accounts.
import type { Kysely, Transaction } from 'kysely';
import { firstRow, prepared } from '../db/prepared.js';
import type { Database, User } from '../db/types.js';
import type { Role } from '../domain/roles.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A user as the services see it: a typed role and a boolean `active`. */
export type UserRecord = Omit<User, 'role' | 'active'> & { role: Role; active: boolean };

/**
 * Who a session or a bearer token belongs to, as every signed-in request needs it: who they are, whether they may
 * still act, and whether they still owe a second factor. Their password hash and OTP secret stay in the database.
 */
export type SignedInUser = Pick<UserRecord, 'id' | 'username' | 'role' | 'agencyCode' | 'ministry' | 'active' | 'otpConfirmedAt'>;
const SIGNED_IN_COLUMNS = ['users.id', 'users.username', 'users.role', 'users.agencyCode', 'users.ministry', 'users.active', 'users.otpConfirmedAt'] as const;
/**
 * Each field read by name: spreading a row of Kysely's camel-case mapping into a new object costs microseconds,
 * and every signed-in request maps its user.
 */
const signedInOf = (row: Pick<User, keyof SignedInUser>): SignedInUser => ({
  id: row.id,
  username: row.username,
  role: row.role as Role,
  agencyCode: row.agencyCode,
  ministry: row.ministry,
  active: row.active === 1,
  otpConfirmedAt: row.otpConfirmedAt,
});
/** A whole user: the signed-in fields and the rest of the row. */
const userOf = (row: User): UserRecord =>
  Object.assign(signedInOf(row), { displayName: row.displayName, passwordHash: row.passwordHash, createdAt: row.createdAt, updatedAt: row.updatedAt, otpSecret: row.otpSecret, otpLastStep: row.otpLastStep });

const rowOf = (user: Partial<UserRecord>) => {
  const { active, ...rest } = user;
  return { ...rest, ...(active === undefined ? {} : { active: active ? 1 : 0 }) };
};

export async function findUserByUsername(db: Db, username: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && userOf(row);
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && userOf(row);
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(userOf);
}

export async function insertUser(db: Db, user: UserRecord): Promise<void> {
  await db.insertInto('users').values({ ...user, active: user.active ? 1 : 0 }).execute();
}

export async function updateUser(db: Db, id: string, changes: Partial<UserRecord>): Promise<void> {
  await db.updateTable('users').set(rowOf(changes)).where('id', '=', id).execute();
}

export async function insertSession(db: Db, session: { idHash: string; userId: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

const sessionUser = prepared((db, p: { idHash: string; now: string }) =>
  db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.userId').select(SIGNED_IN_COLUMNS).where('sessions.idHash', '=', p.idHash).where('sessions.expiresAt', '>', p.now),
);

export async function findSessionUser(db: Db, idHash: string, now: string): Promise<SignedInUser | undefined> {
  const row = firstRow(await sessionUser(db, { idHash, now }));
  return row && signedInOf(row);
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expiresAt', '<=', now).execute();
}

export async function insertToken(db: Db, token: { id: string; userId: string; name: string; tokenHash: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db.insertInto('apiTokens').values({ ...token, lastUsedAt: null }).execute();
}

const tokenUser = prepared((db, p: { tokenHash: string; now: string }) =>
  db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .select(SIGNED_IN_COLUMNS)
    .where('apiTokens.tokenHash', '=', p.tokenHash)
    .where((eb) => eb.or([eb('apiTokens.expiresAt', 'is', null), eb('apiTokens.expiresAt', '>', p.now)])),
);

export async function findTokenUser(db: Db, tokenHash: string, now: string): Promise<SignedInUser | undefined> {
  const row = firstRow(await tokenUser(db, { tokenHash, now }));
  return row && signedInOf(row);
}

export async function touchToken(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('apiTokens').set({ lastUsedAt: now }).where('id', '=', id).execute();
}

export async function deleteTokensOfUser(db: Db, userId: string): Promise<number> {
  const r = await db.deleteFrom('apiTokens').where('userId', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export const listTokensOfUser = (db: Db, userId: string) =>
  db.selectFrom('apiTokens').select(['id', 'name', 'createdAt', 'expiresAt', 'lastUsedAt']).where('userId', '=', userId).orderBy('createdAt').execute();

/** Deletes one of a user's tokens; returns whether it was theirs. */
export async function deleteTokenOfUser(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('apiTokens').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteOtherSessionsOfUser(db: Db, userId: string, keepIdHash: string | null): Promise<number> {
  let q = db.deleteFrom('sessions').where('userId', '=', userId);
  if (keepIdHash) q = q.where('idHash', '!=', keepIdHash);
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

// ——— two-factor sign-in ———

export async function setOtp(db: Db, userId: string, otp: { otpSecret: string | null; otpConfirmedAt: string | null; otpLastStep: number | null }): Promise<void> {
  await db.updateTable('users').set(otp).where('id', '=', userId).execute();
}

/** Records `step` as used unless it (or a later one) was used already; returns whether it was. */
export async function claimOtpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ otpLastStep: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('otpLastStep', 'is', null), eb('otpLastStep', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('recoveryCodes').where('userId', '=', userId).execute();
  if (hashes.length > 0) await db.insertInto('recoveryCodes').values(hashes.map((codeHash) => ({ userId, codeHash, usedAt: null }))).execute();
}

/** Uses up a recovery code; returns whether it was there unused. */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: string): Promise<boolean> {
  const r = await db.updateTable('recoveryCodes').set({ usedAt: at }).where('userId', '=', userId).where('codeHash', '=', codeHash).where('usedAt', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Accounts locked at `now`, by user name. */
export async function lockedAccounts(db: Db, now: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('loginThrottle').select(['key', 'lockedUntil']).where('key', 'like', 'account:%').where('lockedUntil', '>', now).execute();
  return new Map(rows.map((r) => [r.key.slice('account:'.length), r.lockedUntil!]));
}

/**
 * Counts one more log-in attempt under `key` in one statement, so concurrent attempts never lose a
 * count, and returns the count in the current window and any lock. A window that started at or before
 * `windowStartsAfter`, with no lock in force at `now`, starts again at 1.
 */
export async function countAttempt(db: Db, key: string, now: string, windowStartsAfter: string): Promise<{ failures: number; lockedUntil: string | null }> {
  return db
    .insertInto('loginThrottle')
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const lapsed = eb.and([eb('loginThrottle.windowStartedAt', '<=', windowStartsAfter), eb.or([eb('loginThrottle.lockedUntil', 'is', null), eb('loginThrottle.lockedUntil', '<=', now)])]);
        return {
          failures: eb.case().when(lapsed).then(eb.lit(1)).else(eb('loginThrottle.failures', '+', eb.lit(1))).end(),
          windowStartedAt: eb.case().when(lapsed).then(now).else(eb.ref('loginThrottle.windowStartedAt')).end(),
          lockedUntil: eb.case().when(lapsed).then(eb.lit(null)).else(eb.ref('loginThrottle.lockedUntil')).end(),
        };
      }),
    )
    .returning(['failures', 'lockedUntil'])
    .executeTakeFirstOrThrow();
}

export async function lockAttempts(db: Db, key: string, until: string): Promise<void> {
  await db.updateTable('loginThrottle').set({ lockedUntil: until }).where('key', '=', key).execute();
}

/** Takes back one counted attempt (a log-in that succeeded is no failure of its address). */
export async function forgiveAttempt(db: Db, key: string): Promise<void> {
  await db.updateTable('loginThrottle').set((eb) => ({ failures: eb('failures', '-', 1) })).where('key', '=', key).where('failures', '>', 0).execute();
}


export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('loginThrottle').where('key', '=', key).execute();
}

export const findQualification = (db: Db, userId: string) => db.selectFrom('assessorQualifications').selectAll().where('userId', '=', userId).executeTakeFirst();

export async function upsertQualification(db: Db, row: { userId: string; certifiedOn: string; validUntil: string; affiliations: string; updatedAt: string }): Promise<void> {
  await db
    .insertInto('assessorQualifications')
    .values(row)
    .onConflict((oc) => oc.column('userId').doUpdateSet({ certifiedOn: row.certifiedOn, validUntil: row.validUntil, affiliations: row.affiliations, updatedAt: row.updatedAt }))
    .execute();
}

/** Whether the database holds any user or agency yet (a first start holds neither). */
export async function hasAnyUserOrAgency(db: Db): Promise<boolean> {
  const users = await db.selectFrom('users').select('id').limit(1).execute();
  const agencies = await db.selectFrom('agencies').select('code').limit(1).execute();
  return users.length > 0 || agencies.length > 0;
}
