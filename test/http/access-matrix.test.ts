// Every route × every role × own / other agency (and ministry): the expected status of each cell is
// written out by hand here, never derived from the routes' own rules. A route without a row fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

type Who = 'anonymous' | 'agency' | 'ciso' | 'assessor' | 'ministry' | 'office';
const WHO: Who[] = ['anonymous', 'agency', 'ciso', 'assessor', 'ministry', 'office'];

/** `own`: the caller's agency (MOI-A, under the ministry user's 內政部); `other`: MOEA-B under 經濟部. */
type Target = 'own' | 'other' | '-';

interface Cell {
  method: string;
  url: string;
  body?: unknown;
  contentType?: string;
}

interface Row {
  route: string;
  target: Target;
  request: (who: Who, n: number) => Cell;
  expect: Record<Who, number>;
}

const agencyOf = (target: Target) => (target === 'other' ? 'MOEA-B' : 'MOI-A');
const all = (status: number, anonymous = 401): Record<Who, number> => ({ anonymous, agency: status, ciso: status, assessor: status, ministry: status, office: status });
const officeOnly = (office: number): Record<Who, number> => ({ anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 403, office });
const csv = 'code,name,ministry,grade\nMX-1,矩陣測試機關,內政部,B\n';

const ROWS: Row[] = [
  { route: 'GET /healthz', target: '-', request: () => ({ method: 'GET', url: '/healthz' }), expect: all(200, 200) },
  { route: 'GET /api/openapi.json', target: '-', request: () => ({ method: 'GET', url: '/api/openapi.json' }), expect: all(200, 200) },
  {
    route: 'POST /api/session',
    target: '-',
    request: (who) => ({ method: 'POST', url: '/api/session', body: { username: who === 'anonymous' ? 'nobody' : who, password: PASSWORD } }),
    expect: all(200, 401),
  },
  { route: 'DELETE /api/session', target: '-', request: () => ({ method: 'DELETE', url: '/api/session' }), expect: all(200) },
  { route: 'DELETE /api/sessions', target: '-', request: () => ({ method: 'DELETE', url: '/api/sessions' }), expect: all(200) },
  { route: 'GET /api/me', target: '-', request: () => ({ method: 'GET', url: '/api/me' }), expect: all(200) },
  { route: 'POST /api/tokens', target: '-', request: () => ({ method: 'POST', url: '/api/tokens', body: { name: 'matrix' } }), expect: all(201) },
  { route: 'GET /api/users', target: '-', request: () => ({ method: 'GET', url: '/api/users' }), expect: officeOnly(200) },
  {
    route: 'POST /api/users',
    target: '-',
    request: (who, n) => ({ method: 'POST', url: '/api/users', body: { username: `made-by-${who}-${n}`, role: 'assessor' } }),
    expect: officeOnly(201),
  },
  { route: 'PATCH /api/users/:username', target: '-', request: () => ({ method: 'PATCH', url: '/api/users/bystander', body: { displayName: 'Bystander' } }), expect: officeOnly(200) },
  { route: 'GET /api/questionnaires', target: '-', request: () => ({ method: 'GET', url: '/api/questionnaires' }), expect: all(200) },
  { route: 'GET /api/questionnaires/:id', target: '-', request: () => ({ method: 'GET', url: '/api/questionnaires/isgm-109?version=1.0.0' }), expect: all(200) },
  { route: 'GET /api/agencies', target: '-', request: () => ({ method: 'GET', url: '/api/agencies' }), expect: all(200) },
  {
    route: 'POST /api/agencies',
    target: '-',
    request: (who, n) => ({ method: 'POST', url: '/api/agencies', body: { code: `NEW-${who}-${n}`, name: '新機關', ministry: '內政部' } }),
    expect: officeOnly(201),
  },
  {
    route: 'GET /api/agencies/:code',
    target: 'own',
    request: () => ({ method: 'GET', url: `/api/agencies/${agencyOf('own')}` }),
    expect: { anonymous: 401, agency: 200, ciso: 200, assessor: 404, ministry: 200, office: 200 },
  },
  {
    route: 'GET /api/agencies/:code',
    target: 'other',
    request: () => ({ method: 'GET', url: `/api/agencies/${agencyOf('other')}` }),
    expect: { anonymous: 401, agency: 404, ciso: 404, assessor: 404, ministry: 404, office: 200 },
  },
  {
    route: 'PATCH /api/agencies/:code',
    target: 'own',
    request: () => ({ method: 'PATCH', url: `/api/agencies/${agencyOf('own')}`, body: { name: '內政部甲機關' } }),
    expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 404, ministry: 403, office: 200 },
  },
  {
    route: 'PATCH /api/agencies/:code',
    target: 'other',
    request: () => ({ method: 'PATCH', url: `/api/agencies/${agencyOf('other')}`, body: { name: '經濟部乙機關' } }),
    expect: { anonymous: 401, agency: 404, ciso: 404, assessor: 404, ministry: 404, office: 200 },
  },
  {
    route: 'POST /api/agencies/import',
    target: '-',
    request: () => ({ method: 'POST', url: '/api/agencies/import?cycle=109', body: csv, contentType: 'text/csv' }),
    expect: officeOnly(200),
  },
  { route: 'GET /api/cycles', target: '-', request: () => ({ method: 'GET', url: '/api/cycles' }), expect: all(200) },
  {
    route: 'POST /api/cycles',
    target: '-',
    request: (_who, n) => ({ method: 'POST', url: '/api/cycles', body: { year: 200 + n, questionnaire: 'isgm-109@1.0.0' } }),
    expect: officeOnly(201),
  },
  { route: 'GET /api/cycles/:year', target: '-', request: () => ({ method: 'GET', url: '/api/cycles/109' }), expect: all(200) },
  { route: 'PATCH /api/cycles/:year', target: '-', request: () => ({ method: 'PATCH', url: '/api/cycles/109', body: { deadline: '2020-11-30' } }), expect: officeOnly(200) },
  { route: 'GET /api/assessors/:username', target: '-', request: () => ({ method: 'GET', url: '/api/assessors/assessor' }), expect: officeOnly(200) },
  {
    route: 'PUT /api/assessors/:username',
    target: '-',
    request: () => ({ method: 'PUT', url: '/api/assessors/assessor', body: { certifiedOn: '2019-01-01', validUntil: '2021-12-31', affiliations: [] } }),
    expect: officeOnly(200),
  },
];

describe.each(databaseKinds)('access matrix on $name', (kind) => {
  let t: TestApp;
  const auth = new Map<Who, string>();

  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    await t.app.services.accounts.createUser({ username: 'bystander', role: 'agency', agency: 'MOEA-B', password: PASSWORD }, null);
    await t.app.services.assessors.put('assessor', { certifiedOn: '2019-01-01', validUntil: '2021-12-31', affiliations: [] }, null);
    for (const who of WHO) if (who !== 'anonymous') auth.set(who, await tokenFor(t.app, who));
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('has a row for every registered route, and no row for a route that does not exist', () => {
    const registered = new Set(t.app.routeTable.map((r) => `${r.method} ${r.url}`));
    const covered = new Set(ROWS.map((r) => r.route));
    expect([...registered].filter((r) => !covered.has(r)).sort()).toEqual([]);
    expect([...covered].filter((r) => !registered.has(r)).sort()).toEqual([]);
  });

  let n = 0;
  for (const row of ROWS) {
    for (const who of WHO) {
      it(`${row.route}${row.target === '-' ? '' : ` (${row.target})`} as ${who} → ${row.expect[who]}`, async () => {
        const cell = row.request(who, n++);
        const headers: Record<string, string> = {};
        const token = auth.get(who);
        if (token) headers.authorization = token;
        if (cell.contentType) headers['content-type'] = cell.contentType;
        const response = await t.app.inject({ method: cell.method as 'GET', url: cell.url, headers, ...(cell.body === undefined ? {} : { payload: cell.body as string }) });
        expect(response.statusCode, response.body).toBe(row.expect[who]);
        if (response.statusCode >= 400) {
          const body = response.json<{ error: { code: unknown; message: unknown } }>();
          expect(typeof body.error.code).toBe('string');
          expect(typeof body.error.message).toBe('string');
        }
      });
    }
  }
});
