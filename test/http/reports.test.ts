// Findings reports over HTTP, both databases: a live DRAFT before acceptance (stored nowhere), the
// sealed PDFs rendered after the acceptance commits and served as stored, verification by the record's
// code and by each PDF's hash, a missing stored report rebuilt to the same bytes, and "superseded" after
// a reopening, with the live DRAFT served again. Every download is audited.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { databaseKinds } from '../helpers/databases.js';

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPdftotext && process.env.CI === 'true') throw new Error('pdftotext (poppler-utils) is needed under CI=true');

function textOf(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!hasPdftotext).each(databaseKinds)('findings reports on $name', (kind) => {
  const t = useSeededApp(kind);
  const cookies: Record<string, string> = {};
  let id: string;
  const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
  const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: cookies[who] ? { cookie: cookies[who] } : {} });

  beforeAll(async () => {
    for (const who of ['agency', 'ciso', 'assessor', 'office', 'ministry']) cookies[who] = await loginAs(t.app, who);
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    id = (await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 109 })).id;
    await t.app.services.reviews.assign(system, id, 'assessor');
    const ciso = { id: 'c', username: 'ciso', role: 'ciso' as const, agency: 'MOI-A', ministry: null };
    const index = await t.app.services.questionnaires.index('isgm-109@1.1.0');
    for (const p of index.processes) {
      for (const attribute of p.attributes.filter((a) => a.level <= 3)) {
        for (const i of attribute.indicators) await t.app.services.answers.put(ciso, id, p.id, i.id, { rating: 'F', evidence: `${p.id} ${i.id} 紀錄`, revision: 0 });
      }
    }
  });

  it('serves a live DRAFT before acceptance, marked on every page, stored nowhere, and audits the download', async () => {
    const r = await get('agency', `/api/assessments/${id}/report.pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe('attachment; filename="MOI-A-109-zh-TW-DRAFT.pdf"');
    const text = textOf(r.rawPayload);
    expect(text).toContain('內政部甲機關');
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) expect(page).toContain('草稿');
    expect(r.headers['x-report-sha256']).toBe(sha(r.rawPayload));
    expect((await t.app.inject({ method: 'GET', url: `/api/reports/verify/${sha(r.rawPayload)}` })).statusCode).toBe(404);
    const [entry] = await t.app.services.audit.list({ limit: 1, subject: `assessment:${id}`, action: 'report.read' });
    expect(entry).toMatchObject({ actor: 'agency', after: { lang: 'zh-TW', part: 'main', sealed: false } });
    // The annex, in English.
    const annex = await get('agency', `/api/assessments/${id}/report.pdf?lang=en&part=annex`);
    expect(textOf(annex.rawPayload)).toContain('GOV-01');
    expect(annex.headers['content-disposition']).toBe('attachment; filename="MOI-A-109-annex-en-DRAFT.pdf"');
    // Who may not see the assessment gets 404; without a session, 401.
    expect((await get('nobody', `/api/assessments/${id}/report.pdf`)).statusCode).toBe(401);
  });

  it('stores the sealed reports after acceptance, serves them as stored and verifies either hash', async () => {
    const ciso = { id: 'c', username: 'ciso', role: 'ciso' as const, agency: 'MOI-A', ministry: null };
    await t.app.services.assessments.submit(ciso, id, { statement: true });
    const assessor = { id: (await t.app.services.accounts.getUser('assessor')).id, username: 'assessor', role: 'assessor' as const, agency: null, ministry: null };
    await t.app.services.reviews.review(assessor, id);
    await t.app.services.reviews.rate(assessor, id, 'GOV-01', 'BP2', { rating: 'L', reason: '計畫未涵蓋全部應辦事項' });
    const { verificationCode } = await t.app.services.reviews.accept(assessor, id);
    await t.app.services.reports.settled();
    const stored = await t.app.services.handle.db.selectFrom('storedReports').select(['lang', 'part', 'sha256']).where('assessmentId', '=', id).execute();
    expect(stored.map((s) => `${s.lang}/${s.part}`).sort()).toEqual(['en/annex', 'en/main', 'zh-TW/annex', 'zh-TW/main']);

    const r = await get('ministry', `/api/assessments/${id}/report.pdf`);
    expect(r.headers['content-disposition']).toBe('attachment; filename="MOI-A-109-zh-TW.pdf"');
    expect(sha(r.rawPayload)).toBe(stored.find((s) => s.lang === 'zh-TW' && s.part === 'main')!.sha256);
    const text = textOf(r.rawPayload);
    expect(text).not.toContain('草稿');
    expect(text).toContain(verificationCode);
    expect(text).toContain('計畫未涵蓋全部應辦事項');
    // Either hash verifies, and the PDF's names the document.
    const byCode = (await t.app.inject({ method: 'GET', url: `/api/reports/verify/${verificationCode}` })).json<unknown>();
    expect(byCode).toMatchObject({ agency: 'MOI-A', cycle: 109, status: 'valid', questionnaire: 'isgm-109@1.1.0' });
    const byPdf = (await t.app.inject({ method: 'GET', url: `/api/reports/verify/${sha(r.rawPayload)}` })).json<unknown>();
    expect(byPdf).toMatchObject({ agency: 'MOI-A', status: 'valid', document: { lang: 'zh-TW', part: 'main' } });

    // The command line writes the same stored bytes, and names a bad option.
    const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
    try {
      const cli = await runCli(['report', '--assessment', id, '--lang', 'zh-TW', '-o', join(dir, 'r.pdf')], { env: { DATABASE_URL: t.db.url } });
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout).toContain('sealed main report in zh-TW');
      expect(sha(readFileSync(join(dir, 'r.pdf')))).toBe(sha(r.rawPayload));
      const bad = await runCli(['report', '--assessment', id, '--lang', 'fr', '-o', join(dir, 'x.pdf')], { env: { DATABASE_URL: t.db.url } });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('--lang must be one of zh-TW, en, not "fr"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // A stored report that went missing is rendered again from the sealed record: the same bytes.
    await t.app.services.handle.db.deleteFrom('storedReports').where('assessmentId', '=', id).where('lang', '=', 'en').where('part', '=', 'main').execute();
    const before = stored.find((s) => s.lang === 'en' && s.part === 'main')!.sha256;
    // Many first requests at once: each gets the same bytes, and one copy is stored.
    const again = await Promise.all(Array.from({ length: 6 }, () => get('office', `/api/assessments/${id}/report.pdf?lang=en`)));
    for (const response of again) expect(sha(response.rawPayload)).toBe(before);
    const copies = await t.app.services.handle.db.selectFrom('storedReports').select('sha256').where('assessmentId', '=', id).where('lang', '=', 'en').where('part', '=', 'main').execute();
    expect(copies).toEqual([{ sha256: before }]);
  });

  it('after a reopening serves the live DRAFT again, and the sealed PDF verifies as superseded', async () => {
    const sealed = await get('office', `/api/assessments/${id}/report.pdf`);
    const office = { id: 'o', username: 'office', role: 'office' as const, agency: null, ministry: null };
    await t.app.services.reviews.reopen(office, id, '機關申覆');
    const live = await get('office', `/api/assessments/${id}/report.pdf`);
    expect(textOf(live.rawPayload)).toContain('草稿');
    const verdict = (await t.app.inject({ method: 'GET', url: `/api/reports/verify/${sha(sealed.rawPayload)}` })).json<unknown>();
    expect(verdict).toMatchObject({ status: 'superseded', reason: '機關申覆', document: { lang: 'zh-TW', part: 'main' } });
  });
});
