// Accounts: log-in with throttling, sessions, bearer tokens and the office's user management.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { ROLES, USERNAME_PATTERN, scopeOfRole, type Actor, type Role } from '../domain/roles.js';
import { findAgency } from '../repositories/agency.repository.js';
import {
  clearThrottle,
  deleteSession,
  deleteSessionsOfUser,
  deleteTokensOfUser,
  findSessionUser,
  countAttempt,
  forgiveAttempt,
  lockAttempts,
  findTokenUser,
  findUserById,
  findUserByUsername,
  insertSession,
  insertToken,
  insertUser,
  listUsers,
  updateUser,
  type UserRecord,
} from '../repositories/user.repository.js';
import type { AuditService } from './audit.service.js';
import type { Clock } from './clock.js';
import { ServiceError, conflict, invalid, notFound } from './errors.js';
import { MIN_PASSWORD_LENGTH, dummyHash, generatePassword, hashPassword, verifyPassword } from './passwords.js';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Failures allowed in a window before the account or the address is locked for LOCK_MINUTES. */
export const THROTTLE = { accountFailures: 5, addressFailures: 20, windowMinutes: 15, lockMinutes: 15 };

export interface UserView {
  id: string;
  username: string;
  role: Role;
  agency: string | null;
  ministry: string | null;
  displayName: string | null;
  active: boolean;
  createdAt: string;
}

export function actorOf(user: UserRecord): Actor {
  return { id: user.id, username: user.username, role: user.role, agency: user.agencyCode, ministry: user.ministry };
}

export function viewOf(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    agency: user.agencyCode,
    ministry: user.ministry,
    displayName: user.displayName,
    active: user.active,
    createdAt: user.createdAt,
  };
}

/** What the audit trail records of a user: never the password hash. */
const auditedUser = (user: UserRecord) => ({ username: user.username, role: user.role, agency: user.agencyCode, ministry: user.ministry, active: user.active });


export interface NewUserInput {
  username: string;
  role: Role;
  agency?: string | null;
  ministry?: string | null;
  displayName?: string | null;
  password?: string;
}

export interface UserChanges {
  role?: Role;
  agency?: string | null;
  ministry?: string | null;
  displayName?: string | null;
  active?: boolean;
  resetPassword?: boolean;
  password?: string;
}

export class AccountsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessionHours: number,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts this attempt against `key` before any password is checked, atomically in the database, so
   * the limit holds under concurrency and across instances: past the limit the attempt is refused
   * (and the key locked) without looking at the password.
   */
  private async admitAttempt(key: string, limit: number, now: Date): Promise<void> {
    const windowStartsAfter = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
    const { failures, lockedUntil } = await countAttempt(this.db, key, now.toISOString(), windowStartsAfter);
    let until = lockedUntil && new Date(lockedUntil) > now ? new Date(lockedUntil) : undefined;
    if (!until && failures > limit) {
      until = new Date(now.getTime() + THROTTLE.lockMinutes * 60_000);
      await lockAttempts(this.db, key, until.toISOString());
    }
    if (until) {
      const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000);
      throw new ServiceError('too_many_attempts', `too many failed log-ins; try again in ${Math.ceil(seconds / 60)} minutes`, undefined, { retryAfterSeconds: seconds });
    }
  }

  /** Checks the password, throttled per account and per address; starts a fresh session (the id rotates at every log-in). */
  async login(username: string, password: string, address: string, previousSessionId?: string): Promise<{ sessionId: string; user: UserRecord; expiresAt: Date }> {
    const now = this.clock.now();
    const accountKey = `account:${username.toLowerCase()}`;
    const addressKey = `address:${address}`;
    await this.admitAttempt(accountKey, THROTTLE.accountFailures, now);
    await this.admitAttempt(addressKey, THROTTLE.addressFailures, now);
    const user = await findUserByUsername(this.db, username.toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || !user.active) {
      await this.audit.recordAlone({ actor: null, action: 'login.failed', subject: `user:${username.toLowerCase()}`, after: { address } });
      throw new ServiceError('invalid_credentials', 'wrong username or password');
    }
    await clearThrottle(this.db, accountKey);
    await forgiveAttempt(this.db, addressKey);
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.sessionHours * 3_600_000);
    await this.db.transaction().execute(async (trx) => {
      if (previousSessionId) await deleteSession(trx, sha256(previousSessionId));
      await insertSession(trx, { idHash: sha256(sessionId), userId: user.id, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
      await this.audit.record(trx, { actor: actorOf(user), action: 'login', subject: `user:${user.username}`, after: { address } });
    });
    return { sessionId, user, expiresAt };
  }

  async sessionActor(sessionId: string): Promise<UserRecord | undefined> {
    const user = await findSessionUser(this.db, sha256(sessionId), this.clock.now().toISOString());
    return user?.active ? user : undefined;
  }

  async tokenActor(token: string): Promise<UserRecord | undefined> {
    const user = await findTokenUser(this.db, sha256(token), this.clock.now().toISOString());
    return user?.active ? user : undefined;
  }

  async logout(sessionId: string): Promise<void> {
    await deleteSession(this.db, sha256(sessionId));
  }

  async logoutEverywhere(actor: Actor): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const n = await deleteSessionsOfUser(trx, actor.id);
      await this.audit.record(trx, { actor, action: 'logout.everywhere', subject: `user:${actor.username}`, after: { sessions: n } });
      return n;
    });
  }

  /** A bearer token for scripts: shown once, stored as its SHA-256. */
  async createToken(actor: Actor, name: string, days: number | null): Promise<{ id: string; token: string; name: string; expiresAt: string | null }> {
    const token = `gsm_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    const now = this.clock.now();
    const expiresAt = days ? new Date(now.getTime() + days * 86_400_000).toISOString() : null;
    await this.db.transaction().execute(async (trx) => {
      await insertToken(trx, { id, userId: actor.id, name, tokenHash: sha256(token), createdAt: now.toISOString(), expiresAt });
      await this.audit.record(trx, { actor, action: 'token.create', subject: `user:${actor.username}`, after: { id, name, expiresAt } });
    });
    return { id, token, name, expiresAt };
  }

  async listUsers(): Promise<UserView[]> {
    return (await listUsers(this.db)).map(viewOf);
  }

  async getUser(username: string): Promise<UserRecord> {
    const user = await findUserByUsername(this.db, username);
    if (!user) throw notFound(`no user ${username}`);
    return user;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return findUserById(this.db, id);
  }

  private async checkScope(role: Role, agency: string | null | undefined, ministry: string | null | undefined): Promise<{ agency: string | null; ministry: string | null }> {
    const scope = scopeOfRole(role);
    const details = [];
    if (scope === 'agency') {
      if (!agency) details.push({ path: '/agency', message: `a ${role} user belongs to an agency: give its code` });
      else if (!(await findAgency(this.db, agency))) details.push({ path: '/agency', message: `no agency ${agency}` });
      if (ministry) details.push({ path: '/ministry', message: `a ${role} user has no ministry scope` });
    } else if (scope === 'ministry') {
      if (!ministry?.trim()) details.push({ path: '/ministry', message: 'a ministry user belongs to a ministry: give its name' });
      if (agency) details.push({ path: '/agency', message: 'a ministry user has no agency' });
    } else {
      if (agency) details.push({ path: '/agency', message: `a ${role} user has no agency` });
      if (ministry) details.push({ path: '/ministry', message: `a ${role} user has no ministry scope` });
    }
    if (details.length > 0) throw invalid('the role and its scope do not fit', details);
    return { agency: scope === 'agency' ? agency! : null, ministry: scope === 'ministry' ? ministry!.trim() : null };
  }

  /** Creates a user with the given password, or a generated one that is returned once. */
  async createUser(actor: Actor | null, input: NewUserInput): Promise<{ user: UserView; password?: string }> {
    const username = input.username.toLowerCase();
    if (!new RegExp(USERNAME_PATTERN).test(username)) {
      throw invalid('invalid username', [{ path: '/username', message: 'use 3–64 characters: lower-case letters, digits, dot, dash or underscore' }]);
    }
    if (!ROLES.includes(input.role)) throw invalid('invalid role', [{ path: '/role', message: `must be one of ${ROLES.join(', ')}` }]);
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      throw invalid('password too short', [{ path: '/password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
    }
    const scope = await this.checkScope(input.role, input.agency, input.ministry);
    if (await findUserByUsername(this.db, username)) throw conflict(`user ${username} already exists`);
    const password = input.password ?? generatePassword();
    const now = this.clock.now().toISOString();
    const user: UserRecord = {
      id: randomUUID(),
      username,
      role: input.role,
      agencyCode: scope.agency,
      ministry: scope.ministry,
      displayName: input.displayName ?? null,
      passwordHash: await hashPassword(password),
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction().execute(async (trx) => {
      if (await findUserByUsername(trx, username)) throw conflict(`user ${username} already exists`);
      await insertUser(trx, user);
      await this.audit.record(trx, { actor, action: 'user.create', subject: `user:${username}`, after: auditedUser(user) });
    });
    return { user: viewOf(user), ...(input.password === undefined ? { password } : {}) };
  }

  /** Changes role or scope, (de)activates, or resets the password (a generated one is returned once). */
  async updateUser(actor: Actor, username: string, changes: UserChanges): Promise<{ user: UserView; password?: string }> {
    const before = await this.getUser(username);
    const role = changes.role ?? before.role;
    const roleOrScopeChanged = changes.role !== undefined || changes.agency !== undefined || changes.ministry !== undefined;
    const scope = roleOrScopeChanged
      ? await this.checkScope(role, changes.agency === undefined ? (scopeOfRole(role) === 'agency' ? before.agencyCode : null) : changes.agency, changes.ministry === undefined ? (scopeOfRole(role) === 'ministry' ? before.ministry : null) : changes.ministry)
      : { agency: before.agencyCode, ministry: before.ministry };
    if (changes.password !== undefined && changes.password.length < MIN_PASSWORD_LENGTH) {
      throw invalid('password too short', [{ path: '/password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
    }
    const generated = changes.resetPassword && changes.password === undefined ? generatePassword() : undefined;
    const newPassword = changes.password ?? generated;
    const after: UserRecord = {
      ...before,
      role,
      agencyCode: scope.agency,
      ministry: scope.ministry,
      displayName: changes.displayName === undefined ? before.displayName : changes.displayName,
      active: changes.active ?? before.active,
      passwordHash: newPassword ? await hashPassword(newPassword) : before.passwordHash,
      updatedAt: this.clock.now().toISOString(),
    };
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, before.id, after);
      // A new role, scope or password, or a deactivation, ends every session and token of the user.
      if (roleOrScopeChanged || newPassword || after.active !== before.active) {
        await deleteSessionsOfUser(trx, before.id);
        await deleteTokensOfUser(trx, before.id);
      }
      await this.audit.record(trx, {
        actor,
        action: newPassword && !roleOrScopeChanged ? 'user.password-reset' : 'user.update',
        subject: `user:${before.username}`,
        before: auditedUser(before),
        after: { ...auditedUser(after), ...(newPassword ? { passwordReset: true } : {}) },
      });
    });
    return { user: viewOf(after), ...(generated ? { password: generated } : {}) };
  }
}
