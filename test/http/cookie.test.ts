// The session cookie on the wire: its Set-Cookie attributes, sent back as a Cookie header, and
// cleared at logout — the parts @fastify/cookie and inject() take from the `cookie` package.
import { describe, expect, it } from 'vitest';
import { PASSWORD, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

/** The `gsm_session` line of a response's Set-Cookie header(s). */
function sessionSetCookie(header: string | string[] | number | undefined): string {
  const lines = (Array.isArray(header) ? header : [String(header ?? '')]).filter((line) => line.startsWith('gsm_session='));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** The attributes of a Set-Cookie line after its name=value, as written (`Path=/`, `HttpOnly`, …). */
function attributes(line: string): string[] {
  return line.split(';').slice(1).map((part) => part.trim());
}

describe.each(databaseKinds)('the session cookie on $name', (kind) => {
  const t = useSeededApp(kind);

  it('is set HttpOnly, SameSite=Lax, Path=/ with an expiry, accepted on the next request, and cleared at logout', async () => {
    const before = Date.now();
    const login = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'ciso', password: PASSWORD } });
    expect(login.statusCode).toBe(200);

    const line = sessionSetCookie(login.headers['set-cookie']);
    const value = line.slice('gsm_session='.length).split(';')[0]!;
    expect(value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const attrs = attributes(line);
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(attrs).not.toContain('Secure'); // inject() speaks plain http
    const expires = attrs.find((a) => a.startsWith('Expires='));
    expect(expires).toMatch(/^Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    // The default session lifetime is 8 hours (SESSION_HOURS); Expires has whole seconds.
    const expiresAt = Date.parse(expires!.slice('Expires='.length));
    expect(expiresAt).toBeGreaterThan(before + 8 * 3_600_000 - 2_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 8 * 3_600_000);
    // inject()'s own parsing of the header agrees.
    expect(login.cookies.find((c) => c.name === 'gsm_session')).toMatchObject({ value, httpOnly: true, sameSite: 'Lax', path: '/' });

    // Sent back as a Cookie header, and through inject()'s `cookies` option, it identifies the user.
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `gsm_session=${value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'ciso', role: 'ciso', agency: 'MOI-A' } });
    const viaOption = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { gsm_session: value } });
    expect(viaOption.statusCode).toBe(200);
    // Among other cookies too.
    const among = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `theme=dark; gsm_session=${value}; lang=zh-TW` } });
    expect(among.statusCode).toBe(200);

    const logout = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: `gsm_session=${value}` } });
    expect(logout.statusCode).toBe(200);
    const cleared = sessionSetCookie(logout.headers['set-cookie']);
    expect(cleared.startsWith('gsm_session=;')).toBe(true);
    expect(attributes(cleared)).toEqual(expect.arrayContaining(['Max-Age=0', 'Path=/', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'SameSite=Lax']));
    expect(logout.cookies.find((c) => c.name === 'gsm_session')).toMatchObject({ value: '', maxAge: 0 });

    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `gsm_session=${value}` } });
    expect(after.statusCode).toBe(401);
  });
});
