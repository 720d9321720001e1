// Accounts a government would accept (issue 10): two-factor sign-in under TWO_FACTOR=staff, tokens that
// end and can be listed and revoked, the own password, and lock-outs the office can lift. Both databases.
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { otpCode } from '../../src/services/otp.js';
import { PASSWORD, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe('TOTP arithmetic', () => {
  it('gives the codes of RFC 6238’s SHA-1 test vectors (their last six digits)', () => {
    // The RFC's secret is the ASCII "12345678901234567890"; in base32:
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(otpCode(secret, new Date(seconds * 1000)), String(seconds)).toBe(code.slice(2));
  });

  it('refuses a TOKEN_TTL_DAYS that is not a whole number of days, naming the variable', () => {
    expect(() => loadConfig({ TOKEN_TTL_DAYS: 'forever' })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKEN_TTL_DAYS: '0' })).toThrow(/TOKEN_TTL_DAYS/);
    expect(loadConfig({}).tokenTtlDays).toBe(90);
  });
});

describe.each(databaseKinds)('accounts on $name', (kind) => {
  const t = useSeededApp(kind, { TWO_FACTOR: 'staff' });
  /** Each test logs in from an address of its own, so that the per-address throttle of one does not reach the next. */
  let address = 0;
  beforeEach(() => void address++);
  const login = (username: string, password = PASSWORD, otp?: string) =>
    t.app.inject({ method: 'POST', url: '/api/session', payload: { username, password, ...(otp ? { otp } : {}) }, remoteAddress: `198.51.100.${address}` });
  /** Staff sessions and recovery codes kept across tests (a TOTP code cannot be used twice, nor one from the future). */
  const kept: { office?: string; assessorCodes?: string[] } = {};
  const cookieOf = (r: { cookies: { name: string; value: string }[] }) => `gsm_session=${r.cookies.find((c) => c.name === 'gsm_session')!.value}`;
  const as = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  const bearer = (token: string, url = '/api/me') => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const auditActions = async (subject: string) => (await t.app.services.handle.db.selectFrom('auditEntries').select('action').where('subject', '=', subject).execute()).map((e) => e.action);

  /** Enrols `username` (a staff account) and returns its secret, recovery codes and an office-grade cookie. */
  async function enrol(username: string) {
    const first = await login(username);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mustEnrolOtp: true });
    const cookie = cookieOf(first);
    const enrolment = (await as(cookie, 'POST', '/api/me/otp')).json<{ secret: string; uri: string; recoveryCodes: string[] }>();
    expect((await as(cookie, 'POST', '/api/me/otp/confirm', { otp: otpCode(enrolment.secret, new Date()) })).statusCode).toBe(200);
    return { ...enrolment, cookie };
  }

  it('holds a staff account without a confirmed second factor to enrolment, log-out and who-am-I', async () => {
    const first = await login('assessor');
    expect(first.json()).toMatchObject({ user: { username: 'assessor' }, mustEnrolOtp: true });
    const cookie = cookieOf(first);
    expect((await as(cookie, 'GET', '/api/me')).json()).toMatchObject({ mustEnrolOtp: true });
    for (const [method, url] of [['GET', '/api/assessments'], ['POST', '/api/tokens'], ['GET', '/api/questionnaires']] as const) {
      const r = await as(cookie, method, url, method === 'POST' ? {} : undefined);
      expect(r.statusCode, url).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'otp_enrolment_required' } });
    }
    // Agency staff are not held under TWO_FACTOR=staff.
    expect((await login('agency')).json()).not.toHaveProperty('mustEnrolOtp');
    expect((await as(cookie, 'DELETE', '/api/session')).statusCode).toBe(200);
  });

  it('enrols with a secret, an otpauth URI and ten recovery codes; then asks for a code at every log-in, refuses a wrong or replayed one and takes each recovery code once', async () => {
    const { secret, uri, recoveryCodes } = await enrol('office');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\/govsec-maturity:office\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(new Set(recoveryCodes).size).toBe(10);

    expect((await login('office')).json()).toMatchObject({ error: { code: 'otp_required' } });
    expect((await login('office')).statusCode).toBe(401);
    const wrong = await login('office', PASSWORD, otpCode(secret, new Date(Date.now() - 10 * 60_000)));
    expect(wrong.json()).toMatchObject({ error: { code: 'otp_invalid' } });
    // A fresh code (the next step: the enrolment used this one) signs in once; the same code again does not.
    const code = otpCode(secret, new Date(Date.now() + 30_000));
    const ok = await login('office', PASSWORD, code);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).not.toHaveProperty('mustEnrolOtp');
    expect((await as(cookieOf(ok), 'GET', '/api/users')).statusCode).toBe(200);
    kept.office = cookieOf(ok);
    expect((await login('office', PASSWORD, code)).json()).toMatchObject({ error: { code: 'otp_invalid' } });
    expect((await login('office', PASSWORD, recoveryCodes[0])).statusCode).toBe(200);
    expect((await login('office', PASSWORD, recoveryCodes[0]!.toUpperCase())).json()).toMatchObject({ error: { code: 'otp_invalid' } });
    expect((await as(cookieOf(ok), 'POST', '/api/me/otp')).statusCode).toBe(409);
    const secretRow = await t.app.services.handle.db.selectFrom('users').select('otpSecret').where('username', '=', 'office').executeTakeFirstOrThrow();
    expect(secretRow.otpSecret).toMatch(/^v1:/);
    expect(secretRow.otpSecret).not.toContain(secret);
    expect(await auditActions('user:office')).toEqual(expect.arrayContaining(['otp.enrol', 'otp.confirm', 'login', 'login.failed']));
  });

  it('counts second-factor failures toward the log-in throttle; the office sees the lock and lifts it', async () => {
    const { secret, recoveryCodes } = await enrol('assessor');
    kept.assessorCodes = recoveryCodes;
    for (let i = 0; i < 5; i++) expect((await login('assessor', PASSWORD, '000000')).statusCode).toBe(401);
    const locked = await login('assessor', PASSWORD, otpCode(secret, new Date(Date.now() + 30_000)));
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    const office = kept.office!;
    const users = (await as(office, 'GET', '/api/users')).json<{ username: string; lockedUntil: string | null; otp: boolean }[]>();
    expect(users.find((u) => u.username === 'assessor')).toMatchObject({ otp: true, lockedUntil: expect.stringMatching(/^\d{4}-/) as string });
    expect((await as(office, 'PATCH', '/api/users/assessor', { unlock: true })).json()).toMatchObject({ user: { lockedUntil: null } });
    expect((await login('assessor', PASSWORD, recoveryCodes[0])).statusCode).toBe(200);
    expect(await auditActions('user:assessor')).toContain('user.unlock');
  });

  it('lets the office reset a second factor: the user’s sessions end and they enrol again', async () => {
    const office = kept.office!;
    const assessorSession = cookieOf(await login('assessor', PASSWORD, kept.assessorCodes![1]));
    expect((await as(assessorSession, 'GET', '/api/me')).statusCode).toBe(200);
    expect((await as(office, 'PATCH', '/api/users/assessor', { resetOtp: true })).json()).toMatchObject({ user: { otp: false } });
    expect((await as(assessorSession, 'GET', '/api/me')).statusCode).toBe(401);
    expect((await login('assessor')).json()).toMatchObject({ mustEnrolOtp: true });
    expect(await auditActions('user:assessor')).toContain('otp.reset');
  });

  it('gives tokens an end, lists them without secrets, revokes the caller’s own only, and ends them with log-out-everywhere', async () => {
    const agency = cookieOf(await login('agency'));
    const made = (await as(agency, 'POST', '/api/tokens', { name: 'nightly' })).json<{ id: string; token: string; expiresAt: string }>();
    const days = (Date.parse(made.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    expect((await as(agency, 'POST', '/api/tokens', { expiresInDays: 91 })).statusCode).toBe(400);
    const short = (await as(agency, 'POST', '/api/tokens', { name: 'short', expiresInDays: 2 })).json<{ id: string; token: string }>();
    const list = (await as(agency, 'GET', '/api/tokens')).json<Record<string, unknown>[]>();
    expect(list.map((x) => x.name)).toEqual(expect.arrayContaining(['nightly', 'short']));
    expect(JSON.stringify(list)).not.toContain(made.token);
    expect(Object.keys(list[0]!).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    // Another user's token is not found; the owner revokes it.
    const ciso = cookieOf(await login('ciso'));
    expect((await as(ciso, 'DELETE', `/api/tokens/${short.id}`)).statusCode).toBe(404);
    expect((await bearer(short.token)).statusCode).toBe(200);
    expect((await as(agency, 'DELETE', `/api/tokens/${short.id}`)).statusCode).toBe(200);
    expect((await bearer(short.token)).statusCode).toBe(401);
    // An expired token is refused.
    await t.app.services.handle.db.updateTable('apiTokens').set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', made.id).execute();
    expect((await bearer(made.token)).json()).toMatchObject({ error: { code: 'invalid_token' } });
    // Log out everywhere ends every session and every token.
    const another = (await as(agency, 'POST', '/api/tokens', { name: 'another' })).json<{ token: string }>();
    expect((await as(agency, 'DELETE', '/api/sessions')).json()).toMatchObject({ tokens: 2 });
    expect((await bearer(another.token)).statusCode).toBe(401);
    expect(await auditActions('user:agency')).toEqual(expect.arrayContaining(['token.create', 'token.revoke', 'logout.everywhere']));
  });

  it('changes the own password: checks the current one (counting failures), ends other sessions and tokens, keeps this one', async () => {
    const here = cookieOf(await login('ciso'));
    const elsewhere = cookieOf(await login('ciso'));
    const token = (await as(here, 'POST', '/api/tokens', { name: 'x' })).json<{ token: string }>().token;
    expect((await as(here, 'POST', '/api/me/password', { current: PASSWORD, new: 'short' })).statusCode).toBe(422);
    expect((await as(here, 'POST', '/api/me/password', { current: 'wrong password', new: 'a brand new passphrase' })).json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect((await as(here, 'POST', '/api/me/password', { current: PASSWORD, new: 'a brand new passphrase' })).statusCode).toBe(200);
    expect((await as(here, 'GET', '/api/me')).statusCode).toBe(200);
    expect((await as(elsewhere, 'GET', '/api/me')).statusCode).toBe(401);
    expect((await bearer(token)).statusCode).toBe(401);
    expect((await login('ciso')).statusCode).toBe(401);
    expect((await login('ciso', 'a brand new passphrase')).statusCode).toBe(200);
    expect(await auditActions('user:ciso')).toContain('user.password-change');
    // A wrong current password counts toward the lock.
    const fresh = cookieOf(await login('ciso', 'a brand new passphrase'));
    for (let i = 0; i < 5; i++) await as(fresh, 'POST', '/api/me/password', { current: `wrong ${i}`, new: 'another long passphrase' });
    expect((await login('ciso', 'a brand new passphrase')).statusCode).toBe(429);
  });
});

describe.each(databaseKinds)('the two-step sign-in and the throttle on $name', (kind) => {
  const t = useSeededApp(kind, { TWO_FACTOR: 'staff' });
  it('does not count the first step (the right password, no code yet) as a failure', async () => {
    const first = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } });
    const cookie = `gsm_session=${first.cookies.find((c) => c.name === 'gsm_session')!.value}`;
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/me/otp', headers: { cookie } })).json<{ secret: string }>();
    expect((await t.app.inject({ method: 'POST', url: '/api/me/otp/confirm', headers: { cookie }, payload: { otp: otpCode(secret, new Date()) } })).statusCode).toBe(200);
    // Ten first steps in a row: each 401 otp_required, none locking the account (limit 5).
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } })).json()).toMatchObject({ error: { code: 'otp_required' } });
    expect((await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD, otp: otpCode(secret, new Date(Date.now() + 30_000)) } })).statusCode).toBe(200);
  });
});
