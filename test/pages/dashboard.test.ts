// The programme pages (/dashboard…) on a data set whose every figure is worked out by hand below: who may
// see them (a ministry user only its agencies), the figures shown against the API's, the charts with their
// tables, closing a cycle through its confirmation (with and without the CSRF token, many at once),
// extending a deadline (a bad date refused in the page's language), and the English page. Real databases.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Grade } from '../../src/domain/roles.js';
import { message, type MessageKey } from '../../src/http/pages/i18n.js';
import { actorOf } from '../../src/services/accounts.service.js';
import type { Dashboard } from '../../src/services/dashboard.service.js';
import { answerAll } from '../helpers/answers.js';
import { PASSWORD, buildTestApp, loginAs, seedPeople, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { csrfFrom, follow, getPage, postForm, textOf } from '../helpers/pages.js';

const CYCLE = 120;
const Q = 'isgm-109@1.1.0';
const zh = (key: MessageKey) => message('zh-TW', key);
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const MOI = '內政部';
const MOEA = '經濟部';

/**
 * Cycle 120 (target 2; KPI: grade A, self, level 2, all; deadline 2020-11-30), seen on 2020-12-05:
 * A1 accepted at 2 (self 2) · A2 accepted, validated 1 (self 2) · A4 submitted, self 1 · A5 draft · A6 none (all A);
 * B2 accepted at 2 (grade B). MOI: A1, A2, A5; MOEA: A4, A6, B2.
 */
const AGENCIES: { code: string; ministry: string; grade: Grade }[] = [
  { code: 'A1', ministry: MOI, grade: 'A' },
  { code: 'A2', ministry: MOI, grade: 'A' },
  { code: 'A4', ministry: MOEA, grade: 'A' },
  { code: 'A5', ministry: MOI, grade: 'A' },
  { code: 'A6', ministry: MOEA, grade: 'A' },
  { code: 'B2', ministry: MOEA, grade: 'B' },
];

/** The cells of the table row whose first cell is `label`, in the section headed by `heading`. */
function rowOf(html: string, headingId: string, label: string): string[] {
  const section = html.slice(html.indexOf(`id="${headingId}"`));
  const table = section.slice(0, section.indexOf('</table>'));
  for (const row of table.split('<tr>').slice(1)) {
    const cells = [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => textOf(m[1]!).trim());
    if (cells[0] === label) return cells;
  }
  return [];
}

describe.each(databaseKinds)('the programme pages on $name', (kind) => {
  let t: TestApp;
  const now = new Date('2020-12-05T00:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  const ids = new Map<string, string>();
  let firstProcess = '';
  let firstProcessName = '';
  let office = '';

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
    const s = t.app.services;
    await seedPeople(t.app);
    await s.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await s.cycles.create(null, { year: CYCLE, questionnaire: Q, targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 'all' }, deadline: '2020-11-30' });
    for (const a of AGENCIES) {
      await s.agencies.create(system, { code: a.code, name: `${a.code} 機關`, ministry: a.ministry, grades: { [String(CYCLE)]: a.grade } });
      await s.accounts.createUser(null, { username: `ciso.${a.code.toLowerCase()}`, role: 'ciso', agency: a.code, ministry: null, password: PASSWORD });
    }
    const index = await s.questionnaires.index(Q);
    firstProcess = index.processes[0]!.id;
    firstProcessName = index.questionnaire.aspects[0]!.processes[0]!.name['zh-TW'];
    const officeActor = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    const make = async (code: string, to: 'draft' | 'submitted' | 'accepted', options: { first?: number; validatedFirst?: 'P' } = {}) => {
      const { id } = await s.assessments.create(officeActor, { agency: code, cycle: CYCLE });
      ids.set(code, id);
      const at = clock.now().toISOString();
      // Written in one statement: the answers are the fixture, not what is tested.
      const answers = answerAll(index, (p, _i, level) => (level <= (p === firstProcess ? (options.first ?? 2) : 2) ? 'F' : 'N'));
      await s.handle.db
        .insertInto('answers')
        .values(answers.map((answer) => ({ assessmentId: id, process: answer.process, indicator: answer.indicator, rating: answer.rating, evidence: answer.evidence ?? null, note: null, justification: null, revision: 1, unconfirmed: 0, updatedAt: at, updatedBy: 'test' })))
        .execute();
      if (to === 'draft') return;
      await s.assessments.submit(actorOf(await s.accounts.getUser(`ciso.${code.toLowerCase()}`)), id, { statement: true });
      if (to === 'submitted') return;
      await s.reviews.assign(officeActor, id, 'assessor');
      await s.reviews.review(assessor, id);
      if (options.validatedFirst) await s.reviews.override(assessor, id, firstProcess, 'PA2.1', { rating: options.validatedFirst, reason: 'plans not monitored' });
      await s.reviews.accept(assessor, id);
    };
    await make('A1', 'accepted');
    await make('A2', 'accepted', { validatedFirst: 'P' });
    await make('A4', 'submitted', { first: 1 });
    await make('A5', 'draft');
    await make('B2', 'accepted');
    await s.reports.settled();
    office = await loginAs(t.app, 'office');
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  const api = async (cookie: string) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/dashboard?cycle=${CYCLE}`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    return response.json<Dashboard>();
  };

  it('is for the office and ministry users: a 403 page for others, /login for a visitor', async () => {
    for (const url of ['/dashboard', `/dashboard?cycle=${CYCLE}`, `/dashboard/close?cycle=${CYCLE}`, `/dashboard/priority?cycle=${CYCLE}`, `/dashboard/calibration?cycle=${CYCLE}`, '/dashboard/trend']) {
      for (const who of ['agency', 'ciso', 'assessor']) {
        const refused = await getPage(t.app, url, await loginAs(t.app, who));
        expect(refused.statusCode, `${who} ${url}`).toBe(403);
        expect(textOf(refused.body)).toContain(zh('error.403'));
      }
      const visitor = await getPage(t.app, url);
      expect(visitor.statusCode).toBe(303);
      expect(visitor.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    const ministry = await loginAs(t.app, 'ministry');
    expect((await getPage(t.app, '/dashboard', ministry)).statusCode).toBe(200);
    // Closing and extending are the office's.
    expect((await getPage(t.app, `/dashboard/close?cycle=${CYCLE}`, ministry)).statusCode).toBe(403);
    const { cookie, csrf } = await csrfFrom(t.app, '/dashboard', ministry);
    expect((await postForm(t.app, '/dashboard/close', cookie, { _csrf: csrf, cycle: String(CYCLE) })).statusCode).toBe(403);
    expect((await postForm(t.app, '/dashboard/extensions', cookie, { _csrf: csrf, cycle: String(CYCLE), agency: 'A5', until: '2020-12-31', reason: 'x' })).statusCode).toBe(403);
    expect((await t.app.services.cycles.get(CYCLE)).closed).toBe(false);
    expect(await t.app.services.cycles.extensions(CYCLE)).toEqual([]);
    // The ministry home leads to it.
    expect((await getPage(t.app, '/ministry', ministry)).body).toContain('<a href="/dashboard">');
  });

  it('shows the office every figure of the cycle, as the API gives them and as counted by hand', async () => {
    const page = await getPage(t.app, `/dashboard?cycle=${CYCLE}`, office);
    expect(page.statusCode).toBe(200);
    const html = page.body;
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/assets/app.js" defer>']);
    // The office's milestones are all judged nationally: no note about a share.
    expect(textOf(html)).not.toContain(zh('dash.milestone.not-judged.note'));
    const d = await api(office);
    // grade · in scope · started · submitted · in review · accepted · at target self · validated
    expect(rowOf(html, 'grades-heading', 'A')).toEqual(['A', '5', '4', '3', '2', '2', '2', '1']);
    expect(rowOf(html, 'grades-heading', 'B')).toEqual(['B', '1', '1', '1', '1', '1', '1', '1']);
    expect(rowOf(html, 'grades-heading', zh('dash.total'))).toEqual([zh('dash.total'), '6', '5', '4', '3', '3', '3', '2']);
    const a = d.byGrade.A!;
    expect(rowOf(html, 'grades-heading', 'A').slice(1).map(Number)).toEqual([a.inScope, a.reached.started, a.reached.submitted, a.reached.inReview, a.reached.accepted, a.atTarget.self, a.atTarget.validated]);
    expect(rowOf(html, 'ministries-heading', MOI)).toEqual([MOI, '3', '3', '2', '2', '2', '2', '1']);
    expect(rowOf(html, 'ministries-heading', MOEA)).toEqual([MOEA, '3', '2', '2', '1', '1', '1', '1']);
    // KPI: A1 and A2 submitted at self 2, of the 5 grade-A agencies.
    expect(d.kpi).toMatchObject({ count: 2, verdict: 'not-met' });
    const text = textOf(html);
    expect(text).toContain(`${zh('dash.kpi.goal')} 全部 5 個機關`);
    expect(text).toContain(`${zh('dash.kpi.verdict')} ✗ ${zh('dash.verdict.not-met')}`);
    expect(rowOf(html, 'chart-kpi-caption', zh('dash.kpi.count'))).toEqual([zh('dash.kpi.count'), '2']);
    expect(rowOf(html, 'chart-kpi-caption', zh('chart.kpi.share'))).toEqual([zh('chart.kpi.share'), '40%']);
    // Distribution: self 1 → A4, 2 → A1, A2, B2; validated 1 → A2, 2 → A1, B2.
    expect(rowOf(html, 'chart-distribution-caption', '1 級')).toEqual(['1 級', '1', '1']);
    expect(rowOf(html, 'chart-distribution-caption', '2 級')).toEqual(['2 級', '3', '2']);
    // Below target: A2 (validated 1) and A4 (self 1), each blocked by the first process, named.
    const below = rowOf(html, 'below-heading', 'A2 機關 A2');
    expect(below.slice(0, 5)).toEqual(['A2 機關 A2', MOI, 'A', zh('state.accepted'), '1 / 2（審定：1.94）']);
    expect(below[5]).toContain(firstProcessName);
    expect(below[5]).toContain('PA2.1');
    expect(rowOf(html, 'below-heading', 'A4 機關 A4')[4]).toBe('1 / 2（自評：1.94）');
    expect(d.belowTarget.map((b) => b.agency)).toEqual(['A2', 'A4']);
    // Overdue on 2020-12-05: A5 (draft) and A6 (none), 5 days past 2020-11-30.
    expect(rowOf(html, 'overdue-heading', 'A5 機關 A5').slice(0, 6)).toEqual(['A5 機關 A5', MOI, 'A', zh('state.draft'), '民國 109 年 11 月 30 日', '5']);
    expect(rowOf(html, 'overdue-heading', 'A6 機關 A6').slice(0, 6)).toEqual(['A6 機關 A6', MOEA, 'A', zh('dash.state.none'), '民國 109 年 11 月 30 日', '5']);
    expect(d.overdue.map((o) => [o.agency, o.daysOverdue])).toEqual([['A5', 5], ['A6', 5]]);
    // Exports of each table point at the API, in the page's language.
    const links = html.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
    expect(links).toContain('href="/api/dashboard?cycle=120&format=csv&table=byGrade&lang=zh-TW"');
    expect(links).toContain('href="/api/dashboard?cycle=120&format=xlsx&table=overdue&lang=zh-TW"');
    // Every export link the page gives answers with the session cookie: CSV or .xlsx.
    const hrefs = [...links.matchAll(/href="(\/api\/dashboard\?[^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toHaveLength(10);
    for (const href of hrefs) {
      const file = await t.app.inject({ method: 'GET', url: href, headers: { cookie: office } });
      expect(file.statusCode, href).toBe(200);
      expect(file.headers['content-type'], href).toMatch(href.includes('format=csv') ? /^text\/csv/ : /spreadsheetml/);
    }
    const csv = await t.app.inject({ method: 'GET', url: '/api/dashboard?cycle=120&format=csv&table=overdue&lang=zh-TW', headers: { cookie: office } });
    expect(csv.body).toContain('A5');
    // The office may close the cycle and extend deadlines.
    expect(html).toContain('action="/dashboard/close"');
    expect(html.match(/action="\/dashboard\/extensions"/g)).toHaveLength(2);
  });

  it('reads the dashboard and the priority list through the read cache the API uses: computed once until a change is audited', async () => {
    const office = await loginAs(t.app, 'office');
    // Something audited first, so that nothing this test does not make moves the chain's head below.
    await t.app.services.audit.recordAlone({ actor: null, action: 'demo.seeded', subject: 'test' });
    const dashboards = vi.spyOn(t.app.services.dashboard, 'get');
    const priorities = vi.spyOn(t.app.services.analytics, 'priority');
    try {
      const ofCycle = () => dashboards.mock.calls.filter(([, year]) => year === CYCLE).length;
      const page = textOf((await getPage(t.app, `/dashboard?cycle=${CYCLE}`, office)).body);
      expect(ofCycle()).toBe(1);
      expect(await api(office)).toEqual(JSON.parse(await t.app.services.programmeReads.dashboardJson(actorOf(await t.app.services.accounts.getUser('office')), CYCLE)));
      expect(textOf((await getPage(t.app, `/dashboard?cycle=${CYCLE}`, office)).body)).toBe(page);
      expect(ofCycle()).toBe(1);
      await getPage(t.app, `/dashboard/priority?cycle=${CYCLE}`, office);
      expect((await t.app.inject({ method: 'GET', url: `/api/dashboard/priority?cycle=${CYCLE}`, headers: { cookie: office } })).statusCode).toBe(200);
      expect(priorities.mock.calls.filter(([, year]) => year === CYCLE)).toHaveLength(1);
      // An audited change moves the head: the next page computes afresh.
      await t.app.services.audit.recordAlone({ actor: null, action: 'demo.seeded', subject: 'test' });
      await getPage(t.app, `/dashboard?cycle=${CYCLE}`, office);
      expect(ofCycle()).toBe(2);
    } finally {
      dashboards.mockRestore();
      priorities.mockRestore();
    }
  });

  it('draws each chart as SVG beside a table of its figures, with the milestones 106–109 and their status in words', async () => {
    const html = (await getPage(t.app, `/dashboard?cycle=${CYCLE}`, office)).body;
    const figures = [...html.matchAll(/<figure class="chart chart-(\w+)"[\s\S]*?<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['kpi', 'milestones', 'distribution', 'ministries']);
    for (const [markup] of figures) {
      expect(markup).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart-svg" viewBox="[^"]+" role="img" aria-labelledby="[\w-]+-title"/);
      expect(markup).toMatch(/<table class="chart-figures"/);
    }
    // On 2020-12-05 every shipped cycle's deadline has passed: 106 has no goal; 107–109 were not met (no assessments).
    expect(rowOf(html, 'chart-milestones-caption', '106 年')).toEqual(['106 年', '0', '—', zh('dash.milestone.no-target')]);
    expect(rowOf(html, 'chart-milestones-caption', '107 年')).toEqual(['107 年', '0', '3', zh('dash.milestone.not-met')]);
    expect(rowOf(html, 'chart-milestones-caption', '108 年')).toEqual(['108 年', '0', '30', zh('dash.milestone.not-met')]);
    // 109: "all" of its one grade-A agency (MOI-A).
    expect(rowOf(html, 'chart-milestones-caption', '109 年')).toEqual(['109 年', '0', '1', zh('dash.milestone.not-met')]);
  });

  it('shows a ministry user its own agencies only, with no verdict on a national count goal and no forms', async () => {
    const ministry = await loginAs(t.app, 'ministry');
    const html = (await getPage(t.app, `/dashboard?cycle=${CYCLE}`, ministry)).body;
    const text = textOf(html);
    expect(text).toContain('僅含內政部所屬機關');
    // MOI's agency below target (A2) and overdue one (A5); none of MOEA's.
    for (const code of ['A2', 'A5']) expect(text).toContain(`${code} 機關`);
    for (const code of ['A4', 'A6', 'B2']) expect(text).not.toContain(`${code} 機關`);
    expect(text).not.toContain(MOEA);
    // MOI's grade-A agencies: A1, A2 (accepted), A5 (draft).
    expect(rowOf(html, 'grades-heading', 'A')).toEqual(['A', '3', '3', '2', '2', '2', '2', '1']);
    expect(rowOf(html, 'grades-heading', 'B')).toEqual(['B', '0', '0', '0', '0', '0', '0', '0']);
    const d = await api(ministry);
    expect(d.kpi).toMatchObject({ count: 2, verdict: 'not-met' });
    expect(rowOf(html, 'chart-kpi-caption', zh('dash.kpi.goal'))).toEqual([zh('dash.kpi.goal'), '3']);
    expect(html).not.toContain('action="/dashboard/close"');
    expect(html).not.toContain('action="/dashboard/extensions"');
    expect(html).not.toContain(zh('office.nav.label'));
    // 108's count goal (30) is national: no goal drawn for a ministry's share, and the share is not judged against it.
    expect(rowOf(html, 'chart-milestones-caption', '108 年')).toEqual(['108 年', '0', '—', zh('dash.milestone.not-judged')]);
    expect(textOf(html)).toContain(`○ ${zh('dash.milestone.not-judged')}`);
    expect(textOf(html)).toContain(zh('dash.milestone.not-judged.note'));
  });

  it('is in English on request, with dates and labels in English', async () => {
    const html = (await getPage(t.app, `/dashboard?cycle=${CYCLE}&lang=en`, office)).body;
    expect(html).toContain('<html lang="en">');
    const text = textOf(html);
    expect(text).toContain('Programme dashboard');
    expect(text).toContain('30 November 2020');
    expect(text).toContain('Not met');
    expect(rowOf(html, 'chart-distribution-caption', 'Level 2')).toEqual(['Level 2', '3', '2']);
    expect(html.replaceAll('&#x3D;', '=')).toContain('table=byGrade&amp;lang=en"');
  });

  it('takes an unknown or malformed ?cycle= as the latest cycle', async () => {
    for (const query of ['cycle=abc', 'cycle=999', 'cycle=%F0%9F%92%A9', `cycle=${'9'.repeat(5000)}`, 'cycle=120&cycle=109']) {
      const page = await getPage(t.app, `/dashboard?${query}`, office);
      expect(page.statusCode, query).toBe(200);
      expect(textOf(page.body)).toContain(`${zh('dash.cycle')} ${CYCLE}`);
    }
  });

  describe('the analyses', () => {
    it('orders the priority list by grade, then those without a validated result, then by distance; and says why a pilot has none', async () => {
      const html = (await getPage(t.app, `/dashboard/priority?cycle=${CYCLE}`, office)).body;
      const rows = [...html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>')).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]!).trim()));
      // A4, A5, A6 (grade A, not accepted) by code; A2 (2 − 1.94 = 0.06 from the target) before A1 (at it); then grade B.
      expect(rows.map((r) => [r[0], r[1]])).toEqual([['1', 'A4 機關 A4'], ['2', 'A5 機關 A5'], ['3', 'A6 機關 A6'], ['4', 'A2 機關 A2'], ['5', 'A1 機關 A1'], ['6', 'B2 機關 B2']]);
      expect(rows[3]!.slice(4)).toEqual([zh('state.accepted'), '1', '1.94', '0.06']);
      expect(rows[0]!.slice(4)).toEqual([zh('state.submitted'), '—', '—', '—']);
      expect(rows[2]![4]).toBe(zh('dash.state.none'));
      const priority = await t.app.services.analytics.priority(actorOf(await t.app.services.accounts.getUser('office')), CYCLE);
      expect(priority.agencies.map((a) => a.agency)).toEqual(['A4', 'A5', 'A6', 'A2', 'A1', 'B2']);
      expect(html.replaceAll('&#x3D;', '=')).toContain('href="/api/dashboard/priority?cycle=120&amp;format=xlsx&amp;table=agencies&amp;lang=zh-TW"');
      const pilot = await getPage(t.app, '/dashboard/priority?cycle=106', office);
      expect(pilot.statusCode).toBe(200);
      expect(textOf(pilot.body)).toContain(zh('dash.priority.noTarget'));
      // A ministry user's list holds its own agencies only.
      const ministry = textOf((await getPage(t.app, `/dashboard/priority?cycle=${CYCLE}&lang=en`, await loginAs(t.app, 'ministry'))).body);
      expect(['A1', 'A2', 'A5'].every((c) => ministry.includes(`${c} 機關`))).toBe(true);
      expect(['A4', 'A6', 'B2'].some((c) => ministry.includes(`${c} 機關`))).toBe(false);
    });

    it('shows calibration over the accepted assessments, as the service counts it', async () => {
      const page = await getPage(t.app, `/dashboard/calibration?cycle=${CYCLE}`, office);
      expect(page.statusCode).toBe(200);
      const text = textOf(page.body);
      const calibration = await t.app.services.analytics.calibration(actorOf(await t.app.services.accounts.getUser('office')), CYCLE);
      // A1, A2 and B2 are accepted; the one change is A2's first process's PA2.1 lowered from F to P. Each assessment
      // compares 18 processes × 9 attributes = 162.
      expect(calibration.assessments).toBe(3);
      expect(text).toContain(`${zh('dash.calibration.assessments')} 3 ${zh('dash.calibration.ratings')} 1 ${zh('dash.calibration.lowered')} 1 ${zh('dash.calibration.raised')} 0 ${zh('dash.calibration.compared')} 486`);
      expect(text).toContain('A2 機關 A2 內政部 A 1 1 0 162');
      expect(text).toContain('A1 機關 A1 內政部 A 0 0 0 162');
      expect(text).toContain('PA2.1 1 1 0 54');
      expect(calibration.agencies.map((a) => a.agency)).toEqual(['A1', 'A2', 'B2']);
      for (const a of calibration.agencies) expect(text).toContain(`${a.name} ${a.agency}`);
      expect(text).toContain(firstProcessName);
      expect((await getPage(t.app, '/dashboard/calibration?cycle=106', office)).body).toContain(zh('dash.calibration.none'));
    });

    it('shows every cycle year over year with its milestone, and drills into one agency the reader sees', async () => {
      const html = (await getPage(t.app, '/dashboard/trend', office)).body;
      const selfOf = async (code: string) => (await t.app.inject({ method: 'GET', url: `/api/assessments/${ids.get(code)!}/result`, headers: { cookie: office } })).json<{ self: { score: number } }>().self.score;
      const [a1, a2, b2] = [await selfOf('A1'), await selfOf('A2'), await selfOf('B2')];
      // Submitted or later in 120: A1, A2, B2 at the same answers, and A4 at 1.94.
      expect([a1, a2]).toEqual([b2, b2]);
      const meanSelf = Math.round(((3 * b2 + 1.94) / 4) * 100) / 100;
      const row = rowOf(html, 'cycles-heading', '120');
      expect(row.slice(0, 5)).toEqual(['120', '2', '6', '4', '3']);
      expect(row[5]).toBe(String(meanSelf));
      expect(row.slice(7)).toEqual(['3', '2', '2 / 全部', zh('dash.milestone.not-met'), '民國 109 年 11 月 30 日']);
      expect(rowOf(html, 'cycles-heading', '106')[10]).toBe(zh('dash.milestone.no-target'));
      expect(html).toMatch(/<figure class="chart chart-trend"/);
      const one = await getPage(t.app, '/dashboard/trend?agency=A2', office);
      expect(rowOf(one.body, 'one-agency-heading', '120')).toEqual(['120', 'A', zh('state.accepted'), '2', String(a2), '1', '1.94']);
      expect(one.body.replaceAll('&#x3D;', '=')).toContain('href="/api/dashboard/trend?agency=A2&amp;format=csv&amp;table=agencies&amp;lang=zh-TW"');
      for (const href of ['/api/dashboard/trend?agency=A2&format=csv&table=agencies&lang=zh-TW', `/api/dashboard/priority?cycle=${CYCLE}&format=xlsx&table=agencies&lang=zh-TW`, `/api/dashboard/calibration?cycle=${CYCLE}&format=csv&table=processes&lang=en`]) {
        expect((await t.app.inject({ method: 'GET', url: href, headers: { cookie: office } })).statusCode, href).toBe(200);
      }
      // A ministry user drills into its own agencies only; an unknown or malformed code is a 404 page.
      const ministry = await loginAs(t.app, 'ministry');
      expect((await getPage(t.app, '/dashboard/trend?agency=A2', ministry)).statusCode).toBe(200);
      for (const code of ['A4', 'NOPE', '%3Cscript%3E', 'x'.repeat(5000)]) {
        const refused = await getPage(t.app, `/dashboard/trend?agency=${code}`, ministry);
        expect(refused.statusCode, code).toBe(404);
        expect(textOf(refused.body)).toContain(zh('error.404'));
      }
      for (const who of ['agency', 'assessor']) expect((await getPage(t.app, '/dashboard/trend', await loginAs(t.app, who))).statusCode).toBe(403);
    });
  });

  describe('extending a deadline', () => {
    it('refuses a bad date, a missing reason and a huge one, in the page’s language, keeping what was typed', async () => {
      const { cookie, csrf } = await csrfFrom(t.app, `/dashboard?cycle=${CYCLE}`, office);
      const post = (fields: Record<string, string>, lang = '') => postForm(t.app, `/dashboard/extensions${lang}`, cookie, { _csrf: csrf, cycle: String(CYCLE), agency: 'A5', ...fields });
      const bad = await post({ until: '2020-02-30', reason: '等待採購' });
      expect(bad.statusCode).toBe(400);
      const text = textOf(bad.body);
      expect(text).toContain(zh('dash.form.invalid'));
      expect(text).toContain(`${zh('dash.extend.until')} ：${zh('dash.extend.badDate')}`);
      expect(bad.body).toContain('value="等待採購"');
      const english = await post({ until: 'tomorrow', reason: '' }, '?lang=en');
      expect(english.statusCode).toBe(400);
      expect(textOf(english.body)).toContain(`Extend until : ${message('en', 'dash.extend.badDate')}`);
      expect(textOf(english.body)).toContain(`Reason : ${message('en', 'dash.extend.reasonRequired')}`);
      const early = await post({ until: '2020-11-30', reason: 'x' });
      expect(early.statusCode).toBe(400);
      expect(textOf(early.body)).toContain(zh('dash.extend.notLater'));
      const huge = await post({ until: '2020-12-31', reason: '長'.repeat(501) });
      expect(huge.statusCode).toBe(400);
      expect(textOf(huge.body)).toContain(zh('dash.extend.reasonTooLong'));
      // Ill-formed UTF-8 in the form body is refused before anything is read.
      const illFormed = await t.app.inject({ method: 'POST', url: '/dashboard/extensions', headers: { cookie, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}&cycle=120&agency=A5&until=2020-12-31&reason=%ED%A0%80` });
      expect(illFormed.statusCode).toBe(400);
      // An agency outside the cycle's cohort: the service's refusal, shown on the page.
      const outside = await post({ agency: 'MOI-A', until: '2020-12-31', reason: 'x' });
      expect(outside.statusCode).toBe(409);
      expect(textOf(outside.body)).toContain(zh('dash.failed'));
      expect(await t.app.services.cycles.extensions(CYCLE)).toEqual([]);
    });

    it('is refused without this browser’s CSRF token', async () => {
      const { cookie, csrf } = await csrfFrom(t.app, `/dashboard?cycle=${CYCLE}`, office);
      for (const token of [undefined, 'x'.repeat(43), csrf.slice(0, -1)]) {
        const fields = { cycle: String(CYCLE), agency: 'A5', until: '2020-12-31', reason: '等待採購' };
        const response = await postForm(t.app, '/dashboard/extensions', cookie, token === undefined ? fields : { ...fields, _csrf: token });
        expect(response.statusCode).toBe(403);
        expect(textOf(response.body)).toContain(zh('error.csrf'));
      }
      expect(await t.app.services.cycles.extensions(CYCLE)).toEqual([]);
    });

    it('extends one agency’s deadline (the same form sent many times at once grants it once), and it is then no longer overdue', async () => {
      const { cookie, csrf } = await csrfFrom(t.app, `/dashboard?cycle=${CYCLE}`, office);
      const fields = { _csrf: csrf, cycle: String(CYCLE), agency: 'A5', until: '2020-12-31', reason: '等待採購', unknown: 'ignored' };
      const responses = await Promise.all(Array.from({ length: 8 }, () => postForm(t.app, '/dashboard/extensions', cookie, fields)));
      for (const response of responses) {
        expect(response.statusCode).toBe(303);
        expect(response.headers.location).toBe(`/dashboard?cycle=${CYCLE}&done=extended&agency=A5`);
      }
      const extensions = await t.app.services.cycles.extensions(CYCLE);
      expect(extensions.map((e) => [e.agency, e.until, e.reason])).toEqual([['A5', '2020-12-31', '等待採購']]);
      const after = await follow(t.app, responses[0]!, cookie);
      expect(textOf(after.body)).toContain('已展延 A5 的截止日。');
      expect(rowOf(after.body, 'overdue-heading', 'A5 機關 A5')).toEqual([]);
      expect(rowOf(after.body, 'overdue-heading', 'A6 機關 A6').length).toBeGreaterThan(0);
    });
  });

  describe('closing the cycle', () => {
    it('shows the figures to be sealed before closing', async () => {
      const page = await getPage(t.app, `/dashboard/close?cycle=${CYCLE}`, office);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain(zh('dash.close.confirm.lead'));
      expect(rowOf(page.body, 'grades-heading', 'A')).toEqual(['A', '5', '4', '3', '2', '2', '2', '1']);
      expect(page.body).toMatch(/<form method="post" action="\/dashboard\/close"/);
      expect((await getPage(t.app, '/dashboard/close?cycle=999', office)).statusCode).toBe(404);
    });

    it('is refused without the CSRF token, closing nothing', async () => {
      const { cookie } = await csrfFrom(t.app, `/dashboard/close?cycle=${CYCLE}`, office);
      const response = await postForm(t.app, '/dashboard/close', cookie, { cycle: String(CYCLE) });
      expect(response.statusCode).toBe(403);
      expect(textOf(response.body)).toContain(zh('error.csrf'));
      expect((await t.app.services.cycles.get(CYCLE)).closed).toBe(false);
    });

    it('closes once when the confirmation is sent many times at once, then shows the snapshot beside the live figures and what changed since', async () => {
      const { cookie, csrf } = await csrfFrom(t.app, `/dashboard/close?cycle=${CYCLE}`, office);
      const responses = await Promise.all(Array.from({ length: 6 }, () => postForm(t.app, '/dashboard/close', cookie, { _csrf: csrf, cycle: String(CYCLE) })));
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([303, 409, 409, 409, 409, 409]);
      const refused = responses.find((r) => r.statusCode === 409)!;
      expect(textOf(refused.body)).toContain(zh('dash.close.already'));
      const closed = responses.find((r) => r.statusCode === 303)!;
      expect(closed.headers.location).toBe(`/dashboard?cycle=${CYCLE}&done=closed`);
      const { sha256 } = await t.app.services.dashboard.snapshot(CYCLE);

      // After the close, A4's assessment is reviewed: a change the snapshot does not show.
      const s = t.app.services;
      now.setTime(now.getTime() + 3_600_000);
      await s.reviews.assign(actorOf(await s.accounts.getUser('office')), ids.get('A4')!, 'assessor');
      await s.reviews.review(actorOf(await s.accounts.getUser('assessor')), ids.get('A4')!);

      const html = (await follow(t.app, closed, cookie)).body;
      const text = textOf(html);
      expect(text).toContain(`民國 ${CYCLE} 年度已結案，快照已封存。`);
      expect(text).toContain(sha256);
      // figure · now · at close
      expect(rowOf(html, 'snapshot-heading', zh('dash.reached.inReview'))).toEqual([zh('dash.reached.inReview'), '4', '3']);
      expect(rowOf(html, 'snapshot-heading', zh('dash.kpi.count'))).toEqual([zh('dash.kpi.count'), '2', '2']);
      expect(rowOf(html, 'since-heading', 'A4 機關 A4')).toEqual(['A4 機關 A4', zh('dash.change.review'), '民國 109 年 12 月 5 日 09:00']);
      expect(html).not.toContain('action="/dashboard/close"');
      expect(html).not.toContain('action="/dashboard/extensions"');
      // The confirmation of a closed cycle says so.
      const again = await getPage(t.app, `/dashboard/close?cycle=${CYCLE}`, office);
      expect(again.statusCode).toBe(409);
      expect(textOf(again.body)).toContain(zh('dash.close.already'));
    });
  });
});
