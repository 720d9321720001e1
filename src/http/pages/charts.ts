// The programme pages' charts, drawn on the server as SVG (no CDN, no script): pure functions from figures
// to markup. Each returns a <figure> holding the chart and, beside it, a plain table of every number the
// chart draws, so a screen reader (and anyone who wants the exact figure) reads the numbers as text. The
// table is visible rather than folded away: the figures are few, and a sighted reader who cannot tell the
// bars apart should not have to open anything to get them. Every text is escaped here, so the pages may
// insert a chart's markup as it is; no style attribute is written (the CSP forbids them): classes only,
// styled in app.css.
import type { KpiFigures, LevelCounts, MilestoneStatus } from '../../domain/programme.js';
import { formatNumber, formatPercent, message, type Language, type MessageKey } from './i18n.js';

/** Text as XML character data or an attribute value: escaped, ill-formed UTF-16 and XML-forbidden controls replaced. */
export function escapeXml(value: string | number): string {
  return String(value)
    .toWellFormed()
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const say = (lang: Language, key: MessageKey, values: Record<string, string | number> = {}): string =>
  message(lang, key).replace(/\{(\w+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));

/** Coordinates rounded to a tenth: short markup, and the same figures always give the same markup. */
const r = (n: number): string => String(Math.round(n * 10) / 10);

interface Table {
  head: string[];
  rows: string[][];
}

/** The chart and its figures as one figure: the caption names both; the SVG's <title> summarises; the table gives every number. */
function figure(id: string, caption: string, summary: string, width: number, height: number, body: string, table: Table, kind: string): string {
  const cap = `${id}-caption`;
  const title = `${id}-title`;
  const head = table.head.map((h, i) => `<th scope="col"${i === 0 ? '' : ' class="num"'}>${escapeXml(h)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${escapeXml(cell)}</th>` : `<td class="num">${escapeXml(cell)}</td>`)).join('')}</tr>`).join('');
  return (
    `<figure class="chart chart-${kind}" id="${escapeXml(id)}" aria-labelledby="${escapeXml(cap)}">` +
    `<figcaption id="${escapeXml(cap)}">${escapeXml(caption)}</figcaption>` +
    `<div class="chart-body">` +
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${escapeXml(title)}" focusable="false">` +
    `<title id="${escapeXml(title)}">${escapeXml(summary)}</title>${body}</svg>` +
    `<table class="chart-figures" aria-labelledby="${escapeXml(cap)}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>` +
    `</div></figure>`
  );
}

const text = (x: number, y: number, value: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string =>
  `<text x="${r(x)}" y="${r(y)}" class="${cls}"${anchor === 'start' ? '' : ` text-anchor="${anchor}"`}>${escapeXml(value)}</text>`;
const rect = (x: number, y: number, w: number, h: number, cls: string): string => `<rect x="${r(x)}" y="${r(y)}" width="${r(Math.max(0, w))}" height="${r(Math.max(0, h))}" class="${cls}"/>`;
const line = (x1: number, y1: number, x2: number, y2: number, cls: string): string => `<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" class="${cls}"/>`;

/** The legend of a two-series chart: a swatch and the name of each series (the series differ in fill and outline, not hue alone). */
function legend(x: number, y: number, names: [string, string]): string {
  return (
    `<g class="legend">` +
    rect(x, y - 10, 14, 12, 'bar-self') +
    text(x + 20, y, names[0], 'label') +
    rect(x + 150, y - 10, 14, 12, 'bar-validated') +
    text(x + 170, y, names[1], 'label') +
    `</g>`
  );
}

// ——— the KPI's progress bar ———

export interface KpiInput {
  kpi: KpiFigures;
  /** The in-scope agencies of the KPI's grades: what an "all" goal means. */
  kpiInScope: number;
  /** false for a ministry's share: a count goal is national and is not drawn against it. */
  national: boolean;
}

/** The goal the KPI's count is measured against, or null (none, or a national count goal on a ministry's share). */
export function kpiGoal({ kpi, kpiInScope, national }: KpiInput): number | null {
  if (kpi.target === 'all') return kpiInScope;
  if (typeof kpi.target === 'number' && national) return kpi.target;
  return null;
}

/** The KPI's count as a bar against its goal, with the goal marked (or against the KPI's in-scope agencies when there is no goal). */
export function kpiProgressChart(input: KpiInput, lang: Language, id = 'chart-kpi'): string {
  const { kpi, kpiInScope } = input;
  const goal = kpiGoal(input);
  const W = 600;
  const left = 10;
  const span = 580;
  const scale = Math.max(goal ?? kpiInScope, kpi.count, 1);
  const x = (n: number) => left + (span * n) / scale;
  const verdict = kpi.verdict === null ? say(lang, 'dash.verdict.none') : say(lang, `dash.verdict.${kpi.verdict}`);
  let body = rect(left, 26, span, 22, 'track') + rect(left, 26, x(kpi.count) - left, 22, `bar-kpi${kpi.verdict === 'met' ? ' bar-met' : ''}`);
  body += text(left, 18, say(lang, 'chart.kpi.count', { n: formatNumber(kpi.count, lang) }), 'label strong');
  if (goal !== null) {
    const gx = x(goal);
    body += line(gx, 20, gx, 54, 'goal-mark');
    body += text(gx, 70, say(lang, 'chart.kpi.goal', { n: formatNumber(goal, lang) }), 'label', gx > W - 80 ? 'end' : gx < 80 ? 'start' : 'middle');
  }
  const summary = goal === null ? say(lang, 'chart.kpi.titleNoGoal', { count: formatNumber(kpi.count, lang) }) : `${say(lang, 'chart.kpi.title', { count: formatNumber(kpi.count, lang), goal: formatNumber(goal, lang) })} · ${verdict}`;
  const rows: string[][] = [
    [say(lang, 'dash.kpi.count'), formatNumber(kpi.count, lang)],
    [say(lang, 'dash.kpi.goal'), goal === null ? say(lang, 'dash.kpi.goal.none') : formatNumber(goal, lang)],
    [say(lang, 'chart.kpi.kpiScope'), formatNumber(kpiInScope, lang)],
    [say(lang, 'chart.kpi.share'), goal === null ? '—' : formatPercent(kpi.count, goal, lang)],
    [say(lang, 'dash.kpi.verdict'), verdict],
  ];
  return figure(id, say(lang, 'chart.kpi.caption'), summary, W, 78, body, { head: [say(lang, 'dash.figure'), say(lang, 'chart.value')], rows }, 'kpi');
}

// ——— grouped bars of two series (levels self vs validated; mean score by cycle) ———

interface Group {
  label: string;
  values: [number | null, number | null];
}

/** Two bars per group on a shared vertical scale from 0 to `max`, each with its value written above it ("—" for none). */
function groupedBars(groups: Group[], max: number, names: [string, string], lang: Language): { body: string; width: number; height: number } {
  const width = 600;
  const height = 250;
  const top = 40;
  const bottom = 210;
  const left = 36;
  const right = 590;
  const plot = bottom - top;
  const step = (right - left) / Math.max(groups.length, 1);
  const bar = Math.min(34, (step - 12) / 2);
  const y = (v: number) => bottom - (plot * v) / (max || 1);
  let body = legend(left, 16, names);
  body += line(left, bottom, right, bottom, 'axis') + line(left, top, left, bottom, 'axis');
  body += text(left - 6, bottom + 4, formatNumber(0, lang), 'tick', 'end') + text(left - 6, top + 4, formatNumber(max, lang), 'tick', 'end');
  body += line(left, top, right, top, 'grid');
  groups.forEach((g, i) => {
    const mid = left + step * i + step / 2;
    g.values.forEach((v, s) => {
      const x = s === 0 ? mid - bar - 2 : mid + 2;
      const cls = s === 0 ? 'bar-self' : 'bar-validated';
      if (v === null) {
        body += text(x + bar / 2, bottom - 4, '—', 'value', 'middle');
        return;
      }
      body += rect(x, y(v), bar, bottom - y(v), cls);
      body += text(x + bar / 2, y(v) - 4, formatNumber(v, lang), 'value', 'middle');
    });
    body += text(mid, bottom + 20, g.label, 'label', 'middle');
  });
  return { body, width, height };
}

/** How many agencies stand at each level 0–5, self (submitted or later) beside validated (accepted). */
export function distributionChart(distribution: { self: LevelCounts; validated: LevelCounts }, lang: Language, id = 'chart-distribution'): string {
  const levels = ['0', '1', '2', '3', '4', '5'] as const;
  const max = Math.max(1, ...levels.flatMap((l) => [distribution.self[l], distribution.validated[l]]));
  const names: [string, string] = [say(lang, 'dash.basis.self'), say(lang, 'dash.basis.validated')];
  const { body, width, height } = groupedBars(
    levels.map((l) => ({ label: say(lang, 'chart.levelN', { n: l }), values: [distribution.self[l], distribution.validated[l]] })),
    max,
    names,
    lang,
  );
  const rows = levels.map((l) => [say(lang, 'chart.levelN', { n: l }), formatNumber(distribution.self[l], lang), formatNumber(distribution.validated[l], lang)]);
  return figure(id, say(lang, 'chart.distribution.title'), say(lang, 'chart.distribution.title'), width, height, body, { head: [say(lang, 'chart.level'), ...names], rows }, 'distribution');
}

export interface TrendPoint {
  cycle: number;
  meanSelf: number | null;
  meanValidated: number | null;
}

/** The mean score of each cycle, self beside validated, on the scale of scores 0–5. */
export function trendChart(points: TrendPoint[], lang: Language, id = 'chart-trend'): string {
  const names: [string, string] = [say(lang, 'chart.trend.meanSelf'), say(lang, 'chart.trend.meanValidated')];
  const { body, width, height } = groupedBars(
    points.map((p) => ({ label: say(lang, 'chart.milestones.cycle', { year: p.cycle }), values: [p.meanSelf, p.meanValidated] })),
    5,
    names,
    lang,
  );
  const cell = (v: number | null) => (v === null ? '—' : formatNumber(v, lang));
  const rows = points.map((p) => [say(lang, 'chart.milestones.cycle', { year: p.cycle }), cell(p.meanSelf), cell(p.meanValidated)]);
  return figure(id, say(lang, 'chart.trend.title'), say(lang, 'chart.trend.title'), width, height, body, { head: [say(lang, 'dash.cycle'), ...names], rows }, 'trend');
}

// ——— per-ministry horizontal bars ———

export interface MinistryShare {
  ministry: string;
  inScope: number;
  atTarget: { self: number | null; validated: number | null };
}

/** Each ministry's share of its in-scope agencies at target, self above validated, with the count written beside each bar. */
export function ministriesChart(ministries: MinistryShare[], lang: Language, id = 'chart-ministries'): string {
  const width = 600;
  const left = 10;
  const span = 440;
  const rowHeight = 58;
  const top = 30;
  const names: [string, string] = [say(lang, 'dash.basis.self'), say(lang, 'dash.basis.validated')];
  let body = legend(left, 16, names);
  ministries.forEach((m, i) => {
    const y0 = top + i * rowHeight;
    body += text(left, y0 + 14, m.ministry, 'label strong');
    ([m.atTarget.self, m.atTarget.validated] as const).forEach((n, s) => {
      const y = y0 + 20 + s * 16;
      body += rect(left, y, span, 13, 'track');
      const share = n === null || m.inScope === 0 ? 0 : n / m.inScope;
      body += rect(left, y, span * share, 13, s === 0 ? 'bar-self' : 'bar-validated');
      const label = n === null ? '—' : `${formatPercent(n, m.inScope, lang)} (${say(lang, 'chart.ministries.share', { n: formatNumber(n, lang), of: formatNumber(m.inScope, lang) })})`;
      body += text(left + span + 8, y + 11, `${names[s]} ${label}`, 'value');
    });
  });
  const height = top + Math.max(ministries.length, 1) * rowHeight;
  const cell = (n: number | null, of: number) => (n === null ? '—' : `${formatNumber(n, lang)} / ${formatNumber(of, lang)} (${formatPercent(n, of, lang)})`);
  const rows = ministries.map((m) => [m.ministry, formatNumber(m.inScope, lang), cell(m.atTarget.self, m.inScope), cell(m.atTarget.validated, m.inScope)]);
  return figure(id, say(lang, 'chart.ministries.title'), say(lang, 'chart.ministries.title'), width, height, body, { head: [say(lang, 'dash.ministry'), say(lang, 'dash.inScope'), say(lang, 'dash.atTarget.self'), say(lang, 'dash.atTarget.validated')] , rows }, 'ministries');
}

// ——— the milestone timeline ———

export interface Milestone {
  cycle: number;
  status: MilestoneStatus;
  kpi: KpiFigures;
  /** The goal as a number where there is one (an "all" goal: the in-scope agencies of the KPI's grades). */
  goal: number | null;
}

/** A mark that says the status without colour: ✓ met, ✗ not met, … in progress, – no target, ○ not judged on these agencies. */
const MARK: Record<MilestoneStatus, string> = { met: '✓', 'not-met': '✗', 'in-progress': '…', 'no-target': '–', 'not-judged': '○' };

/** The cycles' milestones on a line, each with its status written out (and a mark), not told by colour alone. */
export function milestoneTimeline(milestones: Milestone[], lang: Language, id = 'chart-milestones'): string {
  const width = 600;
  const height = 130;
  const left = 70;
  const right = 530;
  const axis = 56;
  const step = milestones.length > 1 ? (right - left) / (milestones.length - 1) : 0;
  let body = milestones.length > 1 ? line(left, axis, right, axis, 'timeline') : '';
  // Without a goal to draw (none, or a national count goal on a ministry's share) the count stands alone.
  const goalText = (m: Milestone) => (m.goal !== null ? `${formatNumber(m.kpi.count, lang)} / ${formatNumber(m.goal, lang)}` : m.kpi.target === null ? say(lang, 'dash.kpi.goal.none') : formatNumber(m.kpi.count, lang));
  milestones.forEach((m, i) => {
    const x = milestones.length > 1 ? left + step * i : width / 2;
    body += text(x, 24, say(lang, 'chart.milestones.cycle', { year: m.cycle }), 'label strong', 'middle');
    body += `<circle cx="${r(x)}" cy="${axis}" r="13" class="milestone milestone-${m.status}"/>`;
    body += text(x, axis + 5, MARK[m.status], 'mark', 'middle');
    body += text(x, axis + 36, say(lang, `dash.milestone.${m.status}`), 'label', 'middle');
    body += text(x, axis + 56, goalText(m), 'value', 'middle');
  });
  const summary = `${say(lang, 'chart.milestones.title')}${lang === 'zh-TW' ? '：' : ': '}${milestones.map((m) => `${say(lang, 'chart.milestones.cycle', { year: m.cycle })} ${say(lang, `dash.milestone.${m.status}`)}`).join(', ')}`;
  const rows = milestones.map((m) => [say(lang, 'chart.milestones.cycle', { year: m.cycle }), formatNumber(m.kpi.count, lang), m.goal === null ? '—' : formatNumber(m.goal, lang), say(lang, `dash.milestone.${m.status}`)]);
  return figure(id, say(lang, 'chart.milestones.caption'), summary, width, height, body, { head: [say(lang, 'dash.cycle'), say(lang, 'dash.kpi.count'), say(lang, 'dash.kpi.goal'), say(lang, 'dash.milestone.status')], rows }, 'milestones');
}
