// The dashboard of a cycle (docs/domain.md §8) on a data set whose every figure is known: agencies of
// grades A and B under two ministries, assessments in every state, validated levels just below and
// exactly at the target, an agency whose grade changed between cycles (and one that left the cohort
// after submitting), a reopened assessment and a draft moved to another questionnaire version. Also
// the stored results themselves: written at each transition, equal to the live results, and rebuilt
// by the migration's backfill.
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../migrations/0006_assessment_results.js';
import type { Grade } from '../../src/domain/roles.js';
import type { ScoreResult } from '../../src/domain/scoring.js';
import { actorOf } from '../../src/services/accounts.service.js';
import type { Dashboard } from '../../src/services/dashboard.service.js';
import { answerAll } from '../helpers/answers.js';
import { PASSWORD, addFixtureVersion, buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const CYCLE = 120;
const Q = 'isgm-109@1.1.0';
/** RFC 8785 canonical JSON, straight from the library (its CommonJS export is the function). */
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const MOI = '內政部';
const MOEA = '經濟部';

/** code → ministry, grade in 119 and in 120. */
const AGENCIES: { code: string; ministry: string; grades: Record<string, Grade> }[] = [
  { code: 'A1', ministry: MOI, grades: { '119': 'B', '120': 'A' } }, // accepted, validated 2 = target; B in 119, A in 120
  { code: 'A2', ministry: MOI, grades: { '120': 'A' } }, // accepted, validated 1: just below
  { code: 'A3', ministry: MOEA, grades: { '120': 'A' } }, // accepted, then reopened (in review)
  { code: 'A4', ministry: MOEA, grades: { '120': 'A' } }, // submitted, self 1
  { code: 'A5', ministry: MOI, grades: { '120': 'A' } }, // draft, moved to isgm-109@1.2.0
  { code: 'A6', ministry: MOEA, grades: { '120': 'A' } }, // no assessment
  { code: 'B1', ministry: MOI, grades: { '120': 'B' } }, // returned
  { code: 'B2', ministry: MOEA, grades: { '120': 'B' } }, // accepted, validated 2
  { code: 'GC', ministry: MOI, grades: { '119': 'A', '120': 'A' } }, // submitted, then regraded C for 120: out of scope
];

const tally = (inScope: number, [started, submitted, inReview, accepted]: number[], self: number | null, validated: number | null) => ({
  inScope,
  reached: { started, submitted, inReview, accepted },
  atTarget: { self, validated },
});
const levels = (counts: Partial<Record<string, number>>) => ({ '0': 0, '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, ...counts });

describe.each(databaseKinds)('the dashboard on $name', (kind) => {
  let t: TestApp;
  let now = new Date('2020-11-01T00:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  const auth = new Map<string, string>();
  const ids = new Map<string, string>();
  let firstProcess = '';

  const get = async (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: auth.has(who) ? { authorization: auth.get(who)! } : {} });
  const dashboard = async (who = 'office', cycle = CYCLE) => {
    const response = await get(who, `/api/dashboard?cycle=${cycle}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Dashboard>();
  };
  const setKpi = async (kpi: Record<string, unknown>) => {
    const response = await t.app.inject({ method: 'PATCH', url: `/api/cycles/${CYCLE}`, headers: { authorization: auth.get('office')! }, payload: { kpi } });
    expect(response.statusCode, response.body).toBe(200);
  };

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
    const { app } = t;
    const s = app.services;
    await seedPeople(app);
    await addFixtureVersion(app);
    await s.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await s.cycles.create(null, { year: 119, questionnaire: Q, targetLevel: null, kpi: { grades: ['A'], basis: 'self', minLevel: null, target: null } });
    await s.cycles.create(null, { year: CYCLE, questionnaire: Q, targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 'all' }, deadline: '2020-11-30' });
    for (const a of AGENCIES) {
      await s.agencies.create(system, { code: a.code, name: `${a.code} 機關`, ministry: a.ministry, grades: a.grades });
      await s.accounts.createUser(null, { username: `ciso.${a.code.toLowerCase()}`, role: 'ciso', agency: a.code, ministry: null, password: PASSWORD });
    }
    for (const who of ['office', 'ministry', 'agency', 'ciso', 'assessor']) auth.set(who, await tokenFor(app, who));

    const index = await s.questionnaires.index(Q);
    firstProcess = index.processes[0]!.id;
    const office = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    const db = s.handle.db;

    /** Creates the assessment with every process at level 2 (or `first` for the first process) and carries it to `to`. */
    const make = async (code: string, to: 'draft' | 'submitted' | 'in_review' | 'accepted' | 'reopened' | 'returned', options: { first?: number; validatedFirst?: 'P' } = {}) => {
      const { id } = await s.assessments.create(office, { agency: code, cycle: CYCLE });
      ids.set(code, id);
      const at = clock.now().toISOString();
      const answers = answerAll(index, (p, _i, level) => (level <= (p === firstProcess ? (options.first ?? 2) : 2) ? 'F' : 'N'));
      for (const answer of answers) {
        await db
          .insertInto('answers')
          .values({ assessmentId: id, process: answer.process, indicator: answer.indicator, rating: answer.rating, evidence: answer.evidence ?? null, note: null, justification: null, revision: 1, unconfirmed: 0, updatedAt: at, updatedBy: 'test' })
          .execute();
      }
      if (to === 'draft') return;
      await s.assessments.submit(actorOf(await s.accounts.getUser(`ciso.${code.toLowerCase()}`)), id, { statement: true });
      if (to === 'submitted') return;
      await s.reviews.assign(office, id, 'assessor');
      await s.reviews.review(assessor, id);
      if (options.validatedFirst) await s.reviews.override(assessor, id, firstProcess, 'PA2.1', { rating: options.validatedFirst, reason: 'plans not monitored' });
      if (to === 'returned') return void (await s.reviews.return(assessor, id, 'please complete'));
      if (to === 'in_review') return;
      await s.reviews.accept(assessor, id);
      if (to === 'reopened') await s.reviews.reopen(office, id, 'appeal upheld');
    };
    await make('A1', 'accepted');
    await make('A2', 'accepted', { validatedFirst: 'P' });
    await make('A3', 'reopened');
    await make('A4', 'submitted', { first: 1 });
    await make('A5', 'draft');
    await s.assessments.moveQuestionnaire(office, ids.get('A5')!, 'isgm-109@1.2.0');
    await make('B1', 'returned');
    await make('B2', 'accepted');
    await make('GC', 'submitted');
    await s.agencies.update(system, 'GC', { grades: { '120': 'C' } });
    await s.reports.settled();
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('stores both results at each transition, equal to the results as they stand', async () => {
    const rows = await t.app.services.handle.db.selectFrom('assessmentResults').selectAll().execute();
    const byId = new Map(rows.map((r) => [r.assessmentId, r]));
    // Every assessment submitted or later has a row, and so has the moved draft.
    expect(rows.length).toBe(8);
    const a5 = byId.get(ids.get('A5')!)!;
    expect(a5.questionnaire).toBe('isgm-109@1.2.0');
    for (const [code, id] of ids) {
      const row = byId.get(id)!;
      const live = (await get('office', `/api/assessments/${id}/result`)).json<{ self: ScoreResult; validated: ScoreResult }>();
      expect(JSON.parse(row.selfResult), code).toEqual(live.self);
      expect(JSON.parse(row.validatedResult), code).toEqual(live.validated);
      expect([row.selfLevel, Number(row.selfScore), row.selfMeetsTarget, row.selfTargetLevel], code).toEqual([live.self.level, live.self.score, live.self.meetsTarget === null ? null : Number(live.self.meetsTarget), live.self.targetLevel]);
      expect([row.validatedLevel, Number(row.validatedScore), row.validatedMeetsTarget], code).toEqual([live.validated.level, live.validated.score, Number(live.validated.meetsTarget)]);
    }
    expect([byId.get(ids.get('A2')!)!.validatedLevel, Number(byId.get(ids.get('A2')!)!.validatedScore)]).toEqual([1, 1.94]);
    expect([byId.get(ids.get('A4')!)!.selfLevel, Number(byId.get(ids.get('A4')!)!.selfScore)]).toEqual([1, 1.94]);
  });

  it('counts every figure of the cycle from the stored results', async () => {
    const d = await dashboard();
    expect(d.cycle).toBe(CYCLE);
    expect(d.kpi).toEqual({ grades: ['A'], basis: 'self', minLevel: 2, target: 'all', count: 3, verdict: 'not-met' });
    expect(d.byGrade).toEqual({ A: tally(6, [5, 4, 3, 2], 3, 1), B: tally(2, [2, 2, 2, 1], 2, 1) });
    expect(d.distribution).toEqual({ self: levels({ '1': 1, '2': 5 }), validated: levels({ '1': 1, '2': 2 }) });
    expect(d.ministries).toEqual([
      { ministry: MOI, ...tally(4, [4, 3, 3, 2], 3, 1) },
      { ministry: MOEA, ...tally(4, [3, 3, 2, 1], 2, 1) },
    ]);
    expect(d.belowTarget).toEqual([
      { agency: 'A2', name: 'A2 機關', ministry: MOI, grade: 'A', status: 'accepted', basis: 'validated', level: 1, score: 1.94, targetLevel: 2, processes: [{ process: firstProcess, level: 1, attributes: ['PA2.1'] }] },
      { agency: 'A4', name: 'A4 機關', ministry: MOEA, grade: 'A', status: 'submitted', basis: 'self', level: 1, score: 1.94, targetLevel: 2, processes: [{ process: firstProcess, level: 1, attributes: ['PA2.1', 'PA2.2'] }] },
    ]);
    expect(d.overdue).toEqual([]);
  });

  it('judges the KPI on the cycle’s basis: self and validated, against a count, "all", or no minimum level', async () => {
    await setKpi({ basis: 'validated', target: 1 });
    expect((await dashboard()).kpi).toMatchObject({ basis: 'validated', count: 1, verdict: 'met' });
    await setKpi({ basis: 'validated', target: 2 });
    expect((await dashboard()).kpi).toMatchObject({ count: 1, verdict: 'not-met' });
    await setKpi({ basis: 'validated', target: 'all', minLevel: null });
    expect((await dashboard()).kpi).toMatchObject({ minLevel: null, count: 2, verdict: 'not-met' });
    await setKpi({ basis: 'self', target: 3, minLevel: 2 });
    expect((await dashboard()).kpi).toMatchObject({ basis: 'self', count: 3, verdict: 'met' });
    await setKpi({ basis: 'self', target: 4 });
    expect((await dashboard()).kpi).toMatchObject({ count: 3, verdict: 'not-met' });
    await setKpi({ basis: 'self', target: 4, minLevel: null });
    expect((await dashboard()).kpi).toMatchObject({ count: 4, verdict: 'met' });
    await setKpi({ basis: 'self', target: null, minLevel: 2 });
    expect((await dashboard()).kpi).toMatchObject({ target: null, count: 3, verdict: null });
    await setKpi({ basis: 'self', target: 'all', minLevel: 2 });
  });

  it('shows a ministry user its own agencies only', async () => {
    const d = await dashboard('ministry');
    expect(d.kpi).toMatchObject({ count: 2, verdict: 'not-met' });
    expect(d.byGrade).toEqual({ A: tally(3, [3, 2, 2, 2], 2, 1), B: tally(1, [1, 1, 1, 0], 1, 0) });
    expect(d.distribution).toEqual({ self: levels({ '2': 3 }), validated: levels({ '1': 1, '2': 1 }) });
    expect(d.ministries.map((m) => m.ministry)).toEqual([MOI]);
    expect(d.belowTarget.map((b) => b.agency)).toEqual(['A2']);
    // A count target is national: a ministry's share is not judged against it.
    await setKpi({ target: 1 });
    expect((await dashboard('ministry')).kpi).toMatchObject({ count: 2, verdict: null });
    await setKpi({ target: 'all' });
  });

  it('marks in-scope agencies not submitted once the deadline’s day has passed, by the clock', async () => {
    // The deadline's day is a day in Taiwan (UTC+8): it ends at 16:00 UTC.
    now = new Date('2020-11-30T15:59:59Z');
    expect((await dashboard()).overdue).toEqual([]);
    now = new Date('2020-11-30T16:00:00Z');
    expect((await dashboard()).overdue.map((o) => [o.agency, o.daysOverdue])).toEqual([
      ['A5', 1],
      ['A6', 1],
    ]);
    now = new Date('2020-12-02T08:00:00Z');
    expect((await dashboard()).overdue).toEqual([
      { agency: 'A5', name: 'A5 機關', ministry: MOI, grade: 'A', status: 'draft', deadline: '2020-11-30', extended: false, daysOverdue: 2 },
      { agency: 'A6', name: 'A6 機關', ministry: MOEA, grade: 'A', status: 'none', deadline: '2020-11-30', extended: false, daysOverdue: 2 },
    ]);
    expect((await dashboard('ministry')).overdue.map((o) => o.agency)).toEqual(['A5']);
    now = new Date('2020-11-01T00:00:00Z');
  });

  it('a pilot cycle: grades as they were that cycle, no target, no verdict', async () => {
    const d = await dashboard('office', 119);
    expect(d.kpi).toEqual({ grades: ['A'], basis: 'self', minLevel: null, target: null, count: 0, verdict: null });
    expect(d.byGrade).toEqual({ A: tally(1, [0, 0, 0, 0], null, null), B: tally(1, [0, 0, 0, 0], null, null) });
    expect(d.belowTarget).toEqual([]);
    expect(d.overdue).toEqual([]);
  });

  it('is for the office and ministries only; an unknown cycle is not found', async () => {
    for (const who of ['agency', 'ciso', 'assessor']) expect((await get(who, `/api/dashboard?cycle=${CYCLE}`)).statusCode).toBe(403);
    expect((await get('anonymous', `/api/dashboard?cycle=${CYCLE}`)).statusCode).toBe(401);
    expect((await get('office', '/api/dashboard?cycle=998')).statusCode).toBe(404);
    expect((await get('office', '/api/dashboard')).statusCode).toBe(400);
  });

  it('the migration’s backfill rebuilds the rows of every assessment submitted or later', async () => {
    const db = t.app.services.handle.db;
    const before = await db.selectFrom('assessmentResults').selectAll().orderBy('assessmentId').execute();
    await db.deleteFrom('assessmentResults').execute();
    expect(await backfill(db, '2020-11-01T00:00:00.000Z')).toBe(7);
    const after = await db.selectFrom('assessmentResults').selectAll().orderBy('assessmentId').execute();
    const shape = (r: (typeof before)[number]) => ({ ...r, selfResult: JSON.parse(r.selfResult) as unknown, validatedResult: JSON.parse(r.validatedResult) as unknown, selfScore: Number(r.selfScore), validatedScore: Number(r.validatedScore), storedAt: '' });
    // The moved draft is not backfilled (a draft counts as started only).
    expect(after.map(shape)).toEqual(before.filter((r) => r.assessmentId !== ids.get('A5')).map(shape));
    expect(await backfill(db, '2020-11-01T00:00:00.000Z')).toBe(0);
    expect((await dashboard()).byGrade).toEqual({ A: tally(6, [5, 4, 3, 2], 3, 1), B: tally(2, [2, 2, 2, 1], 2, 1) });
  });

  it('extends one agency’s deadline: overdue then counts from the extension’s date', async () => {
    const put = (agency: string, payload: unknown, who = 'office', year = CYCLE) =>
      t.app.inject({ method: 'PUT', url: `/api/cycles/${year}/extensions/${agency}`, headers: auth.has(who) ? { authorization: auth.get(who)! } : {}, payload: payload as object });
    const granted = await put('A6', { until: '2020-12-10', reason: '  機房淹水，延後提交  ' });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toEqual({ cycle: CYCLE, agency: 'A6', until: '2020-12-10', reason: '機房淹水，延後提交', grantedBy: 'office', grantedAt: now.toISOString() });
    now = new Date('2020-12-02T08:00:00Z');
    expect((await dashboard()).overdue.map((o) => o.agency)).toEqual(['A5']);
    now = new Date('2020-12-12T08:00:00Z');
    expect((await dashboard()).overdue).toEqual([
      { agency: 'A5', name: 'A5 機關', ministry: MOI, grade: 'A', status: 'draft', deadline: '2020-11-30', extended: false, daysOverdue: 12 },
      { agency: 'A6', name: 'A6 機關', ministry: MOEA, grade: 'A', status: 'none', deadline: '2020-12-10', extended: true, daysOverdue: 2 },
    ]);
    now = new Date('2020-11-01T00:00:00Z');

    // Refusals, each saying what is wrong; none changes anything.
    const refusals: [string, unknown, number, string][] = [
      ['A5', { until: '2020-11-30', reason: 'same day' }, 400, '/until'],
      ['A5', { until: '2020-13-01', reason: 'no such date' }, 400, 'until'],
      ['A5', { until: '2020-12-10', reason: '   ' }, 400, '/reason'],
      ['A5', { until: '2020-12-10', reason: 'x\ud800' }, 400, 'reason'],
      ['A5', { until: '2020-12-10', reason: 'x'.repeat(501) }, 400, 'reason'],
      ['A5', { until: '2020-12-10', reason: 'ok', extra: 1 }, 400, 'extra'],
      ['A5', { until: 20201210, reason: 'ok' }, 400, 'until'],
      ['A5', [], 400, ''],
      ['ZZ', { until: '2020-12-10', reason: 'ok' }, 404, 'ZZ'],
      ['GC', { until: '2020-12-10', reason: 'regraded C for 120' }, 409, 'GC'],
    ];
    for (const [agency, payload, status, where] of refusals) {
      const r = await put(agency, payload);
      expect(r.statusCode, `${agency} ${JSON.stringify(payload)}: ${r.body}`).toBe(status);
      expect(r.body).toContain(where);
    }
    expect((await put('A5', { until: '2020-12-10', reason: 'no deadline' }, 'office', 119)).statusCode).toBe(409);
    for (const who of ['ministry', 'ciso', 'agency', 'assessor']) expect((await put('A5', { until: '2020-12-10', reason: 'mine' }, who)).statusCode).toBe(403);

    // The same agency extended many times at once: every request answers, one extension remains, the last one written.
    const dates = Array.from({ length: 12 }, (_, i) => `2020-12-${String(10 + i).padStart(2, '0')}`);
    const answers = await Promise.all(dates.map((until) => put('A5', { until, reason: `round ${until}` })));
    expect(answers.map((r) => r.statusCode)).toEqual(dates.map(() => 200));
    const list = (await get('office', `/api/cycles/${CYCLE}/extensions`)).json<{ agency: string; until: string; reason: string }[]>();
    expect(list.map((e) => e.agency)).toEqual(['A5', 'A6']);
    expect(list[0]!.reason).toBe(`round ${list[0]!.until}`);
    const audit = await t.app.services.handle.db.selectFrom('auditEntries').select(['action', 'after']).where('action', '=', 'cycle.extension').execute();
    expect(audit.length).toBe(1 + dates.length);
  });

  it('closing the cycle stores a snapshot once; later changes show beside it, never in it', async () => {
    const db = t.app.services.handle.db;
    const open = await dashboard();
    expect([open.snapshot, open.sinceClose]).toEqual([null, []]);
    expect((await get('office', `/api/cycles/${CYCLE}/snapshot`)).statusCode).toBe(404);

    now = new Date('2020-12-20T02:00:00Z');
    const close = () => t.app.inject({ method: 'POST', url: `/api/cycles/${CYCLE}/close`, headers: { authorization: auth.get('office')! } });
    const attempts = await Promise.all(Array.from({ length: 8 }, close));
    expect(attempts.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect(attempts.find((r) => r.statusCode === 200)!.json()).toMatchObject({ year: CYCLE, closed: true });
    expect((await db.selectFrom('auditEntries').select('action').where('action', '=', 'cycle.close').execute()).length).toBe(1);

    // The snapshot holds the figures as they stood, and its hash is the SHA-256 of the record's RFC 8785 JSON.
    const stored = (await get('office', `/api/cycles/${CYCLE}/snapshot`)).json<{ sha256: string; record: Record<string, unknown> & { agencies: { agency: string }[] } }>();
    expect(createHash('sha256').update(canonicalize(stored.record)).digest('hex')).toBe(stored.sha256);
    expect(stored.record.agencies.map((a) => a.agency)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B1', 'B2']);
    expect(stored.record).toMatchObject({ cycle: CYCLE, closedAt: '2020-12-20T02:00:00.000Z', closedBy: 'office', kpi: open.kpi, byGrade: open.byGrade, distribution: open.distribution, ministries: open.ministries });
    const closed = await dashboard();
    expect(closed.snapshot).toEqual({ closedAt: '2020-12-20T02:00:00.000Z', sha256: stored.sha256, kpi: open.kpi, byGrade: open.byGrade, distribution: open.distribution });
    expect(closed.sinceClose).toEqual([]);

    // After closing: A1 reopened by the office, A3 accepted again by its assessor.
    const s = t.app.services;
    now = new Date('2021-01-05T01:00:00Z');
    await s.reviews.reopen(actorOf(await s.accounts.getUser('office')), ids.get('A1')!, 'complaint upheld');
    now = new Date('2021-01-06T01:00:00Z');
    await s.reviews.accept(actorOf(await s.accounts.getUser('assessor')), ids.get('A3')!);
    const later = await dashboard();
    expect(later.byGrade.A!.reached.accepted).toBe(2); // A1 left, A3 came back: A2, A3
    expect(later.snapshot).toEqual(closed.snapshot);
    expect(later.sinceClose).toEqual([
      { agency: 'A1', change: 'reopen', at: '2021-01-05T01:00:00.000Z' },
      { agency: 'A3', change: 'accept', at: '2021-01-06T01:00:00.000Z' },
    ]);
    // The ministry (內政部) sees its own share of the snapshot and of the later changes, under the same hash.
    const ministry = await dashboard('ministry');
    expect(ministry.sinceClose.map((c) => c.agency)).toEqual(['A1']);
    expect(ministry.snapshot).toMatchObject({ sha256: stored.sha256, byGrade: { A: tally(3, [3, 2, 2, 2], 2, 1), B: tally(1, [1, 1, 1, 0], 1, 0) } });
    expect((await get('ministry', `/api/cycles/${CYCLE}/snapshot`)).statusCode).toBe(403);

    // A closed cycle takes no edit, no extension, no second close.
    expect((await t.app.inject({ method: 'PATCH', url: `/api/cycles/${CYCLE}`, headers: { authorization: auth.get('office')! }, payload: { deadline: '2021-01-31' } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'PUT', url: `/api/cycles/${CYCLE}/extensions/A5`, headers: { authorization: auth.get('office')! }, payload: { until: '2021-01-31', reason: 'late' } })).statusCode).toBe(409);
    expect((await close()).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'POST', url: '/api/cycles/998/close', headers: { authorization: auth.get('office')! } })).statusCode).toBe(404);
    now = new Date('2020-11-01T00:00:00Z');
  });
});
