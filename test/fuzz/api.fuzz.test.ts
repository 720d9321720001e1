// Property-based fuzzing of every API route (issue 15): each route of `app.routeTable` under /api, as
// anonymous and as each role, meets random bodies, queries, path parameters, headers and content types
// (fast-check, fixed seed). Never a 5xx; every 4xx is the JSON error shape; and a rejected request
// changed nothing in the database (a fingerprint of every table, before and after). One fresh database
// per route group. FUZZ_RUNS sets the runs per route and role (default: the CI value below).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../src/services/accounts.service.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { addFixtureVersion, buildTestApp, createCycleWithCohort, PASSWORD, seedPeople, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const ROLES = ['anonymous', 'agency', 'ciso', 'assessor', 'ministry', 'office'] as const;
type Who = (typeof ROLES)[number];

/** The seed every property starts from (mixed with the route and role, so each draws its own cases). */
export const FUZZ_SEED = 1409;
/** Runs per route and role: CI's value keeps this file near a minute on 2 busy cores. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 2;

/**
 * A route's group: one database each, by the first path segment after /api. Vitest must know the tests
 * before any app is built, so the groups are listed here; a route under a segment not listed yet (one
 * added later) is fuzzed in the group `other`.
 */
const GROUPS = ['session', 'users', 'questionnaires', 'agencies', 'cycles', 'assessors', 'assessments', 'reports', 'audit', 'dashboard', 'openapi.json', 'other'];
const GROUP_OF: Record<string, string> = { me: 'session', tokens: 'session', sessions: 'session', evidence: 'assessments', assignments: 'assessments' };
const groupOf = (url: string) => {
  const segment = url.split('/')[2] ?? '';
  const group = GROUP_OF[segment] ?? segment;
  return GROUPS.includes(group) ? group : 'other';
};

const seedFor = (text: string) => (FUZZ_SEED ^ createHash('sha256').update(text).digest().readInt32BE(0)) | 0;

// ---- Generators ----------------------------------------------------------------------------------

/** Text with lone surrogates, NUL, controls, bidirectional overrides, markup, CJK and path tricks. */
const hostileString = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '資', '安', '\u0000', '\u0007', '\ud800', '\udfff', '\u202e', '\ufeff', '<', '>', '"', "'", '\\', '/', '%', '&', '=', ' ', '\n'), maxLength: 30 }),
  fc.constantFrom('', 'F', 'L', 'NA', 'GOV-01', 'BP1', '109', 'MOI-A', 'agency', '../../etc/passwd', '<script>alert(1)</script>', '{{constructor}}', 'javascript:alert(1)', '=cmd|calc', 'x'.repeat(30_000)),
);

/** JSON number literals, including those JavaScript cannot hold exactly (1e309 is Infinity, 1e-400 is 0). */
const numberLiteral = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('1e309', '-1e309', '-0', '1e-400', '9007199254740993', '123456789012345678901234567890', '0.5', '-1', '0', '1', '2.0'),
);
/** Strings as JSON text: escaped lone surrogates and NUL, and numbers written as strings. */
const stringLiteral = fc.oneof(hostileString.map((s) => JSON.stringify(s)), fc.constantFrom('"\\ud800"', '"a\\udc00b"', '"\\u0000"', '"NaN"', '"Infinity"', '"1e309"', '"-0"', '"true"', '"null"'));

/** JSON text (not values: a literal like 1e309 or a duplicate key must reach the parser as written). */
function jsonText(fields: readonly string[]) {
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fields, '__proto__', 'constructor').map((k) => JSON.stringify(k)) }, { weight: 1, arbitrary: stringLiteral });
  return fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, stringLiteral, numberLiteral, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    object: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  }));
}

/** The part of a JSON Schema (as the OpenAPI document gives it) that the typed generator follows. */
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  format?: string;
}

/** Plausible text: ids, codes, names, dates and versions this app knows, so that a typed body often gets past lookups. */
const plausibleText = fc.constantFrom('agency', 'assessor', 'office', 'nobody', 'MOI-A', 'MOEA-B', '內政部', 'GOV-01', 'BP1', 'PA2.1', 'F', 'L', 'isgm-109@1.0.0', 'isgm-109@1.2.0', '2020-12-31', '2099-01-01', 'wrong password', '000000', '資安');

/**
 * Values of the type a route's schema declares (strings hostile or plausible, integers near the edges,
 * enums' own values): such bodies pass validation and reach the services, where rules and the database are.
 */
function typedValue(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.oneof(hostileString, fc.integer(), fc.constant(null));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileString });
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => typedValue(member, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'date' ? fc.constantFrom('2020-12-31', '2099-01-01', '0000-00-00', '2020-02-30') : fc.oneof(plausibleText, hostileString);
    case 'integer':
      return fc.oneof(fc.integer({ min: -2, max: 300 }), fc.constantFrom(0, 109, 170, 2 ** 31, -(2 ** 53) + 1, Number.MAX_SAFE_INTEGER));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(typedValue(schema.items, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (keys.length === 0) return fc.dictionary(fc.oneof(plausibleText, hostileString), typedValue(undefined, depth + 1), { maxKeys: 3 });
      return fc.record(Object.fromEntries(keys.map((k) => [k, typedValue(properties[k], depth + 1)])), { requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)) });
    }
    default:
      return typedValue(undefined, depth + 1);
  }
}

/** Bodies no generator is likely to reach on its own. */
const FIXED_BODIES = [
  '['.repeat(5_000) + ']'.repeat(5_000),
  '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000),
  JSON.stringify({ text: 'x'.repeat(1_100_000) }),
  'not json at all',
  '',
  '{"a":1,"a":2}',
  '{"rating":"F","revision":0,',
];

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** Fields of a route's body and query, from the OpenAPI document the app serves. */
interface RouteFields {
  body: string[];
  query: string[];
  /** The JSON body's schema, when the route takes one. */
  schema?: Schema;
}

function requestArbitrary(route: { method: string; url: string }, fields: RouteFields, real: (name: string) => string[]) {
  const names = [...new Set([...fields.body, ...fields.query, 'rating', 'text', 'reason', 'cycle', 'agency'])];
  const json = jsonText(names);
  // Objects of the route's own fields most of the time, so that validation goes past the first field.
  const ownObject = fc
    .array(fc.tuple(fc.constantFrom(...(fields.body.length > 0 ? fields.body : names)), json.value), { minLength: 1, maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
  const typed = typedValue(fields.schema ?? { type: 'object' }).map((value) => JSON.stringify(value) ?? 'null');
  const body = fc.oneof({ weight: 4, arbitrary: typed }, { weight: 3, arbitrary: ownObject }, { weight: 2, arbitrary: json.value }, { weight: 1, arbitrary: fc.constantFrom(...FIXED_BODIES) });

  const param = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...real(name)) },
      { weight: 2, arbitrary: fc.constantFrom('..', '%2e%2e', '%2E%2E%2Fetc', '.', '%ff', '%00', '%ED%A0%80', '%', 'a'.repeat(300), 'x'.repeat(6_000), '%E8%B3%87%E5%AE%89', '%E2%80%AE', '%20', '0', '-1', '1e309', 'null', '__proto__') },
      { weight: 1, arbitrary: hostileString.map((s) => encodeURIComponent(s.toWellFormed()) || 'x') },
    );
  const paramNames = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const path = fc.tuple(...paramNames.map(param)).map((values) => {
    let i = 0;
    return route.url.replace(/:(\w+)/g, () => values[i++]!);
  });

  const queryKey = fc.oneof(fc.constantFrom(...names, 'a[]', 'a[0]', '__proto__', '%ff', '%00'), hostileString.map((s) => encodeURIComponent(s.toWellFormed())));
  const queryValue = fc.oneof(
    { weight: 3, arbitrary: hostileString.map((s) => encodeURIComponent(s.toWellFormed())) },
    { weight: 2, arbitrary: fc.constantFrom('%ff', '%', '%00', '%ED%A0%80', '%2e%2e', '1e309', '-0', 'NaN', '', '109', '170', 'true', 'x'.repeat(3_000)) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  );
  // Repeated keys come from drawing the same name twice; `a[]` and `a[0]` ask for arrays.
  const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 }).chain((pairs) => fc.constantFrom(pairs, [])).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

  // Most cases are well-formed but for one thing or two, so that they get past the first check they
  // meet: JSON as JSON, no BOM, no encoding, no odd headers, most of the time.
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=utf-16le',
        'text/csv',
        'text/plain',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary=zz',
        'application/x-www-form-urlencoded',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/octet-stream',
        'garbage',
        ';;;',
        null,
      ),
    },
  );
  const nowAndThen = (weight: number) => fc.oneof({ weight: 10 - weight, arbitrary: fc.constant(false) }, { weight, arbitrary: fc.constant(true) });
  /** Header values a client can send (printable ASCII): the transport refuses the rest before we see them. */
  const headerText = fc.oneof(fc.string({ unit: fc.constantFrom('a', '0', ' ', ',', ';', '=', '"', '*', '/', '.', ':', '-'), maxLength: 20 }), fc.constantFrom('zh-TW', 'en', '*/*', 'null', 'https://evil.example', 'Bearer x', '1.2.3.4, ::1', 'x'.repeat(2_000)));
  const someHeaders = fc.record(
    {
      accept: headerText,
      'accept-language': headerText,
      'x-forwarded-for': headerText,
      origin: headerText,
      'sec-fetch-site': fc.constantFrom('cross-site', 'same-origin', 'none', 'garbage'),
      'if-none-match': headerText,
      range: fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=9-1', 'garbage'),
    },
    { requiredKeys: [] },
  );
  const extraHeaders = fc.oneof({ weight: 7, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: someHeaders });

  return fc.record({
    path,
    query,
    body,
    contentType,
    bom: nowAndThen(1),
    gzip: nowAndThen(1),
    headers: extraHeaders,
    /** Anonymous callers also send a forged cookie or bearer token now and then. */
    forged: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constantFrom('cookie' as const, 'bearer' as const) }),
  });
}

// ---- The database's fingerprint ------------------------------------------------------------------

/**
 * What a rejected request may still write, and why it is left out of the fingerprint:
 * - audit entries whose action ends in `.read` (assessment, result, report, evidence): reads are logged
 *   by design, even when what follows them fails; and `login.failed`, which records a refused log-in;
 * - `audit_head`: it moves with every audit entry, those above included (the chain's integrity is
 *   checked separately, by verifyAudit, after the fuzzing);
 * - `login_throttle`: counting refused log-ins is its whole job;
 * - `api_tokens.last_used_at`: set by every request made with a token, refused or not.
 * Sessions are kept in: a request with a token or no credentials never starts or ends one unless it
 * succeeds.
 */
const LOGS_OF_REFUSALS = (action: string) => action.endsWith('.read') || action === 'login.failed';
const SKIPPED_TABLES = new Set(['audit_head', 'login_throttle']);

function valueText(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${createHash('sha256').update(value).digest('hex')}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

async function fingerprint(t: TestApp, tables: string[]): Promise<Record<string, string>> {
  const db = t.app.services.handle.db;
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    const lines = rows
      .filter((row) => !(table === 'audit_entries' && LOGS_OF_REFUSALS(String(row.action))))
      .map((row) => JSON.stringify(Object.entries(row).filter(([k]) => !(table === 'api_tokens' && (k === 'lastUsedAt' || k === 'last_used_at'))).map(([k, v]) => [k, valueText(v)])))
      .sort();
    out[table] = `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
  }
  return out;
}

// ---- The fuzzing ---------------------------------------------------------------------------------

const SYSTEM = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };

describe.each(databaseKinds)('API fuzzing on $name', (kind) => {
  // Routes come from an app built once: the list is the app's own, so a route added later is fuzzed too.
  let routes: { method: string; url: string }[] = [];
  let fieldsOf = new Map<string, RouteFields>();
  beforeAll(async () => {
    const probe = await buildTestApp(await kind.create());
    try {
      routes = probe.app.routeTable.filter((r) => r.url.startsWith('/api'));
      const doc = (await probe.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }>();
      fieldsOf = new Map(
        routes.map((r) => {
          const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
          const schema = op?.requestBody?.content?.['application/json']?.schema;
          const body = Object.keys(schema?.properties ?? {});
          const query = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          return [`${r.method} ${r.url}`, { body, query, ...(schema ? { schema } : {}) }];
        }),
      );
    } finally {
      await probe.close();
      await probe.db.drop();
    }
  });

  it('covers every route under /api, in groups', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.every((r) => fieldsOf.has(`${r.method} ${r.url}`))).toBe(true);
  });

  for (const group of GROUPS) {
    describe(`/api/${group}`, () => {
      let t: TestApp;
      const tokens = new Map<Who, string>();
      let real: (name: string) => string[];
      let tables: string[];

      const mint = async (who: Exclude<Who, 'anonymous'>) => {
        const user = await t.app.services.accounts.getUser(who);
        const { token } = await t.app.services.accounts.createToken(actorOf(user), 'fuzz');
        tokens.set(who, `Bearer ${token}`);
      };

      beforeAll(async () => {
        t = await buildTestApp(await kind.create());
        await seedPeople(t.app);
        await addFixtureVersion(t.app);
        for (const who of ['assessor', 'assessor2']) {
          if (who === 'assessor2') await t.app.services.accounts.createUser(null, { username: who, role: 'assessor', password: PASSWORD });
          await t.app.services.assessors.put(null, who, { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
        }
        for (const who of ROLES) if (who !== 'anonymous') await mint(who);
        // Assessments in each state, as the access matrix makes them, in a cycle of the fuzz's own and a closed one.
        const db = t.app.services.handle.db;
        const at = new Date().toISOString();
        const ids: string[] = [];
        const evidence: string[] = [];
        const sealed: string[] = [];
        for (const [i, state] of (['draft', 'submitted', 'in_review', 'accepted'] as const).entries()) {
          await createCycleWithCohort(t.app, 170 + i);
          for (const agency of ['MOI-A', 'MOEA-B']) {
            const { id } = await t.app.services.assessments.create(SYSTEM, { agency, cycle: 170 + i });
            const assessorId = (await t.app.services.accounts.getUser(agency === 'MOI-A' ? 'assessor' : 'assessor2')).id;
            await db.updateTable('assessments').set({ status: state === 'accepted' ? 'in_review' : state, assessorId, submittedBy: 'ciso' }).where('id', '=', id).execute();
            await db.insertInto('answers').values({ assessmentId: id, process: 'GOV-01', indicator: 'BP2', rating: 'L', evidence: 'carried', note: null, justification: null, revision: 1, unconfirmed: 1, updatedAt: at, updatedBy: 'system' }).execute();
            await db.insertInto('assessorRatings').values({ assessmentId: id, process: 'GOV-01', indicator: 'BP3', rating: 'N', reason: 'no record', stale: 0, updatedAt: at, updatedBy: 'assessor' }).execute();
            const file = `ev-${state}-${agency}`;
            await db.insertInto('evidenceFiles').values({ id: file, assessmentId: id, process: 'GOV-01', indicator: 'BP1', name: 'a.txt', type: 'text/plain', size: 1, sha256: '0'.repeat(64), content: Buffer.from('a'), uploadedBy: 'agency', createdAt: at }).execute();
            // Accepted by its assessor through the API, so that its seal is a real one (a stand-in seal
            // with an empty record, as the access matrix makes them, gives a 500 on reading the result).
            if (state === 'accepted') {
              const assessor = await t.app.services.accounts.getUser(agency === 'MOI-A' ? 'assessor' : 'assessor2');
              const { token } = await t.app.services.accounts.createToken(actorOf(assessor), 'fixture');
              const accepted = await t.app.inject({ method: 'POST', url: `/api/assessments/${id}/accept`, headers: { authorization: `Bearer ${token}` } });
              expect(accepted.statusCode, accepted.body).toBe(200);
              sealed.push((await db.selectFrom('sealedRecords').select('recordSha256').where('assessmentId', '=', id).executeTakeFirstOrThrow()).recordSha256);
            }
            ids.push(id);
            evidence.push(file);
          }
        }
        // The reports of an acceptance are rendered and stored after it answers: let them land first.
        await t.app.services.reports.settled();
        // A closed cycle, for the snapshot.
        await createCycleWithCohort(t.app, 174);
        await t.app.services.cycles.close(SYSTEM, 174);
        const tokenIds = (await db.selectFrom('apiTokens').select('id').execute()).map((r) => r.id);
        const values: Record<string, string[]> = {
          id: [...ids, ...evidence, ...tokenIds],
          process: ['GOV-01', 'GOV-02', 'TEC-03', '_'],
          indicator: ['BP1', 'BP2', 'BP3', 'GP2.1.1'],
          attribute: ['PA1.1', 'PA2.1'],
          username: ['agency', 'assessor', 'office', 'nobody'],
          code: ['MOI-A', 'MOEA-B'],
          agency: ['MOI-A', 'MOEA-B'],
          year: ['109', '170', '172', '174'],
          sha256: ['0'.repeat(64), ...sealed],
        };
        real = (name) => values[name] ?? ['x'];
        tables = (await db.introspection.getTables()).map((table) => table.name).filter((name) => !SKIPPED_TABLES.has(name) && !name.startsWith('kysely_')).sort();
      });
      afterAll(async () => {
        await t?.close();
        await t?.db.drop();
      });

      it('answers below 500, errors in the error shape, and a refused request changes nothing', async () => {
        const mine = routes.filter((r) => groupOf(r.url) === group);
        if (group !== 'other') expect(mine.length, `routes in /api/${group}`).toBeGreaterThan(0);
        const problems: string[] = [];
        let before = await fingerprint(t, tables);
        for (const route of mine) {
          for (const who of ROLES) {
            const arbitrary = requestArbitrary(route, fieldsOf.get(`${route.method} ${route.url}`)!, real);
            await fc.assert(
              fc.asyncProperty(arbitrary, async (drawn) => {
                const sent = toRequest(route.method, drawn, who === 'anonymous' ? null : tokens.get(who)!);
                const r = await t.app.inject({ method: sent.method as 'GET', url: sent.url, headers: sent.headers, ...(sent.payload === undefined ? {} : { payload: sent.payload }) });
                const where = `${route.method} ${route.url} as ${who}: ${sent.method} ${sent.url.slice(0, 200)} ${JSON.stringify(sent.headers).slice(0, 300)} ${String(sent.payload ?? '').slice(0, 200)} → ${r.statusCode} ${r.body.slice(0, 300)}`;
                // Work an accepted request started in the background (an acceptance's reports) lands before
                // the fingerprint, so that it is not taken for a change made by the next, refused request.
                await t.app.services.reports.settled();
                const after = await fingerprint(t, tables);
                if (r.statusCode >= 500) problems.push(`5xx: ${where}`);
                if (r.statusCode >= 400 && r.statusCode < 500) {
                  const shaped = String(r.headers['content-type']).startsWith('application/json') && isErrorShape(r.body);
                  if (!shaped) problems.push(`not the error shape: ${where}`);
                  const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
                  if (changed.length > 0) problems.push(`refused but changed ${changed.join(', ')}: ${where}`);
                }
                before = after;
                // A successful log-out everywhere, password change or revoked token ends this caller's
                // token: give it a new one so the next cases still reach past authentication.
                if (who !== 'anonymous' && r.statusCode < 300 && route.method !== 'GET') {
                  const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: tokens.get(who)! } });
                  if (me.statusCode === 401) {
                    await mint(who);
                    before = await fingerprint(t, tables);
                  }
                }
                return problems.length === 0;
              }),
              { seed: seedFor(`${route.method} ${route.url} ${who}`), numRuns: FUZZ_RUNS, endOnFailure: true },
            ).catch((error: unknown) => {
              // The property returns false when `problems` has an entry; anything else it threw is one too.
              if (problems.length === 0) problems.push(`${route.method} ${route.url} as ${who}: ${String(error).slice(0, 1000)}`);
            });
            if (problems.length > 0) break;
          }
        }
        expect(problems).toEqual([]);
        expect(await verifyAudit(t.app.services.handle.db)).toMatchObject({ ok: true });
      }, 300_000);
    });
  }
});

type Drawn = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never;

/** One drawn case as the request sent: body and content type only where the method takes a body. */
function toRequest(method: string, drawn: Drawn, token: string | null): Sent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(drawn.headers)) if (v !== undefined) headers[k] = v;
  if (token) headers.authorization = token;
  else if (drawn.forged === 'cookie') headers.cookie = 'gsm_session=forged; gsm_csrf=forged';
  else if (drawn.forged === 'bearer') headers.authorization = 'Bearer forged-token';
  const sent: Sent = { method, url: drawn.path + drawn.query, headers };
  if (method === 'GET') return sent;
  if (drawn.contentType !== null) headers['content-type'] = drawn.contentType;
  if (drawn.gzip) headers['content-encoding'] = 'gzip';
  sent.payload = drawn.bom ? `\ufeff${drawn.body}` : drawn.body;
  return sent;
}

function isErrorShape(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return typeof parsed.error?.code === 'string' && typeof parsed.error.message === 'string';
  } catch {
    return false;
  }
}
