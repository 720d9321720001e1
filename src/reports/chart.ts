// The capability-level chart, drawn as vectors: a horizontal bar per process on a 0–5 scale, grouped
// by aspect, with the target as a dashed line and every label as text. Continues on the next page
// (axis repeated) when the processes do not fit on one.
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
