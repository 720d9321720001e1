// Hostile text shown as text (issue 15): an agency name, evidence text, a comment, an evidence file
// name, an assessor's reason and override reason and a finding, each holding markup, script, a
// template expression, a javascript: URL and a right-to-left override, are entered through the API
// and then read on every page that shows them (escaped, never live markup) and in the findings report
// PDF, main part and annex, zh-TW and en (pdftotext gives them back as written). Both databases.
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, tokenFor, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { getPage, textOf } from '../helpers/pages.js';
import { hasPoppler, pdfPages, squash } from '../reports/pdf-tools.js';

/** What every field holds after its label: markup, script, a template expression, a javascript: URL, a right-to-left override. */
const PAYLOAD = `<script>alert(1)</script> "><img src=x onerror=alert(1)> {{constructor}} javascript:alert(1) \u202egnp.exe`;
const TEXT = {
  agency: `機關 ${PAYLOAD}`,
  evidence: `EVIDENCE ${PAYLOAD}`,
  comment: `COMMENT ${PAYLOAD}`,
  reason: `REASON ${PAYLOAD}`,
  override: `OVERRIDE ${PAYLOAD}`,
  finding: `FINDING ${PAYLOAD}`,
  // File names lose bidirectional overrides and everything up to a last slash when stored (hostile-input
  // L10): markup without a slash instead.
  file: `FILE <svg onload=alert(1)> "><img src=x onerror=alert(1)> {{constructor}} javascript:alert(1).txt`,
} as const;
type Field = keyof typeof TEXT;

/** Markup that must never reach a page live. */
const LIVE = [/<script>alert/i, /<svg onload/i, /<img src=x/i, /(href|src|action)\s*=\s*["']?\s*javascript:/i, /onerror=alert\(1\)>/i];

const SYSTEM = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const CYCLE = 150;

describe.each(databaseKinds)('hostile text on pages and in reports on $name', (kind) => {
  const t = useSeededApp(kind);
  const token: Record<string, string> = {};
  const cookie: Record<string, string> = {};
  let id = '';
  let code = '';
  const pagesBefore = new Map<string, string>();

  const api = async (who: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, expected = 200) => {
    const r = await t.app.inject({ method, url, headers: { authorization: token[who]! }, ...(payload ? { payload } : {}) });
    expect(r.statusCode, `${method} ${url}: ${r.body.slice(0, 300)}`).toBe(expected);
    return r;
  };

  beforeAll(async () => {
    for (const who of ['agency', 'ciso', 'assessor', 'office', 'ministry']) {
      token[who] = await tokenFor(t.app, who);
      cookie[who] = await loginAs(t.app, who);
    }
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await t.app.services.cycles.create(null, { year: CYCLE, questionnaire: 'isgm-109@1.0.0', targetLevel: null });
    await t.app.services.agencies.update(SYSTEM, 'MOI-A', { grades: { [String(CYCLE)]: 'A' } });
    await api('office', 'PATCH', '/api/agencies/MOI-A', { name: TEXT.agency });
    id = (await api('agency', 'POST', '/api/assessments', { agency: 'MOI-A', cycle: CYCLE }, 201)).json<{ id: string }>().id;
    await api('agency', 'PUT', `/api/assessments/${id}/answers/GOV-01/BP1`, { rating: 'F', evidence: TEXT.evidence, revision: 0 });
    await api('agency', 'POST', `/api/assessments/${id}/comments`, { text: TEXT.comment }, 201);
    const boundary = 'hostile-text';
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/assessments/${id}/evidence`,
      headers: { authorization: token.agency!, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="process"\r\n\r\nGOV-01\r\n` +
          `--${boundary}\r\ncontent-disposition: form-data; name="indicator"\r\n\r\nBP1\r\n` +
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(TEXT.file)}\r\ncontent-type: text/plain\r\n\r\nminutes\r\n--${boundary}--\r\n`,
      ),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json<{ name: string }>().name).toBe(TEXT.file);
    await api('office', 'PUT', '/api/assignments', { assessment: id, assessor: 'assessor' });
    await api('ciso', 'POST', `/api/assessments/${id}/submit`, { statement: true });
    await api('assessor', 'POST', `/api/assessments/${id}/review`);
    await api('assessor', 'PUT', `/api/assessments/${id}/reviews/GOV-01/BP1`, { rating: 'P', reason: TEXT.reason });
    await api('assessor', 'PUT', `/api/assessments/${id}/overrides/GOV-01/PA2.1`, { rating: 'P', reason: TEXT.override });
    await api('assessor', 'PUT', `/api/assessments/${id}/findings/_`, { text: TEXT.finding });
    // The review pages while the review is open, then the acceptance that seals the record.
    for (const url of [`/assessments/${id}/review`, `/assessments/${id}/review/accept`]) pagesBefore.set(url, (await getPage(t.app, url, cookie.assessor)).body);
    await api('assessor', 'POST', `/api/assessments/${id}/accept`);
    code = (await t.app.services.handle.db.selectFrom('sealedRecords').select('recordSha256').where('assessmentId', '=', id).executeTakeFirstOrThrow()).recordSha256;
  });

  /**
   * Every page that shows the hostile text, who looks at it, and which fields it shows (the assessment
   * pages name the agency by its code; the override reason is shown only in the report).
   */
  const PAGES: { url: () => string; who: string | null; shows: Field[] }[] = [
    { url: () => '/', who: 'agency', shows: ['agency'] },
    { url: () => `/assessments/${id}`, who: 'agency', shows: ['agency', 'comment'] },
    { url: () => `/assessments/${id}/processes/GOV-01`, who: 'agency', shows: ['evidence', 'file', 'reason'] },
    { url: () => `/assessments/${id}/processes/GOV-01?lang=en`, who: 'agency', shows: ['evidence', 'file', 'reason'] },
    { url: () => `/assessments/${id}/review`, who: 'assessor', shows: ['evidence', 'file', 'reason', 'finding'] },
    { url: () => '/office/agencies', who: 'office', shows: ['agency'] },
    { url: () => `/office/assignments?cycle=${CYCLE}`, who: 'office', shows: ['agency'] },
    { url: () => '/office/audit', who: 'office', shows: [] },
    { url: () => `/ministry?cycle=${CYCLE}`, who: 'ministry', shows: ['agency'] },
    { url: () => `/verify?code=${code}`, who: null, shows: ['agency'] },
  ];

  /** What is wrong with a page: live markup, or a field it shows that is not in its text as written. */
  const check = (where: string, html: string, shows: readonly Field[]) => {
    const text = textOf(html);
    return [...LIVE.filter((live) => live.test(html)).map((live) => `${where}: live ${String(live)}`), ...shows.filter((field) => !text.includes(TEXT[field])).map((field) => `${where}: no ${field}`)];
  };

  it('shows every field escaped, as text, on every page that shows it', async () => {
    const wrong: string[] = [];
    for (const page of PAGES) {
      const r = await getPage(t.app, page.url(), page.who ? cookie[page.who] : undefined);
      expect(r.statusCode, page.url()).toBe(200);
      wrong.push(...check(page.url(), r.body, page.shows));
    }
    wrong.push(...check('the open review page', pagesBefore.get(`/assessments/${id}/review`)!, ['evidence', 'file', 'reason', 'finding']));
    wrong.push(...check('the acceptance page', pagesBefore.get(`/assessments/${id}/review/accept`)!, []));
    expect(wrong).toEqual([]);
  });

  it.skipIf(!hasPoppler)('the findings report, main part and annex, zh-TW and en, holds every field as written', async () => {
    // The report's fonts have no glyph for the invisible right-to-left override: what a reader sees is the rest.
    const visible = (s: string) => squash(s.replace(/\u202e/g, ''));
    const inMain: Field[] = ['agency', 'reason', 'override', 'finding'];
    const inAnnex: Field[] = ['agency', 'evidence', 'file'];
    for (const lang of ['zh-TW', 'en']) {
      for (const [part, fields] of [['main', inMain], ['annex', inAnnex]] as const) {
        const r = await api('agency', 'GET', `/api/assessments/${id}/report.pdf?lang=${lang}&part=${part}`);
        const text = visible(pdfPages(r.rawPayload, 'raw').join('\n'));
        for (const field of fields) expect(text, `${part} (${lang}) holds the ${field}`).toContain(visible(TEXT[field]));
      }
    }
  });
});
