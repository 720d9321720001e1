// The national KPI report over HTTP on both databases: live and PROVISIONAL while the cycle is open,
// stored nowhere; once closed, rendered from the snapshot and stored once (many simultaneous first
// requests store one copy and all get the same bytes); a reopening after the close changes neither the
// stored copy nor a copy rendered again from the snapshot; office only; every download audited.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../src/services/accounts.service.js';
import { answerAll } from '../helpers/answers.js';
import { buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { hasPoppler, pdfPages, squash } from '../reports/pdf-tools.js';

const CYCLE = 130;
const Q = 'isgm-109@1.1.0';
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!hasPoppler && process.env.CI !== 'true').each(databaseKinds)('the national KPI report on $name', (kind) => {
  let t: TestApp;
  let now = new Date('2020-11-01T00:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  const auth = new Map<string, string>();
  let assessmentId = '';
  const get = (who: string | null, url: string) => t.app.inject({ method: 'GET', url, headers: who ? { authorization: auth.get(who)! } : {} });
  const stored = () => t.app.services.handle.db.selectFrom('nationalReports').select(['cycleYear', 'lang', 'sha256', 'snapshotSha256', 'size']).execute();

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
    const s = t.app.services;
    await seedPeople(t.app);
    await s.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await s.cycles.create(null, { year: CYCLE, questionnaire: Q, targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 'all' }, deadline: '2020-11-30' });
    await s.agencies.update(system, 'MOI-A', { grades: { [String(CYCLE)]: 'A' } });
    await s.agencies.update(system, 'MOEA-B', { grades: { [String(CYCLE)]: 'B' } });
    for (const who of ['office', 'ministry', 'agency', 'ciso', 'assessor']) auth.set(who, await tokenFor(t.app, who));
    // MOI-A: every process at level 2, submitted, reviewed and accepted; MOEA-B has not started.
    const index = await s.questionnaires.index(Q);
    const office = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    assessmentId = (await s.assessments.create(office, { agency: 'MOI-A', cycle: CYCLE })).id;
    for (const answer of answerAll(index, (_p, _i, level) => (level <= 2 ? 'F' : 'N'))) {
      await s.handle.db
        .insertInto('answers')
        .values({ assessmentId, process: answer.process, indicator: answer.indicator, rating: answer.rating, evidence: answer.evidence ?? null, note: null, justification: null, revision: 1, unconfirmed: 0, updatedAt: clock.now().toISOString(), updatedBy: 'test' })
        .execute();
    }
    await s.assessments.submit(actorOf(await s.accounts.getUser('ciso')), assessmentId, { statement: true });
    await s.reviews.assign(office, assessmentId, 'assessor');
    await s.reviews.review(assessor, assessmentId);
    await s.reviews.accept(assessor, assessmentId);
    await s.reports.settled();
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('answers an open cycle live, PROVISIONAL on every page, stores nothing, and audits the download', async () => {
    const r = await get('office', `/api/reports/national.pdf?cycle=${CYCLE}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="national-kpi-${CYCLE}-zh-TW.pdf"`);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-report-sha256']).toBe(sha(r.rawPayload));
    expect(r.headers['x-snapshot-sha256']).toBeUndefined();
    const pages = pdfPages(r.rawPayload);
    for (const page of pages) expect(page).toContain('暫定');
    const text = squash(pages.join('\n'));
    // MOI-A (A, accepted, level 2) counts; the KPI is over grade A only: 1 of 1.
    expect(text).toContain(squash('130 年度：1 個機關計入 KPI，目標 全部機關（1 個），判定：已達成。'));
    expect(text).toContain(squash('MOI-A 內政部甲機關 A 已核定 2／'));
    expect(text).toContain(squash('MOEA-B 經濟部乙機關 B 未開始 — — —'));
    expect(await stored()).toEqual([]);
    const [entry] = await t.app.services.audit.list({ limit: 1, subject: `cycle:${CYCLE}`, action: 'report.read' });
    expect(entry).toMatchObject({ actor: 'office', after: { report: 'national', lang: 'zh-TW', provisional: true, sha256: sha(r.rawPayload), snapshotSha256: null } });
    const en = await get('office', `/api/reports/national.pdf?cycle=${CYCLE}&lang=en`);
    expect(en.headers['content-disposition']).toBe(`attachment; filename="national-kpi-${CYCLE}-en.pdf"`);
    for (const page of pdfPages(en.rawPayload)) expect(page).toContain('PROVISIONAL');
  });

  it('is the office’s alone, and refuses a bad query with 400 naming it', async () => {
    expect((await get(null, `/api/reports/national.pdf?cycle=${CYCLE}`)).statusCode).toBe(401);
    for (const who of ['ministry', 'agency', 'ciso', 'assessor']) expect((await get(who, `/api/reports/national.pdf?cycle=${CYCLE}`)).statusCode, who).toBe(403);
    expect((await get('office', '/api/reports/national.pdf?cycle=998')).statusCode).toBe(404);
    for (const [query, path] of [
      ['', 'querystring'],
      ['cycle=abc', 'querystring:/cycle'],
      ['cycle=130&lang=fr', 'querystring:/lang'],
      ['cycle=130&lang=%ED%A0%80', ''],
      [`cycle=130&lang=${'x'.repeat(5000)}`, 'querystring:/lang'],
      ['cycle=130&format=xlsx', 'querystring:/format'],
      ['cycle=1.5', 'querystring:/cycle'],
      ['cycle=130&cycle=131', 'querystring:/cycle'],
    ] as const) {
      const r = await get('office', `/api/reports/national.pdf?${query}`);
      expect(r.statusCode, query).toBe(400);
      if (path) expect(JSON.stringify(r.json()), query).toContain(path);
    }
  });

  it('once closed, renders from the snapshot, stores one copy for many simultaneous first requests, and never changes it', async () => {
    now = new Date('2020-12-20T02:00:00Z');
    const close = await t.app.inject({ method: 'POST', url: `/api/cycles/${CYCLE}/close`, headers: { authorization: auth.get('office')! } });
    expect(close.statusCode, close.body).toBe(200);
    const snapshot = (await get('office', `/api/cycles/${CYCLE}/snapshot`)).json<{ sha256: string }>().sha256;
    now = new Date('2020-12-21T00:00:00Z');

    const first = await Promise.all(Array.from({ length: 6 }, () => get('office', `/api/reports/national.pdf?cycle=${CYCLE}`)));
    for (const r of first) {
      expect(r.statusCode).toBe(200);
      expect(r.headers['x-snapshot-sha256']).toBe(snapshot);
      expect(r.headers['x-report-sha256']).toBe(sha(first[0]!.rawPayload));
      expect(r.rawPayload.equals(first[0]!.rawPayload)).toBe(true);
    }
    const bytes = first[0]!.rawPayload;
    expect(await stored()).toEqual([{ cycleYear: CYCLE, lang: 'zh-TW', sha256: sha(bytes), snapshotSha256: snapshot, size: bytes.length }]);
    const pages = pdfPages(bytes);
    for (const page of pages) {
      expect(page).not.toContain('暫定');
      expect(page).toContain(snapshot);
    }
    expect(squash(pages[0]!)).toContain(squash('結案日期 民國 109 年 12 月 20 日 10:00'));
    const [entry] = await t.app.services.audit.list({ limit: 1, subject: `cycle:${CYCLE}`, action: 'report.read' });
    expect(entry).toMatchObject({ after: { provisional: false, snapshotSha256: snapshot, sha256: sha(bytes) } });

    // After the close the office reopens MOI-A: the live dashboard moves, the report does not.
    await t.app.services.reviews.reopen(actorOf(await t.app.services.accounts.getUser('office')), assessmentId, '申覆成立');
    const live = (await get('office', `/api/dashboard?cycle=${CYCLE}`)).json<{ kpi: { count: number }; byGrade: { A: { reached: { accepted: number } } } }>();
    expect([live.kpi.count, live.byGrade.A.reached.accepted]).toEqual([1, 0]);
    const later = await get('office', `/api/reports/national.pdf?cycle=${CYCLE}`);
    expect(later.rawPayload.equals(bytes)).toBe(true);
    // Even rendered again (the stored copy removed), the report comes from the snapshot: the same bytes, MOI-A still accepted.
    await t.app.services.handle.db.deleteFrom('nationalReports').execute();
    const again = await get('office', `/api/reports/national.pdf?cycle=${CYCLE}`);
    expect(again.rawPayload.equals(bytes)).toBe(true);
    expect(squash(pdfPages(again.rawPayload).join('\n'))).toContain(squash('MOI-A 內政部甲機關 A 已核定 2／'));
    // The English copy is stored beside it, once.
    await Promise.all(Array.from({ length: 4 }, () => get('office', `/api/reports/national.pdf?cycle=${CYCLE}&lang=en`)));
    expect((await stored()).map((r) => r.lang).sort()).toEqual(['en', 'zh-TW']);
  });
});
