// The priority list, calibration, trend and exports (docs/domain.md §8) on a data set whose every figure was
// worked out by hand: grades A and B under two ministries; accepted assessments at distances 1.06, 1.00 (twice:
// ties broken by code) and 0 from target 3; agencies with no accepted assessment; assessor ratings that lower
// (F→L) and raise (N→P twice), one NA change, a stale rating that must not count, an override (F→L); a cycle
// without a target; two cycles with a grade change between them; and agencies whose names are formulas.
// The fixture questionnaire (isgm-109@1.1.0) has 18 processes of weight 1 and 9 attributes each, so a score
// is the mean of the process levels and each accepted assessment compares 162 attributes.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grade } from '../../src/domain/roles.js';
import { actorOf } from '../../src/services/accounts.service.js';
import type { Calibration, Priority, Trend } from '../../src/services/analytics.service.js';
import { answerAll } from '../helpers/answers.js';
import { PASSWORD, addFixtureVersion, buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const Q = 'isgm-109@1.1.0';
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const MOI = '內政部';
const MOEA = '經濟部';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const AGENCIES: { code: string; name: string; ministry: string; grades: Record<string, Grade> }[] = [
  { code: 'A1', name: 'A1 機關', ministry: MOI, grades: { '120': 'B', '121': 'A', '122': 'A' } }, // 120 submitted (B); 121 accepted at 2, one lowered, one NA, one override
  { code: 'A2', name: 'A2 機關', ministry: MOEA, grades: { '120': 'A', '121': 'A' } }, // 120 accepted at 3; 121 accepted at 2, two raised
  { code: 'A3', name: '@SUM(A1)', ministry: MOI, grades: { '120': 'A', '121': 'A' } }, // 121 accepted at 3 (distance 0), a stale rating
  { code: 'A4', name: 'A4 機關', ministry: MOEA, grades: { '121': 'A' } }, // 121 accepted, first process at 1: score 1.94, distance 1.06
  { code: 'A5', name: '=HYPERLINK("x")', ministry: MOI, grades: { '121': 'A' } }, // 121 submitted at 3
  { code: 'A6', name: '+1', ministry: MOEA, grades: { '121': 'A' } }, // no assessment
  { code: 'B1', name: 'B1 機關', ministry: MOI, grades: { '121': 'B' } }, // 121 accepted at 2
  { code: 'B2', name: '-2', ministry: MOEA, grades: { '120': 'C', '121': 'B' } }, // no assessment; out of 120's grades
];
const PROCESSES = ['DET-01', 'DET-02', 'DET-03', 'DET-04', 'GOV-01', 'GOV-02', 'GOV-03', 'GOV-04', 'GOV-05', 'MGT-01', 'MGT-02', 'MGT-03', 'MGT-04', 'MGT-05', 'TEC-01', 'TEC-02', 'TEC-03', 'TEC-04'];
const ATTRIBUTES = ['PA1.1', 'PA2.1', 'PA2.2', 'PA3.1', 'PA3.2', 'PA4.1', 'PA4.2', 'PA5.1', 'PA5.2'];

const stats = (ratings: number, lowered: number, raised: number, compared: number, meanDifference: number | null) => ({ ratings, lowered, raised, meanDifference, compared });

/** RFC 4180 parsing, written here so the test does not trust the code under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the CSV ends with CRLF').toBe('');
  return rows;
}

describe.each(databaseKinds)('priority, calibration, trend and exports on $name', (kind) => {
  let t: TestApp;
  const now = new Date('2021-06-01T00:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  const auth = new Map<string, string>();

  const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: auth.has(who) ? { authorization: auth.get(who)! } : {} });
  const json = async <T>(who: string, url: string): Promise<T> => {
    const response = await get(who, url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  const csv = async (who: string, url: string, fileName: string): Promise<string[][]> => {
    const response = await get(who, url);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`);
    expect([...response.rawPayload.subarray(0, 3)], 'a UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
    return parseCsv(response.rawPayload.subarray(3).toString('utf8'));
  };
  const xlsx = async (who: string, url: string, fileName: string): Promise<ExcelJS.Workbook> => {
    const response = await get(who, url);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    return wb;
  };
  const rowsOf = (sheet: ExcelJS.Worksheet) => Array.from({ length: sheet.rowCount }, (_, r) => Array.from({ length: sheet.columnCount }, (_c, c) => sheet.getRow(r + 1).getCell(c + 1).value));

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
    const s = t.app.services;
    await seedPeople(t.app);
    await addFixtureVersion(t.app);
    await s.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await s.cycles.create(null, { year: 120, questionnaire: Q, targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 2 }, deadline: '2020-06-30' });
    await s.cycles.create(null, { year: 121, questionnaire: Q, targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' }, deadline: '2021-12-31' });
    await s.cycles.create(null, { year: 122, questionnaire: Q, targetLevel: null, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: null, target: null } });
    for (const a of AGENCIES) {
      await s.agencies.create(system, { code: a.code, name: a.name, ministry: a.ministry, grades: a.grades });
      await s.accounts.createUser(null, { username: `ciso.${a.code.toLowerCase()}`, role: 'ciso', agency: a.code, ministry: null, password: PASSWORD });
    }
    for (const who of ['office', 'ministry', 'agency', 'ciso', 'assessor']) auth.set(who, await tokenFor(t.app, who));
    const index = await s.questionnaires.index(Q);
    const office = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    const db = s.handle.db;

    /** Every process at `level` (GOV-01 at `first`), carried to `to`; `review` runs while in review, before acceptance. */
    const make = async (code: string, cycle: number, to: 'submitted' | 'accepted', level: number, options: { first?: number; review?: (id: string) => Promise<void> } = {}) => {
      const { id } = await s.assessments.create(office, { agency: code, cycle });
      const at = clock.now().toISOString();
      for (const answer of answerAll(index, (p, _i, l) => (l <= (p === 'GOV-01' ? (options.first ?? level) : level) ? 'F' : 'N'))) {
        await db
          .insertInto('answers')
          .values({ assessmentId: id, process: answer.process, indicator: answer.indicator, rating: answer.rating, evidence: answer.evidence ?? null, note: null, justification: null, revision: 1, unconfirmed: 0, updatedAt: at, updatedBy: 'test' })
          .execute();
      }
      await s.assessments.submit(actorOf(await s.accounts.getUser(`ciso.${code.toLowerCase()}`)), id, { statement: true });
      if (to === 'submitted') return id;
      await s.reviews.assign(office, id, 'assessor');
      await s.reviews.review(assessor, id);
      await options.review?.(id);
      await s.reviews.accept(assessor, id);
      return id;
    };
    await make('A1', 120, 'submitted', 2);
    await make('A2', 120, 'accepted', 3);
    await make('A1', 121, 'accepted', 2, {
      review: async (id) => {
        await s.reviews.rate(assessor, id, 'GOV-01', 'GP2.1.1', { rating: 'L', reason: 'plans not kept up' }); // F→L: lowered; PA2.1 0.9167
        await s.reviews.rate(assessor, id, 'GOV-02', 'BP1', { rating: 'NA', reason: 'does not apply' }); // F→NA: neither
        await s.reviews.override(assessor, id, 'GOV-03', 'PA2.2', { rating: 'L', reason: 'records thin' }); // computed F→L: lowered
      },
    });
    await make('A2', 121, 'accepted', 2, {
      review: async (id) => {
        await s.reviews.rate(assessor, id, 'GOV-01', 'GP3.1.1', { rating: 'P', reason: 'partly defined' }); // N→P: raised
        await s.reviews.rate(assessor, id, 'GOV-01', 'GP3.1.2', { rating: 'P', reason: 'partly defined' }); // N→P: raised; PA3.1 0.1667
      },
    });
    const a3 = await make('A3', 121, 'accepted', 3);
    await db.insertInto('assessorRatings').values({ assessmentId: a3, process: 'GOV-04', indicator: 'GP2.1.1', rating: 'N', reason: 'withdrawn', stale: 1, updatedAt: clock.now().toISOString(), updatedBy: 'assessor' }).execute();
    await make('A4', 121, 'accepted', 2, { first: 1 });
    await make('A5', 121, 'submitted', 3);
    await make('B1', 121, 'accepted', 2);
    await s.reports.settled();
    // Six acceptances each seal and store their reports: slow on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  const entry = (rank: number, agency: string, status: string, validated: [number, number, number] | null) => {
    const a = AGENCIES.find((x) => x.code === agency)!;
    return { rank, agency, name: a.name, ministry: a.ministry, grade: a.grades['121'], status, validatedLevel: validated?.[0] ?? null, validatedScore: validated?.[1] ?? null, distance: validated?.[2] ?? null };
  };

  it('orders the priority list: grade A first, no accepted assessment first by code, then distance, ties by code', async () => {
    expect(await json<Priority>('office', '/api/dashboard/priority?cycle=121')).toEqual({
      cycle: 121,
      targetLevel: 3,
      reason: null,
      agencies: [
        entry(1, 'A5', 'submitted', null),
        entry(2, 'A6', 'none', null),
        entry(3, 'A4', 'accepted', [1, 1.94, 1.06]),
        entry(4, 'A1', 'accepted', [2, 2, 1]),
        entry(5, 'A2', 'accepted', [2, 2, 1]),
        entry(6, 'A3', 'accepted', [3, 3, 0]),
        entry(7, 'B2', 'none', null),
        entry(8, 'B1', 'accepted', [2, 2, 1]),
      ],
    });
    // The ministry user: its own agencies, ranked among themselves.
    expect(await json<Priority>('ministry', '/api/dashboard/priority?cycle=121')).toEqual({
      cycle: 121,
      targetLevel: 3,
      reason: null,
      agencies: [entry(1, 'A5', 'submitted', null), entry(2, 'A1', 'accepted', [2, 2, 1]), entry(3, 'A3', 'accepted', [3, 3, 0]), entry(4, 'B1', 'accepted', [2, 2, 1])],
    });
    // A cycle without a target has an empty list and says why.
    expect(await json<Priority>('office', '/api/dashboard/priority?cycle=122')).toEqual({ cycle: 122, targetLevel: null, reason: 'no-target', agencies: [] });
  });

  it('calibrates self against validated by agency, process and attribute', async () => {
    const zero = stats(0, 0, 0, 162, 0);
    const c = await json<Calibration>('office', '/api/dashboard/calibration?cycle=121');
    expect(c.cycle).toBe(121);
    expect(c.assessments).toBe(5);
    // (8.33 − 16.67) / 810 = −0.0103.
    expect(c.overall).toEqual(stats(5, 2, 2, 810, -0.01));
    expect(c.agencies).toEqual([
      { agency: 'A1', name: 'A1 機關', ministry: MOI, grade: 'A', ...stats(3, 2, 0, 162, 0.05) }, // 8.33 / 162
      { agency: 'A2', name: 'A2 機關', ministry: MOEA, grade: 'A', ...stats(2, 0, 2, 162, -0.1) }, // −16.67 / 162
      { agency: 'A3', name: '@SUM(A1)', ministry: MOI, grade: 'A', ...zero },
      { agency: 'A4', name: 'A4 機關', ministry: MOEA, grade: 'A', ...zero },
      { agency: 'B1', name: 'B1 機關', ministry: MOI, grade: 'B', ...zero },
    ]);
    const byProcess: Record<string, ReturnType<typeof stats>> = { 'GOV-01': stats(3, 1, 2, 45, -0.19), 'GOV-02': stats(1, 0, 0, 45, 0), 'GOV-03': stats(1, 1, 0, 45, 0) };
    expect(c.processes).toEqual(PROCESSES.map((process) => ({ process, ...(byProcess[process] ?? stats(0, 0, 0, 45, 0)) })));
    const byAttribute: Record<string, ReturnType<typeof stats>> = { 'PA1.1': stats(1, 0, 0, 90, 0), 'PA2.1': stats(1, 1, 0, 90, 0.09), 'PA2.2': stats(1, 1, 0, 90, 0), 'PA3.1': stats(2, 0, 2, 90, -0.19) };
    expect(c.attributes).toEqual(ATTRIBUTES.map((attribute) => ({ attribute, ...(byAttribute[attribute] ?? stats(0, 0, 0, 90, 0)) })));

    const m = await json<Calibration>('ministry', '/api/dashboard/calibration?cycle=121');
    expect([m.assessments, m.overall, m.agencies.map((a) => a.agency)]).toEqual([3, stats(3, 2, 0, 486, 0.02), ['A1', 'A3', 'B1']]);
    // No accepted assessment: nothing compared.
    expect(await json<Calibration>('office', '/api/dashboard/calibration?cycle=122')).toEqual({ cycle: 122, assessments: 0, overall: stats(0, 0, 0, 0, null), agencies: [], processes: [], attributes: [] });
  });

  const kpi = (grades: string[], minLevel: number | null, target: number | 'all' | null, count: number, verdict: 'met' | 'not-met' | null) => ({ grades, basis: 'self', minLevel, target, count, verdict });
  const cycleRow = (
    cycle: number,
    targetLevel: number | null,
    k: ReturnType<typeof kpi>,
    [inCohort, submitted, accepted]: number[],
    meanSelf: number | null,
    meanValidated: number | null,
    atTarget: [number | null, number | null],
    milestone: string,
    deadline: string | null,
  ) => ({ cycle, targetLevel, kpi: k, inCohort, submitted, accepted, meanSelf, meanValidated, atTarget: { self: atTarget[0], validated: atTarget[1] }, milestone, closed: false, deadline });
  const none = (cycle: number, grade: string) => ({ cycle, grade, status: 'none', selfLevel: null, selfScore: null, validatedLevel: null, validatedScore: null });
  const at = (cycle: number, grade: string, status: string, self: [number, number], validated: [number, number] | null) => ({
    cycle,
    grade,
    status,
    selfLevel: self[0],
    selfScore: self[1],
    validatedLevel: validated?.[0] ?? null,
    validatedScore: validated?.[1] ?? null,
  });

  it('the trend: the seed’s milestones and every cycle’s national figures, each agency per cycle across a grade change', async () => {
    const trend = await json<Trend>('office', '/api/dashboard/trend');
    expect(trend.cycles).toEqual([
      // The seed's milestones: 106 sets no target; 107–109 passed their deadlines unmet (nothing submitted).
      cycleRow(106, null, { ...kpi(['A', 'B'], null, null, 0, null) }, [0, 0, 0], null, null, [null, null], 'no-target', '2017-12-15'),
      cycleRow(107, null, kpi(['A'], null, 3, 0, 'not-met'), [0, 0, 0], null, null, [null, null], 'not-met', '2018-12-14'),
      cycleRow(108, 2, kpi(['A'], 2, 30, 0, 'not-met'), [2, 0, 0], null, null, [0, 0], 'not-met', '2019-11-29'),
      cycleRow(109, 3, kpi(['A'], 3, 'all', 0, 'not-met'), [2, 0, 0], null, null, [0, 0], 'not-met', '2020-11-30'),
      // 120: A1 (B) submitted at 2, A2 accepted at 3, A3 none; the KPI counts A2 only: 1 < 2 past the deadline.
      cycleRow(120, 2, kpi(['A'], 2, 2, 1, 'not-met'), [3, 2, 1], 2.5, 3, [2, 1], 'not-met', '2020-06-30'),
      // 121: self 2, 2, 3, 1.94, 3, 2 → 2.32; validated 2, 2, 3, 1.94, 2 → 2.19; before its deadline.
      cycleRow(121, 3, kpi(['A'], 3, 'all', 2, 'not-met'), [8, 6, 5], 2.32, 2.19, [2, 1], 'in-progress', '2021-12-31'),
      cycleRow(122, null, kpi(['A'], null, null, 0, null), [1, 0, 0], null, null, [null, null], 'no-target', null),
    ]);
    const name = (code: string) => AGENCIES.find((a) => a.code === code)!;
    const agency = (code: string, cycles: unknown[]) => ({ agency: code, name: name(code).name, ministry: name(code).ministry, cycles });
    expect(trend.agencies).toEqual([
      agency('A1', [at(120, 'B', 'submitted', [2, 2], null), at(121, 'A', 'accepted', [2, 2], [2, 2]), none(122, 'A')]),
      agency('A2', [at(120, 'A', 'accepted', [3, 3], [3, 3]), at(121, 'A', 'accepted', [2, 2], [2, 2])]),
      agency('A3', [none(120, 'A'), at(121, 'A', 'accepted', [3, 3], [3, 3])]),
      agency('A4', [at(121, 'A', 'accepted', [1, 1.94], [1, 1.94])]),
      agency('A5', [at(121, 'A', 'submitted', [3, 3], null)]),
      agency('A6', [none(121, 'A')]),
      agency('B1', [at(121, 'B', 'accepted', [2, 2], [2, 2])]),
      agency('B2', [none(121, 'B')]),
      { agency: 'MOEA-B', name: '經濟部乙機關', ministry: MOEA, cycles: [none(108, 'B'), none(109, 'B')] },
      { agency: 'MOI-A', name: '內政部甲機關', ministry: MOI, cycles: [none(108, 'A'), none(109, 'A')] },
    ]);
    const one = await json<Trend>('office', '/api/dashboard/trend?agency=A2');
    expect(one.cycles).toEqual(trend.cycles);
    expect(one.agencies).toEqual([trend.agencies[1]]);
    expect((await get('office', '/api/dashboard/trend?agency=ZZ-9')).statusCode).toBe(404);
  });

  it('shows a ministry user the trend of its own agencies (a count target is national: not judged on a share, its milestone says so)', async () => {
    const trend = await json<Trend>('ministry', '/api/dashboard/trend');
    expect(trend.cycles.filter((c) => c.cycle >= 108)).toEqual([
      cycleRow(108, 2, kpi(['A'], 2, 30, 0, null), [1, 0, 0], null, null, [0, 0], 'not-judged', '2019-11-29'),
      cycleRow(109, 3, kpi(['A'], 3, 'all', 0, 'not-met'), [1, 0, 0], null, null, [0, 0], 'not-met', '2020-11-30'),
      cycleRow(120, 2, kpi(['A'], 2, 2, 0, null), [2, 1, 0], 2, null, [1, 0], 'not-judged', '2020-06-30'),
      // A1 2, A3 3, A5 3, B1 2 → 2.5; validated A1 2, A3 3, B1 2 → 2.33; all three A agencies at 3? only A3, A5.
      cycleRow(121, 3, kpi(['A'], 3, 'all', 2, 'not-met'), [4, 4, 3], 2.5, 2.33, [2, 1], 'in-progress', '2021-12-31'),
      cycleRow(122, null, kpi(['A'], null, null, 0, null), [1, 0, 0], null, null, [null, null], 'no-target', null),
    ]);
    expect(trend.agencies.map((a) => a.agency)).toEqual(['A1', 'A3', 'A5', 'B1', 'MOI-A']);
    // Another ministry's agency is not visible.
    expect((await get('ministry', '/api/dashboard/trend?agency=A2')).statusCode).toBe(404);
    expect((await json<Trend>('ministry', '/api/dashboard/trend?agency=A3')).agencies.map((a) => a.agency)).toEqual(['A3']);
  });

  it('exports CSV: BOM, headers in zh-TW or English, every cell, formulas neutralised', async () => {
    const zh = await csv('office', '/api/dashboard/priority?cycle=121&format=csv', 'priority-121-agencies.csv');
    expect(zh).toEqual([
      ['優先順序', '機關代碼', '機關名稱', '主管機關', '資安責任等級', '狀態', '驗證等級', '驗證分數', '距目標差距'],
      ['1', 'A5', "'=HYPERLINK(\"x\")", MOI, 'A', 'submitted', '', '', ''],
      ['2', 'A6', "'+1", MOEA, 'A', 'none', '', '', ''],
      ['3', 'A4', 'A4 機關', MOEA, 'A', 'accepted', '1', '1.94', '1.06'],
      ['4', 'A1', 'A1 機關', MOI, 'A', 'accepted', '2', '2', '1'],
      ['5', 'A2', 'A2 機關', MOEA, 'A', 'accepted', '2', '2', '1'],
      ['6', 'A3', "'@SUM(A1)", MOI, 'A', 'accepted', '3', '3', '0'],
      ['7', 'B2', "'-2", MOEA, 'B', 'none', '', '', ''],
      ['8', 'B1', 'B1 機關', MOI, 'B', 'accepted', '2', '2', '1'],
    ]);
    const en = await csv('ministry', '/api/dashboard/priority?cycle=121&format=csv&table=agencies&lang=en', 'priority-121-agencies.csv');
    expect(en[0]).toEqual(['Rank', 'Agency', 'Name', 'Ministry', 'Grade', 'Status', 'Validated level', 'Validated score', 'Distance to target']);
    expect(en.slice(1).map((r) => r[1])).toEqual(['A5', 'A1', 'A3', 'B1']);

    expect(await csv('office', '/api/dashboard?cycle=121&format=csv&lang=en', 'dashboard-121-byGrade.csv')).toEqual([
      ['Grade', 'In scope', 'Started', 'Submitted', 'In review', 'Accepted', 'At target (self)', 'At target (validated)'],
      ['A', '6', '5', '5', '4', '4', '2', '1'],
      ['B', '2', '1', '1', '1', '1', '0', '0'],
    ]);
    expect(await csv('office', '/api/dashboard/calibration?cycle=121&format=csv&table=attributes', 'calibration-121-attributes.csv')).toEqual([
      ['流程屬性', '評核調整數', '調降', '調升', '比較屬性數', '平均差異（百分點）'],
      ['PA1.1', '1', '0', '0', '90', '0'],
      ['PA2.1', '1', '1', '0', '90', '0.09'],
      ['PA2.2', '1', '1', '0', '90', '0'],
      ['PA3.1', '2', '0', '2', '90', '-0.19'],
      ...['PA3.2', 'PA4.1', 'PA4.2', 'PA5.1', 'PA5.2'].map((a) => [a, '0', '0', '0', '90', '0']),
    ]);
    const trendAgencies = await csv('ministry', '/api/dashboard/trend?format=csv&table=agencies&lang=en', 'trend-agencies.csv');
    expect(trendAgencies[0]).toEqual(['Agency', 'Name', 'Ministry', 'Cycle', 'Grade', 'Status', 'Self level', 'Self score', 'Validated level', 'Validated score']);
    expect(trendAgencies.slice(1, 4)).toEqual([
      ['A1', 'A1 機關', MOI, '120', 'B', 'submitted', '2', '2', '', ''],
      ['A1', 'A1 機關', MOI, '121', 'A', 'accepted', '2', '2', '2', '2'],
      ['A1', 'A1 機關', MOI, '122', 'A', 'none', '', '', '', ''],
    ]);
    expect(trendAgencies.find((r) => r[0] === 'A5')).toEqual(['A5', "'=HYPERLINK(\"x\")", MOI, '121', 'A', 'submitted', '3', '3', '', '']);
    const cycles = await csv('office', '/api/dashboard/trend?format=csv', 'trend-cycles.csv');
    expect(cycles[0]![0]).toBe('年度');
    expect(cycles.find((r) => r[0] === '121')).toEqual(['121', '3', '8', '6', '5', '2.32', '2.19', '2', '1', '2', 'all', 'in-progress', '2021-12-31']);
  });

  it('exports .xlsx: a sheet per table, header row, numbers as numbers, formulas neutralised', async () => {
    const priority = await xlsx('office', '/api/dashboard/priority?cycle=121&format=xlsx', 'priority-121.xlsx');
    expect(priority.worksheets.map((s) => s.name)).toEqual(['agencies']);
    const rows = rowsOf(priority.getWorksheet('agencies')!);
    expect(rows[0]).toEqual(['優先順序', '機關代碼', '機關名稱', '主管機關', '資安責任等級', '狀態', '驗證等級', '驗證分數', '距目標差距']);
    expect(rows.slice(1)).toEqual([
      [1, 'A5', "'=HYPERLINK(\"x\")", MOI, 'A', 'submitted', null, null, null],
      [2, 'A6', "'+1", MOEA, 'A', 'none', null, null, null],
      [3, 'A4', 'A4 機關', MOEA, 'A', 'accepted', 1, 1.94, 1.06],
      [4, 'A1', 'A1 機關', MOI, 'A', 'accepted', 2, 2, 1],
      [5, 'A2', 'A2 機關', MOEA, 'A', 'accepted', 2, 2, 1],
      [6, 'A3', "'@SUM(A1)", MOI, 'A', 'accepted', 3, 3, 0],
      [7, 'B2', "'-2", MOEA, 'B', 'none', null, null, null],
      [8, 'B1', 'B1 機關', MOI, 'B', 'accepted', 2, 2, 1],
    ]);
    expect(priority.getWorksheet('agencies')!.getRow(1).font?.bold).toBe(true);

    const dashboard = await xlsx('ministry', '/api/dashboard?cycle=121&format=xlsx&lang=en', 'dashboard-121.xlsx');
    expect(dashboard.worksheets.map((s) => s.name)).toEqual(['byGrade', 'ministries', 'distribution', 'belowTarget', 'overdue', 'sinceClose']);
    expect(rowsOf(dashboard.getWorksheet('ministries')!)).toEqual([
      ['Ministry', 'In scope', 'Started', 'Submitted', 'In review', 'Accepted', 'At target (self)', 'At target (validated)'],
      [MOI, 4, 4, 4, 3, 3, 2, 1],
    ]);
    // Below target 3 as it stands: A1 (validated 2), B1 (validated 2); A5 submitted at 3 and A3 accepted at 3 meet it.
    expect(rowsOf(dashboard.getWorksheet('belowTarget')!).map((r) => r.slice(0, 9))).toEqual([
      ['Agency', 'Name', 'Ministry', 'Grade', 'Status', 'Basis', 'Level', 'Score', 'Target level'],
      ['A1', 'A1 機關', MOI, 'A', 'accepted', 'validated', 2, 2, 3],
      ['B1', 'B1 機關', MOI, 'B', 'accepted', 'validated', 2, 2, 3],
    ]);

    const trend = await xlsx('office', '/api/dashboard/trend?format=xlsx', 'trend.xlsx');
    expect(trend.worksheets.map((s) => s.name)).toEqual(['cycles', 'agencies']);
    expect(rowsOf(trend.getWorksheet('agencies')!).find((r) => r[0] === 'B2')).toEqual(['B2', "'-2", MOEA, 121, 'B', 'none', null, null, null, null]);
    const calibration = await xlsx('office', '/api/dashboard/calibration?cycle=121&format=xlsx', 'calibration-121.xlsx');
    expect(calibration.worksheets.map((s) => s.name)).toEqual(['agencies', 'processes', 'attributes']);
    expect(rowsOf(calibration.getWorksheet('agencies')!)[3]).toEqual(['A3', "'@SUM(A1)", MOI, 'A', 0, 0, 0, 162, 0]);
  });

  it('refuses what it cannot answer: other roles, unknown cycles and tables, hostile queries', async () => {
    for (const path of ['priority?cycle=121', 'calibration?cycle=121', 'trend']) {
      for (const who of ['agency', 'ciso', 'assessor']) expect((await get(who, `/api/dashboard/${path}`)).statusCode).toBe(403);
      expect((await get('anonymous', `/api/dashboard/${path}`)).statusCode).toBe(401);
    }
    expect((await get('office', '/api/dashboard/priority?cycle=998')).statusCode).toBe(404);
    expect((await get('office', '/api/dashboard/calibration?cycle=998&format=csv')).statusCode).toBe(404);
    const unknownTable = await get('office', '/api/dashboard/calibration?cycle=121&format=csv&table=byGrade');
    expect(unknownTable.statusCode).toBe(400);
    expect(unknownTable.json()).toMatchObject({ error: { details: [{ path: 'querystring:/table', message: expect.stringMatching(/agencies.*processes.*attributes/) as string }] } });
    const hostile = [
      '/api/dashboard/priority',
      '/api/dashboard/priority?cycle=abc',
      '/api/dashboard/priority?cycle=121&format=pdf',
      '/api/dashboard/priority?cycle=121&lang=fr',
      '/api/dashboard/priority?cycle=121&extra=1',
      `/api/dashboard/priority?cycle=121&table=${'x'.repeat(20_000)}`,
      '/api/dashboard/priority?cycle=121&table=%ED%A0%80',
      '/api/dashboard/trend?agency=%ED%A0%80',
      `/api/dashboard/trend?agency=${'A'.repeat(5000)}`,
      '/api/dashboard/trend?cycle=121',
      '/api/dashboard/calibration?cycle=121&format[]=csv',
    ];
    for (const url of hostile) {
      const response = await get('office', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toHaveProperty('error.code');
    }
  });
});
