// The programme pages (/dashboard…), for the office and the ministries (a ministry user sees its own
// agencies): a cycle's dashboard with its charts, the milestones, and — the office's — closing a cycle
// (after a confirmation showing what will be sealed) and extending one agency's deadline. The figures come
// from the same services as GET /api/dashboard; a page only lays them out and links to the API's exports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { taiwanDate } from '../../../domain/deadlines.js';
import type { KpiFigures, Tally } from '../../../domain/programme.js';
import type { Actor } from '../../../domain/roles.js';
import { SHIPPED_CYCLES, type CycleView } from '../../../services/cycle.service.js';
import type { Trend } from '../../../services/analytics.service.js';
import type { Dashboard } from '../../../services/dashboard.service.js';
import { ServiceError, invalid, type ProblemDetail } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { STATUS_OF } from '../../plugins/errors.js';
import { distributionChart, kpiGoal, kpiProgressChart, milestoneTimeline, ministriesChart, trendChart, type Milestone } from '../charts.js';
import { formatNumber, message, type Language, type MessageKey } from '../i18n.js';
import { requireCsrf } from '../plugin.js';

/** A programme page: the office and ministry users; errors shown as pages; not in the OpenAPI document. */
const programmeRoute = () => ({ config: { access: ['office', 'ministry'] as const, page: true }, schema: { hide: true } });
const officeRoute = () => ({ config: { access: ['office'] as const, page: true }, schema: { hide: true } });

type Flash = { kind: 'ok' | 'error'; text: string };
interface Extra {
  flash?: Flash | null;
  problems?: { where: string; message: string }[];
  /** The extension form as typed, reopened on the agency it was for. */
  draft?: { agency: string; until: string; reason: string };
}

const say = (lang: Language, key: MessageKey, values: Record<string, string | number> = {}): string =>
  message(lang, key).replace(/\{(\w+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));

/** A form or query value as trimmed text ('' when absent or repeated). */
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const AGENCY_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const REASON_MAX = 500;

/** An ISO date (YYYY-MM-DD) that exists in the calendar. */
function isIsoDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The cycle a page shows: `?cycle=` when it names one, else the latest. Null when there are none. */
export function pickCycle(cycles: readonly CycleView[], asked: unknown): CycleView | null {
  const year = /^\d{1,3}$/.test(text(asked)) ? Number(text(asked)) : null;
  return cycles.find((c) => c.year === year) ?? cycles.at(-1) ?? null;
}

/** The in-scope agencies of the KPI's grades (what an "all" goal counts against), from the tallies by grade. */
export const kpiInScope = (kpi: KpiFigures, byGrade: Record<string, Tally>): number => kpi.grades.reduce((sum, g) => sum + (byGrade[g]?.inScope ?? 0), 0);

/** The export links of one table of an API route: CSV and .xlsx, in the page's language. */
export function exportsOf(path: string, query: Record<string, string | number>, table: string, lang: Language) {
  const href = (format: string) => `${path}?${new URLSearchParams([...Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]), ['format', format], ['table', table], ['lang', lang]]).toString()}`;
  return { csv: href('csv'), xlsx: href('xlsx') };
}

/** A tally as a table row: in scope, each state reached, at target on each basis. */
const tallyRow = (label: string, t: Tally) => ({ label, inScope: t.inScope, ...t.reached, atTargetSelf: t.atTarget.self, atTargetValidated: t.atTarget.validated });

function sumTallies(tallies: Tally[]): Tally {
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  return tallies.reduce<Tally>(
    (s, t) => ({
      inScope: s.inScope + t.inScope,
      reached: { started: s.reached.started + t.reached.started, submitted: s.reached.submitted + t.reached.submitted, inReview: s.reached.inReview + t.reached.inReview, accepted: s.reached.accepted + t.reached.accepted },
      atTarget: { self: add(s.atTarget.self, t.atTarget.self), validated: add(s.atTarget.validated, t.atTarget.validated) },
    }),
    { inScope: 0, reached: { started: 0, submitted: 0, inReview: 0, accepted: 0 }, atTarget: { self: 0, validated: 0 } },
  );
}

/** The KPI as the page writes it: its goal in words, the verdict's text and class. */
function kpiView(kpi: KpiFigures, byGrade: Record<string, Tally>, national: boolean, lang: Language) {
  const inScope = kpiInScope(kpi, byGrade);
  const goal = kpi.target === 'all' ? say(lang, 'dash.kpi.goal.all', { n: inScope }) : kpi.target === null ? say(lang, 'dash.kpi.goal.none') : say(lang, 'dash.kpi.goal.count', { n: kpi.target });
  return {
    ...kpi,
    goalText: goal,
    goalValue: kpiGoal({ kpi, kpiInScope: inScope, national }),
    inScope,
    verdictText: kpi.verdict === null ? say(lang, 'dash.verdict.none') : say(lang, `dash.verdict.${kpi.verdict}`),
    basisText: say(lang, `dash.basis.${kpi.basis}`),
    /** A count goal on a ministry's share: said why there is no verdict. */
    nationalOnly: !national && typeof kpi.target === 'number',
  };
}

/**
 * The programme's milestones (the shipped cycles 106–109 that exist), each with its status as the trend computes it
 * from the data. An "all" goal is drawn against the in-scope agencies of the KPI's grades, read from that cycle's dashboard.
 */
async function milestonesOf(app: FastifyInstance, actor: Actor, trend: Trend, national: boolean): Promise<Milestone[]> {
  const shipped = new Set(SHIPPED_CYCLES.map((c) => c.year));
  const out: Milestone[] = [];
  for (const c of trend.cycles.filter((t) => shipped.has(t.cycle))) {
    const inScope = c.kpi.target === 'all' ? kpiInScope(c.kpi, (await app.services.programmeReads.dashboard(actor, c.cycle)).byGrade) : 0;
    out.push({ cycle: c.cycle, status: c.milestone, kpi: c.kpi, goal: kpiGoal({ kpi: c.kpi, kpiInScope: inScope, national }) });
  }
  return out;
}

/** Each process's name in the questionnaire a cycle pins, by process id. */
async function processNames(app: FastifyInstance, questionnaire: string, lang: Language): Promise<Map<string, string>> {
  const index = await app.services.questionnaires.index(questionnaire);
  return new Map(index.questionnaire.aspects.flatMap((a) => a.processes.map((p): [string, string] => [p.id, p.name[lang]])));
}

/** The dashboard's data for its template: every table's rows, the charts, the snapshot beside the live figures. */
async function dashboardView(app: FastifyInstance, actor: Actor, lang: Language, cycle: CycleView, cycles: readonly CycleView[], d: Dashboard) {
  const national = actor.role === 'office';
  const names = await processNames(app, cycle.questionnaire, lang);
  const grades = Object.entries(d.byGrade).map(([grade, t]) => tallyRow(grade, t));
  const total = tallyRow(say(lang, 'dash.total'), sumTallies(Object.values(d.byGrade)));
  const kpi = kpiView(d.kpi, d.byGrade, national, lang);
  const sealed = d.snapshot
    ? (() => {
        const s = d.snapshot;
        const live = sumTallies(Object.values(d.byGrade));
        const then = sumTallies(Object.values(s.byGrade));
        const pair = (key: MessageKey, now: number | null, at: number | null) => ({ label: say(lang, key), now, at, changed: now !== at });
        return {
          closedAt: s.closedAt,
          sha256: s.sha256,
          kpi: kpiView(s.kpi, s.byGrade, national, lang),
          rows: [
            pair('dash.kpi.count', d.kpi.count, s.kpi.count),
            pair('dash.inScope', live.inScope, then.inScope),
            pair('dash.reached.started', live.reached.started, then.reached.started),
            pair('dash.reached.submitted', live.reached.submitted, then.reached.submitted),
            pair('dash.reached.inReview', live.reached.inReview, then.reached.inReview),
            pair('dash.reached.accepted', live.reached.accepted, then.reached.accepted),
            pair('dash.atTarget.self', live.atTarget.self, then.atTarget.self),
            pair('dash.atTarget.validated', live.atTarget.validated, then.atTarget.validated),
          ],
          verdicts: { now: kpi.verdictText, at: say(lang, s.kpi.verdict === null ? 'dash.verdict.none' : `dash.verdict.${s.kpi.verdict}`) },
        };
      })()
    : null;
  const names_ = new Map([...d.belowTarget, ...d.overdue].map((a) => [a.agency, a.name]));
  const query = { cycle: cycle.year };
  const milestones = await milestonesOf(app, actor, await app.services.analytics.trend(actor), national);
  return {
    cycle,
    national,
    ministry: national ? null : actor.ministry,
    scopeText: national ? null : say(lang, 'dash.scope.ministry', { ministry: actor.ministry ?? '' }),
    kpi,
    kpiChart: kpiProgressChart({ kpi: d.kpi, kpiInScope: kpi.inScope, national }, lang),
    grades,
    total,
    distributionChart: distributionChart(d.distribution, lang),
    ministries: d.ministries.map((m) => tallyRow(m.ministry, m)),
    ministriesChart: cycle.targetLevel === null || d.ministries.length === 0 ? null : ministriesChart(d.ministries, lang),
    belowTarget: d.belowTarget.map((b) => ({
      ...b,
      basisText: say(lang, `dash.basis.${b.basis}`),
      processes: b.processes.map((p) => ({ ...p, name: names.get(p.process) ?? p.process })),
    })),
    overdue: d.overdue,
    mayExtend: national && !cycle.closed && cycle.deadline !== null,
    mayClose: national && !cycle.closed,
    snapshot: sealed,
    sinceClose: d.sinceClose.map((c) => ({ ...c, name: names_.get(c.agency) ?? null, changeText: say(lang, `dash.change.${c.change}`) })),
    milestonesChart: milestoneTimeline(milestones, lang),
    milestonesNotJudged: milestones.some((m) => m.status === 'not-judged'),
    exports: {
      byGrade: exportsOf('/api/dashboard', query, 'byGrade', lang),
      distribution: exportsOf('/api/dashboard', query, 'distribution', lang),
      ministries: exportsOf('/api/dashboard', query, 'ministries', lang),
      belowTarget: exportsOf('/api/dashboard', query, 'belowTarget', lang),
      overdue: exportsOf('/api/dashboard', query, 'overdue', lang),
      sinceClose: exportsOf('/api/dashboard', query, 'sinceClose', lang),
    },
    today: taiwanDate(app.services.clock.now()),
  };
}

/** The flash after a form's redirect: `?done=closed` or `?done=extended&agency=`. */
function doneFlash(request: FastifyRequest, year: number): Flash | null {
  const query = request.query as Record<string, unknown>;
  const lang = request.lang;
  if (text(query.done) === 'closed') return { kind: 'ok', text: say(lang, 'dash.close.done', { year }) };
  if (text(query.done) === 'extended' && AGENCY_CODE.test(text(query.agency))) return { kind: 'ok', text: say(lang, 'dash.extend.done', { agency: text(query.agency) }) };
  return null;
}

async function showDashboard(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, asked: unknown, extra: Extra = {}, status = 200): Promise<FastifyReply> {
  const actor = requireActor(request);
  const lang = request.lang;
  const cycles = await app.services.cycles.list();
  const cycle = pickCycle(cycles, asked);
  const base = { officePage: 'dashboard', dashPage: 'main', isOfficeUser: actor.role === 'office' };
  if (!cycle) return reply.page('dashboard', 'dash.title', { ...base, cycle: null, ...extra }, status);
  const d = await app.services.programmeReads.dashboard(actor, cycle.year);
  const view = await dashboardView(app, actor, lang, cycle, cycles, d);
  return reply.page('dashboard', 'dash.title', { ...base, ...view, cycles: [...cycles].reverse(), dashCycle: cycle.year, flash: doneFlash(request, cycle.year), ...extra }, status);
}

/** A service's refusal shown on the dashboard, in its status; a missing log-in or CSRF token stays an error page. */
const isRefusal = (error: unknown): error is ServiceError => error instanceof ServiceError && error.code !== 'unauthorized' && error.code !== 'csrf';
const refusal = (lang: Language, error: ServiceError): Extra => ({
  flash: { kind: 'error', text: `${say(lang, 'dash.failed')} ${error.message}` },
  problems: (error.details ?? []).map((d) => ({ where: d.path ?? '', message: d.message })),
});

export default async function dashboardPages(app: FastifyInstance) {
  app.get('/dashboard', programmeRoute(), (request, reply) => showDashboard(app, request, reply, (request.query as Record<string, unknown>).cycle));

  // ——— the analyses: priority list, calibration, year over year ———

  /** A page of one cycle's analysis: the cycle asked (or the latest), with the picker's cycles; null when there are none. */
  const cycleOf = async (request: FastifyRequest) => {
    const cycles = await app.services.cycles.list();
    return { cycles: [...cycles].reverse(), cycle: pickCycle(cycles, (request.query as Record<string, unknown>).cycle) };
  };
  const navOf = (actor: Actor, dashPage: string, cycle: CycleView | null) => ({ officePage: 'dashboard', dashPage, dashCycle: cycle?.year ?? null, isOfficeUser: actor.role === 'office' });

  app.get('/dashboard/priority', programmeRoute(), async (request, reply) => {
    const actor = requireActor(request);
    const lang = request.lang;
    const { cycles, cycle } = await cycleOf(request);
    if (!cycle) return reply.page('dashboard-priority', 'dash.priority.title', { ...navOf(actor, 'priority', null), cycle: null });
    const priority = await app.services.programmeReads.priority(actor, cycle.year);
    return reply.page('dashboard-priority', 'dash.priority.title', {
      ...navOf(actor, 'priority', cycle),
      cycles,
      cycle,
      priority,
      rows: priority.agencies.map((a) => ({ ...a, stateKey: a.status === 'none' ? 'dash.state.none' : `state.${a.status}` })),
      exports: exportsOf('/api/dashboard/priority', { cycle: cycle.year }, 'agencies', lang),
    });
  });

  app.get('/dashboard/calibration', programmeRoute(), async (request, reply) => {
    const actor = requireActor(request);
    const lang = request.lang;
    const { cycles, cycle } = await cycleOf(request);
    if (!cycle) return reply.page('dashboard-calibration', 'dash.calibration.title', { ...navOf(actor, 'calibration', null), cycle: null });
    const [calibration, names] = await Promise.all([app.services.analytics.calibration(actor, cycle.year), processNames(app, cycle.questionnaire, lang)]);
    const query = { cycle: cycle.year };
    return reply.page('dashboard-calibration', 'dash.calibration.title', {
      ...navOf(actor, 'calibration', cycle),
      cycles,
      cycle,
      calibration,
      processes: calibration.processes.map((p) => ({ ...p, name: names.get(p.process) ?? null })),
      exports: {
        agencies: exportsOf('/api/dashboard/calibration', query, 'agencies', lang),
        processes: exportsOf('/api/dashboard/calibration', query, 'processes', lang),
        attributes: exportsOf('/api/dashboard/calibration', query, 'attributes', lang),
      },
    });
  });

  app.get('/dashboard/trend', programmeRoute(), async (request, reply) => {
    const actor = requireActor(request);
    const lang = request.lang;
    const asked = text((request.query as Record<string, unknown>).agency);
    if (asked !== '' && !AGENCY_CODE.test(asked)) throw new ServiceError('not_found', 'no such agency');
    const [trend, one] = await Promise.all([app.services.analytics.trend(actor), asked === '' ? null : app.services.analytics.trend(actor, asked)]);
    const agency = one?.agencies[0] ?? null;
    const national = actor.role === 'office';
    // The KPI as counted against its goal: "all" by name, a count goal only nationally (a ministry's share is not judged on it).
    const kpiText = (c: Trend['cycles'][number]) => {
      const count = formatNumber(c.kpi.count, lang);
      if (c.kpi.target === 'all') return `${count} / ${say(lang, 'dash.kpi.goal.allShort')}`;
      return c.kpi.target === null || !national ? count : `${count} / ${formatNumber(c.kpi.target, lang)}`;
    };
    const query: Record<string, string> = asked === '' ? {} : { agency: asked };
    return reply.page('dashboard-trend', 'dash.trend.title', {
      ...navOf(actor, 'trend', null),
      cycles: trend.cycles.map((c) => ({ ...c, kpiText: kpiText(c), milestoneText: say(lang, `dash.milestone.${c.milestone}`) })),
      trendChart: trendChart(trend.cycles.map((c) => ({ cycle: c.cycle, meanSelf: c.meanSelf, meanValidated: c.meanValidated })), lang),
      agencies: trend.agencies.map((a) => ({ code: a.agency, name: a.name })),
      asked,
      agency: agency
        ? {
            ...agency,
            heading: say(lang, 'dash.trend.agencyHeading', { name: agency.name }),
            cycles: agency.cycles.map((c) => ({ ...c, stateKey: c.status === 'none' ? 'dash.state.none' : `state.${c.status}` })),
            chart: trendChart(agency.cycles.map((c) => ({ cycle: c.cycle, meanSelf: c.selfScore, meanValidated: c.validatedScore })), lang, 'chart-agency-trend'),
          }
        : null,
      /** An agency the reader sees that was never in a cycle's scope: named, with nothing to show. */
      agencyOutOfScope: asked !== '' && agency === null,
      exports: {
        cycles: exportsOf('/api/dashboard/trend', query, 'cycles', lang),
        agencies: exportsOf('/api/dashboard/trend', query, 'agencies', lang),
      },
    });
  });

  // ——— closing a cycle: the figures to be sealed, then the close ———

  app.get('/dashboard/close', officeRoute(), async (request, reply) => {
    const actor = requireActor(request);
    const lang = request.lang;
    const cycles = await app.services.cycles.list();
    const cycle = pickCycle(cycles, (request.query as Record<string, unknown>).cycle);
    if (!cycle || text((request.query as Record<string, unknown>).cycle) !== String(cycle.year)) throw new ServiceError('not_found', 'no such cycle');
    if (cycle.closed) return showDashboard(app, request, reply, cycle.year, { flash: { kind: 'error', text: say(lang, 'dash.close.already') } }, 409);
    const d = await app.services.dashboard.get(actor, cycle.year);
    return reply.page('dashboard-close', 'dash.close.confirm.title', {
      officePage: 'dashboard',
      dashPage: 'main',
      dashCycle: cycle.year,
      cycle,
      kpi: kpiView(d.kpi, d.byGrade, true, lang),
      grades: Object.entries(d.byGrade).map(([grade, t]) => tallyRow(grade, t)),
      total: tallyRow(say(lang, 'dash.total'), sumTallies(Object.values(d.byGrade))),
      ministries: d.ministries.map((m) => tallyRow(m.ministry, m)),
      distributionChart: distributionChart(d.distribution, lang),
    });
  });

  app.post('/dashboard/close', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = (request.body ?? {}) as Record<string, unknown>;
    const asked = text(form.cycle);
    if (!/^\d{1,3}$/.test(asked)) throw invalid(say(lang, 'dash.form.invalid'), [{ path: 'cycle', message: message(lang, 'office.form.number') }]);
    try {
      await app.services.cycles.close(actor, Number(asked));
    } catch (error) {
      if (!isRefusal(error) || error.code === 'not_found') throw error;
      return showDashboard(app, request, reply, asked, error.code === 'conflict' ? { flash: { kind: 'error', text: say(lang, 'dash.close.already') } } : refusal(lang, error), STATUS_OF[error.code]);
    }
    return reply.redirect(`/dashboard?cycle=${asked}&done=closed`, 303);
  });

  // ——— one agency's deadline extension ———

  app.post('/dashboard/extensions', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = (request.body ?? {}) as Record<string, unknown>;
    const [asked, agency, until, reason] = [text(form.cycle), text(form.agency), text(form.until), text(form.reason)];
    if (!/^\d{1,3}$/.test(asked)) throw invalid(say(lang, 'dash.form.invalid'), [{ path: 'cycle', message: message(lang, 'office.form.number') }]);
    if (!AGENCY_CODE.test(agency)) throw invalid(say(lang, 'dash.form.invalid'), [{ path: 'agency', message: message(lang, 'office.form.required') }]);
    const cycle = await app.services.cycles.get(Number(asked));
    const draft = { agency, until, reason: reason.slice(0, REASON_MAX * 2) };
    const problems: ProblemDetail[] = [];
    if (!isIsoDate(until)) problems.push({ path: say(lang, 'dash.extend.until'), message: say(lang, 'dash.extend.badDate') });
    else if (cycle.deadline !== null && until <= cycle.deadline) problems.push({ path: say(lang, 'dash.extend.until'), message: say(lang, 'dash.extend.notLater') });
    if (reason === '') problems.push({ path: say(lang, 'dash.extend.reason'), message: say(lang, 'dash.extend.reasonRequired') });
    else if (reason.length > REASON_MAX) problems.push({ path: say(lang, 'dash.extend.reason'), message: say(lang, 'dash.extend.reasonTooLong') });
    if (problems.length > 0) {
      return showDashboard(app, request, reply, asked, { flash: { kind: 'error', text: say(lang, 'dash.form.invalid') }, problems: problems.map((p) => ({ where: p.path ?? '', message: p.message })), draft }, 400);
    }
    try {
      await app.services.cycles.extend(actor, cycle.year, agency, { until, reason });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return showDashboard(app, request, reply, asked, { ...refusal(lang, error), draft }, STATUS_OF[error.code]);
    }
    return reply.redirect(`/dashboard?${new URLSearchParams({ cycle: asked, done: 'extended', agency }).toString()}`, 303);
  });
}
