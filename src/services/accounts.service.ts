// Accounts: log-in with throttling and two-factor sign-in, sessions, bearer tokens that end, own
// passwords, and the office's user management (lock-outs and second factors included).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { TwoFactorPolicy } from '../config.js';
import { ROLES, USERNAME_PATTERN, scopeOfRole, type Actor, type Role } from '../domain/roles.js';
import { findAgency } from '../repositories/agency.repository.js';
import {
  clearThrottle,
  deleteSession,
  claimOtpStep,
  deleteOtherSessionsOfUser,
  deleteSessionsOfUser,
  deleteTokenOfUser,
  deleteTokensOfUser,
  listTokensOfUser,
  lockedAccounts,
  replaceRecoveryCodes,
  setOtp,
  useRecoveryCode,
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
  type SignedInUser,
  type UserRecord,
} from '../repositories/user.repository.js';
import type { AuditService } from './audit.service.js';
import type { Clock } from './clock.js';
import { ServiceError, conflict, invalid, notFound } from './errors.js';
import { MIN_PASSWORD_LENGTH, dummyHash, generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { SecretBox, newOtpSecret, newRecoveryCodes, otpStep, recoveryCodeHash } from './otp.js';

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
  /** Whether a second factor is confirmed. */
  otp: boolean;
  /** Until when the account is locked after too many failed log-ins, or null. */
  lockedUntil: string | null;
}

/** Who must sign in with a second factor under each TWO_FACTOR policy. */
const SECOND_FACTOR_ROLES: Record<TwoFactorPolicy, readonly Role[]> = { staff: ['office', 'assessor'], all: ['agency', 'ciso', 'assessor', 'ministry', 'office'], optional: [] };

export interface AccountsOptions {
  sessionHours: number;
  tokenTtlDays: number;
  passwordHashCost: number;
  twoFactor: TwoFactorPolicy;
  /** Keys the sealing of TOTP secrets; null when none is configured. */
  sessionSecret: string | null;
  issuer: string;
}

export function actorOf(user: Pick<UserRecord, 'id' | 'username' | 'role' | 'agencyCode' | 'ministry'>): Actor {
  return { id: user.id, username: user.username, role: user.role, agency: user.agencyCode, ministry: user.ministry };
}

export function viewOf(user: UserRecord, lockedUntil: string | null = null): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    agency: user.agencyCode,
    ministry: user.ministry,
    displayName: user.displayName,
    active: user.active,
    createdAt: user.createdAt,
    otp: user.otpConfirmedAt !== null,
    lockedUntil,
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
  /** Forget the second factor: the user enrols again at the next log-in. */
  resetOtp?: boolean;
  /** Lift a lock-out after too many failed log-ins. */
  unlock?: boolean;
}

export class AccountsService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AccountsOptions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.secrets = new SecretBox(options.sessionSecret);
  }

  /** Whether the user must enrol a second factor before doing anything else (TWO_FACTOR and no confirmed TOTP). */
  mustEnrolOtp(user: Pick<UserRecord, 'role' | 'otpConfirmedAt'>): boolean {
    return user.otpConfirmedAt === null && SECOND_FACTOR_ROLES[this.options.twoFactor].includes(user.role);
  }

  /** A six-digit code of the user's TOTP (not used before) or one of their unused recovery codes. */
  private async secondFactorHolds(user: UserRecord, code: string): Promise<boolean> {
    const now = this.clock.now();
    if (/^\d{6}$/.test(code)) {
      const secret = user.otpSecret && this.secrets.open(user.otpSecret);
      const step = secret ? otpStep(secret, code, now) : null;
      return step !== null && (await claimOtpStep(this.db, user.id, step));
    }
    return useRecoveryCode(this.db, user.id, recoveryCodeHash(code), now.toISOString());
  }

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
  async login(username: string, password: string, address: string, previousSessionId?: string, otp?: string): Promise<{ sessionId: string; user: UserRecord; expiresAt: Date; mustEnrolOtp: boolean }> {
    const now = this.clock.now();
    const accountKey = `account:${username.toLowerCase()}`;
    const addressKey = `address:${address}`;
    await this.admitAttempt(accountKey, THROTTLE.accountFailures, now);
    await this.admitAttempt(addressKey, THROTTLE.addressFailures, now);
    const user = await findUserByUsername(this.db, username.toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(this.options.passwordHashCost)));
    if (!user || !ok || !user.active) {
      await this.audit.recordAlone({ actor: null, action: 'login.failed', subject: `user:${username.toLowerCase()}`, after: { address } });
      throw new ServiceError('invalid_credentials', 'wrong username or password');
    }
    // A confirmed second factor is asked for whatever the policy. A wrong one counts as a failed attempt;
    // a missing one does not (the password was right: it is the first step of a two-step sign-in, and
    // counting it would lock out an office whose staff share one address).
    if (user.otpConfirmedAt !== null) {
      if (!otp) {
        await forgiveAttempt(this.db, accountKey);
        await forgiveAttempt(this.db, addressKey);
        await this.audit.recordAlone({ actor: null, action: 'login.failed', subject: `user:${user.username}`, after: { address, reason: 'otp_required' } });
        throw new ServiceError('otp_required', 'give the six-digit code of your authenticator app, or a recovery code, as `otp`');
      }
      if (!(await this.secondFactorHolds(user, otp))) {
        await this.audit.recordAlone({ actor: null, action: 'login.failed', subject: `user:${user.username}`, after: { address, reason: 'otp_invalid' } });
        throw new ServiceError('otp_invalid', 'the code is wrong, was used already, or is too old');
      }
    }
    await clearThrottle(this.db, accountKey);
    await forgiveAttempt(this.db, addressKey);
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.options.sessionHours * 3_600_000);
    await this.db.transaction().execute(async (trx) => {
      if (previousSessionId) await deleteSession(trx, sha256(previousSessionId));
      await insertSession(trx, { idHash: sha256(sessionId), userId: user.id, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
      await this.audit.record(trx, { actor: actorOf(user), action: 'login', subject: `user:${user.username}`, after: { address } });
    });
    return { sessionId, user, expiresAt, mustEnrolOtp: this.mustEnrolOtp(user) };
  }

  // ——— the user's own second factor ———

  /** Starts (or restarts) enrolment: a new secret, its otpauth:// URI and ten recovery codes, shown this once. */
  async enrolOtp(actor: Actor): Promise<{ secret: string; uri: string; recoveryCodes: string[] }> {
    const user = await this.getUser(actor.username);
    if (user.otpConfirmedAt !== null) throw conflict('a second factor is already confirmed; the office can reset it');
    const { secret, uri } = newOtpSecret(this.options.issuer, user.username);
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      await setOtp(trx, user.id, { otpSecret: this.secrets.seal(secret), otpConfirmedAt: null, otpLastStep: null });
      await replaceRecoveryCodes(trx, user.id, recoveryCodes.map(recoveryCodeHash));
      await this.audit.record(trx, { actor, action: 'otp.enrol', subject: `user:${user.username}`, after: { recoveryCodes: recoveryCodes.length } });
    });
    return { secret, uri, recoveryCodes };
  }

  /** Confirms the enrolment with a code from the app; from then on every log-in asks for one. */
  async confirmOtp(actor: Actor, code: string): Promise<{ confirmed: true }> {
    const user = await this.getUser(actor.username);
    if (user.otpConfirmedAt !== null) throw conflict('the second factor is confirmed already');
    const secret = user.otpSecret && this.secrets.open(user.otpSecret);
    if (!secret) throw conflict('start the enrolment first (POST /api/me/otp)');
    const step = otpStep(secret, code, this.clock.now());
    if (step === null || !(await claimOtpStep(this.db, user.id, step))) throw invalid('the code does not match', [{ path: '/otp', message: 'type the six-digit code your authenticator app shows now' }]);
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, { otpConfirmedAt: this.clock.now().toISOString() });
      await this.audit.record(trx, { actor, action: 'otp.confirm', subject: `user:${user.username}` });
    });
    return { confirmed: true };
  }

  // ——— the user's own password ———

  /** Checks the current password (a wrong one counts toward the throttle), sets the new one, and ends every other session and every token. */
  async changePassword(actor: Actor, current: string, next: string, keepSessionId: string | null): Promise<{ ok: true }> {
    if (next.length < MIN_PASSWORD_LENGTH) throw new ServiceError('invalid_password', `the new password needs at least ${MIN_PASSWORD_LENGTH} characters`, [{ path: '/new', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
    const now = this.clock.now();
    const accountKey = `account:${actor.username}`;
    await this.admitAttempt(accountKey, THROTTLE.accountFailures, now);
    const user = await this.getUser(actor.username);
    if (!(await verifyPassword(current, user.passwordHash))) throw new ServiceError('invalid_credentials', 'the current password is wrong');
    const passwordHash = await hashPassword(next, this.options.passwordHashCost);
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, { passwordHash, updatedAt: now.toISOString() });
      const sessions = await deleteOtherSessionsOfUser(trx, user.id, keepSessionId ? sha256(keepSessionId) : null);
      const tokens = await deleteTokensOfUser(trx, user.id);
      await this.audit.record(trx, { actor, action: 'user.password-change', subject: `user:${user.username}`, after: { sessionsEnded: sessions, tokensEnded: tokens } });
    });
    await clearThrottle(this.db, accountKey);
    return { ok: true };
  }

  async sessionActor(sessionId: string): Promise<SignedInUser | undefined> {
    const user = await findSessionUser(this.db, sha256(sessionId), this.clock.now().toISOString());
    return user?.active ? user : undefined;
  }

  async tokenActor(token: string): Promise<SignedInUser | undefined> {
    const user = await findTokenUser(this.db, sha256(token), this.clock.now().toISOString());
    return user?.active ? user : undefined;
  }

  async logout(sessionId: string): Promise<void> {
    await deleteSession(this.db, sha256(sessionId));
  }

  /** Ends every session and every bearer token of the user. */
  async logoutEverywhere(actor: Actor): Promise<{ ended: number; tokens: number }> {
    return this.db.transaction().execute(async (trx) => {
      const ended = await deleteSessionsOfUser(trx, actor.id);
      const tokens = await deleteTokensOfUser(trx, actor.id);
      await this.audit.record(trx, { actor, action: 'logout.everywhere', subject: `user:${actor.username}`, after: { sessions: ended, tokens } });
      return { ended, tokens };
    });
  }

  /** A bearer token for scripts: shown once, stored as its SHA-256, ending after TOKEN_TTL_DAYS or sooner. */
  async createToken(actor: Actor, name: string, days?: number): Promise<{ id: string; token: string; name: string; expiresAt: string }> {
    if (days !== undefined && days > this.options.tokenTtlDays) {
      throw invalid(`a token lives at most ${this.options.tokenTtlDays} days`, [{ path: '/expiresInDays', message: `at most ${this.options.tokenTtlDays} (TOKEN_TTL_DAYS)` }]);
    }
    const token = `gsm_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + (days ?? this.options.tokenTtlDays) * 86_400_000).toISOString();
    await this.db.transaction().execute(async (trx) => {
      await insertToken(trx, { id, userId: actor.id, name, tokenHash: sha256(token), createdAt: now.toISOString(), expiresAt });
      await this.audit.record(trx, { actor, action: 'token.create', subject: `user:${actor.username}`, after: { id, name, expiresAt } });
    });
    return { id, token, name, expiresAt };
  }

  /** The user's own tokens, never their secrets. */
  async listTokens(actor: Actor) {
    return listTokensOfUser(this.db, actor.id);
  }

  /** Revokes one of the user's own tokens (404 for anyone else's). */
  async revokeToken(actor: Actor, id: string): Promise<{ ok: true }> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await deleteTokenOfUser(trx, actor.id, id))) throw notFound(`no token ${id}`);
      await this.audit.record(trx, { actor, action: 'token.revoke', subject: `user:${actor.username}`, before: { id } });
    });
    return { ok: true };
  }

  async listUsers(): Promise<UserView[]> {
    const locked = await lockedAccounts(this.db, this.clock.now().toISOString());
    return (await listUsers(this.db)).map((u) => viewOf(u, locked.get(u.username) ?? null));
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
      passwordHash: await hashPassword(password, this.options.passwordHashCost),
      active: true,
      createdAt: now,
      updatedAt: now,
      otpSecret: null,
      otpConfirmedAt: null,
      otpLastStep: null,
    };
    await this.db.transaction().execute(async (trx) => {
      if (await findUserByUsername(trx, username)) throw conflict(`user ${username} already exists`);
      await insertUser(trx, user);
      await this.audit.record(trx, { actor, action: 'user.create', subject: `user:${username}`, after: auditedUser(user) });
    });
    return { user: viewOf(user), ...(input.password === undefined ? { password } : {}) };
  }

  /**
   * Changes role or scope, (de)activates, resets the password (a generated one is returned once),
   * resets the second factor (the user enrols again at the next log-in) or lifts a lock-out.
   */
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
      passwordHash: newPassword ? await hashPassword(newPassword, this.options.passwordHashCost) : before.passwordHash,
      updatedAt: this.clock.now().toISOString(),
      ...(changes.resetOtp ? { otpSecret: null, otpConfirmedAt: null, otpLastStep: null } : {}),
    };
    const onlyOtpOrLock = Object.keys(changes).every((k) => k === 'resetOtp' || k === 'unlock');
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, before.id, after);
      // A new role, scope, password or second factor, or a deactivation, ends every session and token of the user.
      if (roleOrScopeChanged || newPassword || after.active !== before.active || changes.resetOtp) {
        await deleteSessionsOfUser(trx, before.id);
        await deleteTokensOfUser(trx, before.id);
      }
      if (changes.resetOtp) {
        await replaceRecoveryCodes(trx, before.id, []);
        await this.audit.record(trx, { actor, action: 'otp.reset', subject: `user:${before.username}`, before: { otp: before.otpConfirmedAt !== null }, after: { otp: false } });
      }
      if (changes.unlock) {
        await clearThrottle(trx, `account:${before.username}`);
        await this.audit.record(trx, { actor, action: 'user.unlock', subject: `user:${before.username}` });
      }
      if (onlyOtpOrLock) return;
      await this.audit.record(trx, {
        actor,
        action: newPassword && !roleOrScopeChanged ? 'user.password-reset' : 'user.update',
        subject: `user:${before.username}`,
        before: auditedUser(before),
        after: { ...auditedUser(after), ...(newPassword ? { passwordReset: true } : {}) },
      });
    });
    const locked = await lockedAccounts(this.db, this.clock.now().toISOString());
    return { user: viewOf(after, locked.get(after.username) ?? null), ...(generated ? { password: generated } : {}) };
  }
}
