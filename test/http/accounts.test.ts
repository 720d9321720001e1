// Log-in, sessions, tokens, throttling and the office's user management, over HTTP on each database.
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { THROTTLE, sha256 } from '../../src/services/accounts.service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { PASSWORD, loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('accounts on $name', (kind) => {
  const t = useSeededApp(kind);
  const inject = (options: InjectOptions) => t.app.inject(options);

  it('logs in with an HttpOnly SameSite cookie and answers who am I', async () => {
    const response = await inject({ method: 'POST', url: '/api/session', payload: { username: 'ciso', password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: { id: expect.any(String) as string, username: 'ciso', role: 'ciso', agency: 'MOI-A', ministry: null } });
    const cookie = response.cookies.find((c) => c.name === 'gsm_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.value.length).toBeGreaterThanOrEqual(40);
    const me = await inject({ method: 'GET', url: '/api/me', headers: { cookie: `gsm_session=${cookie.value}` } });
    expect(me.json()).toMatchObject({ user: { username: 'ciso', role: 'ciso', agency: 'MOI-A' } });
  });

  it('stores hashed passwords and hashed session ids only', async () => {
    const cookie = await loginAs(t.app, 'agency');
    const user = await t.app.services.handle.db.selectFrom('users').selectAll().where('username', '=', 'agency').executeTakeFirstOrThrow();
    // The suite builds its apps with scrypt N = 2^10 (testConfig); the service itself always uses 2^15.
    expect(user.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(loadConfig({}).passwordHashCost).toBe(15);
    expect(await hashPassword('any passphrase at all')).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
    const sessions = await t.app.services.handle.db.selectFrom('sessions').select('idHash').execute();
    const id = cookie.split('=')[1]!;
    expect(sessions.map((s) => s.idHash)).toContain(sha256(id));
    expect(sessions.map((s) => s.idHash)).not.toContain(id);
  });

  it('refuses a wrong password or an unknown user alike', async () => {
    for (const username of ['assessor', 'no-such-user']) {
      const response = await inject({ method: 'POST', url: '/api/session', payload: { username, password: 'wrong password!' } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong username or password' } });
    }
  });

  it('rotates the session id at login and ends the old session', async () => {
    const first = await loginAs(t.app, 'ministry');
    const again = await inject({ method: 'POST', url: '/api/session', headers: { cookie: first }, payload: { username: 'ministry', password: PASSWORD } });
    const second = `gsm_session=${again.cookies.find((c) => c.name === 'gsm_session')!.value}`;
    expect(second).not.toBe(first);
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie: first } })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie: second } })).statusCode).toBe(200);
  });

  it('ends the session at logout, and every session when logging out everywhere', async () => {
    const one = await loginAs(t.app, 'office');
    const logout = await inject({ method: 'DELETE', url: '/api/session', headers: { cookie: one } });
    expect(logout.statusCode).toBe(200);
    expect(logout.cookies.find((c) => c.name === 'gsm_session')?.value).toBe('');
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie: one } })).statusCode).toBe(401);
    const a = await loginAs(t.app, 'office');
    const b = await loginAs(t.app, 'office');
    expect((await inject({ method: 'DELETE', url: '/api/sessions', headers: { cookie: a } })).json()).toEqual({ ended: 2, tokens: 0 });
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie: b } })).statusCode).toBe(401);
  });

  it('expires sessions', async () => {
    const cookie = await loginAs(t.app, 'assessor');
    await t.app.services.handle.db.updateTable('sessions').set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where('idHash', '=', sha256(cookie.split('=')[1]!)).execute();
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('issues bearer tokens shown once and stored hashed', async () => {
    const cookie = await loginAs(t.app, 'agency');
    const created = await inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'nightly export', expiresInDays: 30 } });
    expect(created.statusCode).toBe(201);
    const { token } = created.json<{ token: string }>();
    expect(token).toMatch(/^gsm_/);
    const rows = await t.app.services.handle.db.selectFrom('apiTokens').select(['tokenHash', 'name']).execute();
    expect(rows.map((r) => r.tokenHash)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const me = await inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ user: { username: 'agency' } });
    const bad = await inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer gsm_nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_token' } });
  });

  it('refuses a cookie-authenticated change from another origin', async () => {
    const cookie = await loginAs(t.app, 'office');
    const cross = await inject({ method: 'POST', url: '/api/tokens', headers: { cookie, origin: 'https://evil.example', host: 'localhost:3000' }, payload: {} });
    expect(cross.statusCode).toBe(403);
    const same = await inject({ method: 'POST', url: '/api/tokens', headers: { cookie, origin: 'http://localhost:3000', host: 'localhost:3000' }, payload: {} });
    expect(same.statusCode).toBe(201);
  });

  it('throttles log-in per account, persisted so that another instance holds it too', async () => {
    await t.app.services.accounts.createUser(null, { username: 'target', role: 'assessor', password: PASSWORD });
    for (let i = 0; i < THROTTLE.accountFailures; i++) {
      const r = await inject({ method: 'POST', url: '/api/session', payload: { username: 'target', password: 'guess number ' + i }, remoteAddress: `10.0.0.${i + 1}` });
      expect(r.statusCode).toBe(401);
    }
    const locked = await inject({ method: 'POST', url: '/api/session', payload: { username: 'target', password: PASSWORD }, remoteAddress: '10.0.1.1' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // A second instance on the same database sees the lock.
    const { buildApp } = await import('../../src/http/app.js');
    const { testConfig } = await import('../helpers/app.js');
    const other = await buildApp(testConfig(t.db.url));
    try {
      const there = await other.inject({ method: 'POST', url: '/api/session', payload: { username: 'target', password: PASSWORD } });
      expect(there.statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });

  it('throttles log-in per address across accounts', async () => {
    const address = '192.0.2.77';
    for (let i = 0; i < THROTTLE.addressFailures; i++) {
      await inject({ method: 'POST', url: '/api/session', payload: { username: `spray-${i}`, password: 'x' }, remoteAddress: address });
    }
    const locked = await inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD }, remoteAddress: address });
    expect(locked.statusCode).toBe(429);
    const elsewhere = await inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD }, remoteAddress: '192.0.2.78' });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('lets the office create users, change role and scope, deactivate and reset passwords', async () => {
    const office = await loginAs(t.app, 'office');
    const created = await inject({ method: 'POST', url: '/api/users', headers: { cookie: office }, payload: { username: 'new.ciso', role: 'ciso', agency: 'MOEA-B' } });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json<{ user: { username: string; agency: string }; password: string }>();
    expect(user).toMatchObject({ username: 'new.ciso', agency: 'MOEA-B', active: true });
    expect(password).toHaveLength(20);
    const session = await loginAs(t.app, 'new.ciso', password);

    const dup = await inject({ method: 'POST', url: '/api/users', headers: { cookie: office }, payload: { username: 'new.ciso', role: 'agency', agency: 'MOEA-B' } });
    expect(dup.statusCode).toBe(409);
    const noAgency = await inject({ method: 'POST', url: '/api/users', headers: { cookie: office }, payload: { username: 'lost', role: 'agency' } });
    expect(noAgency.statusCode).toBe(400);
    expect(noAgency.json()).toMatchObject({ error: { code: 'invalid_input', details: [{ path: '/agency' }] } });
    const badBody = await inject({ method: 'POST', url: '/api/users', headers: { cookie: office }, payload: { username: 'X', role: 'king', extra: 1 } });
    expect(badBody.statusCode).toBe(400);
    const paths = badBody.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/username', '/role', '/extra']));

    const moved = await inject({ method: 'PATCH', url: '/api/users/new.ciso', headers: { cookie: office }, payload: { role: 'ministry', ministry: '經濟部' } });
    expect(moved.json()).toMatchObject({ user: { role: 'ministry', agency: null, ministry: '經濟部' } });
    expect((await inject({ method: 'GET', url: '/api/me', headers: { cookie: session } })).statusCode).toBe(401);

    const reset = await inject({ method: 'PATCH', url: '/api/users/new.ciso', headers: { cookie: office }, payload: { resetPassword: true } });
    const fresh = reset.json<{ password: string }>().password;
    expect(fresh).not.toBe(password);
    await expect(loginAs(t.app, 'new.ciso', password)).rejects.toThrow();
    await loginAs(t.app, 'new.ciso', fresh);

    const off = await inject({ method: 'PATCH', url: '/api/users/new.ciso', headers: { cookie: office }, payload: { active: false } });
    expect(off.json()).toMatchObject({ user: { active: false } });
    await expect(loginAs(t.app, 'new.ciso', fresh)).rejects.toThrow(/401/);
    const list = await inject({ method: 'GET', url: '/api/users', headers: { cookie: office } });
    expect(list.json<{ username: string }[]>().map((u) => u.username)).toEqual(expect.arrayContaining(['office', 'ciso', 'new.ciso']));
    expect(list.body).not.toContain('scrypt');
    expect((await inject({ method: 'PATCH', url: '/api/users/ghost', headers: { cookie: office }, payload: { active: false } })).statusCode).toBe(404);
  });
});
