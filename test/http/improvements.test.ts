// Improvement plans over HTTP (docs/domain.md §8) on both databases: who reads and who writes each
// plan, 404/403/409, plans only on gaps of the accepted validated result, the fields' rules with
// hostile input, PATCH transitions with their audit entries, the list's filters and order, and the
// same writes fired many times at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../../src/services/improvement.service.js';
import { buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { assessmentWithGaps, prepareImprovementCycles } from '../helpers/improvements.js';

type Who = 'anonymous' | 'agency' | 'ciso' | 'assessor' | 'assessor2' | 'ministry' | 'office' | 'agency.b';
interface AuditView {
  action: string;
  subject: string;
  actor: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe.each(databaseKinds)('improvement plans on $name', (kind) => {
  let t: TestApp;
  const auth = new Map<Who, string>();
  let first = '';
  /** MOI-A 119 accepted, MOEA-B 119 accepted, MOI-A 120 a draft. */
  let ownId = '';
  let otherId = '';
  let draftId = '';

  const call = async (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: auth.has(who) ? { authorization: auth.get(who)! } : {}, ...(payload === undefined ? {} : { payload: payload as string }) });
  const post = (who: Who, body: Record<string, unknown>) => call(who, 'POST', '/api/improvements', body);
  const list = async (who: Who, query = '') => {
    const r = await call(who, 'GET', `/api/improvements${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<PlanView[]>();
  };
  const plan = (over: Record<string, unknown> = {}) => ({ assessment: ownId, process: first, attribute: 'PA2.1', action: '訂定資安目標並每季檢討', owner: '資訊室 王主任', due: '2031-06-30', ...over });
  const audit = async (action: string) => {
    const r = await call('office', 'GET', `/api/audit?action=${action}&limit=1000`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<AuditView[]>().reverse();
  };

  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    first = await prepareImprovementCycles(t.app);
    ownId = await assessmentWithGaps(t.app, 'MOI-A', 119);
    otherId = await assessmentWithGaps(t.app, 'MOEA-B', 119);
    draftId = await assessmentWithGaps(t.app, 'MOI-A', 120, 'draft');
    for (const who of ['agency', 'ciso', 'assessor', 'assessor2', 'ministry', 'office', 'agency.b'] as const) auth.set(who, await tokenFor(t.app, who));
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('has exactly the two gaps the fixture was built for', async () => {
    const result = (await call('office', 'GET', `/api/assessments/${ownId}/result`)).json<{ validated: { gaps: { process: string; attribute: string; required: string; rating: string }[] } }>();
    expect(result.validated.gaps.map(({ process, attribute, required, rating }) => ({ process, attribute, required, rating }))).toEqual([
      { process: first, attribute: 'PA2.1', required: 'L', rating: 'N' },
      { process: first, attribute: 'PA2.2', required: 'L', rating: 'N' },
    ]);
  });

  it('lets the agency’s staff write a plan on a gap, open, trimmed, audited', async () => {
    const r = await post('agency', plan({ action: '  訂定資安目標並每季檢討\n', owner: ' 資訊室 王主任 ' }));
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json<PlanView>();
    expect(created).toEqual({
      id: created.id,
      assessment: ownId,
      agency: 'MOI-A',
      cycle: 119,
      process: first,
      attribute: 'PA2.1',
      action: '訂定資安目標並每季檢討',
      owner: '資訊室 王主任',
      due: '2031-06-30',
      status: 'open',
      createdBy: 'agency',
      createdAt: created.createdAt,
      updatedAt: created.createdAt,
    });
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    const byCiso = await post('ciso', plan({ attribute: 'PA2.2', action: '建立績效量測', owner: '資安長', due: '2031-12-31' }));
    expect(byCiso.statusCode, byCiso.body).toBe(201);
    // Several plans on one gap are allowed.
    expect((await post('ciso', plan({ action: '導入 ISMS 文件管理', due: '2032-02-29' }))).statusCode).toBe(201);
    const entries = await audit('improvement.create');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ actor: 'agency', subject: `assessment:${ownId}`, before: null, after: created });
    const row = await t.app.services.handle.db.selectFrom('improvementPlans').select(['revision', 'createdBy']).where('id', '=', created.id).executeTakeFirstOrThrow();
    expect([Number(row.revision), row.createdBy]).toEqual([1, 'agency']);
  });

  it('refuses writers other than the agency’s staff (403), what they cannot see (404), and an assessment not accepted (409)', async () => {
    for (const who of ['office', 'ministry', 'assessor'] as const) expect((await post(who, plan())).statusCode, who).toBe(403);
    expect((await post('anonymous', plan())).statusCode).toBe(401);
    expect((await post('agency.b', plan())).statusCode).toBe(404);
    expect((await post('agency', plan({ assessment: otherId }))).statusCode).toBe(404);
    expect((await post('agency', plan({ assessment: 'no-such-assessment' }))).statusCode).toBe(404);
    const draft = await post('agency', plan({ assessment: draftId }));
    expect(draft.statusCode).toBe(409);
    expect(draft.json<{ error: { code: string; message: string } }>().error).toEqual({ code: 'conflict', message: 'the assessment is draft: write an improvement plan needs it accepted' });
  });

  it('takes only a (process, attribute) that is a gap of the validated result, naming the field', async () => {
    const noProcess = await post('agency', plan({ process: 'TEC-03' }));
    expect(noProcess.statusCode).toBe(400);
    expect(noProcess.json<{ error: { code: string; details: unknown[] } }>().error).toMatchObject({ code: 'invalid_input', details: [{ path: '/process' }] });
    const noAttribute = await post('agency', plan({ attribute: 'PA1.1' }));
    expect(noAttribute.statusCode).toBe(400);
    expect(noAttribute.json<{ error: { details: { path: string; message: string }[] } }>().error.details).toEqual([{ path: '/attribute', message: `is not a gap of ${first} (its gaps: PA2.1, PA2.2)` }]);
    expect((await post('agency', plan({ attribute: 'PA3.1' }))).statusCode).toBe(400);
  });

  it('refuses hostile input with 400 naming where, and stores nothing', async () => {
    const before = (await list('office')).length;
    const cases: [Record<string, unknown>, string][] = [
      [plan({ action: '\ud800' }), '/action'],
      [plan({ owner: 'a\u0000b' }), '/owner'],
      [plan({ action: 'x'.repeat(2001) }), '/action'],
      [plan({ owner: 'y'.repeat(201) }), '/owner'],
      [plan({ action: '   ' }), '/action'],
      [plan({ owner: '' }), '/owner'],
      [plan({ due: '2031-02-29' }), '/due'],
      [plan({ due: '2031-13-01' }), '/due'],
      [plan({ due: '2031/06/30' }), '/due'],
      [plan({ due: 20310630 }), '/due'],
      [plan({ action: ['訂定'] }), '/action'],
      [plan({ process: 7 }), '/process'],
      [plan({ status: 'done' }), '/status'],
      [plan({ extra: 1 }), '/extra'],
      [{ ...plan(), assessment: undefined }, '/assessment'],
      [plan({ assessment: 'z'.repeat(65) }), '/assessment'],
    ];
    for (const [body, path] of cases) {
      const r = await post('agency', JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
      expect(r.statusCode, `${path} ${r.body}`).toBe(400);
      expect(r.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path), r.body).toContain(path);
    }
    // Lone surrogates are sent escaped in JSON, which JSON.stringify keeps as they are.
    const raw = await t.app.inject({ method: 'POST', url: '/api/improvements', headers: { authorization: auth.get('agency')!, 'content-type': 'application/json' }, payload: '{"assessment":"' + ownId + '","process":"' + first + '","attribute":"PA2.1","action":"\\udc00x","owner":"o","due":"2031-01-01"}' });
    expect(raw.statusCode).toBe(400);
    const notJson = await t.app.inject({ method: 'POST', url: '/api/improvements', headers: { authorization: auth.get('agency')!, 'content-type': 'application/json' }, payload: '{"assessment": ' });
    expect(notJson.statusCode).toBe(400);
    expect((await list('office')).length).toBe(before);
    // The longest texts allowed are stored whole.
    const longest = await post('agency', plan({ action: '改'.repeat(2000), owner: '人'.repeat(200) }));
    expect(longest.statusCode, longest.body).toBe(201);
    expect(longest.json<PlanView>().action).toHaveLength(2000);
  });

  it('lets the agency’s staff change a plan through every status, auditing the fields changed', async () => {
    const created = (await post('agency', plan({ attribute: 'PA2.2', action: '建立量測指標', owner: '資訊室', due: '2031-03-31' }))).json<PlanView>();
    const patch = (who: Who, body: unknown, id = created.id) => call(who, 'PATCH', `/api/improvements/${id}`, body);
    const started = await patch('agency', { status: 'in_progress' });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json<PlanView>()).toMatchObject({ id: created.id, status: 'in_progress', action: '建立量測指標', owner: '資訊室', due: '2031-03-31' });
    const done = await patch('ciso', { status: 'done', owner: ' 資安長 ', due: '2031-04-30' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<PlanView>()).toMatchObject({ status: 'done', owner: '資安長', due: '2031-04-30', createdBy: 'agency' });
    // A plan done by mistake can be opened again.
    expect((await patch('agency', { status: 'open', action: '建立量測指標並每月回報' })).json<PlanView>()).toMatchObject({ status: 'open', action: '建立量測指標並每月回報' });
    // A change to what the plan already holds changes nothing: no revision, no entry.
    expect((await patch('agency', { status: 'open' })).statusCode).toBe(200);
    const updates = (await audit('improvement.update')).filter((e) => e.before?.id === created.id);
    expect(updates.map((e) => [e.actor, e.subject, e.before, e.after])).toEqual([
      ['agency', `assessment:${ownId}`, { id: created.id, status: 'open' }, { id: created.id, status: 'in_progress' }],
      ['ciso', `assessment:${ownId}`, { id: created.id, owner: '資訊室', due: '2031-03-31', status: 'in_progress' }, { id: created.id, owner: '資安長', due: '2031-04-30', status: 'done' }],
      ['agency', `assessment:${ownId}`, { id: created.id, action: '建立量測指標', status: 'done' }, { id: created.id, action: '建立量測指標並每月回報', status: 'open' }],
    ]);
    const row = await t.app.services.handle.db.selectFrom('improvementPlans').select('revision').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(Number(row.revision)).toBe(4);

    // Refusals: role (403), not seen (404), nothing or unknown fields (400), bad values (400).
    for (const who of ['office', 'ministry', 'assessor'] as const) expect((await patch(who, { status: 'done' })).statusCode, who).toBe(403);
    expect((await patch('agency.b', { status: 'done' })).statusCode).toBe(404);
    expect((await patch('agency', { status: 'done' }, 'no-such-plan')).statusCode).toBe(404);
    expect((await patch('agency', {})).statusCode).toBe(400);
    for (const body of [{ status: 'closed' }, { status: 'done', revision: 3 }, { due: '2031-02-30' }, { action: '\ud800' }, { owner: 'o'.repeat(201) }, { action: ' ' }, { status: null }, { owner: 5 }]) {
      const r = await patch('agency', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(Number((await t.app.services.handle.db.selectFrom('improvementPlans').select('revision').where('id', '=', created.id).executeTakeFirstOrThrow()).revision)).toBe(4);
  });

  it('keeps plans writable after a reopening while no new plan can be written', async () => {
    const p = (await post('agency', plan({ action: '重新訂定資安政策' }))).json<PlanView>();
    const office = { id: 'o', username: 'office', role: 'office' as const, agency: null, ministry: null };
    const officeActor = { ...office, id: (await t.app.services.accounts.getUser('office')).id };
    await t.app.services.reviews.reopen(officeActor, ownId, 'appeal upheld');
    expect((await call('agency', 'PATCH', `/api/improvements/${p.id}`, { status: 'in_progress' })).statusCode).toBe(200);
    expect((await post('agency', plan())).statusCode).toBe(409);
    // Accepted again: writable again.
    const assessor = { id: (await t.app.services.accounts.getUser('assessor')).id, username: 'assessor', role: 'assessor' as const, agency: null, ministry: null };
    await t.app.services.reviews.accept(assessor, ownId);
    await t.app.services.reports.settled();
    expect((await post('agency', plan({ action: '再次受理後新增' }))).statusCode).toBe(201);
  });

  it('shows each user the plans of the assessments they see, filtered and in order', async () => {
    await post('agency.b', { ...plan({ assessment: otherId, action: '乙機關改善', due: '2031-01-15' }) });
    const all = await list('office');
    const ownCount = all.filter((p) => p.agency === 'MOI-A').length;
    expect(all.filter((p) => p.agency === 'MOEA-B')).toHaveLength(1);
    // Order: cycle, agency, process, attribute, creation.
    const sorted = [...all].sort((a, b) => a.cycle - b.cycle || (a.agency < b.agency ? -1 : a.agency > b.agency ? 1 : 0) || (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    expect(all.map((p) => [p.agency, p.attribute])).toEqual(sorted.map((p) => [p.agency, p.attribute]));
    expect(all[0]!.agency).toBe('MOEA-B');
    // Agency staff and the ministry (內政部) see MOI-A's; assessor sees the assessment assigned to them, assessor2 the other.
    for (const who of ['agency', 'ciso', 'ministry', 'assessor'] as const) expect((await list(who)).map((p) => p.agency), who).toEqual(Array<string>(ownCount).fill('MOI-A'));
    expect((await list('assessor2')).map((p) => p.agency)).toEqual(['MOEA-B']);
    expect((await list('agency.b')).map((p) => p.action)).toEqual(['乙機關改善']);
    // Filters, all AND-ed.
    expect((await list('office', '?agency=MOEA-B')).map((p) => p.action)).toEqual(['乙機關改善']);
    expect((await list('office', `?assessment=${ownId}`)).length).toBe(ownCount);
    expect((await list('office', '?cycle=120')).length).toBe(0);
    expect((await list('office', '?cycle=119')).length).toBe(ownCount + 1);
    const inProgress = await list('office', '?status=in_progress');
    expect(inProgress.map((p) => p.action)).toEqual(['重新訂定資安政策']);
    expect((await list('office', `?status=open&agency=MOEA-B&cycle=119&assessment=${otherId}`)).length).toBe(1);
    expect((await list('office', `?status=done&agency=MOEA-B`)).length).toBe(0);
    expect((await list('agency', '?agency=MOEA-B')).length).toBe(0);
    expect((await list('agency', `?assessment=${otherId}`)).length).toBe(0);
    // Bad filter values.
    for (const q of ['?cycle=abc', '?cycle=1000', '?status=closed', '?agency=%20x', '?unknown=1', `?assessment=${'a'.repeat(65)}`, '?cycle=119&cycle=120']) {
      expect((await call('office', 'GET', `/api/improvements${q}`)).statusCode, q).toBe(400);
    }
    expect((await call('anonymous', 'GET', '/api/improvements')).statusCode).toBe(401);
  });

  it('stores 20 simultaneous new plans exactly once each, and applies 20 simultaneous changes one after another', async () => {
    const before = (await list('office', `?assessment=${ownId}`)).length;
    const createsBefore = (await audit('improvement.create')).length;
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? 'ciso' : 'agency', plan({ action: `同時新增 ${i}` }))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array<number>(20).fill(201));
    const plans = await list('office', `?assessment=${ownId}`);
    expect(plans.length).toBe(before + 20);
    const actions = plans.map((p) => p.action).filter((a) => a.startsWith('同時新增 '));
    expect(actions.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `同時新增 ${i}`).sort());
    expect(new Set(responses.map((r) => r.json<PlanView>().id)).size).toBe(20);
    expect((await audit('improvement.create')).length).toBe(createsBefore + 20);

    const target = responses[0]!.json<PlanView>();
    const changes = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? 'ciso' : 'agency', 'PATCH', `/api/improvements/${target.id}`, { owner: `負責人 ${i}` })));
    expect(changes.map((r) => r.statusCode)).toEqual(Array<number>(20).fill(200));
    const row = await t.app.services.handle.db.selectFrom('improvementPlans').select(['revision', 'owner']).where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(Number(row.revision)).toBe(21);
    // Each entry's before is the previous entry's after: no change was lost or applied on a stale read.
    const entries = (await audit('improvement.update')).filter((e) => e.before?.id === target.id);
    expect(entries).toHaveLength(20);
    expect(entries[0]!.before).toEqual({ id: target.id, owner: '資訊室 王主任' });
    for (let i = 1; i < 20; i++) expect(entries[i]!.before!.owner).toBe(entries[i - 1]!.after!.owner);
    expect(row.owner).toBe(entries[19]!.after!.owner);
    expect(new Set(entries.map((e) => e.after!.owner)).size).toBe(20);
  });
});
