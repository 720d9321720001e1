// Every route, as every role, meets hostile bodies and queries: ill-formed Unicode, NUL, huge and deeply
// nested bodies, wrong types, and random JSON (fast-check, fixed seed). Never a 5xx, and the audit
// chain still verifies afterwards. Its own budget: about 30 s on this 2-core machine.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnfitText } from '../../src/domain/text.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { createCycleWithCohort, loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const ROLES = ['anonymous', 'agency', 'ciso', 'assessor', 'ministry', 'office'] as const;
const SEED = 20261202;

/** A string drawn from text with lone surrogates, NUL, controls, markup and CJK mixed in. */
const hostileString = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', '資', '\u0000', '\ud800', '\udfff', '\u202e', '<', '"', '\\', '=', ' '), maxLength: 40 }),
  fc.constantFrom('', 'F', 'NA', 'GOV-01', 'BP1', '109', '=cmd|calc', '../../etc/passwd', '<script>alert(1)</script>'),
);
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(hostileString, fc.constantFrom('rating', 'revision', 'text', 'username', 'password', 'inScope', 'reason', 'agency', 'cycle', '__proto__', 'constructor')), tie('value'), { maxKeys: 5 }),
})).value;

/** Raw bodies no generator needs to find. */
const FIXED_BODIES = [
  '{"username":"x\\ud800y","password":"p","text":"\\udc00","rating":"F","revision":0,"evidence":"a\\u0000b"}',
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }),
  '{"rating":["F"],"revision":"1","inScope":"false","text":123,"username":{},"password":[],"cycle":"109","agency":7}',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  'not json at all',
];

describe.each(databaseKinds)('hostile sweep on $name', (kind) => {
  const t = useSeededApp(kind);
  const auth = new Map<string, string>();
  let id: string;
  let evidence: string;
  beforeAll(async () => {
    for (const role of ROLES) if (role !== 'anonymous') auth.set(role, await loginAs(t.app, role));
    await createCycleWithCohort(t.app, 170);
    id = (await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: auth.get('agency')! }, payload: { agency: 'MOI-A', cycle: 170 } })).json<{ id: string }>().id;
    const boundary = 'sweep';
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/assessments/${id}/evidence`,
      headers: { cookie: auth.get('agency')!, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\ncontent-disposition: form-data; name="process"\r\n\r\nGOV-01\r\n--${boundary}\r\ncontent-disposition: form-data; name="indicator"\r\n\r\nBP1\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });
    evidence = upload.json<{ id: string }>().id;
  });

  /** A route's URL with its parameters filled in: real ids mostly, hostile text sometimes. */
  const fill = (app: FastifyInstance, url: string, hostile: string | null) =>
    url.replace(/:(\w+)/g, (_m, name: string) => {
      if (hostile !== null) return encodeURIComponent(hostile.toWellFormed()) + (hostile.length % 2 === 0 ? '%00' : '%ED%A0%80');
      const real: Record<string, string> = { id: url.startsWith('/api/evidence') ? evidence : id, process: 'GOV-01', indicator: 'BP1', attribute: 'PA1.1', username: 'agency', code: 'MOI-A', year: '170', sha256: '0'.repeat(64) };
      return real[name] ?? 'x';
    });

  const fivexx: string[] = [];
  afterAll(() => {
    if (fivexx.length > 0) console.error(fivexx.slice(0, 20).join('\n'));
  });

  it('answers every hostile request below 500, stores no unfit text, and leaves the audit chain intact', async () => {
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/api') && r.url !== '/api/openapi.json');
    const generated = fc.sample(fc.tuple(hostileJson, hostileString, fc.boolean()), { numRuns: routes.length * 2, seed: SEED });
    let n = 0;
    for (const route of routes) {
      for (const role of ROLES) {
        const headers: Record<string, string> = role === 'anonymous' ? {} : { cookie: auth.get(role)! };
        const bodies: { payload?: string; query?: string; hostileParam?: string | null }[] = FIXED_BODIES.map((payload) => ({ payload }));
        const [value, text, inParam] = generated[n++ % generated.length]!;
        bodies.push({ payload: JSON.stringify(value), query: `?q=${encodeURIComponent(text.toWellFormed())}%00&cycle=${encodeURIComponent(text.toWellFormed())}`, hostileParam: inParam ? text : null });
        for (const body of bodies) {
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const r = await t.app.inject({
            method: route.method as 'GET',
            url: fill(t.app, route.url, body.hostileParam ?? null) + (body.query ?? ''),
            headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody && body.payload !== undefined ? { payload: body.payload } : {}),
          });
          if (r.statusCode >= 500) fivexx.push(`${route.method} ${route.url} as ${role}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        }
      }
    }
    expect(fivexx).toEqual([]);
    expect(await verifyAudit(t.app.services.handle.db)).toMatchObject({ ok: true });
    // Whatever was accepted is stored as sent: no lone surrogate or NUL reached the database (read
    // through the services: the sweep logged the office out and locked the address).
    const { services } = t.app;
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    const stored = [await services.assessments.view(await services.access.visible(system, id)), await services.accounts.listUsers(), await services.agencies.list(system), await services.audit.list({ limit: 1000 })];
    for (const value of stored) expect(findUnfitText(value)).toBeNull();
  }, 120_000);
});
