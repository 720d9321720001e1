// The database goes away and comes back (a throwaway PostgreSQL cluster, stopped and started under a running app):
// within 2 s every route that needs it answers 503 `database_unavailable` (the pages a 503 page) and /healthz 503;
// within 5 s of its return everything answers again, with no restart, and nothing written is lost.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/database.js';
import { PASSWORD, buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { clusterAvailable, createCluster, type Cluster } from '../helpers/pg-cluster.js';

const required = process.env.CI === 'true';
if (required && !clusterAvailable()) throw new Error('CI=true but a throwaway PostgreSQL cluster cannot be started (root and /usr/lib/postgresql/*/bin needed)');

describe.skipIf(!clusterAvailable())('the database goes away and comes back', () => {
  let cluster: Cluster;
  let t: TestApp;
  let office = '';

  beforeAll(async () => {
    cluster = createCluster();
    cluster.start();
    t = await buildTestApp({ url: cluster.url, drop: () => Promise.resolve() });
    await seedPeople(t.app);
    office = await tokenFor(t.app, 'office');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    cluster?.destroy();
  });

  const requests = () => [
    { name: 'GET /api/cycles', run: () => t.app.inject({ method: 'GET', url: '/api/cycles', headers: { authorization: office } }) },
    { name: 'POST /api/agencies', run: () => t.app.inject({ method: 'POST', url: '/api/agencies', headers: { authorization: office }, payload: { code: `OUT-${Date.now()}`, name: '斷線測試機關', ministry: '內政部' } }) },
    { name: 'POST /api/session', run: () => t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } }) },
    { name: 'GET /api/dashboard', run: () => t.app.inject({ method: 'GET', url: '/api/dashboard?cycle=109', headers: { authorization: office } }) },
  ];

  it('answers 503 within 2 s of the database stopping, and 200 within 5 s of its return', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const r of requests()) expect((await r.run()).statusCode, r.name).toBeLessThan(300);

    // A query in flight when the server stops fails as "unavailable", and nothing else happens (no uncaught
    // connection error ends the process: vitest fails the run on one).
    const inFlight = sql`select pg_sleep(5)`.execute(t.app.services.handle.db).then(
      () => 'finished',
      (error: unknown) => (isDatabaseUnavailable(error) ? 'unavailable' : String(error)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    cluster.stop();
    expect(await inFlight).toBe('unavailable');
    // Each request is answered within 2 s of being sent, the first one right after the stop.
    const timed = async <T>(run: () => Promise<T>): Promise<T> => {
      const sent = Date.now();
      const answer = await run();
      expect(Date.now() - sent).toBeLessThan(2000);
      return answer;
    };
    const health = await timed(() => t.app.inject({ method: 'GET', url: '/healthz' }));
    expect(health.statusCode).toBe(503);
    for (const r of requests()) {
      const response = await timed(r.run);
      expect(response.statusCode, `${r.name}: ${response.body}`).toBe(503);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('database_unavailable');
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
    }
    const page = await timed(() => t.app.inject({ method: 'GET', url: '/login' }));
    expect(page.statusCode).toBeLessThan(500); // the login form needs no database
    const home = await timed(() => t.app.inject({ method: 'GET', url: '/', headers: { cookie: 'gsm_session=whatever' } }));
    expect(home.statusCode).toBe(503);
    expect(home.headers['content-type']).toContain('text/html');

    cluster.start();
    const restarted = Date.now();
    let back = 0;
    while (Date.now() - restarted < 10_000) {
      if ((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode === 200) {
        back = Date.now() - restarted;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThan(5000);
    for (const r of requests()) expect((await r.run()).statusCode, r.name).toBeLessThan(300);
    const agencies = (await t.app.inject({ method: 'GET', url: '/api/agencies', headers: { authorization: office } })).json<{ code: string }[]>();
    // Exactly the two agencies written while the database was up; none from the refused requests.
    expect(agencies.filter((a) => a.code.startsWith('OUT-')).length).toBe(2);
  }, 60_000);
});
