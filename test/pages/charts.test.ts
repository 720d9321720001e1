// The programme pages' SVG charts (src/http/pages/charts.ts): each is well-formed XML (parsed, not
// pattern-matched), its shapes scale with the figures (sizes worked out by hand from the layout), every
// text is escaped, no style attribute is written, and each number the chart draws is in its table too.
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { KpiFigures, LevelCounts } from '../../src/domain/programme.js';
import { distributionChart, escapeXml, kpiProgressChart, milestoneTimeline, ministriesChart, trendChart } from '../../src/http/pages/charts.js';

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** Parses markup as XML (throws on anything ill-formed) and returns every element with its own text. */
function parse(markup: string): Element[] {
  const parser = new SaxesParser();
  const elements: Element[] = [];
  const open: Element[] = [];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '' };
    elements.push(element);
    open.push(element);
  });
  parser.on('text', (text) => {
    if (open.length > 0) open[open.length - 1]!.text += text;
  });
  parser.on('closetag', () => void open.pop());
  parser.write(markup).close();
  return elements;
}

const kpi = (count: number, target: KpiFigures['target'], verdict: KpiFigures['verdict']): KpiFigures => ({ grades: ['A'], basis: 'self', minLevel: 2, target, count, verdict });
const levels = (counts: Partial<LevelCounts>): LevelCounts => ({ '0': 0, '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, ...counts });
const rects = (els: Element[], cls: string) => els.filter((e) => e.name === 'rect' && e.attributes.class?.split(' ').includes(cls));
const texts = (els: Element[]) => els.filter((e) => e.name === 'text').map((e) => e.text);
const cells = (els: Element[]) => els.filter((e) => e.name === 'td' || (e.name === 'th' && e.attributes.scope === 'row')).map((e) => e.text);

function expectAccessible(markup: string): Element[] {
  expect(markup).not.toMatch(/\sstyle\s*=|<style|<script/i);
  const els = parse(markup);
  const svg = els.find((e) => e.name === 'svg')!;
  expect(svg.attributes.role).toBe('img');
  const title = els.find((e) => e.name === 'title')!;
  expect(svg.attributes['aria-labelledby']).toBe(title.attributes.id);
  expect(title.text.length).toBeGreaterThan(0);
  expect(els.some((e) => e.name === 'table')).toBe(true);
  return els;
}

describe('the KPI progress bar', () => {
  it('draws the count against the goal, with the goal marked, and scales with the count', () => {
    // Track from x=10, 580 wide; the scale is the goal (30): 3 → 58 wide, 15 → 290 wide; the goal mark at 10 + 580.
    const three = expectAccessible(kpiProgressChart({ kpi: kpi(3, 30, 'not-met'), kpiInScope: 40, national: true }, 'zh-TW'));
    expect(rects(three, 'bar-kpi')[0]!.attributes.width).toBe('58');
    const mark = three.find((e) => e.name === 'line' && e.attributes.class === 'goal-mark')!;
    expect(mark.attributes.x1).toBe('590');
    const fifteen = parse(kpiProgressChart({ kpi: kpi(15, 30, 'not-met'), kpiInScope: 40, national: true }, 'zh-TW'));
    expect(rects(fifteen, 'bar-kpi')[0]!.attributes.width).toBe('290');
    expect(texts(three)).toContain('已計入 3');
    expect(texts(three)).toContain('目標 30');
    expect(cells(three)).toEqual(['已計入', '3', '目標', '30', 'KPI 等級應辦機關', '40', '達成比例', '10%', '判定', '未達成']);
  });

  it('reads an "all" goal as the in-scope agencies of the KPI’s grades, and a met goal is drawn as met', () => {
    // 4 of 8: the scale is 8, so 290 wide and the goal mark at the right end.
    const els = parse(kpiProgressChart({ kpi: kpi(4, 'all', 'not-met'), kpiInScope: 8, national: true }, 'en'));
    expect(rects(els, 'bar-kpi')[0]!.attributes.width).toBe('290');
    expect(texts(els)).toContain('goal 8');
    const met = parse(kpiProgressChart({ kpi: kpi(8, 'all', 'met'), kpiInScope: 8, national: true }, 'en'));
    expect(rects(met, 'bar-met')[0]!.attributes.width).toBe('580');
    expect(cells(met)).toContain('Met');
  });

  it('draws no goal for a ministry’s share of a national count goal, nor for a KPI without a goal', () => {
    for (const markup of [kpiProgressChart({ kpi: kpi(2, 30, null), kpiInScope: 4, national: false }, 'en'), kpiProgressChart({ kpi: kpi(2, null, null), kpiInScope: 4, national: true }, 'en')]) {
      const els = parse(markup);
      expect(els.some((e) => e.attributes.class === 'goal-mark')).toBe(false);
      // No goal: the scale is the 4 in scope, so 2 is half of 580.
      expect(rects(els, 'bar-kpi')[0]!.attributes.width).toBe('290');
      expect(cells(els)).toContain('No goal');
      expect(cells(els)).toContain('Not judged');
    }
  });
});

describe('the level distribution', () => {
  it('draws two bars per level, their heights in proportion on a scale of the largest count', () => {
    // Plot 170 high (40 to 210); the largest count is 4: 4 → 170, 2 → 85, 1 → 42.5, 0 → 0.
    const markup = distributionChart({ self: levels({ '1': 1, '2': 4 }), validated: levels({ '1': 2 }) }, 'zh-TW');
    const els = expectAccessible(markup);
    const self = rects(els, 'bar-self').slice(1); // the first is the legend's swatch
    const validated = rects(els, 'bar-validated').slice(1);
    expect(self.map((e) => e.attributes.height)).toEqual(['0', '42.5', '170', '0', '0', '0']);
    expect(validated.map((e) => e.attributes.height)).toEqual(['0', '85', '0', '0', '0', '0']);
    expect(cells(els)).toEqual(['0 級', '0', '0', '1 級', '1', '2', '2 級', '4', '0', '3 級', '0', '0', '4 級', '0', '0', '5 級', '0', '0']);
    // Doubling every count keeps the heights (the scale follows the largest).
    const doubled = parse(distributionChart({ self: levels({ '1': 2, '2': 8 }), validated: levels({ '1': 4 }) }, 'zh-TW'));
    expect(rects(doubled, 'bar-self').slice(1).map((e) => e.attributes.height)).toEqual(['0', '42.5', '170', '0', '0', '0']);
  });

  it('labels in English on an English page', () => {
    const els = parse(distributionChart({ self: levels({}), validated: levels({}) }, 'en'));
    expect(texts(els)).toContain('Level 5');
    expect(texts(els)).toContain('Validated');
  });
});

describe('the ministries chart', () => {
  it('draws each ministry’s share at target as a bar of 440 for the whole, its name escaped', () => {
    const hostile = '<script>alert("x")</script> & \u0007部\ud800會';
    const markup = ministriesChart(
      [
        { ministry: '內政部', inScope: 4, atTarget: { self: 3, validated: 1 } },
        { ministry: hostile, inScope: 2, atTarget: { self: 0, validated: 2 } },
      ],
      'zh-TW',
    );
    const els = expectAccessible(markup);
    expect(markup).not.toContain('<script>');
    expect(markup).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; \uFFFD部\uFFFD會');
    expect(rects(els, 'bar-self').slice(1).map((e) => e.attributes.width)).toEqual(['330', '0']);
    expect(rects(els, 'bar-validated').slice(1).map((e) => e.attributes.width)).toEqual(['110', '440']);
    expect(texts(els)).toContain('<script>alert("x")</script> & \uFFFD部\uFFFD會');
    expect(cells(els)).toEqual(['內政部', '4', '3 / 4 (75%)', '1 / 4 (25%)', '<script>alert("x")</script> & \uFFFD部\uFFFD會', '2', '0 / 2 (0%)', '2 / 2 (100%)']);
    // Its height grows by a row per ministry.
    expect(els.find((e) => e.name === 'svg')!.attributes.viewBox).toBe('0 0 600 146');
  });

  it('shows "—" where a cycle has no target', () => {
    const els = parse(ministriesChart([{ ministry: '內政部', inScope: 4, atTarget: { self: null, validated: null } }], 'en'));
    expect(cells(els)).toEqual(['內政部', '4', '—', '—']);
  });
});

describe('the milestone timeline', () => {
  it('writes each milestone’s status as text beside a mark, not by colour alone', () => {
    const markup = milestoneTimeline(
      [
        { cycle: 106, status: 'no-target', kpi: kpi(5, null, null), goal: null },
        { cycle: 107, status: 'met', kpi: kpi(3, 3, 'met'), goal: 3 },
        { cycle: 108, status: 'not-met', kpi: kpi(12, 30, 'not-met'), goal: 30 },
        { cycle: 109, status: 'in-progress', kpi: kpi(1, 'all', 'not-met'), goal: 8 },
      ],
      'zh-TW',
    );
    const els = expectAccessible(markup);
    const circles = els.filter((e) => e.name === 'circle');
    expect(circles.map((c) => [c.attributes.cx, c.attributes.class])).toEqual([
      ['70', 'milestone milestone-no-target'],
      ['223.3', 'milestone milestone-met'],
      ['376.7', 'milestone milestone-not-met'],
      ['530', 'milestone milestone-in-progress'],
    ]);
    expect(texts(els)).toEqual(expect.arrayContaining(['106 年', '無目標', '–', '107 年', '達成', '✓', '3 / 3', '108 年', '未達成', '✗', '12 / 30', '109 年', '進行中', '1 / 8']));
    expect(els.find((e) => e.name === 'title')!.text).toBe('推動里程碑：106 年 無目標, 107 年 達成, 108 年 未達成, 109 年 進行中');
    expect(cells(els)).toEqual(['106 年', '5', '—', '無目標', '107 年', '3', '3', '達成', '108 年', '12', '30', '未達成', '109 年', '1', '8', '進行中']);
  });
});

describe('the trend chart', () => {
  it('draws mean scores on a fixed scale of 0–5, with "—" where a cycle has none', () => {
    // 170 high for 5: 2.5 → 85, 1.94 → 65.96 (written 66).
    const els = expectAccessible(trendChart([{ cycle: 108, meanSelf: 2.5, meanValidated: null }, { cycle: 109, meanSelf: 1.94, meanValidated: 2.5 }], 'en'));
    expect(rects(els, 'bar-self').slice(1).map((e) => e.attributes.height)).toEqual(['85', '66']);
    expect(rects(els, 'bar-validated').slice(1).map((e) => e.attributes.height)).toEqual(['85']);
    expect(cells(els)).toEqual(['Cycle 108', '2.5', '—', 'Cycle 109', '1.94', '2.5']);
    expect(texts(els)).toContain('—');
  });
});

describe('escaping', () => {
  it('escapes markup characters and replaces what XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\ud800c\uFFFF')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    const huge = 'x'.repeat(100_000);
    expect(() => parse(ministriesChart([{ ministry: huge, inScope: 1, atTarget: { self: 1, validated: 0 } }], 'en'))).not.toThrow();
  });
});
