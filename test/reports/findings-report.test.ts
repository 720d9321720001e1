// The findings report read as a reader reads it: text extracted with poppler (agency, levels, every
// process, every assessor change, the DRAFT mark, ROC dates, English labels), the font embedded as a
// subset, every text item inside the margins (pdfjs-dist) also with very long texts, identical bytes on
// every render (also in a fresh process), the annex listing every answer, and pages as PNG to look at.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { A4_FRAME } from '../../src/reports/layout.js';
import { renderFindingsReport } from '../../src/reports/findings-report.js';
import { score } from '../../src/domain/scoring.js';
import { draftReportInput, sealedReportInput, type ReportInput } from '../../src/reports/report-input.js';
import { hasPoppler, pagesToPng, pdfFonts, pdfPages, squash, textItems } from './pdf-tools.js';
import { buildFixture, questionnaire109, VERIFY_URL, type Fixture } from './report-fixtures.js';

// Poppler may be missing on a developer's machine (the tests then skip); CI installs it, and there a
// missing poppler fails the run.
const describeWithPoppler = describe.skipIf(!hasPoppler && process.env.CI !== 'true');

const fixture: Fixture = buildFixture();
const renders = new Map<string, Promise<Buffer>>();
/** Each (input, language, part) rendered once for the whole file. */
function render(name: string, input: ReportInput, lang: 'zh-TW' | 'en', part: 'main' | 'annex' = 'main'): Promise<Buffer> {
  const key = `${name}/${lang}/${part}`;
  let pdf = renders.get(key);
  if (!pdf) {
    pdf = renderFindingsReport(input, { lang, part });
    renders.set(key, pdf);
  }
  return pdf;
}

const index = questionnaire109();
const processIds = index.processes.map((p) => p.id);
const changedRatings = fixture.record.assessorChanges.ratings.filter((r) => r.rating !== r.agencyRating);

/** Long texts: a name of several hundred characters, findings of 30,000 and two evidence texts of 20,000, each numbered so nothing lost goes unnoticed. */
function longText(tag: string, chars: number): { text: string; marks: string[] } {
  let text = '';
  const marks: string[] = [];
  for (let i = 1; text.length < chars; i++) {
    const mark = `〔${tag}-${String(i).padStart(4, '0')}〕`;
    marks.push(mark);
    const url = `https://example.gov.tw/evidence/${'x'.repeat(i % 7 === 0 ? 160 : 4)}`;
    text += `${mark}評審員檢視資通安全維護計畫與年度稽核報告，發現 ISO/IEC 27001:2022 條文對照表未更新（version 3.2.1-rc），${url} 需補正。${i % 10 === 0 ? '\n' : ''}`;
  }
  return { text, marks };
}
const longFinding = longText('F', 30_000);
const longEvidence = longText('E', 20_000);
const LONG_NAME = `臨時特設跨部會聯合資通安全治理暨數位韌性強化推動辦公室（${'Inter-Ministerial-Joint-Cyber-Security-Governance-Office'.repeat(4)}）附屬北區、中區、南區、東區及離島區域聯防中心`;
const long = buildFixture({
  agencyName: LONG_NAME,
  findingText: (p) => (p === 'TEC-03' ? longFinding.text : `${p} 之發現。`),
  evidence: (p, i) => (p === 'GOV-01' && i === 'BP2' ? longEvidence.text : `${p} ${i}：${'資通安全維護計畫第 3 版及年度稽核報告，'.repeat(3)}`),
});

describeWithPoppler('the findings report, read as a reader reads it', () => {
  let sealedZh: string[];
  let draftZh: string[];
  let sealedEn: string[];
  let draftEn: string[];

  beforeAll(async () => {
    const pdfs = await Promise.all([render('sealed', fixture.sealed, 'zh-TW'), render('draft', fixture.draft, 'zh-TW'), render('sealed', fixture.sealed, 'en'), render('draft', fixture.draft, 'en')]);
    [sealedZh, draftZh, sealedEn, draftEn] = pdfs.map((pdf) => pdfPages(pdf)) as [string[], string[], string[], string[]];
  });

  it('names the agency, its level against the target and the self level beside it', () => {
    const text = squash(sealedZh.join('\n'));
    const { validated, self } = fixture.record;
    expect(validated.level).toBe(2);
    expect(text).toContain(squash(fixture.record.agency.name));
    expect(text).toContain(squash(`驗證成熟度等級 ${validated.level}，目標等級 3：未達成。機關自評等級 ${self.level}。`));
    expect(text).toContain(squash(`平均分數 ${validated.score.toFixed(2)} ${self.score.toFixed(2)}`));
    for (const label of ['機關代碼', 'A-109-001', '資通安全責任等級', '上級機關', '數位發展部', '109 年度', 'isgm-109@1.1.0', '已核定']) expect(text).toContain(squash(label));
  });

  it('lists every process in the chart and in the PA rating table', () => {
    const text = sealedZh.join('\n');
    for (const id of processIds) expect(text.split(id).length - 1, id).toBeGreaterThanOrEqual(2);
    const chart = sealedZh.find((page) => page.includes('各流程能力等級') && page.includes('目標 3'))!;
    for (const id of processIds) expect(chart).toContain(id);
  });

  it('prints every assessor change, scope decision and override with its reason', () => {
    const text = squash(sealedZh.join('\n'));
    expect(changedRatings.length).toBeGreaterThanOrEqual(3);
    for (const r of changedRatings) {
      expect(text).toContain(squash(r.reason!));
      expect(text).toContain(r.indicator);
    }
    for (const d of fixture.record.assessorChanges.scope) expect(text).toContain(squash(d.reason));
    for (const o of fixture.record.assessorChanges.overrides) expect(text).toContain(squash(o.reason));
    expect(text).toContain(squash('（機關其後已修改答案，本評等不計入）'));
    expect(text).toContain(squash('另有 1 項指標經評審員確認，維持機關評等。'));
  });

  it('prints the path to target with the guidance of each blocking indicator, findings, out-of-scope justifications and the sign-off', () => {
    const text = squash(sealedZh.join('\n'));
    const gap = fixture.record.validated.gaps.find((g) => g.process === 'TEC-03')!;
    const indicator = index.questionnaire.attributes.find((a) => a.id === gap.attribute)!.indicators.find((i) => i.id === gap.indicators[0])!;
    expect(text).toContain(squash(indicator.guidance['zh-TW']).slice(0, 120));
    for (const f of fixture.record.findings) expect(text).toContain(squash(f.text));
    expect(text).toContain(squash('本機關未加入威脅情資分享機制，由上級機關統一辦理。'));
    expect(text).toContain(squash(fixture.record.signOff!.statement['zh-TW']));
    expect(text).toContain(squash('民國 109 年 3 月 20 日 14:30'));
  });

  it('numbers every page, and the contents give the page each section starts on', () => {
    const total = sealedZh.length;
    sealedZh.forEach((page, i) => expect(squash(page)).toContain(squash(`第 ${i + 1} 頁，共 ${total} 頁`)));
    const contents = sealedZh[1]!.split('\n').map((line) => /^\s*(\S+)\s*\.*\s*(\d+)\s*$/.exec(line.replace(/[.\s]{3,}/g, ' '))).filter((m) => m !== null);
    expect(contents.map((m) => m[1])).toEqual(['資通安全長簽署', '結果摘要', '各流程能力等級', '流程屬性評等', '達成目標之路徑', '評審發現', '評審員調整', '不適用之流程', '簽核']);
    for (const [, title, page] of contents) {
      const lines = sealedZh[Number(page) - 1]!.split('\n').map((l) => l.trim());
      expect(lines, `${title} on page ${page}`).toContain(title);
    }
  });

  it('writes ROC dates in Chinese and prints the verification code, audit head and verify address on every page of a sealed report', () => {
    expect(squash(sealedZh[0]!)).toContain(squash('民國 109 年 3 月 31 日'));
    for (const page of sealedZh) {
      expect(page).toContain(fixture.verificationCode);
      expect(page).toContain(fixture.record.auditHead);
      expect(page).toContain(VERIFY_URL);
    }
  });

  it('marks every page of a draft DRAFT (草稿), and no page of a sealed report', () => {
    for (const page of draftZh) expect(page).toContain('草稿');
    for (const page of draftEn) expect(page).toContain('DRAFT');
    for (const page of sealedZh) expect(page).not.toContain('草稿');
    for (const page of sealedEn) expect(page).not.toMatch(/draft/i);
    const draft = squash(draftZh.join('\n'));
    expect(draft).toContain(squash('機關自評（暫定）'));
    expect(draft).toContain(squash('評審員已評等 6／18 個流程'));
    expect(draft).not.toContain(fixture.verificationCode);
    // A draft's self result is provisional; its validated level is shown only for rated processes.
    expect(squash(draftZh.join('\n'))).toContain(squash('能力等級 3（暫定，評審員尚未評等）'));
  });

  it('speaks English with lang en', () => {
    const text = sealedEn.join('\n');
    for (const label of ['Security Governance Maturity Assessment', 'Contents', 'Summary', 'Capability level of each process', 'Process attribute ratings', 'Path to the target', 'Assessor findings', 'Assessor changes', 'Processes out of scope', 'Sign-off', '31 March 2020', 'ROC 109 (2020)', 'Security Policy and Objectives']) {
      expect(text).toContain(label);
    }
    sealedEn.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${sealedEn.length}`));
    expect(text).not.toContain('民國');
    expect(squash(text)).toContain(squash('Validated maturity level 2 against a target of 3: Not met. Self-assessed level 2.'));
  });

  it('embeds Noto Sans TC as a subset, and no other font', async () => {
    for (const pdf of [await render('sealed', fixture.sealed, 'zh-TW'), await render('sealed', fixture.sealed, 'en'), await render('sealed', fixture.sealed, 'zh-TW', 'annex')]) {
      const fonts = pdfFonts(pdf);
      expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['NotoSansTC-Bold', 'NotoSansTC-Regular']);
      for (const f of fonts) {
        expect(f.name).toMatch(/^[A-Z]{6}\+/);
        expect(f).toMatchObject({ embedded: true, subset: true });
      }
    }
  });

  it('draws the chart as vectors with its labels as text', async () => {
    const pdf = await render('sealed', fixture.sealed, 'zh-TW');
    const items = await textItems(pdf);
    const chartPage = sealedZh.findIndex((page) => page.includes('各流程能力等級') && page.includes('目標 3')) + 1;
    const labels = items.filter((i) => i.page === chartPage).map((i) => i.text);
    for (const tick of ['0', '1', '2', '3', '4', '5']) expect(labels).toContain(tick);
    expect(labels).toContain('目標 3');
    expect(pdf.includes('/Subtype /Image')).toBe(false);
  });

  it('keeps every text item inside the page margins', async () => {
    const { margin } = A4_FRAME;
    for (const [name, pdf] of [
      ['sealed zh', await render('sealed', fixture.sealed, 'zh-TW')],
      ['draft en', await render('draft', fixture.draft, 'en')],
      ['annex zh', await render('sealed', fixture.sealed, 'zh-TW', 'annex')],
    ] as const) {
      const items = await textItems(pdf);
      expect(items.length).toBeGreaterThan(100);
      const outside = items.filter(
        (i) => !i.upright || i.x < margin.left - 0.01 || i.x + i.width > i.pageWidth - margin.right + 0.01 || i.y - 0.3 * i.size < margin.bottom || i.y + 0.9 * i.size > i.pageHeight - margin.top,
      );
      expect(outside, name).toEqual([]);
    }
  });

  it('gives identical bytes for the same input and language', async () => {
    for (const [input, lang, part] of [
      [fixture.sealed, 'zh-TW', 'main'],
      [fixture.sealed, 'en', 'annex'],
      [fixture.draft, 'zh-TW', 'main'],
    ] as const) {
      const [a, b] = await Promise.all([renderFindingsReport(input, { lang, part }), renderFindingsReport(input, { lang, part })]);
      expect(a.equals(b)).toBe(true);
    }
    const [zh, en] = await Promise.all([render('sealed', fixture.sealed, 'zh-TW'), render('sealed', fixture.sealed, 'en')]);
    expect(zh.equals(en)).toBe(false);
  });

  it('gives the same bytes when rebuilt from the sealed record in a fresh process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-fresh-'));
    try {
      writeFileSync(join(dir, 'input.json'), JSON.stringify(fixture.sealed));
      execFileSync(process.execPath, ['--import', 'tsx', join(packageRoot, 'test/reports/render-report.ts'), join(dir, 'input.json'), 'zh-TW', 'main', join(dir, 'out.pdf')], { cwd: packageRoot, stdio: 'pipe' });
      const fresh = readFileSync(join(dir, 'out.pdf'));
      const here = await render('sealed', fixture.sealed, 'zh-TW');
      expect(createHash('sha256').update(fresh).digest('hex')).toBe(createHash('sha256').update(here).digest('hex'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every answer in the annex with its rating, evidence and file names, by process and level', async () => {
    const pdf = await render('sealed', fixture.sealed, 'zh-TW', 'annex');
    const raw = squash(pdfPages(pdf, 'raw').join('\n'));
    const answers = fixture.sealed.answers!;
    expect(answers.length).toBe(fixture.answerCount);
    for (const a of answers) if (a.evidence) expect(raw, `${a.process} ${a.indicator}`).toContain(squash(a.evidence));
    for (const name of answers.flatMap((a) => a.files)) expect(raw).toContain(squash(name));
    expect(raw).toContain(squash('本機關無自行維運之資訊系統，本項不適用。'));
    expect(raw).toContain(squash('第 1 級 PA1.1 流程執行'));
    expect(raw).toContain(squash('第 3 級 PA3.2 流程部署'));
    // Every process has its heading, in questionnaire order, followed by the count of its answers.
    const names = new Map(index.questionnaire.aspects.flatMap((x) => x.processes).map((p) => [p.id, p.name['zh-TW']]));
    const starts = index.processes.map((p) => raw.indexOf(squash(`${p.id} ${names.get(p.id)!}`)));
    expect(starts.every((at, i) => at >= 0 && (i === 0 || at > starts[i - 1]!))).toBe(true);
    index.processes.forEach((p, i) => {
      const n = answers.filter((a) => a.process === p.id).length;
      const section = raw.slice(starts[i], starts[i + 1] ?? raw.length);
      expect(section, p.id).toContain(n > 0 ? squash(`共 ${n} 項填答`) : squash('本流程尚無填答。'));
    });
  });

  it('renders page 1 and the chart page to PNG for a person to look at', async () => {
    const sealed = await render('sealed', fixture.sealed, 'zh-TW');
    const chartPage = sealedZh.findIndex((page) => page.includes('各流程能力等級') && page.includes('目標 3')) + 1;
    const files = [
      ...pagesToPng(sealed, 'findings-sealed-zh-TW', [1, chartPage]),
      ...pagesToPng(await render('draft', fixture.draft, 'zh-TW'), 'findings-draft-zh-TW', [1, chartPage]),
      ...pagesToPng(await render('sealed', fixture.sealed, 'en'), 'findings-sealed-en', [1, chartPage]),
      ...pagesToPng(await render('sealed', fixture.sealed, 'zh-TW', 'annex'), 'findings-annex-zh-TW', [1, 2]),
    ];
    for (const file of files) {
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeGreaterThan(10_000);
    }
  });
});

describeWithPoppler('the findings report with very long names, findings and evidence', () => {
  let main: Buffer;
  let annex: Buffer;

  beforeAll(async () => {
    [main, annex] = await Promise.all([render('long', long.sealed, 'zh-TW'), render('long', long.sealed, 'zh-TW', 'annex')]);
  });

  it('keeps every text item inside the margins', async () => {
    const { margin } = A4_FRAME;
    for (const pdf of [main, annex]) {
      const items = await textItems(pdf);
      const outside = items.filter((i) => i.x < margin.left - 0.01 || i.x + i.width > i.pageWidth - margin.right + 0.01 || i.y - 0.3 * i.size < margin.bottom || i.y + 0.9 * i.size > i.pageHeight - margin.top);
      expect(outside).toEqual([]);
    }
  });

  it('wraps the long texts across pages without losing any of them, repeating the table header', () => {
    const mainText = squash(pdfPages(main, 'raw').join('\n'));
    for (const mark of longFinding.marks) expect(mainText).toContain(mark);
    expect(mainText).toContain(squash(LONG_NAME));
    const annexPages = pdfPages(annex, 'raw');
    const annexText = squash(annexPages.join('\n'));
    for (const mark of longEvidence.marks) expect(annexText).toContain(mark);
    // The evidence runs over several pages; each of them repeats the table's header and names the row.
    const evidencePages = annexPages.filter((page) => longEvidence.marks.some((m) => page.includes(m)));
    expect(evidencePages.length).toBeGreaterThanOrEqual(3);
    for (const page of evidencePages.slice(1)) {
      expect(squash(page)).toContain(squash('指標評等佐證說明與檔案'));
      expect(squash(page)).toContain(squash('BP2（續）'));
    }
    pagesToPng(annex, 'findings-long-annex-zh-TW', [1, 2]);
  });
});

describeWithPoppler('the findings report at the edges', () => {
  it('renders a fresh draft: nothing submitted, no assessor, nothing rated, no findings', async () => {
    const results = { self: score(index, { answers: [], target: 3 }), validated: score(index, { answers: [], target: 3, basis: 'validated' }) };
    const input = draftReportInput({
      questionnaire: index.questionnaire,
      assessment: { id: 'fresh', cycleYear: 109, questionnaire: 'isgm-109@1.1.0', state: 'draft', submittedBy: null, submittedAt: null, signOff: null },
      agency: { code: 'B-1', name: '新機關', grade: null, ministry: '' },
      assessor: null,
      results,
      parts: { answers: [], scope: [], assessorRatings: [], scopeDecisions: [], overrides: [], findings: [] },
      generatedAt: '2020-01-02T03:04:05.000Z',
      verifyUrl: VERIFY_URL,
    });
    expect(input.record.validated).toBeNull();
    const [main, annex] = await Promise.all([renderFindingsReport(input, { lang: 'zh-TW', part: 'main' }), renderFindingsReport(input, { lang: 'zh-TW', part: 'annex' })]);
    const pages = pdfPages(main);
    for (const page of [...pages, ...pdfPages(annex)]) expect(page).toContain('草稿');
    const text = squash(pages.join('\n'));
    for (const expected of ['尚未送出，資通安全長尚未簽署。', '評審員尚未評等', '評審員未提出審查發現。', '評審員未調整任何指標評等。', '所有流程均適用。', '填寫中', '民國 109 年 1 月 2 日']) {
      expect(text).toContain(squash(expected));
    }
    expect(squash(pdfPages(annex).join('\n'))).toContain(squash('本流程尚無填答。'));
  });

  it('renders a pilot cycle without a target', async () => {
    const answers = buildFixture().sealed.answers!;
    const self = score(index, { answers, target: null });
    const record = { ...fixture.record, self, validated: score(index, { answers, target: null, basis: 'validated' }) };
    const input = sealedReportInput({ record, verificationCode: 'c'.repeat(64), questionnaire: index.questionnaire, verifyUrl: VERIFY_URL });
    const layout = pdfPages(await renderFindingsReport(input, { lang: 'zh-TW', part: 'main' })).join('\n');
    const text = squash(layout);
    expect(text).toContain(squash(`驗證成熟度等級 ${record.validated.level}（試辦年度，未設目標）`));
    expect(text).toContain(squash('本年度為試辦年度，未設目標等級。'));
    expect(text).toContain(squash('長條為各流程之能力等級（0–5）；依構面分組。'));
    expect(layout).not.toMatch(/目標 \d|已達目標|未達目標/);
  });
});

describe('the findings report refuses what it cannot print', () => {
  it('needs a seal for a report that is not a draft, and the answers for an annex', async () => {
    await expect(renderFindingsReport({ ...fixture.sealed, seal: null }, { lang: 'zh-TW', part: 'main' })).rejects.toThrow(/seal/);
    const { answers: _answers, ...withoutAnswers } = fixture.sealed;
    await expect(renderFindingsReport(withoutAnswers, { lang: 'zh-TW', part: 'annex' })).rejects.toThrow(/answers/);
  });
});
