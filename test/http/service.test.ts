// The service as a whole: questionnaires stored once, OpenAPI, health, demo data, audit chain, logs.
import { Writable } from 'node:stream';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { REDACT } from '../../src/http/app.js';
import { loadCatalog } from '../../src/questionnaires/loader.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { QuestionnaireChangedError } from '../../src/services/questionnaire.service.js';
import { PASSWORD, buildTestApp, loginAs, testConfig, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('service on $name', (kind) => {
  const t = useSeededApp(kind);

  it('stores the shipped questionnaires once and serves them', async () => {
    const cookie = await loginAs(t.app, 'agency');
    const list = await t.app.inject({ method: 'GET', url: '/api/questionnaires', headers: { cookie } });
    const v108 = { id: 'isgm-108', rocYear: 108, title: expect.objectContaining({ 'zh-TW': expect.stringContaining('108') as string }) as object, targetLevel: 2 };
    const v109 = { id: 'isgm-109', rocYear: 109, title: expect.objectContaining({ en: expect.stringContaining('109') as string }) as object, targetLevel: 3 };
    expect(list.json()).toEqual([
      { ...v108, version: '1.0.0' },
      { ...v108, version: '1.1.0' },
      { ...v109, version: '1.0.0' },
      { ...v109, version: '1.1.0' },
    ]);
    // Without ?version, the newest version; with it, that one.
    const whole = await t.app.inject({ method: 'GET', url: '/api/questionnaires/isgm-109', headers: { cookie } });
    expect(whole.json()).toEqual(loadCatalog().questionnaires.get('isgm-109@1.1.0')!.questionnaire);
    const published = await t.app.inject({ method: 'GET', url: '/api/questionnaires/isgm-109?version=1.0.0', headers: { cookie } });
    expect(published.json()).toEqual(loadCatalog().questionnaires.get('isgm-109@1.0.0')!.questionnaire);
    const v = await t.app.inject({ method: 'GET', url: '/api/questionnaires/isgm-108?version=1.0.0', headers: { cookie } });
    expect(v.json<{ id: string }>().id).toBe('isgm-108');
    expect((await t.app.inject({ method: 'GET', url: '/api/questionnaires/isgm-108?version=9.9.9', headers: { cookie } })).statusCode).toBe(404);
    // A second start stores nothing again.
    expect(await t.app.services.questionnaires.storeShipped(loadCatalog().questionnaires.values())).toEqual([]);
  });

  it('refuses a changed file under a stored version, naming the file', async () => {
    const shipped = loadCatalog().questionnaires.get('isgm-109@1.0.0')!;
    const changed = { ...shipped, questionnaire: { ...shipped.questionnaire, title: { 'zh-TW': '改過的標題', en: 'A changed title' } } };
    const attempt = t.app.services.questionnaires.storeShipped([changed]);
    await expect(attempt).rejects.toThrow(QuestionnaireChangedError);
    await expect(attempt).rejects.toThrow(/isgm-109\.json changes isgm-109@1\.0\.0/);
  });

  it('describes every route in a valid OpenAPI 3 document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    // The document is the API's: the HTML pages (everything outside /api) are for browsers and stay out of it.
    const routes = t.app.routeTable.filter((r) => r.url !== '/api/openapi.json' && (r.url.startsWith('/api/') || r.url === '/healthz')).map((r) => `${r.method} ${r.url}`);
    expect(documented.sort()).toEqual(routes.sort());
    expect(t.app.routeTable.some((r) => r.url === '/login')).toBe(true);
  });

  it('answers health checks, 503 once the database is gone', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', database: kind.name });
    const other = await buildApp(testConfig(t.db.url));
    await other.services.handle.close();
    const down = await other.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', database: 'not answering' });
  });

  it('audits changes in one hash chain and catches an entry edited in the database', async () => {
    const before = await verifyAudit(t.app.services.handle.db);
    expect(before.ok).toBe(true);
    const entries = await t.app.services.handle.db.selectFrom('auditEntries').selectAll().orderBy('seq').execute();
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['agency.create', 'user.create', 'login', 'cycle.create']));
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    const victim = entries.find((e) => e.action === 'user.create')!;
    await t.app.services.handle.db.updateTable('auditEntries').set({ after: victim.after!.replace('"agency"', '"office"') }).where('seq', '=', victim.seq).execute();
    const after = await verifyAudit(t.app.services.handle.db);
    expect(after.ok).toBe(false);
    expect(after.firstBad).toEqual({ seq: Number(victim.seq), reason: 'its content does not match its hash (edited after it was written)' });
    await t.app.services.handle.db.updateTable('auditEntries').set({ after: victim.after }).where('seq', '=', victim.seq).execute();
    expect((await verifyAudit(t.app.services.handle.db)).ok).toBe(true);
  });

  it('lists audit entries for the office, newest first, filtered and paged', async () => {
    const office = await loginAs(t.app, 'office');
    const page = (await t.app.inject({ method: 'GET', url: '/api/audit?limit=3', headers: { cookie: office } })).json<{ seq: number; action: string }[]>();
    expect(page).toHaveLength(3);
    expect(page[0]!.seq).toBeGreaterThan(page[1]!.seq);
    const next = (await t.app.inject({ method: 'GET', url: `/api/audit?limit=3&before=${page[2]!.seq}`, headers: { cookie: office } })).json<{ seq: number }[]>();
    expect(next[0]!.seq).toBe(page[2]!.seq - 1);
    const logins = (await t.app.inject({ method: 'GET', url: '/api/audit?action=login&actor=office', headers: { cookie: office } })).json<{ action: string; actor: string; after: { address: string } }[]>();
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.action === 'login' && e.actor === 'office' && typeof e.after.address === 'string')).toBe(true);
  });

  it('keeps passwords, cookies and tokens out of the logs', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const logged = await buildApp(testConfig(t.db.url), { logger: { level: 'trace', stream, redact: { paths: REDACT, censor: '[redacted]' } } });
    try {
      const login = await logged.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } });
      const cookie = login.cookies.find((c) => c.name === 'gsm_session')!.value;
      await logged.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: 'wrong-but-secret' } });
      const token = (await logged.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: `gsm_session=${cookie}` }, payload: {} })).json<{ token: string }>().token;
      await logged.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(4);
      for (const secret of [PASSWORD, 'wrong-but-secret', cookie, token]) expect(text).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });
});

describe.each(databaseKinds)('demo data on $name', (kind) => {
  it('stays out with DEMO=0, while the questionnaires and cycles are stored', async () => {
    const db = await kind.create();
    const t = await buildTestApp(db, { DEMO: '0' });
    try {
      expect(t.app.startup.demoUsers).toBeNull();
      expect(await t.app.services.handle.db.selectFrom('users').select('id').execute()).toEqual([]);
      expect(await t.app.services.handle.db.selectFrom('agencies').select('code').execute()).toEqual([]);
      expect((await t.app.services.cycles.list()).map((c) => c.year)).toEqual([106, 107, 108, 109]);
    } finally {
      await t.close();
      await db.drop();
    }
  });

  it('loads on a first start with DEMO on, once, with every grade, several ministries and a user per role', async () => {
    const db = await kind.create();
    const first = await buildTestApp(db, { DEMO: '1' });
    try {
      const users = first.app.startup.demoUsers!;
      expect(users.map((u) => u.role).sort()).toEqual(['agency', 'assessor', 'ciso', 'ministry', 'office']);
      // Staff come enrolled in two-factor sign-in (TWO_FACTOR=staff by default): a recovery code signs in once.
      const demoOffice = users.find((u) => u.role === 'office')!;
      expect(demoOffice.otp?.recoveryCodes).toHaveLength(10);
      expect(users.find((u) => u.role === 'agency')!.otp).toBeUndefined();
      const office = await loginAs(first.app, 'office', demoOffice.password, demoOffice.otp!.recoveryCodes[0]);
      const agencies = (await first.app.inject({ method: 'GET', url: '/api/agencies', headers: { cookie: office } })).json<{ ministry: string; grades: Record<string, string> }[]>();
      expect(new Set(agencies.map((a) => a.grades['109'])).size).toBe(5);
      expect(new Set(agencies.map((a) => a.ministry)).size).toBeGreaterThanOrEqual(3);
      const assessments = (await first.app.inject({ method: 'GET', url: '/api/assessments', headers: { cookie: office } })).json<{ id: string; status: string; cycle: number; agency: string; questionnaire: string }[]>();
      expect(new Set(assessments.map((a) => a.status))).toEqual(new Set(['draft', 'submitted', 'in_review', 'returned', 'accepted']));
      const seals = await first.app.services.handle.db.selectFrom('sealedRecords').select(['recordSha256', 'revokedAt', 'supersededBy']).execute();
      expect(seals.filter((s) => s.revokedAt === null)).toHaveLength(3);
      expect(seals.filter((s) => s.supersededBy !== null)).toHaveLength(1);
      // 108 and 109 run on the corrected 1.1.0; one 109 draft was begun on 1.0.0 and moved by the office.
      expect((await first.app.services.cycles.list()).map((c) => c.questionnaire)).toEqual(['isgm-108@1.0.0', 'isgm-108@1.0.0', 'isgm-108@1.1.0', 'isgm-109@1.1.0']);
      expect(new Set(assessments.map((a) => a.questionnaire))).toEqual(new Set(['isgm-108@1.1.0', 'isgm-109@1.1.0']));
      const moved = assessments.find((a) => a.agency === 'MOI-003')!;
      expect(moved).toMatchObject({ status: 'draft', cycle: 109, questionnaire: 'isgm-109@1.1.0' });
      const [move] = await first.app.services.audit.list({ limit: 1, subject: `assessment:${moved.id}`, action: 'assessment.move' });
      expect(move).toMatchObject({ before: { questionnaire: 'isgm-109@1.0.0' }, after: { questionnaire: 'isgm-109@1.1.0' } });
      const draft = assessments.find((a) => a.status === 'draft' && a.agency === 'MOI-001')!;
      const view = (await first.app.inject({ method: 'GET', url: `/api/assessments/${draft.id}`, headers: { cookie: office } })).json<{ answers: { unconfirmed: boolean }[]; evidence: unknown[]; scope: unknown[]; comments: unknown[] }>();
      expect(view.answers.some((a) => a.unconfirmed)).toBe(true);
      expect(view.evidence).toHaveLength(1);
      expect(view.scope).toHaveLength(1);
      expect(view.comments).toHaveLength(1);
      expect((await verifyAudit(first.app.services.handle.db)).ok).toBe(true);
    } finally {
      await first.close();
    }
    const second = await buildTestApp(db, { DEMO: '1' });
    expect(second.app.startup.demoUsers).toBeNull();
    await second.close();
    await db.drop();
  });
});
