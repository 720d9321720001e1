// The reports' charts, drawn as vectors with every label as text: the capability-level chart (a
// horizontal bar per process on a 0–5 scale, grouped by aspect, the target as a dashed line, continued
// on the next page with its axis when the processes do not fit), and the national report's progress
// bar, grouped bars (the level distribution) and share bars (at target per ministry).
import { COLORS, STYLES, lineHeight, type Layout, type TextStyle } from './layout.js';

export interface ChartProcess {
  /** "GOV-01 資安政策與目標" */
  label: string;
  /** The bar's level; null for a process out of scope. */
  level: number | null;
  /** A second level marked with a diamond (a draft's validated level), or null. */
  marker: number | null;
  /** A short note after the bar (a draft process the assessor put out of scope). */
  note?: string;
}

export interface ChartGroup {
  label: string;
  processes: ChartProcess[];
}

export interface ChartLabels {
  target: (level: number) => string;
  outOfScope: string;
  /** The bars' legend without a target. */
  level: string;
  atTarget: string;
  belowTarget: string;
  marker: string | null;
}

const MAX_LEVEL = 5;
const BAR = 9;
const labelStyle: TextStyle = { ...STYLES.table, size: 8 };
const groupStyle: TextStyle = { ...STYLES.group, size: 8.5 };
const tickStyle: TextStyle = { ...STYLES.small, size: 7.5 };

export function drawLevelChart(layout: Layout, groups: readonly ChartGroup[], target: number | null, labels: ChartLabels): void {
  const { doc } = layout;
  const labelWidth = Math.round(layout.width * 0.36);
  const x0 = layout.left + labelWidth + 8;
  const plotWidth = layout.width - labelWidth - 8 - 18;
  const xOf = (level: number) => x0 + (level / MAX_LEVEL) * plotWidth;
  const axisHeight = lineHeight(tickStyle) + 10;

  let segmentTop = 0;
  const startSegment = () => {
    segmentTop = layout.y;
    for (let k = 0; k <= MAX_LEVEL; k++) layout.drawText(String(k), xOf(k) - 10, layout.y, tickStyle, { width: 20, align: 'center' });
    if (target !== null) {
      const text = labels.target(target);
      const w = layout.textWidth(text, { ...tickStyle, font: 'bold' }) + 2;
      const x = Math.min(Math.max(xOf(target) - w / 2, x0), x0 + plotWidth + 18 - w);
      layout.drawText(text, x, layout.y - lineHeight(tickStyle), { ...tickStyle, font: 'bold', color: COLORS.target });
    }
    layout.y += axisHeight;
    grid(layout.y - 3, layout.y);
  };
  // Grid lines behind one row's bars: drawn row by row, before the bars, so the bars cover them.
  const grid = (top: number, bottom: number) => {
    doc.save().lineWidth(0.4).strokeColor(COLORS.rule);
    for (let k = 0; k <= MAX_LEVEL; k++) doc.moveTo(xOf(k), top).lineTo(xOf(k), bottom).stroke();
    doc.restore();
  };
  const endSegment = () => {
    const top = segmentTop + axisHeight - 3;
    const bottom = layout.y + 2;
    grid(bottom - 2, bottom);
    if (target !== null) {
      doc.save().lineWidth(1.2).strokeColor(COLORS.target).dash(4, { space: 3 }).moveTo(xOf(target), top - 4).lineTo(xOf(target), bottom).stroke().undash().restore();
    }
    layout.y += 6;
  };
  const room = (h: number) => {
    if (layout.remaining < h) {
      endSegment();
      layout.newPage();
      // The target label sits above the axis: leave it a line.
      layout.y += lineHeight(tickStyle);
      startSegment();
    }
  };

  layout.ensure(lineHeight(tickStyle) * 2 + axisHeight + 60);
  layout.y += lineHeight(tickStyle);
  startSegment();
  for (const group of groups) {
    const groupHeight = lineHeight(groupStyle) + 6;
    room(groupHeight + 22);
    grid(layout.y, layout.y + groupHeight);
    layout.y += 4;
    layout.drawText(layout.fit(group.label, groupStyle, labelWidth), layout.left, layout.y, groupStyle);
    layout.y += groupHeight - 4;
    for (const p of group.processes) {
      const lines = layout.wrap(p.label, labelStyle, labelWidth - 4).slice(0, 2);
      if (layout.wrap(p.label, labelStyle, labelWidth - 4).length > 2) lines[1] = layout.fit(`${lines[1]!}…`, labelStyle, labelWidth - 4);
      const h = Math.max(20, lines.length * lineHeight(labelStyle) + 6);
      room(h);
      const top = layout.y;
      const mid = top + h / 2;
      grid(top, top + h);
      lines.forEach((line, i) => layout.drawText(line, layout.left + 4, mid - (lines.length * lineHeight(labelStyle)) / 2 + i * lineHeight(labelStyle), labelStyle));
      // The value (and any note) after the bar, clear of the target line and the marker.
      let after = x0 + 4;
      if (p.level === null) {
        layout.drawText(labels.outOfScope, after, mid - lineHeight(labelStyle) / 2, { ...labelStyle, color: COLORS.muted });
        after += layout.textWidth(labels.outOfScope, labelStyle) + 6;
      } else {
        const below = target !== null && p.level < target;
        if (p.level > 0) doc.save().rect(x0, mid - BAR / 2, xOf(p.level) - x0, BAR).fill(below ? COLORS.bad : COLORS.brand).restore();
        after = Math.max(xOf(p.level) + (p.level === target ? 5 : 3), p.marker !== null ? xOf(p.marker) + 8 : 0);
        const value = String(p.level);
        layout.drawText(value, after, mid - lineHeight(labelStyle) / 2, { ...labelStyle, font: 'bold' });
        after += layout.textWidth(value, { ...labelStyle, font: 'bold' }) + 6;
      }
      if (p.marker !== null) {
        const x = xOf(p.marker);
        doc.save().moveTo(x, mid - 6).lineTo(x + 5, mid).lineTo(x, mid + 6).lineTo(x - 5, mid).closePath().lineWidth(0.8).fillAndStroke('#ffffff', COLORS.text).restore();
      }
      if (p.note) {
        const style = { ...labelStyle, size: 7.5, color: COLORS.muted };
        const room = layout.left + layout.width - after;
        if (room > 20) {
          const text = layout.fit(p.note, style, room);
          doc.save().rect(after - 2, mid - 5, layout.textWidth(text, style) + 4, 10).fill('#ffffff').restore();
          layout.drawText(text, after, mid - lineHeight(style) / 2, style);
        }
      }
      layout.y += h;
    }
  }
  endSegment();

  // Legend.
  const swatch = (color: string) => (x: number, y: number) => doc.save().rect(x, y - 4, 14, 8).fill(color).restore();
  const items: { draw: (x: number, y: number) => void; text: string }[] =
    target === null
      ? [{ draw: swatch(COLORS.brand), text: labels.level }]
      : [
          { draw: swatch(COLORS.brand), text: labels.atTarget },
          { draw: swatch(COLORS.bad), text: labels.belowTarget },
          { draw: (x, y) => doc.save().lineWidth(1.2).strokeColor(COLORS.target).dash(4, { space: 3 }).moveTo(x, y).lineTo(x + 14, y).stroke().undash().restore(), text: labels.target(target) },
        ];
  if (labels.marker) {
    items.push({ draw: (x, y) => doc.save().moveTo(x + 7, y - 5).lineTo(x + 12, y).lineTo(x + 7, y + 5).lineTo(x + 2, y).closePath().lineWidth(0.8).fillAndStroke('#ffffff', COLORS.text).restore(), text: labels.marker });
  }
  const h = lineHeight(labelStyle);
  layout.ensure(h + 4);
  let x = layout.left;
  for (const item of items) {
    const w = 18 + layout.textWidth(item.text, labelStyle) + 14;
    if (x + w > layout.left + layout.width) {
      x = layout.left;
      layout.y += h;
      layout.ensure(h);
    }
    item.draw(x, layout.y + h / 2);
    layout.drawText(item.text, x + 18, layout.y, labelStyle);
    x += w;
  }
  layout.y += h + 6;
}

/** A horizontal progress bar of `value` out of `of` (capped at full), with its caption and figures beside it. */
export function drawProgressBar(layout: Layout, value: number, of: number, text: string, caption: string): void {
  const { doc } = layout;
  const h = 14;
  const textStyle: TextStyle = { ...STYLES.bodyBold, size: 10 };
  layout.ensure(h + lineHeight(tickStyle) + 12);
  const width = layout.width - layout.textWidth(text, textStyle) - 12;
  const share = of > 0 ? Math.min(1, value / of) : 0;
  doc.save().rect(layout.left, layout.y, width, h).fill(COLORS.brandLight).restore();
  if (share > 0) doc.save().rect(layout.left, layout.y, width * share, h).fill(share >= 1 ? COLORS.good : COLORS.brand).restore();
  doc.save().rect(layout.left, layout.y, width, h).lineWidth(0.6).stroke(COLORS.rule).restore();
  layout.drawText(text, layout.left + width + 8, layout.y + (h - lineHeight(textStyle)) / 2, textStyle);
  layout.y += h + 3;
  layout.drawText(layout.fit(caption, tickStyle, layout.width), layout.left, layout.y, tickStyle);
  layout.y += lineHeight(tickStyle) + 8;
}

export interface BarSeries {
  label: string;
  color: string;
  values: readonly number[];
}

/** Vertical bars, one group per category, one bar per series, on a scale from 0 to the largest value; values printed above. */
export function drawGroupedBars(layout: Layout, categories: readonly string[], series: readonly BarSeries[], axisLabel: string): void {
  const { doc } = layout;
  const plotHeight = 150;
  const valueStyle: TextStyle = { ...tickStyle, color: COLORS.text };
  const total = lineHeight(tickStyle) * 3 + plotHeight + lineHeight(labelStyle) * 2 + 16;
  layout.ensure(total);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const axisWidth = 34;
  const x0 = layout.left + axisWidth;
  const plotWidth = layout.width - axisWidth;
  layout.drawText(axisLabel, layout.left, layout.y, tickStyle);
  layout.y += lineHeight(tickStyle) + 4;
  const yTop = layout.y;
  const yOf = (v: number) => yTop + plotHeight - (v / top) * plotHeight;
  doc.save().lineWidth(0.4).strokeColor(COLORS.rule);
  for (let v = 0; v <= top; v += step) doc.moveTo(x0, yOf(v)).lineTo(x0 + plotWidth, yOf(v)).stroke();
  doc.restore();
  for (let v = 0; v <= top; v += step) layout.drawText(String(v), layout.left, yOf(v) - lineHeight(tickStyle) / 2, tickStyle, { width: axisWidth - 6, align: 'right' });
  const groupWidth = plotWidth / categories.length;
  const barWidth = Math.min(26, (groupWidth * 0.7) / series.length);
  categories.forEach((category, c) => {
    const start = x0 + c * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, i) => {
      const v = s.values[c] ?? 0;
      const x = start + i * barWidth;
      if (v > 0) doc.save().rect(x + 1, yOf(v), barWidth - 2, yOf(0) - yOf(v)).fill(s.color).restore();
      layout.drawText(String(v), x - 6, yOf(v) - lineHeight(valueStyle), valueStyle, { width: barWidth + 12, align: 'center' });
    });
    layout.drawText(layout.fit(category, labelStyle, groupWidth), x0 + c * groupWidth, yOf(0) + 3, labelStyle, { width: groupWidth, align: 'center' });
  });
  doc.save().lineWidth(0.8).strokeColor(COLORS.muted).moveTo(x0, yOf(0)).lineTo(x0 + plotWidth, yOf(0)).stroke().restore();
  layout.y = yOf(0) + lineHeight(labelStyle) + 8;
  drawLegend(layout, series.map((s) => ({ color: s.color, text: s.label })));
}

export interface ShareRow {
  label: string;
  /** 0–1 */
  share: number;
  /** The figures printed after the bar: "3／4（75%）" */
  text: string;
}

/** A horizontal bar per row on a 0–100 % scale; the axis is repeated on each page the chart reaches. */
export function drawShareBars(layout: Layout, rows: readonly ShareRow[]): void {
  const { doc } = layout;
  const labelWidth = Math.round(layout.width * 0.3);
  const textWidth = 104;
  const x0 = layout.left + labelWidth + 8;
  const plotWidth = layout.width - labelWidth - 8 - textWidth;
  const xOf = (share: number) => x0 + share * plotWidth;
  const rowHeight = 16;
  const axis = () => {
    for (let k = 0; k <= 4; k++) layout.drawText(`${k * 25}%`, xOf(k / 4) - 14, layout.y, tickStyle, { width: 28, align: 'center' });
    layout.y += lineHeight(tickStyle) + 2;
  };
  layout.ensure(lineHeight(tickStyle) + 2 + rowHeight * Math.min(rows.length, 3));
  axis();
  for (const row of rows) {
    if (layout.remaining < rowHeight) {
      layout.newPage();
      axis();
    }
    const mid = layout.y + rowHeight / 2;
    doc.save().lineWidth(0.4).strokeColor(COLORS.rule);
    for (let k = 0; k <= 4; k++) doc.moveTo(xOf(k / 4), layout.y).lineTo(xOf(k / 4), layout.y + rowHeight).stroke();
    doc.restore();
    layout.drawText(layout.fit(row.label, labelStyle, labelWidth), layout.left, mid - lineHeight(labelStyle) / 2, labelStyle);
    const share = Math.max(0, Math.min(1, row.share));
    if (share > 0) doc.save().rect(x0, mid - BAR / 2, xOf(share) - x0, BAR).fill(share >= 1 ? COLORS.good : COLORS.brand).restore();
    layout.drawText(layout.fit(row.text, labelStyle, textWidth - 6), xOf(1) + 6, mid - lineHeight(labelStyle) / 2, labelStyle);
    layout.y += rowHeight;
  }
  layout.y += 8;
}

/** 1, 2 or 5 times a power of ten, giving about five grid lines up to `max`. */
function niceStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(1, step);
}

function drawLegend(layout: Layout, items: readonly { color: string; text: string }[]): void {
  const h = lineHeight(labelStyle);
  layout.ensure(h + 4);
  let x = layout.left;
  for (const item of items) {
    const w = 18 + layout.textWidth(item.text, labelStyle) + 14;
    layout.doc.save().rect(x, layout.y + h / 2 - 4, 14, 8).fill(item.color).restore();
    layout.drawText(item.text, x + 18, layout.y, labelStyle);
    x += w;
  }
  layout.y += h + 6;
}
