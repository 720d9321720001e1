// Every route × every role × own / other agency (and ministry): the expected status of each cell is
// written out by hand here, never derived from the routes' own rules. A route without a row fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, addFixtureVersion, buildTestApp, createCycleWithCohort, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
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

/** Two assessments made for one cell: `own` (MOI-A, assigned to `assessor`) and `other` (MOEA-B, assigned to `assessor2`). */
interface Fixture {
  own: string;
  other: string;
  ownEvidence: string;
  otherEvidence: string;
  /** An improvement plan on each of the two assessments. */
  ownPlan: string;
  otherPlan: string;
  cycle: number;
}

interface Row {
  route: string;
  target: Target;
  /** The state the cell's assessments are put in before the request. */
  state?: 'draft' | 'submitted' | 'in_review' | 'accepted' | 'none';
  /** The cell's own cycle (f.cycle), closed before the request. */
  closed?: true;
  request: (who: Who, n: number, f: Fixture) => Cell;
  expect: Record<Who, number>;
}

const agencyOf = (target: Target) => (target === 'other' ? 'MOEA-B' : 'MOI-A');
const all = (status: number, anonymous = 401): Record<Who, number> => ({ anonymous, agency: status, ciso: status, assessor: status, ministry: status, office: status });
const officeOnly = (office: number): Record<Who, number> => ({ anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 403, office });
const csv = 'code,name,ministry,grade\nMX-1,矩陣測試機關,內政部,B\n';

const idOf = (f: Fixture, target: Target) => (target === 'other' ? f.other : f.own);
/** Expected statuses of a route on one assessment: `allowed` for those who may act, 404 for those who cannot see it. */
function onAssessment(target: Target, allowed: Partial<Record<Who, number>>, routeRoles: Who[]): Record<Who, number> {
  const sees: Record<Who, boolean> = { anonymous: false, office: true, agency: target === 'own', ciso: target === 'own', ministry: target === 'own', assessor: target === 'own' };
  const out = { anonymous: 401 } as Record<Who, number>;
  for (const who of WHO.slice(1)) out[who] = !routeRoles.includes(who) ? 403 : !sees[who] ? 404 : (allowed[who] ?? 403);
  return out;
}
const STAFF: Who[] = ['agency', 'ciso'];
const ASSESSOR: Who[] = ['assessor'];
const ALL_ROLES: Who[] = ['agency', 'ciso', 'assessor', 'ministry', 'office'];

const assessmentRows: Row[] = (['own', 'other'] as const).flatMap((target): Row[] => [
  { route: 'GET /api/assessments/:id', target, request: (_w, _n, f) => ({ method: 'GET', url: `/api/assessments/${idOf(f, target)}` }), expect: onAssessment(target, { agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 }, ALL_ROLES) },
  { route: 'PUT /api/assessments/:id/answers/:process/:indicator', target, request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/answers/GOV-01/BP1`, body: { rating: 'L', evidence: 'e', revision: 0 } }), expect: onAssessment(target, { agency: 200, ciso: 200 }, STAFF) },
  { route: 'PUT /api/assessments/:id/scope/:process', target, request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/scope/TEC-03`, body: { inScope: false, justification: 'no development' } }), expect: onAssessment(target, { agency: 200, ciso: 200 }, STAFF) },
  { route: 'POST /api/assessments/:id/comments', target, request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/comments`, body: { text: 'a remark' } }), expect: onAssessment(target, { agency: 201, ciso: 201, assessor: 201, office: 201, ministry: 403 }, ALL_ROLES) },
  {
    route: 'POST /api/assessments/:id/evidence',
    target,
    request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/evidence`, body: uploadBody, contentType: `multipart/form-data; boundary=${BOUNDARY}` }),
    expect: onAssessment(target, { agency: 201, ciso: 201 }, STAFF),
  },
  { route: 'GET /api/evidence/:id', target, request: (_w, _n, f) => ({ method: 'GET', url: `/api/evidence/${target === 'own' ? f.ownEvidence : f.otherEvidence}` }), expect: onAssessment(target, { agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 }, ALL_ROLES) },
  { route: 'POST /api/assessments/:id/confirm/:process/:indicator', target, request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/confirm/GOV-01/BP2` }), expect: onAssessment(target, { agency: 200, ciso: 200 }, STAFF) },
  { route: 'POST /api/assessments/:id/submit', target, request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/submit`, body: { statement: true } }), expect: onAssessment(target, { ciso: 200, agency: 403 }, STAFF) },
  { route: 'POST /api/assessments/:id/review', target, state: 'submitted', request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/review` }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'PUT /api/assessments/:id/reviews/:process/:indicator', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/reviews/GOV-01/BP1`, body: { rating: 'P', reason: 'thin evidence' } }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'DELETE /api/assessments/:id/reviews/:process/:indicator', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'DELETE', url: `/api/assessments/${idOf(f, target)}/reviews/GOV-01/BP3` }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'PUT /api/assessments/:id/reviews/scope/:process', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/reviews/scope/TEC-03`, body: { inScope: true, reason: 'develops its own website' } }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'PUT /api/assessments/:id/overrides/:process/:attribute', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/overrides/GOV-01/PA2.1`, body: { rating: 'P', reason: 'plans not monitored' } }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'PUT /api/assessments/:id/findings/:process', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/findings/_`, body: { text: 'overall findings' } }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'POST /api/assessments/:id/return', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/return`, body: { comment: 'please complete' } }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'POST /api/assessments/:id/accept', target, state: 'in_review', request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/accept` }), expect: onAssessment(target, { assessor: 200 }, ASSESSOR) },
  { route: 'POST /api/assessments/:id/reopen', target, state: 'accepted', request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/reopen`, body: { reason: 'appeal upheld' } }), expect: onAssessment(target, { office: 200 }, ['office']) },
  { route: 'POST /api/assessments/:id/questionnaire', target, request: (_w, _n, f) => ({ method: 'POST', url: `/api/assessments/${idOf(f, target)}/questionnaire`, body: { questionnaire: 'isgm-109@1.2.0' } }), expect: onAssessment(target, { office: 200 }, ['office']) },
  { route: 'GET /api/assessments/:id/report.pdf', target, request: (_w, _n, f) => ({ method: 'GET', url: `/api/assessments/${idOf(f, target)}/report.pdf` }), expect: onAssessment(target, { agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 }, ALL_ROLES) },
  { route: 'GET /api/assessments/:id/sheet', target, request: (_w, _n, f) => ({ method: 'GET', url: `/api/assessments/${idOf(f, target)}/sheet` }), expect: onAssessment(target, { agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 }, ALL_ROLES) },
  {
    route: 'PUT /api/assessments/:id/sheet',
    target,
    request: (_w, _n, f) => ({ method: 'PUT', url: `/api/assessments/${idOf(f, target)}/sheet`, body: workbook, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
    expect: onAssessment(target, { agency: 200, ciso: 200 }, STAFF),
  },
  { route: 'GET /api/assessments/:id/result', target, request: (_w, _n, f) => ({ method: 'GET', url: `/api/assessments/${idOf(f, target)}/result` }), expect: onAssessment(target, { agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 }, ALL_ROLES) },
  {
    route: 'POST /api/improvements',
    target,
    state: 'accepted',
    request: (_w, _n, f) => ({ method: 'POST', url: '/api/improvements', body: { assessment: idOf(f, target), process: 'GOV-01', attribute: 'PA2.1', action: '訂定資安目標', owner: '資訊室', due: '2031-06-30' } }),
    expect: onAssessment(target, { agency: 201, ciso: 201 }, STAFF),
  },
  { route: 'PATCH /api/improvements/:id', target, request: (_w, _n, f) => ({ method: 'PATCH', url: `/api/improvements/${target === 'own' ? f.ownPlan : f.otherPlan}`, body: { status: 'in_progress' } }), expect: onAssessment(target, { agency: 200, ciso: 200 }, STAFF) },
  { route: 'PUT /api/assignments', target, request: (_w, _n, f) => ({ method: 'PUT', url: '/api/assignments', body: { assessment: idOf(f, target), assessor: 'assessor2' } }), expect: officeOnly(200) },
  {
    route: 'POST /api/assessments',
    target,
    state: 'none',
    request: (_w, _n, f) => ({ method: 'POST', url: '/api/assessments', body: { agency: agencyOf(target), cycle: f.cycle } }),
    expect: { anonymous: 401, agency: target === 'own' ? 201 : 404, ciso: target === 'own' ? 201 : 404, assessor: 403, ministry: 403, office: 201 },
  },
]);

/** A workbook with the two sheets and no rows: applying it changes nothing. */
let workbook: Buffer = Buffer.alloc(0);
async function emptyWorkbook(): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Answers 填答').addRow(['process', 'indicator']);
  wb.addWorksheet('Scope 範圍').addRow(['process', 'name', 'inScope', 'justification']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const BOUNDARY = 'matrixboundary';
const uploadBody = [
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="process"\r\n\r\nGOV-01\r\n`,
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="indicator"\r\n\r\nBP1\r\n`,
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="note.txt"\r\ncontent-type: text/plain\r\n\r\nminutes of the review\r\n`,
  `--${BOUNDARY}--\r\n`,
].join('');

const ROWS: Row[] = [
  ...assessmentRows,
  { route: 'GET /api/audit', target: '-', request: () => ({ method: 'GET', url: '/api/audit?limit=5' }), expect: officeOnly(200) },
  // The ministry user sees the dashboard of its own agencies; agency staff and assessors have none.
  { route: 'GET /api/dashboard', target: '-', request: () => ({ method: 'GET', url: '/api/dashboard?cycle=109' }), expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 200, office: 200 } },
  { route: 'GET /api/dashboard/priority', target: '-', request: () => ({ method: 'GET', url: '/api/dashboard/priority?cycle=109' }), expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 200, office: 200 } },
  { route: 'GET /api/dashboard/calibration', target: '-', request: () => ({ method: 'GET', url: '/api/dashboard/calibration?cycle=109&format=csv' }), expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 200, office: 200 } },
  { route: 'GET /api/dashboard/trend', target: '-', request: () => ({ method: 'GET', url: '/api/dashboard/trend?format=xlsx' }), expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 200, office: 200 } },
  // The national KPI report is the security office's alone.
  { route: 'GET /api/reports/national.pdf', target: '-', request: () => ({ method: 'GET', url: '/api/reports/national.pdf?cycle=109&lang=en' }), expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 403, office: 200 } },
  { route: 'GET /api/assessments', target: '-', request: () => ({ method: 'GET', url: '/api/assessments' }), expect: all(200) },
  // Every user has notifications of their own (the office and ministry users none); an id not among the caller's is not found.
  { route: 'GET /api/notifications', target: '-', request: () => ({ method: 'GET', url: '/api/notifications?unread=true' }), expect: all(200) },
  { route: 'POST /api/notifications/read-all', target: '-', request: () => ({ method: 'POST', url: '/api/notifications/read-all' }), expect: all(200) },
  { route: 'POST /api/notifications/:id/read', target: '-', request: () => ({ method: 'POST', url: '/api/notifications/deadline-109-MOEA-B-14-2020-11-30/read' }), expect: all(404) },
  // Every user gets the plans of the assessments they see (possibly none).
  { route: 'GET /api/improvements', target: '-', request: () => ({ method: 'GET', url: '/api/improvements?cycle=109' }), expect: all(200) },
  { route: 'GET /api/reports/verify/:sha256', target: '-', request: () => ({ method: 'GET', url: `/api/reports/verify/${'0'.repeat(64)}` }), expect: all(404, 404) },
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
  { route: 'GET /api/tokens', target: '-', request: () => ({ method: 'GET', url: '/api/tokens' }), expect: all(200) },
  // Every user sees and revokes only their own tokens: an id that is not theirs is not found.
  { route: 'DELETE /api/tokens/:id', target: '-', request: () => ({ method: 'DELETE', url: '/api/tokens/not-a-token-of-yours' }), expect: all(404) },
  { route: 'POST /api/me/otp', target: '-', request: () => ({ method: 'POST', url: '/api/me/otp' }), expect: all(200) },
  { route: 'POST /api/me/otp/confirm', target: '-', request: () => ({ method: 'POST', url: '/api/me/otp/confirm', body: { otp: '000000' } }), expect: all(400) },
  { route: 'POST /api/me/password', target: '-', request: () => ({ method: 'POST', url: '/api/me/password', body: { current: 'not the password', new: 'a long new passphrase' } }), expect: all(401) },
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
    // The assessor sees MOI-A through the assessment assigned to them.
    expect: { anonymous: 401, agency: 200, ciso: 200, assessor: 200, ministry: 200, office: 200 },
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
    expect: { anonymous: 401, agency: 403, ciso: 403, assessor: 403, ministry: 403, office: 200 },
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
  // Each cell closes a cycle of its own; reading a snapshot needs a closed one.
  { route: 'POST /api/cycles/:year/close', target: '-', state: 'none', request: (_who, _n, f) => ({ method: 'POST', url: `/api/cycles/${f.cycle}/close` }), expect: officeOnly(200) },
  { route: 'GET /api/cycles/:year/snapshot', target: '-', state: 'none', closed: true, request: (_who, _n, f) => ({ method: 'GET', url: `/api/cycles/${f.cycle}/snapshot` }), expect: officeOnly(200) },
  { route: 'GET /api/cycles/:year/extensions', target: '-', request: () => ({ method: 'GET', url: '/api/cycles/109/extensions' }), expect: officeOnly(200) },
  {
    route: 'PUT /api/cycles/:year/extensions/:agency',
    target: '-',
    request: () => ({ method: 'PUT', url: '/api/cycles/109/extensions/MOI-A', body: { until: '2020-12-31', reason: 'data centre move' } }),
    expect: officeOnly(200),
  },
  { route: 'GET /api/assessors/:username', target: '-', request: () => ({ method: 'GET', url: '/api/assessors/assessor' }), expect: officeOnly(200) },
  {
    route: 'PUT /api/assessors/:username',
    target: '-',
    request: () => ({ method: 'PUT', url: '/api/assessors/assessor', body: { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] } }),
    expect: officeOnly(200),
  },
];

describe.each(databaseKinds)('access matrix on $name', (kind) => {
  let t: TestApp;
  const auth = new Map<Who, string>();

  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    await addFixtureVersion(t.app);
    await t.app.services.accounts.createUser(null, { username: 'bystander', role: 'agency', agency: 'MOEA-B', password: PASSWORD });
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await t.app.services.accounts.createUser(null, { username: 'assessor2', role: 'assessor', password: PASSWORD });
    await t.app.services.assessors.put(null, 'assessor2', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    for (const who of WHO) if (who !== 'anonymous') auth.set(who, await tokenFor(t.app, who));
    workbook = await emptyWorkbook();
    await fixture(889); // from the start, `assessor` is assigned an assessment of MOI-A
  });

  /** A pilot cycle of its own and, unless `none`, the two assessments in the row's state. */
  async function fixture(n: number, state: Row['state'] = 'draft', closed = false): Promise<Fixture> {
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    const cycle = 110 + n;
    await createCycleWithCohort(t.app, cycle);
    if (closed) await t.app.services.cycles.close(system, cycle);
    if (state === 'none') return { own: '', other: '', ownEvidence: '', otherEvidence: '', ownPlan: '', otherPlan: '', cycle };
    const db = t.app.services.handle.db;
    const make = async (agency: string, assessor: string) => {
      const { id } = await t.app.services.assessments.create(system, { agency, cycle });
      const assessorId = (await t.app.services.accounts.getUser(assessor)).id;
      const at = new Date().toISOString();
      await db.updateTable('assessments').set({ status: state, assessorId, submittedBy: 'ciso' }).where('id', '=', id).execute();
      await db.insertInto('answers').values({ assessmentId: id, process: 'GOV-01', indicator: 'BP2', rating: 'L', evidence: 'carried', note: null, justification: null, revision: 1, unconfirmed: 1, updatedAt: at, updatedBy: 'system' }).execute();
      await db.insertInto('assessorRatings').values({ assessmentId: id, process: 'GOV-01', indicator: 'BP3', rating: 'N', reason: 'no record', stale: 0, updatedAt: at, updatedBy: assessor }).execute();
      const evidence = `ev-${n}-${agency}`;
      await db.insertInto('evidenceFiles').values({ id: evidence, assessmentId: id, process: 'GOV-01', indicator: 'BP1', name: 'a.txt', type: 'text/plain', size: 1, sha256: '0'.repeat(64), content: Buffer.from('a'), uploadedBy: 'agency', createdAt: at }).execute();
      if (state === 'accepted') {
        await db.insertInto('sealedRecords').values({ id: `seal-${n}-${agency}`, assessmentId: id, record: '{}', recordSha256: `${n}-${agency}`, acceptedAt: at, revokedAt: null, revokedReason: null, supersededBy: null }).execute();
        // A stored validated result with one gap, GOV-01 PA2.1, for an improvement plan to address.
        const result = JSON.stringify({ questionnaire: 'isgm-109@1.0.0', gaps: [{ process: 'GOV-01', attribute: 'PA2.1', required: 'L', rating: 'P', achievement: 0.5, indicators: ['GP2.1.1'] }] });
        await db.insertInto('assessmentResults').values({ assessmentId: id, questionnaire: 'isgm-109@1.0.0', selfLevel: 1, selfScore: 1, selfMeetsTarget: null, selfTargetLevel: null, selfResult: result, validatedLevel: 1, validatedScore: 1, validatedMeetsTarget: null, validatedTargetLevel: null, validatedResult: result, storedAt: at, selfBlocking: '[]', validatedBlocking: '[]' }).execute();
      }
      const plan = `plan-${n}-${agency}`;
      await db.insertInto('improvementPlans').values({ id: plan, assessmentId: id, agencyCode: agency, cycleYear: cycle, process: 'GOV-01', attribute: 'PA2.1', action: '訂定資安目標', owner: '資訊室', due: '2031-06-30', status: 'open', revision: 1, createdBy: 'agency', createdAt: at, updatedAt: at }).execute();
      return { id, evidence, plan };
    };
    const own = await make('MOI-A', 'assessor');
    const other = await make('MOEA-B', 'assessor2');
    return { own: own.id, other: other.id, ownEvidence: own.evidence, otherEvidence: other.evidence, ownPlan: own.plan, otherPlan: other.plan, cycle };
  }
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('has a row for every registered API route, and no row for a route that does not exist', () => {
    // The pages (everything outside /api) have their own access tests in test/pages.
    const registered = new Set(t.app.routeTable.filter((r) => r.url.startsWith('/api') || r.url === '/healthz').map((r) => `${r.method} ${r.url}`));
    const covered = new Set(ROWS.map((r) => r.route));
    expect([...registered].filter((r) => !covered.has(r)).sort()).toEqual([]);
    expect([...covered].filter((r) => !registered.has(r)).sort()).toEqual([]);
  });

  let n = 0;
  for (const row of ROWS) {
    for (const who of WHO) {
      it(`${row.route}${row.target === '-' ? '' : ` (${row.target})`} as ${who} → ${row.expect[who]}`, async () => {
        const k = n++;
        const cell = row.request(who, k, row.route.includes(':id') || row.route.includes('assessments') || row.route.includes('assignments') || row.route.includes('improvements') || row.state === 'none' ? await fixture(k, row.state, row.closed) : (undefined as unknown as Fixture));
        const headers: Record<string, string> = {};
        const token = auth.get(who);
        if (token) headers.authorization = token;
        if (cell.contentType) headers['content-type'] = cell.contentType;
        const response = await t.app.inject({ method: cell.method as 'GET', url: cell.url, headers, ...(cell.body === undefined ? {} : { payload: cell.body as string }) });
        expect(response.statusCode, response.body).toBe(row.expect[who]);
        // Logging out everywhere ends the caller's tokens too: give the next cells a new one.
        if (row.route === 'DELETE /api/sessions' && who !== 'anonymous') auth.set(who, await tokenFor(t.app, who));
        if (response.statusCode >= 400) {
          const body = response.json<{ error: { code: unknown; message: unknown } }>();
          expect(typeof body.error.code).toBe('string');
          expect(typeof body.error.message).toBe('string');
        }
      });
    }
  }
});
