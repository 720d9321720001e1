// Regression tests of the penetration test's findings (issue 9, ../shared/reviews/2026-12-security.md):
// each fails on the code before its fix. On SQLite and PostgreSQL where a database is involved.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/services/audit.service.js';
import { XLSX_TYPE } from '../../src/services/sheet.service.js';
import { PASSWORD, buildTestApp, loginAs, seedPeople, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { zipOf } from '../helpers/zip.js';

const json = (raw: string) => ({ payload: raw, headers: { 'content-type': 'application/json' } });

function multipart(fields: Record<string, string>, file: { name: string; bytes: Buffer }) {
  const boundary = 'hostile-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\ncontent-type: text/plain\r\n\r\n`), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(databaseKinds)('hostile input on $name', (kind) => {
  const t = useSeededApp(kind);
  let agency: string;
  let assessor: string;
  let office: string;
  let draft: string;
  beforeAll(async () => {
    agency = await loginAs(t.app, 'agency');
    assessor = await loginAs(t.app, 'assessor');
    office = await loginAs(t.app, 'office');
    draft = (await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: agency }, payload: { agency: 'MOI-A', cycle: 109 } })).json<{ id: string }>().id;
  });
  const as = (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, extra: { payload?: string | Buffer | object; headers?: Record<string, string> } = {}) =>
    t.app.inject({ method, url, headers: { cookie, ...extra.headers }, ...(extra.payload === undefined ? {} : { payload: extra.payload }) });

  it('C1: refuses ill-formed Unicode and NUL at the edge with 400, so audit-verify keeps passing', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/session', ...json('{"username":"x\\ud800y","password":"whatever"}') });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toMatchObject({ error: { code: 'invalid_input', details: [{ path: '/username', message: 'is not well-formed Unicode (a lone surrogate)' }] } });
    const answer = await as(agency, 'PUT', `/api/assessments/${draft}/answers/GOV-01/BP1`, json('{"rating":"F","evidence":"lone \\udc00 surrogate","revision":0}'));
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: { details: [{ path: '/evidence' }] } });
    const nul = await as(agency, 'POST', `/api/assessments/${draft}/comments`, json('{"text":"a\\u0000b"}'));
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ error: { details: [{ path: '/text', message: 'contains a NUL character' }] } });
    const key = await as(agency, 'PUT', `/api/assessments/${draft}/answers/GOV-01/BP1`, json('{"rating":"F","revision":0,"\\ud800":1}'));
    expect(key.statusCode).toBe(400);
    const query = await as(office, 'GET', '/api/audit?actor=a%00b');
    expect(query.statusCode).toBe(400);
    expect(query.json()).toMatchObject({ error: { details: [{ path: 'querystring:/actor', message: 'contains a NUL character' }] } });
    const view = (await as(agency, 'GET', `/api/assessments/${draft}`)).json<{ answers: unknown[]; comments: unknown[] }>();
    expect(view.answers).toEqual([]);
    expect(view.comments).toEqual([]);
    expect(await verifyAudit(t.app.services.handle.db)).toMatchObject({ ok: true });
  });

  it('M1/L8: a malformed or foreign Origin, a cross-site fetch or a foreign Referer on a cookie-authenticated change is 403, never 500', async () => {
    const foreign: Record<string, string>[] = [{ origin: 'null' }, { origin: 'http://[::1' }, { origin: 'garbage' }, { origin: 'http://localhost:80.evil.example' }, { 'sec-fetch-site': 'cross-site' }, { referer: 'https://evil.example/form' }];
    for (const headers of foreign) {
      const r = await as(agency, 'POST', `/api/assessments/${draft}/comments`, { payload: { text: 'x' }, headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'cross_origin' } });
    }
    const same = await as(agency, 'POST', `/api/assessments/${draft}/comments`, { payload: { text: 'same site' }, headers: { 'sec-fetch-site': 'same-origin', referer: 'http://localhost:80/assessments' } });
    expect(same.statusCode).toBe(201);
  });

  it('M2: a multipart upload with no boundary or a truncated body is 400', async () => {
    const noBoundary = await as(agency, 'POST', `/api/assessments/${draft}/evidence`, { payload: 'garbage', headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.statusCode).toBe(400);
    const truncated = await as(agency, 'POST', `/api/assessments/${draft}/evidence`, {
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('L7: a CSV import that is not UTF-8 or holds a NUL is refused with the line, and imports nothing', async () => {
    const csv = (body: Buffer) => as(office, 'POST', '/api/agencies/import?cycle=109', { payload: body, headers: { 'content-type': 'text/csv' } });
    const latin1 = await csv(Buffer.concat([Buffer.from('code,name,ministry,grade\nL-001,caf'), Buffer.from([0xe9]), Buffer.from(',M,A\n')]));
    expect(latin1.statusCode).toBe(400);
    expect(latin1.json()).toMatchObject({ error: { details: [{ line: 2 }] } });
    const nul = await csv(Buffer.from('code,name,ministry,grade\nL-002,ok,M,A\nL-003,a\u0000b,M,A\n'));
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ error: { details: [{ line: 3, message: 'line 3 contains a NUL character' }] } });
    const agencies = (await as(office, 'GET', '/api/agencies')).json<{ code: string }[]>().map((a) => a.code);
    expect(agencies).not.toContain('L-001');
    expect(agencies).not.toContain('L-002');
  });

  it('L10: evidence file names lose NUL, controls and bidirectional overrides', async () => {
    const upload = multipart({ process: 'GOV-01', indicator: 'BP1' }, { name: 'a\u0000b\u202eexe.txt', bytes: Buffer.from('evidence text') });
    const r = await as(agency, 'POST', `/api/assessments/${draft}/evidence`, upload);
    expect(r.statusCode).toBe(201);
    expect(r.json<{ name: string }>().name).toBe('abexe.txt');
  });

  it('L11: a body of the wrong type is 400 (no coercion); queries still take numbers as text', async () => {
    for (const body of ['{"rating":["F"],"revision":0}', '{"rating":"F","revision":"1"}']) {
      expect((await as(agency, 'PUT', `/api/assessments/${draft}/answers/GOV-01/BP2`, json(body))).statusCode, body).toBe(400);
    }
    expect((await as(agency, 'PUT', `/api/assessments/${draft}/scope/GOV-02`, json('{"inScope":"false","justification":"x"}'))).statusCode).toBe(400);
    expect((await as(agency, 'GET', '/api/assessments?cycle=109')).statusCode).toBe(200);
    const scope = (await as(agency, 'GET', `/api/assessments/${draft}`)).json<{ scope: unknown[]; answers: { indicator: string }[] }>();
    expect(scope.scope).toEqual([]);
    expect(scope.answers.map((a) => a.indicator)).not.toContain('BP2');
  });

  it('L5: errors raised before any route take the error shape', async () => {
    const long = await as(agency, 'GET', `/api/assessments/${'a'.repeat(5000)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json<{ error: { code: string; message: string } }>().error.code).toBe('uri_too_long');
    const badEncoding = await as(agency, 'GET', '/api/assessments/%ff');
    expect(badEncoding.statusCode).toBe(400);
    expect(badEncoding.json<{ error: { code: string } }>().error.code).toBe('bad_request');
  });

  it('L9: authenticated responses are never cached', async () => {
    for (const url of [`/api/assessments/${draft}`, `/api/assessments/${draft}/result`, `/api/assessments/${draft}/sheet`, '/api/me']) {
      const r = await as(agency, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-store');
    }
    const evidence = (await as(agency, 'GET', `/api/assessments/${draft}`)).json<{ evidence: { id: string }[] }>().evidence[0]!;
    expect((await as(agency, 'GET', `/api/evidence/${evidence.id}`)).headers['cache-control']).toBe('no-store');
  });

  describe('the offline sheet', () => {
    const upload = (bytes: Buffer) => as(agency, 'PUT', `/api/assessments/${draft}/sheet`, { payload: bytes, headers: { 'content-type': XLSX_TYPE } });
    const exported = async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await as(agency, 'GET', `/api/assessments/${draft}/sheet`)).rawPayload as unknown as ArrayBuffer);
      return wb;
    };
    const rowOf = (ws: ExcelJS.Worksheet, process: string, indicator: string) => {
      let found = 0;
      ws.eachRow((row, n) => {
        if (row.getCell(1).value === process && row.getCell(2).value === indicator) found = n;
      });
      return found;
    };

    it('H2: refuses an archive that inflates past its bounds with 413 sheet_too_large, naming the limit and the value', async () => {
      const bomb = await upload(zipOf([{ name: 'xl/worksheets/sheet2.xml', data: Buffer.alloc(40 * 1024 * 1024, 0x20) }]));
      expect(bomb.statusCode).toBe(413);
      expect(bomb.json()).toMatchObject({ error: { code: 'sheet_too_large', details: [{ message: 'the entry xl/worksheets/sheet2.xml: the limit is 16777216, this file has 41943040' }] } });
      // Declared sizes can lie: a small declared size is caught while inflating.
      const liar = await upload(zipOf([{ name: 'xl/worksheets/sheet2.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20), declaredSize: 100 }]));
      expect([400, 413]).toContain(liar.statusCode);
      const many = await upload(zipOf(Array.from({ length: 101 }, (_, i) => ({ name: `e${i}.xml`, data: Buffer.from('x') }))));
      expect(many.statusCode).toBe(413);
      expect(many.json()).toMatchObject({ error: { details: [{ message: 'entries in the archive: the limit is 100, this file has 101' }] } });
      const total = await upload(zipOf(Array.from({ length: 5 }, (_, i) => ({ name: `e${i}.xml`, data: Buffer.alloc(15 * 1024 * 1024, 0x20) }))));
      expect(total.statusCode).toBe(413);
    });

    it('H2: refuses a sheet of more than 2,000 rows with 413', async () => {
      const wb = await exported();
      const answers = wb.getWorksheet('Answers 填答')!;
      for (let i = answers.rowCount; i <= 2_001; i++) answers.addRow(['GOV-01', 'BP1']);
      const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
      expect(r.statusCode).toBe(413);
      expect(r.json()).toMatchObject({ error: { code: 'sheet_too_large', details: [{ path: 'Answers 填答', message: 'rows: the limit is 2000, this sheet has 2002' }] } });
    });

    it('L2: applies the answer route’s length limits to sheet cells', async () => {
      const wb = await exported();
      const answers = wb.getWorksheet('Answers 填答')!;
      const row = rowOf(answers, 'GOV-01', 'BP3');
      answers.getRow(row).getCell(6).value = 'F';
      answers.getRow(row).getCell(7).value = 'x'.repeat(200_000);
      const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: { details: [{ path: 'Answers 填答', line: row, column: 'G', message: 'is 200000 characters long; at most 20000 are allowed' }] } });
    });

    it('L4: a sheet whose only problem is rows changed since its export is 409, like any stale revision', async () => {
      const wb = await exported();
      expect((await as(agency, 'PUT', `/api/assessments/${draft}/answers/GOV-01/BP4`, { payload: { rating: 'P', evidence: 'meanwhile', revision: 0 } })).statusCode).toBe(200);
      const answers = wb.getWorksheet('Answers 填答')!;
      answers.getRow(rowOf(answers, 'GOV-01', 'BP4')).getCell(6).value = 'F';
      answers.getRow(rowOf(answers, 'GOV-01', 'BP4')).getCell(7).value = 'from the sheet';
      const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: { code: 'stale_revision', details: [{ column: 'J' }] } });
    });

    it('15: a sheet import and a first answer to the same indicator at once: one wins, the other 409, never 500', async () => {
      for (const indicator of ['BP5', 'GP2.1.1', 'GP2.1.2']) {
        const wb = await exported();
        const answers = wb.getWorksheet('Answers 填答')!;
        answers.getRow(rowOf(answers, 'GOV-02', indicator)).getCell(6).value = 'L';
        answers.getRow(rowOf(answers, 'GOV-02', indicator)).getCell(7).value = 'sheet';
        const bytes = Buffer.from(await wb.xlsx.writeBuffer());
        const [sheet, put] = await Promise.all([upload(bytes), as(agency, 'PUT', `/api/assessments/${draft}/answers/GOV-02/${indicator}`, { payload: { rating: 'P', evidence: 'api', revision: 0 } })]);
        expect([sheet.statusCode, put.statusCode].sort(), `${sheet.body} ${put.body}`).toEqual([200, 409]);
      }
    });
  });

  it('L1: after acceptance neither the agency nor the assessor can comment (409)', async () => {
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    await t.app.services.cycles.create(null, { year: 150, questionnaire: 'isgm-109@1.0.0', targetLevel: null });
    await t.app.services.agencies.update(system, 'MOI-A', { grades: { '150': 'A' } });
    const id = (await as(agency, 'POST', '/api/assessments', { payload: { agency: 'MOI-A', cycle: 150 } })).json<{ id: string }>().id;
    const ciso = await loginAs(t.app, 'ciso');
    expect((await as(office, 'PUT', '/api/assignments', { payload: { assessment: id, assessor: 'assessor' } })).statusCode).toBe(200);
    expect((await as(ciso, 'POST', `/api/assessments/${id}/submit`, { payload: { statement: true } })).statusCode).toBe(200);
    expect((await as(assessor, 'POST', `/api/assessments/${id}/review`)).statusCode).toBe(200);
    expect((await as(assessor, 'POST', `/api/assessments/${id}/accept`)).statusCode).toBe(200);
    for (const who of [agency, ciso, assessor, office]) expect((await as(who, 'POST', `/api/assessments/${id}/comments`, { payload: { text: 'late' } })).statusCode).toBe(409);
    expect((await as(agency, 'GET', `/api/assessments/${id}`)).json<{ comments: unknown[] }>().comments).toEqual([]);
  });
});

describe.each(databaseKinds)('the log-in throttle under concurrency on $name', (kind) => {
  it('H1: 40 guesses at once: at most 5 are checked, the rest get 429 without a password check', async () => {
    const t = await buildTestApp(await kind.create());
    try {
      await seedPeople(t.app);
      const guesses = Array.from({ length: 40 }, (_, i) => (i === 37 ? PASSWORD : `wrong-${i}`));
      const results = await Promise.all(guesses.map((password) => t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'agency', password } })));
      const statuses = results.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 401 || s === 200).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
      expect(results.find((r) => r.statusCode === 429)?.headers['retry-after']).toMatch(/^\d+$/);
      // The right password after the lock is refused too.
      expect((await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'agency', password: PASSWORD } })).statusCode).toBe(429);
    } finally {
      await t.close();
      await t.db.drop();
    }
  });
});

describe('TRUST_PROXY and COOKIE_SECURE', () => {
  const kind = databaseKinds[0]!;
  /** One database, seeded once; each case builds an app over it with its own settings. */
  const db = { url: '', drop: () => Promise.resolve() };
  beforeAll(async () => {
    Object.assign(db, await kind.create());
    const first = await buildTestApp(db);
    await seedPeople(first.app);
    await first.close();
  });
  afterAll(() => db.drop());
  const withApp = async (env: Record<string, string>, work: (t: Awaited<ReturnType<typeof buildTestApp>>) => Promise<void>) => {
    const t = await buildTestApp(db, env);
    try {
      await work(t);
    } finally {
      await t.close();
    }
  };

  it('marks the cookie Secure by X-Forwarded-Proto only when the proxy is trusted, or always/never as told', async () => {
    for (const [env, headers, secure] of [
      [{}, { 'x-forwarded-proto': 'https' }, false],
      [{ TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https' }, true],
      [{ TRUST_PROXY: 'true' }, {}, false],
      [{ COOKIE_SECURE: 'true' }, {}, true],
      [{ COOKIE_SECURE: 'false', TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https' }, false],
    ] as const) {
      await withApp(env, async (t) => {
        const r = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'agency', password: PASSWORD }, headers });
        expect(r.statusCode).toBe(200);
        expect(/;\s*Secure/i.test(String(r.headers['set-cookie'])), JSON.stringify(env)).toBe(secure);
      });
    }
  });

  it('counts failures per forwarded address only behind a trusted proxy', async () => {
    await withApp({ TRUST_PROXY: 'true' }, async (t) => {
      // 20 failures from one forwarded address, over 20 unknown accounts, lock that address…
      for (let i = 0; i < 20; i++) await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: `nobody${i}`, password: 'x' }, headers: { 'x-forwarded-for': '203.0.113.9' } });
      const fromLocked = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'agency', password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(fromLocked.statusCode).toBe(429);
      // …and not another forwarded address behind the same proxy.
      const fromOther = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'agency', password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.10' } });
      expect(fromOther.statusCode).toBe(200);
    });
  });
});

describe('security headers', () => {
  const t = useSeededApp(databaseKinds[0]!);
  it('are on every response: public, signed in, errors, files and the router’s own', async () => {
    const cookie = await loginAs(t.app, 'agency');
    const responses = [
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await t.app.inject({ method: 'GET', url: '/api/openapi.json' }),
      await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } }),
      await t.app.inject({ method: 'GET', url: '/api/me' }),
      await t.app.inject({ method: 'GET', url: '/no/such/route' }),
      await t.app.inject({ method: 'GET', url: '/api/assessments/%ff', headers: { cookie } }),
    ];
    for (const r of responses) {
      expect(r.headers['content-security-policy'], r.body.slice(0, 80)).toBe("default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('same-origin');
    }
  });
});
