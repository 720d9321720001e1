// Findings report speed and size, for a full isgm-109@1.1.0 assessment (every indicator of every level
// answered, every evidence text filled in with about 100 characters): the main report and its annex,
// in Traditional Chinese, rendered in a warm process (fonts read and measured by earlier renders). And
// the national KPI report of a closed cycle of 7,000 synthetic agencies, in both languages.
import { performance } from 'node:perf_hooks';
import { renderFindingsReport } from '../src/reports/findings-report.js';
import { renderNationalReport } from '../src/reports/national-report.js';
import type { ReportInput } from '../src/reports/report-input.js';
import { nationalInput, syntheticAgencies } from '../test/reports/national-fixtures.js';
import { buildFixture } from '../test/reports/report-fixtures.js';
import type { BenchRow } from './table.js';

const WARM = 3;
const GOALS = {
  main: { ms: 400, kb: 500, runs: 20 },
  annex: { ms: 2000, kb: 2048, runs: 5 },
} as const;

/** About 100 characters of evidence citing named records, different for every answer. */
const evidenceOf = (process: string, indicator: string): string =>
  `${process} ${indicator}：資通安全維護計畫第 3 版（文號 109-0123，109 年 2 月 1 日核定）、年度資安稽核報告（109 年 11 月）及管理審查會議紀錄（109 年 12 月 15 日，第 2 次）。`;

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function measure(input: ReportInput, part: 'main' | 'annex'): Promise<{ times: number[]; bytes: number; pages: number }> {
  let pdf: Buffer = Buffer.alloc(0);
  for (let i = 0; i < WARM; i++) pdf = await renderFindingsReport(input, { lang: 'zh-TW', part });
  const times: number[] = [];
  for (let i = 0; i < GOALS[part].runs; i++) {
    const started = performance.now();
    pdf = await renderFindingsReport(input, { lang: 'zh-TW', part });
    times.push(performance.now() - started);
  }
  const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  return { times, bytes: pdf.length, pages };
}

export async function benchReport(): Promise<BenchRow[]> {
  const fixture = buildFixture({ full: true, evidence: evidenceOf });
  const rows: BenchRow[] = [];
  for (const part of ['main', 'annex'] as const) {
    const goal = GOALS[part];
    const { times, bytes, pages } = await measure(fixture.sealed, part);
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    const name = part === 'main' ? 'findings report (main)' : 'findings report (annex)';
    const subject = `${fixture.answerCount} answers, ${pages} pages, zh-TW`;
    rows.push({ name: `${name}, render time`, subject, value: `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`, runs: String(goal.runs), goal: `< ${goal.ms} ms`, ok: p50 < goal.ms });
    const kb = bytes / 1024;
    rows.push({ name: `${name}, size`, subject, value: `${kb.toFixed(0)} KB`, runs: '1', goal: `< ${goal.kb >= 1024 ? `${goal.kb / 1024} MB` : `${goal.kb} KB`}`, ok: kb < goal.kb });
  }
  return [...rows, ...(await benchNational())];
}

const NATIONAL = { agencies: 7000, ms: 5000, runs: 2 } as const;

/** The national report of a closed cycle of 7,000 agencies, each language rendered once to warm up, then timed. */
async function benchNational(): Promise<BenchRow[]> {
  const input = nationalInput(syntheticAgencies(NATIONAL.agencies), { provisional: false });
  const rows: BenchRow[] = [];
  for (const lang of ['zh-TW', 'en'] as const) {
    let pdf = await renderNationalReport(input, { lang });
    const times: number[] = [];
    // CPU time too: on a shared, loaded machine the wall-clock time says more about the neighbours.
    const cpu: number[] = [];
    for (let i = 0; i < NATIONAL.runs; i++) {
      const started = performance.now();
      const usage = process.cpuUsage();
      pdf = await renderNationalReport(input, { lang });
      times.push(performance.now() - started);
      const used = process.cpuUsage(usage);
      cpu.push((used.user + used.system) / 1000);
    }
    const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const p50 = percentile(times, 0.5);
    rows.push({
      name: `national KPI report (${lang}), render time and size`,
      subject: `${NATIONAL.agencies} agencies, ${pages} pages`,
      value: `p50 ${p50.toFixed(0)} ms (CPU ${percentile(cpu, 0.5).toFixed(0)} ms), ${(pdf.length / 1024).toFixed(0)} KB`,
      runs: String(NATIONAL.runs),
      goal: `< ${NATIONAL.ms} ms`,
      ok: p50 < NATIONAL.ms,
    });
  }
  return rows;
}
