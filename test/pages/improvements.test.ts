// The improvement plans page as a browser without JavaScript uses it, on both databases: who sees it,
// the gaps by process, adding and changing plans through the plain forms (303 with a message), a post
// without the CSRF token refused, refusals that keep what was typed, and the plans not done shown on
// the agency's assessment of the next cycle.
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { Q, assessmentWithGaps, prepareImprovementCycles } from '../helpers/improvements.js';
import { csrfFrom, follow, getPage, postForm, textOf } from '../helpers/pages.js';

describe.each(databaseKinds)('improvement plan pages on $name', (kind) => {
  const t = useSeededApp(kind);
  const session: Record<string, string> = {};
  let first = '';
  let firstName = { 'zh-TW': '', en: '' };
  let ownId = '';
  let otherId = '';
  let nextId = '';
  const plansUrl = (id = ownId) => `/assessments/${id}/improvements`;
  const storedPlans = () => t.app.services.handle.db.selectFrom('improvementPlans').selectAll().where('assessmentId', '=', ownId).orderBy('createdAt').execute();

  beforeAll(async () => {
    first = await prepareImprovementCycles(t.app);
    const q = (await t.app.services.questionnaires.index(Q)).questionnaire;
    firstName = q.aspects[0]!.processes[0]!.name;
    ownId = await assessmentWithGaps(t.app, 'MOI-A', 119);
    otherId = await assessmentWithGaps(t.app, 'MOEA-B', 119);
    nextId = await assessmentWithGaps(t.app, 'MOI-A', 120, 'draft');
    for (const who of ['agency', 'ciso', 'assessor', 'assessor2', 'office', 'ministry', 'agency.b']) session[who] = await loginAs(t.app, who);
  });

  it('shows the gaps by process to whoever sees the assessment, with forms for the agency’s staff only', async () => {
    const page = await getPage(t.app, plansUrl(), session.agency);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(`${first} ${firstName['zh-TW']}`);
    expect(text).toContain('差距：PA2.1（核定評等 N → 應達 L）');
    expect(text).toContain('差距：PA2.2（核定評等 N → 應達 L）');
    expect(text).toContain('尚無改善計畫。');
    expect(page.body.match(/action="\/assessments\/[^"]+\/improvements"/g)).toHaveLength(2);
    const english = await getPage(t.app, `${plansUrl()}?lang=en`, session.ciso);
    expect(textOf(english.body)).toContain('Gap: PA2.1 (validated rating N → required L)');
    for (const who of ['office', 'ministry', 'assessor']) {
      const read = await getPage(t.app, plansUrl(), session[who]);
      expect(read.statusCode, who).toBe(200);
      expect(read.body, who).not.toContain(`action="${plansUrl()}"`);
      expect(textOf(read.body), who).toContain('您可以檢視');
    }
    for (const who of ['agency.b', 'assessor2']) expect((await getPage(t.app, plansUrl(), session[who])).statusCode, who).toBe(404);
    expect((await getPage(t.app, plansUrl(otherId), session.ministry)).statusCode).toBe(404);
    expect((await getPage(t.app, plansUrl('no-such-assessment'), session.office)).statusCode).toBe(404);
    expect((await getPage(t.app, plansUrl())).headers.location).toBe(`/login?next=${encodeURIComponent(plansUrl())}`);
    // Before acceptance: no gaps, no form, and the page says when plans are written.
    const draft = await getPage(t.app, plansUrl(nextId), session.agency);
    expect(draft.statusCode).toBe(200);
    expect(textOf(draft.body)).toContain('評鑑核定後，才能針對其差距撰寫改善計畫。');
    expect(draft.body).not.toContain(`action="${plansUrl(nextId)}"`);
  });

  it('links the plans page from the accepted assessment’s overview only', async () => {
    expect((await getPage(t.app, `/assessments/${ownId}`, session.ministry)).body).toContain(`href="${plansUrl()}"`);
    expect((await getPage(t.app, `/assessments/${nextId}`, session.agency)).body).not.toContain(`href="${plansUrl(nextId)}"`);
  });

  it('adds a plan through the form, refuses one without the CSRF token, and keeps what was typed when refused', async () => {
    const { cookie, csrf } = await csrfFrom(t.app, plansUrl(), session.agency!);
    const fields = { process: first, attribute: 'PA2.1', action: '訂定資安目標<b>並每季檢討</b>', owner: '資訊室 王主任', due: '2020-01-31' };
    expect((await postForm(t.app, plansUrl(), cookie, fields)).statusCode).toBe(403);
    expect(await storedPlans()).toHaveLength(0);

    const added = await postForm(t.app, plansUrl(), cookie, { _csrf: csrf, ...fields });
    expect(added.statusCode, added.body).toBe(303);
    const [plan] = await storedPlans();
    expect(plan).toMatchObject({ process: first, attribute: 'PA2.1', action: '訂定資安目標<b>並每季檢討</b>', owner: '資訊室 王主任', due: '2020-01-31', status: 'open', createdBy: 'agency' });
    expect(added.headers.location).toBe(`${plansUrl()}?done=added#plan-${plan!.id}`);
    const after = await follow(t.app, added, cookie);
    expect(textOf(after.body)).toContain('已新增改善計畫。');
    expect(after.body).toContain('訂定資安目標&lt;b&gt;並每季檢討&lt;/b&gt;');
    expect(after.body).not.toContain('<b>並每季檢討</b>');
    // Its due day is over: overdue.
    expect(textOf(after.body)).toContain('民國 109 年 1 月 31 日 逾期');

    // Refused: an empty owner (422) keeps the action typed; a gap that is not one (422); a draft (409).
    const empty = await postForm(t.app, plansUrl(), cookie, { _csrf: csrf, ...fields, action: '導入文件管理程序', owner: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(textOf(empty.body)).toContain('改善計畫未儲存：owner must not be empty');
    expect(empty.body).toContain('>導入文件管理程序</textarea>');
    expect((await postForm(t.app, plansUrl(), cookie, { _csrf: csrf, ...fields, attribute: 'PA1.1' })).statusCode).toBe(422);
    expect((await postForm(t.app, plansUrl(), cookie, { _csrf: csrf, ...fields, due: '2031-02-29' })).statusCode).toBe(422);
    const next = await csrfFrom(t.app, plansUrl(nextId), session.agency!);
    expect((await postForm(t.app, plansUrl(nextId), next.cookie, { _csrf: next.csrf, ...fields })).statusCode).toBe(409);
    // A form body that is not well-formed UTF-8 is refused whole.
    const illFormed = await t.app.inject({ method: 'POST', url: plansUrl(), headers: { cookie, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}&process=${first}&attribute=PA2.1&owner=x&due=2031-01-01&action=%ED%A0%80` });
    expect(illFormed.statusCode).toBe(400);
    // Others may not post the form at all.
    const office = await csrfFrom(t.app, plansUrl(), session.office!);
    expect((await postForm(t.app, plansUrl(), office.cookie, { _csrf: office.csrf, ...fields })).statusCode).toBe(403);
    expect(await storedPlans()).toHaveLength(1);
  });

  it('changes a plan through its form: status, owner and due date, audited', async () => {
    const [plan] = await storedPlans();
    const { cookie, csrf } = await csrfFrom(t.app, plansUrl(), session.ciso!);
    const url = `${plansUrl()}/${plan!.id}`;
    expect((await postForm(t.app, url, cookie, { action: plan!.action, owner: '資安長', due: '2031-06-30', status: 'in_progress' })).statusCode).toBe(403);
    const changed = await postForm(t.app, url, cookie, { _csrf: csrf, action: plan!.action, owner: '資安長', due: '2031-06-30', status: 'in_progress' });
    expect(changed.statusCode, changed.body).toBe(303);
    expect(changed.headers.location).toBe(`${plansUrl()}?done=updated#plan-${plan!.id}`);
    expect((await storedPlans())[0]).toMatchObject({ owner: '資安長', due: '2031-06-30', status: 'in_progress', revision: 2 });
    const page = await follow(t.app, changed, cookie);
    expect(textOf(page.body)).toContain('已更新改善計畫。');
    expect(textOf(page.body)).toContain('進行中');
    const entry = await t.app.services.handle.db.selectFrom('auditEntries').selectAll().where('action', '=', 'improvement.update').executeTakeFirstOrThrow();
    expect([entry.actor, JSON.parse(entry.before!), JSON.parse(entry.after!)]).toEqual(['ciso', { id: plan!.id, owner: '資訊室 王主任', due: '2020-01-31', status: 'open' }, { id: plan!.id, owner: '資安長', due: '2031-06-30', status: 'in_progress' }]);
    // A status that is none of the three: 422, nothing changed; a plan not on this assessment: 404.
    const bad = await postForm(t.app, url, cookie, { _csrf: csrf, action: plan!.action, owner: '資安長', due: '2031-06-30', status: 'closed' });
    expect(bad.statusCode).toBe(422);
    expect((await postForm(t.app, `${plansUrl(nextId)}/${plan!.id}`, cookie, { _csrf: csrf, status: 'done' })).statusCode).toBe(404);
    expect((await storedPlans())[0]).toMatchObject({ status: 'in_progress', revision: 2 });
  });

  it('carries the plans not done onto the agency’s assessment of the next cycle', async () => {
    const agency = await csrfFrom(t.app, plansUrl(), session.agency!);
    const fields = { _csrf: agency.csrf, process: first, attribute: 'PA2.2' };
    expect((await postForm(t.app, plansUrl(), agency.cookie, { ...fields, action: '建立績效量測', owner: '資訊室', due: '2020-02-15' })).statusCode).toBe(303);
    expect((await postForm(t.app, plansUrl(), agency.cookie, { ...fields, action: '已完成的計畫', owner: '總務處', due: '2020-03-01' })).statusCode).toBe(303);
    const done = (await storedPlans()).find((p) => p.action === '已完成的計畫')!;
    expect((await postForm(t.app, `${plansUrl()}/${done.id}`, agency.cookie, { _csrf: agency.csrf, action: done.action, owner: done.owner, due: done.due, status: 'done' })).statusCode).toBe(303);

    for (const who of ['agency', 'ministry', 'office']) {
      const overview = await getPage(t.app, `/assessments/${nextId}`, session[who]);
      expect(overview.statusCode, who).toBe(200);
      const text = textOf(overview.body);
      expect(text, who).toContain('前期未完成的改善計畫');
      expect(text, who).toContain(`119 ${first} PA2.1 訂定資安目標<b>並每季檢討</b> 資安長 民國 120 年 6 月 30 日 進行中`);
      expect(text, who).toContain(`119 ${first} PA2.2 建立績效量測 資訊室 民國 109 年 2 月 15 日 逾期 未開始`);
      expect(text, who).not.toContain('已完成的計畫');
      expect(overview.body, who).toContain(`href="${plansUrl()}#plan-`);
    }
    // Not on the assessment the plans were written on, nor on another agency's.
    expect(textOf((await getPage(t.app, `/assessments/${ownId}`, session.agency)).body)).not.toContain('前期未完成的改善計畫');
    expect(textOf((await getPage(t.app, `/assessments/${otherId}`, session.office)).body)).not.toContain('前期未完成的改善計畫');
  });
});
