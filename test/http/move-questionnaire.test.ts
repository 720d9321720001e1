// The office moves a draft to another version of its questionnaire through the crosswalks (issue 11's
// mechanism, on a test fixture version): answers, scope and evidence follow; only plain one-to-one
// moves stay confirmed; one audit entry lists every mapping. Both databases, and the command line.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/questionnaires/loader.js';
import { PASSWORD, addFixtureVersion, loginAs, useSeededApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { databaseKinds } from '../helpers/databases.js';

interface View {
  questionnaire: string;
  answers: { process: string; indicator: string; rating: string; evidence: string | null; unconfirmed: boolean; revision: number }[];
  evidence: { process: string; indicator: string }[];
}

describe.each(databaseKinds)('moving a draft to another questionnaire version on $name', (kind) => {
  const t = useSeededApp(kind);
  const cookies: Record<string, string> = {};
  let id: string;
  beforeAll(async () => {
    await addFixtureVersion(t.app);
    for (const who of ['agency', 'office', 'ministry']) cookies[who] = await loginAs(t.app, who);
    id = (await as('agency', 'POST', '/api/assessments', { agency: 'MOI-A', cycle: 109 })).json<{ id: string }>().id;
    for (const [indicator, rating] of [['BP1', 'F'], ['BP2', 'L'], ['BP3', 'P'], ['BP4', 'F']] as const) {
      expect((await as('agency', 'PUT', `/api/assessments/${id}/answers/GOV-01/${indicator}`, { rating, evidence: `${indicator} 紀錄`, revision: 0 })).statusCode).toBe(200);
    }
  });
  const as = (who: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
  const move = (who: string, questionnaire: string) => as(who, 'POST', `/api/assessments/${id}/questionnaire`, { questionnaire });

  it('is the office’s, for a version of the same questionnaire that a chain of crosswalks reaches', async () => {
    expect((await move('agency', 'isgm-109@1.2.0')).statusCode).toBe(403);
    expect((await move('ministry', 'isgm-109@1.2.0')).statusCode).toBe(403);
    expect((await as('office', 'POST', '/api/assessments/no-such-id/questionnaire', { questionnaire: 'isgm-109@1.2.0' })).statusCode).toBe(404);
    const other = await move('office', 'isgm-108@1.0.0');
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: { code: 'invalid_move', details: [{ path: '/questionnaire' }] } });
    expect((await move('office', 'isgm-109@9.9.9')).json()).toMatchObject({ error: { code: 'invalid_move', message: 'no questionnaire isgm-109@9.9.9 is stored' } });
    expect((await move('office', 'isgm-109@1.0.0')).statusCode).toBe(422);
    // Without ?version, a questionnaire is served in its newest version; an assessment keeps its own.
    expect((await as('agency', 'GET', '/api/questionnaires/isgm-109')).json()).toMatchObject({ version: '1.2.0' });
    expect((await as('agency', 'GET', `/api/assessments/${id}`)).json()).toMatchObject({ questionnaire: 'isgm-109@1.1.0' });
  });

  it('carries the answers: plain moves stay confirmed, a noted, split or merged one must be confirmed again', async () => {
    const r = await move('office', 'isgm-109@1.2.0');
    expect(r.statusCode, r.body).toBe(200);
    const view = r.json<View>();
    expect(view.questionnaire).toBe('isgm-109@1.2.0');
    const answer = (indicator: string) => view.answers.find((x) => x.process === 'GOV-01' && x.indicator === indicator)!;
    expect(answer('BP1')).toMatchObject({ rating: 'F', unconfirmed: false, revision: 2 });
    expect(answer('BP2')).toMatchObject({ rating: 'L', unconfirmed: true });
    expect(answer('BP3')).toMatchObject({ rating: 'P', unconfirmed: true });
    // BP3 (P) split onto BP4, which also carries BP4 (F): the lowest rating and both evidence texts, in questionnaire order.
    expect(answer('BP4')).toMatchObject({ rating: 'P', unconfirmed: true, evidence: 'BP3 紀錄\nBP4 紀錄' });
    const entry = (await t.app.services.audit.list({ limit: 5, subject: `assessment:${id}`, action: 'assessment.move' }))[0]!;
    expect(entry.before).toEqual({ questionnaire: 'isgm-109@1.1.0' });
    expect((entry.after as { mappings: { from: string; to: string[]; confirmed: boolean }[] }).mappings).toEqual(
      expect.arrayContaining([
        { from: 'GOV-01/BP1', to: ['GOV-01/BP1'], confirmed: true },
        { from: 'GOV-01/BP3', to: ['GOV-01/BP3', 'GOV-01/BP4'], confirmed: false },
      ]),
    );
    // The offline sheet shows the agency guidance of the new version beside the rating.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await as('agency', 'GET', `/api/assessments/${id}/sheet`)).rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Answers 填答')!;
    expect(sheet.getRow(1).getCell(11).value).toBe('填報指引 agency guidance');
    let guidance: unknown;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === 'GOV-01' && row.getCell(2).value === 'BP1') guidance = row.getCell(11).value;
    });
    expect(guidance).toBe('L：引用核定之資通安全政策（文號、日期）；F：另引用其年度檢討紀錄\nL: cite the approved policy (number, date); F: also cite its yearly review record');
    // Scoring and editing go on under the new version.
    expect((await as('agency', 'GET', `/api/assessments/${id}/result`)).json()).toMatchObject({ self: { questionnaire: 'isgm-109@1.2.0' } });
    expect((await as('agency', 'PUT', `/api/assessments/${id}/answers/GOV-01/BP1`, { rating: 'L', evidence: 'x', revision: 2 })).statusCode).toBe(200);
  });

  it('moves a draft made on the published isgm-109@1.0.0 to the corrected 1.1.0 along the shipped crosswalk', async () => {
    // The draft was made while cycle 109 still used 1.0.0.
    expect((await as('office', 'PATCH', '/api/cycles/109', { questionnaire: 'isgm-109@1.0.0' })).statusCode).toBe(200);
    const old = (await as('office', 'POST', '/api/assessments', { agency: 'MOEA-B', cycle: 109 })).json<{ id: string; questionnaire: string }>();
    expect(old.questionnaire).toBe('isgm-109@1.0.0');
    expect((await as('office', 'PATCH', '/api/cycles/109', { questionnaire: 'isgm-109@1.1.0' })).statusCode).toBe(200);
    // Both versions are one cohort: the agency's 109 assessment on 1.0.0 is its one assessment of the cycle.
    expect((await as('office', 'POST', '/api/assessments', { agency: 'MOEA-B', cycle: 109 })).statusCode).toBe(409);
    const listed = (await as('office', 'GET', '/api/assessments?cycle=109')).json<{ agency: string; questionnaire: string }[]>();
    expect(listed.map((a) => `${a.agency} ${a.questionnaire}`).sort()).toEqual(['MOEA-B isgm-109@1.0.0', 'MOI-A isgm-109@1.2.0']);
    const crosswalk = loadCatalog().crosswalks.find((c) => c.crosswalk.from === 'isgm-109@1.0.0' && c.crosswalk.to === 'isgm-109@1.1.0')!.crosswalk;
    const basePractices = crosswalk.indicators.filter((m) => m.from.indicator.startsWith('BP'));
    const plain = basePractices.filter((m) => m.to.length === 1 && !m.note && m.to[0]!.indicator === m.from.indicator);
    const noted = basePractices.filter((m) => m.note && m.to.length > 0);
    const dropped = basePractices.filter((m) => m.to.length === 0);
    // 1.1.0 rewrote the line between L and F of every indicator, so every entry carries a note; plain
    // moves are exercised on the fixture above.
    expect(noted.length).toBeGreaterThan(0);
    const samples = [...plain.slice(0, 3), ...noted.slice(0, 3), ...dropped.slice(0, 1)];
    await t.app.services.accounts.createUser(null, { username: 'ciso.moea', role: 'ciso', agency: 'MOEA-B', ministry: null, password: PASSWORD });
    const cisoOfB = await loginAs(t.app, 'ciso.moea');
    for (const m of samples) {
      const put = await t.app.inject({ method: 'PUT', url: `/api/assessments/${old.id}/answers/${m.from.process}/${m.from.indicator}`, headers: { cookie: cisoOfB }, payload: { rating: 'F', evidence: `${m.from.process}/${m.from.indicator} 紀錄`, revision: 0 } });
      expect(put.statusCode, put.body).toBe(200);
    }
    const r = await as('office', 'POST', `/api/assessments/${old.id}/questionnaire`, { questionnaire: 'isgm-109@1.1.0' });
    expect(r.statusCode, r.body).toBe(200);
    const view = r.json<View>();
    expect(view.questionnaire).toBe('isgm-109@1.1.0');
    const at = (process: string, indicator: string) => view.answers.find((x) => x.process === process && x.indicator === indicator);
    // A plain one-to-one entry keeps the answer confirmed; an entry with a note asks the agency to confirm it again.
    for (const m of plain.slice(0, 3)) expect(at(m.to[0]!.process, m.to[0]!.indicator), JSON.stringify(m.from)).toMatchObject({ rating: 'F', unconfirmed: false });
    for (const m of noted.slice(0, 3)) for (const to of m.to) expect(at(to.process, to.indicator), JSON.stringify(m.from)).toMatchObject({ unconfirmed: true });
    // Nothing lands on an indicator that nothing maps to (an added practice).
    const targets = new Set(crosswalk.indicators.flatMap((m) => m.to.map((to) => `${to.process}/${to.indicator}`)));
    for (const a of view.answers) expect(targets.has(`${a.process}/${a.indicator}`)).toBe(true);
    expect(view.answers.length).toBe(new Set(samples.flatMap((m) => m.to.map((to) => `${to.process}/${to.indicator}`))).size);
  });

  it('moves only drafts (409 otherwise), and the command line does the same work and names a refusal', async () => {
    const cli = await runCli(['move-questionnaire', '--assessment', id, '--to', 'isgm-109@1.0.0'], { env: { DATABASE_URL: t.db.url } });
    // That process knows only the shipped crosswalks: no chain leads back, and it says so.
    expect(cli.status).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('no crosswalk, nor chain of crosswalks, leads from isgm-109@1.2.0 to isgm-109@1.0.0');
    await t.app.services.handle.db.updateTable('assessments').set({ status: 'submitted' }).where('id', '=', id).execute();
    expect((await move('office', 'isgm-109@1.0.0')).statusCode).toBe(409);
  });
});
