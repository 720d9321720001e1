// The assessment pages as a browser without JavaScript uses them: the overview, a process page, the
// plain form posts (answer, scope, comment, evidence file, submit with the sign-off), a refused save
// that keeps what was typed, the assessor's review forms and the acceptance confirmation. Both databases.
import { beforeAll, describe, expect, it } from 'vitest';
import { SIGN_OFF_STATEMENT } from '../../src/domain/workflow.js';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { csrfFrom, getPage, postFile, postForm } from '../helpers/pages.js';

describe.each(databaseKinds)('assessment pages on $name', (kind) => {
  const t = useSeededApp(kind);
  const session: Record<string, string> = {};
  let id: string;
  beforeAll(async () => {
    for (const who of ['agency', 'ciso', 'assessor', 'office', 'ministry']) session[who] = await loginAs(t.app, who);
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    id = (await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 109 })).id;
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await t.app.services.reviews.assign(system, id, 'assessor');
  });
  const processUrl = () => `/assessments/${id}/processes/GOV-01`;

  it('shows the overview and a process page, in both languages, with the agency guidance beside the control', async () => {
    const overview = await getPage(t.app, `/assessments/${id}`, session.agency);
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('<html lang="zh-TW">');
    expect(overview.body).toContain('isgm-109@1.1.0');
    expect(overview.body).toContain(`/assessments/${id}/processes/GOV-01`);
    const page = await getPage(t.app, processUrl(), session.agency);
    expect(page.statusCode).toBe(200);
    const q = (await t.app.services.questionnaires.index('isgm-109@1.1.0')).questionnaire;
    const bp1 = q.aspects[0]!.processes[0]!.indicators[0]!;
    expect(page.body).toContain(escape(bp1.text['zh-TW']));
    expect(page.body).toContain(escape(bp1.agencyGuidance!['zh-TW']));
    expect(page.body).toContain('value="NA"');
    const english = await getPage(t.app, `${processUrl()}?lang=en`, session.agency);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain(escape(bp1.agencyGuidance!.en));
    // Not the agency's: another ministry's user sees nothing; a visitor goes to the log-in page.
    expect((await getPage(t.app, `/assessments/${id}`)).headers.location).toBe(`/login?next=${encodeURIComponent(`/assessments/${id}`)}`);
  });

  it('saves an answer through the plain form, refuses one without the CSRF token, and keeps what was typed on a conflict', async () => {
    const { cookie, csrf } = await csrfFrom(t.app, processUrl(), session.agency!);
    const refused = await postForm(t.app, `${processUrl()}/answers/BP1`, cookie, { rating: 'F', evidence: '政策 第 3 版', revision: '0' });
    expect(refused.statusCode).toBe(403);
    const saved = await postForm(t.app, `${processUrl()}/answers/BP1`, cookie, { _csrf: csrf, rating: 'F', evidence: '政策 第 3 版（109-02-01 核定）', revision: '0' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${processUrl()}?done=saved#ind-BP1`);
    const view = await t.app.services.assessments.get({ id: 'x', username: 'office', role: 'office', agency: null, ministry: null }, id);
    expect(view.answers.find((a) => a.process === 'GOV-01' && a.indicator === 'BP1')).toMatchObject({ rating: 'F', evidence: '政策 第 3 版（109-02-01 核定）', revision: 1 });
    // A second window still holding revision 0: 409, the page says so and shows what it typed.
    const stale = await postForm(t.app, `${processUrl()}/answers/BP1`, cookie, { _csrf: csrf, rating: 'P', evidence: '另一個視窗<b>打的字</b>', revision: '0' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('另一個視窗&lt;b&gt;打的字&lt;/b&gt;');
    expect(stale.body).not.toContain('<b>打的字</b>');
    // No rating: 422 with the reason, nothing stored.
    const bad = await postForm(t.app, `${processUrl()}/answers/BP2`, cookie, { _csrf: csrf, evidence: 'x', revision: '0' });
    expect(bad.statusCode).toBe(422);
    // A form body that is not well-formed UTF-8 is refused whole, not stored as literal percent text.
    for (const bytes of ['%ED%A0%80', '%FF%FE', '%C3']) {
      const illFormed = await t.app.inject({ method: 'POST', url: `${processUrl()}/answers/BP3`, headers: { cookie, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}&rating=F&revision=0&evidence=${bytes}` });
      expect(illFormed.statusCode, bytes).toBe(400);
    }
    const stored = await t.app.services.assessments.get({ id: 'x', username: 'office', role: 'office', agency: null, ministry: null }, id);
    expect(stored.answers.find((a) => a.process === 'GOV-01' && a.indicator === 'BP3')).toBeUndefined();
    // NA only on base practices: a generic practice refuses it.
    const na = await postForm(t.app, `${processUrl()}/answers/GP2.1.1`, cookie, { _csrf: csrf, rating: 'NA', justification: 'x', revision: '0' });
    expect(na.statusCode).toBe(422);
  });

  it('takes a scope decision, a comment and an evidence file', async () => {
    const { cookie, csrf } = await csrfFrom(t.app, processUrl(), session.agency!);
    expect((await postForm(t.app, `/assessments/${id}/processes/TEC-03/scope`, cookie, { _csrf: csrf, inScope: 'false', justification: '無自行開發之系統' })).statusCode).toBe(303);
    expect((await postForm(t.app, `/assessments/${id}/processes/TEC-01/scope`, cookie, { _csrf: csrf, inScope: 'false', justification: '' })).statusCode).toBe(422);
    expect((await postForm(t.app, `/assessments/${id}/comments`, cookie, { _csrf: csrf, text: '預計 10 月底送出' })).statusCode).toBe(303);
    const upload = await postFile(t.app, `${processUrl()}/evidence/BP1?_csrf=${csrf}`, cookie, {}, { field: 'file', name: '政策.txt', type: 'text/plain', content: '資通安全政策 第 3 版' });
    expect(upload.statusCode).toBe(303);
    const noToken = await postFile(t.app, `${processUrl()}/evidence/BP1`, cookie, {}, { field: 'file', name: 'x.txt', type: 'text/plain', content: 'x' });
    expect(noToken.statusCode).toBe(403);
    const page = await getPage(t.app, processUrl(), session.agency);
    expect(page.body).toContain('政策.txt');
    const overview = await getPage(t.app, `/assessments/${id}`, session.agency);
    expect(overview.body).toContain('預計 10 月底送出');
  });

  it('lets only the CISO submit, with the statement confirmed, and stores the sign-off', async () => {
    const agencyPage = await getPage(t.app, `/assessments/${id}`, session.agency);
    expect(agencyPage.body).not.toContain(`action="/assessments/${id}/submit"`);
    const { cookie, csrf, response } = await csrfFrom(t.app, `/assessments/${id}`, session.ciso!);
    expect(response.body).toContain(escape(SIGN_OFF_STATEMENT['zh-TW']));
    expect(response.body).toContain(escape(SIGN_OFF_STATEMENT.en));
    expect((await postForm(t.app, `/assessments/${id}/submit`, cookie, { _csrf: csrf })).statusCode).toBe(422);
    // Incomplete: refused with the reason, still a draft.
    const incomplete = await postForm(t.app, `/assessments/${id}/submit`, cookie, { _csrf: csrf, statement: 'true' });
    expect(incomplete.statusCode).toBe(422);
    expect((await t.app.services.assessments.allowed({ id: 'x', username: 'ciso', role: 'ciso', agency: 'MOI-A', ministry: null }, id)).submit).toBe(true);
  });

  it('gives the assessor the review page and its forms, and accepts only after the confirmation', async () => {
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    // Complete the assessment through the services, then submit it as the CISO.
    const view = await t.app.services.assessments.get(system, id);
    const index = await t.app.services.questionnaires.index(view.questionnaire);
    const ciso = { id: 'c', username: 'ciso', role: 'ciso' as const, agency: 'MOI-A', ministry: null };
    const have = new Set(view.answers.map((a) => `${a.process}/${a.indicator}`));
    for (const p of index.processes) {
      if (p.id === 'TEC-03') continue;
      for (const attribute of p.attributes.filter((x) => x.level <= 3)) {
        for (const i of attribute.indicators) if (!have.has(`${p.id}/${i.id}`)) await t.app.services.answers.put(ciso, id, p.id, i.id, { rating: 'F', evidence: `${p.id} ${i.id} 紀錄`, revision: 0 });
      }
    }
    await t.app.services.assessments.submit(ciso, id, { statement: true });
    expect((await getPage(t.app, `/assessments/${id}/review`, session.agency)).statusCode).toBe(403);
    const { cookie, csrf, response } = await csrfFrom(t.app, `/assessments/${id}/review`, session.assessor!);
    expect(response.statusCode).toBe(200);
    expect((await postForm(t.app, `/assessments/${id}/review/start`, cookie, { _csrf: csrf })).statusCode).toBe(303);
    const rated = await postForm(t.app, `/assessments/${id}/review/GOV-01/ratings/BP2`, cookie, { _csrf: csrf, rating: 'L', reason: '計畫未涵蓋全部應辦事項' });
    expect(rated.statusCode).toBe(303);
    expect((await postForm(t.app, `/assessments/${id}/review/GOV-01/ratings/BP3`, cookie, { _csrf: csrf, rating: 'Q', reason: 'x' })).statusCode).toBe(422);
    expect((await postForm(t.app, `/assessments/${id}/review/GOV-01/findings`, cookie, { _csrf: csrf, text: '目標量測尚待落實' })).statusCode).toBe(303);
    const page = await getPage(t.app, `/assessments/${id}/review?process=GOV-01`, session.assessor);
    expect(page.body).toContain('計畫未涵蓋全部應辦事項');
    expect(page.body).toContain('目標量測尚待落實');
    // The confirmation shows the validated level and the change; posting without the box checked accepts nothing.
    const confirm = await getPage(t.app, `/assessments/${id}/review/accept`, session.assessor);
    expect(confirm.body).toContain('GOV-01 BP2');
    expect((await postForm(t.app, `/assessments/${id}/review/accept`, cookie, { _csrf: csrf })).headers.location).toBe(`/assessments/${id}/review/accept`);
    expect((await t.app.services.assessments.get(system, id)).status).toBe('in_review');
    const accepted = await postForm(t.app, `/assessments/${id}/review/accept`, cookie, { _csrf: csrf, confirm: 'true' });
    expect(accepted.headers.location).toBe(`/assessments/${id}?done=accepted`);
    const sealed = await t.app.services.seals.current(id);
    expect(sealed!.record.signOff).toMatchObject({ username: 'ciso', statement: SIGN_OFF_STATEMENT });
    expect(sealed!.record.assessorChanges.ratings).toEqual([expect.objectContaining({ process: 'GOV-01', indicator: 'BP2', rating: 'L' })]);
  });
});

/** How Handlebars writes a text into HTML. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');
}
