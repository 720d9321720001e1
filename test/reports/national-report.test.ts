// The national KPI report read as a reader reads it (poppler's pdftotext, pdfjs-dist for positions): the
// figures of a cohort counted by hand in both languages, PROVISIONAL on every page of an open cycle and
// nowhere in a closed one, the snapshot hash in a closed cycle's footer, identical bytes on every render
// (also in a fresh process), long names wrapped inside the margins, 320 agencies paginated with the
// table's header repeated, and pages as PNG to look at.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { A4_FRAME } from '../../src/reports/layout.js';
import { renderNationalReport, type NationalReportInput } from '../../src/reports/national-report.js';
import { hasPoppler, pagesToPng, pdfFonts, pdfPages, squash, textItems } from './pdf-tools.js';
import { CYCLE_109, NATIONAL_VERIFY_URL, SMALL_AGENCIES, SNAPSHOT_SHA, nationalInput, syntheticAgencies } from './national-fixtures.js';

const describeWithPoppler = describe.skipIf(!hasPoppler && process.env.CI !== 'true');

const open = nationalInput(SMALL_AGENCIES, { provisional: true });
const closed = nationalInput(SMALL_AGENCIES, { provisional: false });
const renders = new Map<string, Promise<Buffer>>();
function render(name: string, input: NationalReportInput, lang: 'zh-TW' | 'en'): Promise<Buffer> {
  const key = `${name}/${lang}`;
  if (!renders.has(key)) renders.set(key, renderNationalReport(input, { lang }));
  return renders.get(key)!;
}
const pageOf = (pages: string[], title: string) => pages.find((p) => p.split('\n').some((l) => l.trim() === title))!;

describeWithPoppler('the national KPI report, read as a reader reads it', () => {
  let openZh: string[];
  let closedZh: string[];
  let openEn: string[];
  let closedEn: string[];

  beforeAll(async () => {
    const pdfs = await Promise.all([render('open', open, 'zh-TW'), render('closed', closed, 'zh-TW'), render('open', open, 'en'), render('closed', closed, 'en')]);
    [openZh, closedZh, openEn, closedEn] = pdfs.map((pdf) => pdfPages(pdf)) as [string[], string[], string[], string[]];
  });

  it('prints the KPI, its basis, count and verdict', () => {
    const zh = squash(openZh.join('\n'));
    expect(zh).toContain(squash('資安治理成熟度國家 KPI 報告'));
    expect(zh).toContain(squash('109 年度：3 個機關計入 KPI，目標 全部機關（6 個），判定：尚未達成（年度進行中）。'));
    for (const field of ['KPI 計算等級 A', '計算基礎 機關自評（已送出者）', '最低成熟度等級 3', '計入機關數 3', '3／6', '主管機關 行政院資通安全處', '民國 109 年 11 月 30 日']) expect(zh).toContain(squash(field));
    // Once closed, the verdict is final.
    expect(squash(closedZh.join('\n'))).toContain(squash('判定：未達成。'));
    expect(squash(closedEn.join('\n'))).toContain(squash('ROC 109 (2020): 3 agencies count toward the KPI against a target of All agencies (6). Verdict: Not met.'));
  });

  it('counts by grade, by level and by ministry as counted by hand', () => {
    for (const [pages, grades, dist, ministries] of [
      [openZh, '各等級統計', '成熟度等級分布', '各上級機關統計'],
      [closedEn, 'By grade', 'Level distribution', 'By ministry'],
    ] as const) {
      const byGrade = squash(pageOf(pages, grades));
      expect(byGrade).toContain(squash('A 6 5 4 3 2 3 1'));
      expect(byGrade).toContain(squash('B 3 3 2 2 1 1 1'));
      const levels = squash(pageOf(pages, dist));
      expect(levels).toMatch(new RegExp(`${squash(pages === openZh ? '自評' : 'Self')}0113106`));
      expect(levels).toMatch(new RegExp(`${squash(pages === openZh ? '驗證' : 'Validated')}0012003`));
      const byMinistry = squash(pageOf(pages, ministries));
      expect(byMinistry).toContain(squash('內政部 3 3 3 3 3 3 2'));
      expect(byMinistry).toContain(squash('經濟部 3 3 3 2 0 1 0'));
      expect(byMinistry).toContain(squash('數位發展部 3 2 0 0 0 0 0'));
    }
    // The at-target share per ministry on the KPI's basis (self).
    const shares = squash(pageOf(openZh, '各上級機關統計'));
    for (const share of ['3／3（100%）', '1／3（33%）', '0／3（0%）']) expect(shares).toContain(squash(share));
  });

  it('lists the agencies below target by their standing, and every agency by ministry then code', () => {
    const below = squash(pageOf(openZh, '未達目標之機關'));
    expect(below).toContain(squash('A2（內政部乙機關） 內政部 A 已核定 驗證 2 2.60'));
    expect(below).toContain(squash('A3（經濟部甲機關） 經濟部 A 審查中 自評 2 2.40'));
    expect(below).toContain(squash('B2（經濟部丙機關） 經濟部 B 退回補正 自評 1 1.80'));
    expect(below).not.toContain('A1（');
    const table = squash(pageOf(openZh, '機關明細'));
    const order = ['內政部（3 個機關）', 'A1 內政部甲機關 A 已核定 3／3.10 3／3.05 是', 'A2 內政部乙機關 A 已核定 4／4.20 2／2.60 否', 'B1', '數位發展部（3 個機關）', 'A5 數位發展部甲機關 A 填寫中 — — —', 'A6 數位發展部乙機關 A 未開始 — — —', 'B3', '經濟部（3 個機關）', 'A3 經濟部甲機關 A 審查中 2／2.40 — 否', 'A4 經濟部乙機關 A 已送出 3／3.50 — 是', 'B2 經濟部丙機關 B 退回補正 1／1.80 — 否'].map(squash);
    const at = order.map((o) => table.indexOf(o));
    expect(at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)), JSON.stringify(at)).toBe(true);
    const en = squash(pageOf(closedEn, 'Agency table'));
    expect(en).toContain(squash('A2 內政部乙機關 A Accepted 4 / 4.20 2 / 2.60 No'));
    expect(en).toContain(squash('A6 數位發展部乙機關 A Not started — — —'));
  });

  it('marks every page of an open cycle PROVISIONAL (暫定), and no page of a closed one', () => {
    for (const page of openZh) expect(page).toContain('暫定');
    for (const page of openEn) expect(page).toContain('PROVISIONAL');
    for (const page of closedZh) expect(page).not.toContain('暫定');
    for (const page of closedEn) expect(page).not.toMatch(/provisional/i);
    expect(squash(openZh[0]!)).toContain(squash('暫定：民國 109 年 10 月 5 日 11:04 產製，年度尚未結案'));
    expect(openEn[0]).not.toContain(SNAPSHOT_SHA);
  });

  it('prints the snapshot hash, the verify address and page n of m on every page of a closed cycle', () => {
    closedZh.forEach((page, i) => {
      expect(page).toContain(SNAPSHOT_SHA);
      expect(page).toContain(NATIONAL_VERIFY_URL);
      expect(squash(page)).toContain(squash(`第 ${i + 1} 頁，共 ${closedZh.length} 頁`));
    });
    closedEn.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${closedEn.length}`));
    expect(squash(closedZh[0]!)).toContain(squash('結案日期 民國 109 年 12 月 20 日 10:00'));
    expect(closedEn[0]).toContain('20 December 2020');
  });

  it('lists the sections on the contents page with the page each starts on', () => {
    const entries = closedZh[1]!.split('\n').map((line) => /^\s*(.+?)[.\s]+(\d+)\s*$/.exec(line)).filter((m) => m !== null);
    expect(entries.map((m) => m[1])).toEqual(['KPI 摘要', '各等級統計', '成熟度等級分布', '各上級機關統計', '未達目標之機關', '機關明細']);
    for (const [, title, page] of entries) expect(closedZh[Number(page) - 1]!.split('\n').map((l) => l.trim()), title).toContain(title);
  });

  it('embeds Noto Sans TC as a subset and draws the charts as vectors, labels as text', async () => {
    const pdf = await render('closed', closed, 'zh-TW');
    const fonts = pdfFonts(pdf);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['NotoSansTC-Bold', 'NotoSansTC-Regular']);
    expect(pdf.includes('/Subtype /Image')).toBe(false);
    const items = await textItems(pdf);
    const chartPage = closedZh.indexOf(pageOf(closedZh, '成熟度等級分布')) + 1;
    const labels = items.filter((i) => i.page === chartPage).map((i) => i.text);
    for (const label of ['第 0 級', '第 5 級', '自評', '驗證', '機關數']) expect(labels).toContain(label);
  });

  it('gives identical bytes for the same input and language, also in a fresh process', async () => {
    const [a, b] = await Promise.all([renderNationalReport(closed, { lang: 'zh-TW' }), renderNationalReport(closed, { lang: 'zh-TW' })]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(await render('closed', closed, 'en'))).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'national-fresh-'));
    try {
      writeFileSync(join(dir, 'input.json'), JSON.stringify(closed));
      execFileSync(process.execPath, ['--import', 'tsx', join(packageRoot, 'test/reports/render-national.ts'), join(dir, 'input.json'), 'zh-TW', join(dir, 'out.pdf')], { cwd: packageRoot, stdio: 'pipe' });
      expect(readFileSync(join(dir, 'out.pdf')).equals(a)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a closed report without its snapshot hash, and a provisional one with one', async () => {
    await expect(renderNationalReport({ ...closed, snapshotSha256: null }, { lang: 'en' })).rejects.toThrow(/snapshot/);
    await expect(renderNationalReport({ ...open, snapshotSha256: SNAPSHOT_SHA }, { lang: 'en' })).rejects.toThrow(/snapshot/);
  });

  it('renders a pilot cycle without a target', async () => {
    const pilot = nationalInput(SMALL_AGENCIES, { provisional: true, cycle: { ...CYCLE_109, targetLevel: null, kpi: { grades: ['A'], basis: 'self', minLevel: null, target: 3 } } });
    const text = squash(pdfPages(await renderNationalReport(pilot, { lang: 'zh-TW' })).join('\n'));
    // Without a minimum level every submitted A-grade assessment counts: A1–A4.
    expect(text).toContain(squash('4 個機關計入 KPI，目標 3 個機關，判定：已達成。'));
    expect(text).toContain(squash('本年度為試辦年度，未設目標等級。'));
    expect(text).toContain(squash('A 6 5 4 3 2 — —'));
  });
});

describeWithPoppler('the national KPI report with many agencies and long names', () => {
  const LONG = `臨時特設跨部會聯合資通安全治理暨數位韌性強化推動辦公室（${'Inter-Ministerial-Joint-Cyber-Security-Office'.repeat(3)}）附屬北區、中區、南區、東區及離島區域聯防中心`;
  const agencies = syntheticAgencies(320).map((a, i) => (i % 50 === 7 ? { ...a, name: LONG } : a));
  const many = nationalInput(agencies, { provisional: false });
  let pdf: Buffer;
  let pages: string[];

  beforeAll(async () => {
    pdf = await renderNationalReport(many, { lang: 'zh-TW' });
    pages = pdfPages(pdf);
  });

  it('paginates 320 agencies, every page of the table repeating its header, no agency lost', () => {
    const start = pages.findIndex((p) => p.split('\n').some((l) => l.trim() === '機關明細'));
    const tablePages = pages.slice(start);
    expect(tablePages.length).toBeGreaterThanOrEqual(8);
    for (const page of tablePages) {
      const s = squash(page);
      for (const header of ['機關', '等級', '狀態', '自評等級／分數', '驗證等級／分數', '達標']) expect(s).toContain(squash(header));
    }
    const text = squash(pdfPages(pdf, 'raw').slice(start).join('\n'));
    for (const a of agencies) expect(text, a.agency).toContain(squash(a.agency));
    expect(text).toContain(squash(LONG));
    expect(text).toContain(squash('（續）'));
  });

  it('wraps the long names and keeps every text item inside the margins', async () => {
    const { margin } = A4_FRAME;
    const items = await textItems(pdf);
    const outside = items.filter((i) => !i.upright || i.x < margin.left - 0.01 || i.x + i.width > i.pageWidth - margin.right + 0.01 || i.y - 0.3 * i.size < margin.bottom || i.y + 0.9 * i.size > i.pageHeight - margin.top);
    expect(outside).toEqual([]);
    // The long name takes several lines of its cell.
    const lines = items.filter((i) => LONG.includes(i.text) && i.text.length > 4);
    expect(new Set(lines.map((l) => `${l.page}/${l.y.toFixed(0)}`)).size).toBeGreaterThanOrEqual(3 * 7);
  });

  it('renders the cover, the chart page and an agency-table page to PNG for a person to look at', async () => {
    const chart = pages.indexOf(pageOf(pages, '成熟度等級分布')) + 1;
    const table = pages.findIndex((p) => p.split('\n').some((l) => l.trim() === '機關明細')) + 2;
    pagesToPng(pdf, 'national-closed-zh-TW', [1, chart, table]);
    pagesToPng(await render('open', open, 'en'), 'national-open-en', [1, 3]);
  });
});
