// Security headers on every response (issue 15): every registered route, API and pages and static
// assets, with its own method and also the others, anonymous and signed in, answering 2xx, 3xx, 4xx, a
// forced 500 and a forced 503. Each header is compared with its exact value, written out here.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCycleWithCohort, loginAs, seedPeople, buildTestApp, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const EXPECTED = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const SYSTEM = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** The four headers of a response, to compare with EXPECTED as a whole (a missing one shows as undefined). */
const headersOf = (r: Response) => Object.fromEntries(Object.keys(EXPECTED).map((k) => [k, r.headers[k]]));

describe.each(databaseKinds)('security headers on every response on $name', (kind) => {
  let t: TestApp;
  let id = '';
  let evidence = '';
  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    await createCycleWithCohort(t.app, 170);
    id = (await t.app.services.assessments.create(SYSTEM, { agency: 'MOI-A', cycle: 170 })).id;
    evidence = 'ev-headers';
    await t.app.services.handle.db
      .insertInto('evidenceFiles')
      .values({ id: evidence, assessmentId: id, process: 'GOV-01', indicator: 'BP1', name: 'a.txt', type: 'text/plain', size: 1, sha256: '0'.repeat(64), content: Buffer.from('a'), uploadedBy: 'agency', createdAt: new Date().toISOString() })
      .execute();
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  /** Every route with real values in its parameters, so that most requests reach the handler. */
  const urls = () =>
    t.app.routeTable.map((route) => ({
      route,
      url: route.url.replace(/:(\w+)/g, (_m, name: string) => ({ id: route.url.startsWith('/api/evidence') ? evidence : id, process: 'GOV-01', indicator: 'BP1', attribute: 'PA1.1', username: 'agency', code: 'MOI-A', agency: 'MOI-A', year: '170', sha256: '0'.repeat(64), name: 'app.css' })[name] ?? 'x'),
    }));
  /** The route's own method first, then the others (which the router answers 404). */
  const requests = () => urls().flatMap(({ route, url }) => [route.method, ...METHODS.filter((m) => m !== route.method)].map((method) => ({ method, url, own: method === route.method })));

  const send = (method: string, url: string, cookie?: string) =>
    t.app.inject({ method: method as 'GET', url, headers: { ...(cookie ? { cookie } : {}), ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) }, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }) });

  it('anonymous and signed in: 2xx, 3xx and 4xx, every route and method, with no-store whenever signed in', async () => {
    const statuses = new Set<number>();
    const wrong: string[] = [];
    for (const who of [null, 'office', 'agency'] as const) {
      let cookie = who ? await loginAs(t.app, who) : undefined;
      for (const { method, url, own } of requests()) {
        // Only the routes' own methods for the signed-in pass over the others: the router's 404 is the same for all.
        if (who && !own && method !== 'GET') continue;
        const r = await send(method, url, cookie);
        statuses.add(r.statusCode);
        const got = headersOf(r);
        if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) wrong.push(`${method} ${url} as ${who ?? 'anonymous'} → ${r.statusCode}: ${JSON.stringify(got)}`);
        // Signed in: nothing the user was shown may be kept by a cache. Log-outs end the session, so a
        // response to a signed-in request that no longer has one is checked by the session still working.
        if (cookie && r.headers['cache-control'] !== 'no-store') wrong.push(`${method} ${url} as ${who} → ${r.statusCode}: cache-control ${String(r.headers['cache-control'])}`);
        if (who && method !== 'GET') cookie = await loginAs(t.app, who);
      }
    }
    expect(wrong).toEqual([]);
    const classes = [...statuses].map((s) => Math.floor(s / 100));
    expect(classes).toEqual(expect.arrayContaining([2, 3, 4]));
  }, 300_000);

  it('the router’s own answers, static assets and their misses', async () => {
    const cookie = await loginAs(t.app, 'agency');
    const cases: [string, string | undefined, number][] = [
      ['/assets/app.css', undefined, 200],
      ['/assets/app.js', undefined, 200],
      ['/assets/favicon.svg', undefined, 200],
      ['/assets/nothing.css', undefined, 404],
      ['/assets/..%2Fpackage.json', undefined, 404],
      ['/assets/app.css', cookie, 200],
      ['/no/such/page', undefined, 404],
      ['/api/no/such/route', cookie, 404],
      [`/api/assessments/${'a'.repeat(5000)}`, cookie, 414],
      ['/api/assessments/%ff', cookie, 400],
      ['/assessments/%ff', undefined, 400],
    ];
    for (const [url, c, status] of cases) {
      const r = await send('GET', url, c);
      expect(r.statusCode, url).toBe(status);
      expect(headersOf(r), url).toEqual(EXPECTED);
    }
    // A static asset fetched while signed in is not cached either.
    expect((await send('GET', '/assets/app.css', cookie)).headers['cache-control']).toBe('no-store');
  });

  it('a forced 500 and a forced 503 on every route', async () => {
    const cookie = await loginAs(t.app, 'office');
    // 500: a table the routes read has gone (a fault of ours, not of the database's availability).
    await sql`alter table cycles rename to cycles_gone`.execute(t.app.services.handle.db);
    const five = await Promise.all(['/api/cycles', '/office/cycles'].map((url) => send('GET', url, cookie)));
    await sql`alter table cycles_gone rename to cycles`.execute(t.app.services.handle.db);
    for (const r of five) {
      expect(r.statusCode).toBe(500);
      expect(headersOf(r)).toEqual(EXPECTED);
      expect(r.headers['cache-control']).toBe('no-store');
    }
    // 503: the connection to the database is closed under the running app; every route and method, with and without a session.
    await t.app.services.handle.db.destroy();
    const statuses = new Set<number>();
    for (const c of [undefined, cookie]) {
      for (const { method, url } of requests()) {
        const r = await send(method, url, c);
        statuses.add(r.statusCode);
        expect(headersOf(r), `${method} ${url} → ${r.statusCode}`).toEqual(EXPECTED);
      }
    }
    expect(statuses).toContain(503);
  }, 300_000);
});
