// A small page-layout engine over pdfkit for the reports: an A4 frame with a header and footer band,
// paragraphs that wrap and continue on the next page, and tables whose rows wrap, split across pages
// and repeat their header. Every line is placed by this code (pdfkit never breaks a line or a page on
// its own), so nothing is drawn outside the frame.
import { FONT_IDS, type FontName } from './fonts.js';
import { fitLine, wrapText, type Measure } from './wrap.js';

export interface TextStyle {
  font: FontName;
  size: number;
  color: string;
  /** Line height as a multiple of the size. */
  leading: number;
}

export const COLORS = {
  text: '#1b1f24',
  muted: '#5b6570',
  brand: '#0b4f8a',
  brandLight: '#dbe8f5',
  brandMid: '#7fa6cc',
  rule: '#b8c2cc',
  header: '#e8edf2',
  group: '#f3f6f9',
  draft: '#b3261e',
  good: '#1f6f43',
  bad: '#b45309',
  target: '#b3261e',
};

const base: TextStyle = { font: 'regular', size: 9.5, color: COLORS.text, leading: 1.55 };
export const STYLES = {
  body: base,
  small: { ...base, size: 8, color: COLORS.muted },
  table: { ...base, size: 8.5, leading: 1.5 },
  tableHeader: { ...base, font: 'bold', size: 8.5, leading: 1.5 },
  group: { ...base, font: 'bold', size: 9, leading: 1.5, color: COLORS.brand },
  h1: { ...base, font: 'bold', size: 15, leading: 1.45, color: COLORS.brand },
  h2: { ...base, font: 'bold', size: 11.5, leading: 1.45, color: COLORS.brand },
  h3: { ...base, font: 'bold', size: 10, leading: 1.45 },
  bodyBold: { ...base, font: 'bold' },
  band: { ...base, size: 7, leading: 1.4, color: COLORS.muted },
} satisfies Record<string, TextStyle>;

/** The page and its bands, in points (A4, 842 × 595 portrait). */
export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** Where the body's text may start and must end. */
  bodyTop: number;
  bodyBottom: number;
}

export const A4_FRAME: Frame = {
  width: 595.28,
  height: 841.89,
  margin: { top: 40, right: 51, bottom: 40, left: 51 },
  bodyTop: 76,
  bodyBottom: 758,
};

/** The distance from the top of a pdfkit line box to the glyphs' top, centring the font's 1.448 em box in a line. */
const inset = (style: TextStyle): number => ((style.leading - 1.448) / 2) * style.size;

export const lineHeight = (style: TextStyle): number => style.size * style.leading;

export interface Paragraph {
  text: string;
  style?: TextStyle;
}

export type Cell = string | Paragraph[];

export interface TableColumn {
  header: string;
  /** Relative width: the columns share the table's width in proportion. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export type TableRow = { cells: Cell[] } | { group: string };

interface Line {
  text: string;
  style: TextStyle;
}

const PAD_X = 4;
const PAD_Y = 3;

/** Widths at size 1, per font, shared by every document: they are the font's and never change. */
const widthCache: Record<FontName, Map<string, number>> = { regular: new Map(), bold: new Map() };

export class Layout {
  y: number;
  /** Called after each new page is added (the table in progress repeats its header here). */
  private continuation: (() => void) | null = null;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly frame: Frame = A4_FRAME,
  ) {
    this.y = frame.bodyTop;
  }

  get left(): number {
    return this.frame.margin.left;
  }

  get width(): number {
    return this.frame.width - this.frame.margin.left - this.frame.margin.right;
  }

  get remaining(): number {
    return this.frame.bodyBottom - this.y;
  }

  get bodyHeight(): number {
    return this.frame.bodyBottom - this.frame.bodyTop;
  }

  /** The current page's index (0-based) among the document's buffered pages. */
  get pageIndex(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  measure(font: FontName): Measure {
    const cache = widthCache[font];
    return (text: string) => {
      let w = cache.get(text);
      if (w === undefined) {
        this.doc.font(FONT_IDS[font]).fontSize(1);
        w = this.doc.widthOfString(text);
        cache.set(text, w);
      }
      return w;
    };
  }

  wrap(text: string, style: TextStyle, width: number): string[] {
    return wrapText(text, this.measure(style.font), style.size, width);
  }

  fit(text: string, style: TextStyle, width: number): string {
    return fitLine(text, this.measure(style.font), style.size, width);
  }

  textWidth(text: string, style: TextStyle): number {
    return this.measure(style.font)(text) * style.size;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = this.frame.bodyTop;
    this.continuation?.();
  }

  /** Starts a new page unless `height` points are left on this one. */
  ensure(height: number): void {
    if (this.remaining < height) this.newPage();
  }

  /** Draws one line of text with its top at `y`; never wraps, never breaks a page. */
  drawText(text: string, x: number, y: number, style: TextStyle, options: { width?: number; align?: 'left' | 'center' | 'right' } = {}): void {
    if (text === '') return;
    let at = x;
    if (options.width !== undefined && options.align && options.align !== 'left') {
      const free = options.width - this.textWidth(text, style);
      at = options.align === 'right' ? x + free : x + free / 2;
    }
    this.doc.font(FONT_IDS[style.font]).fontSize(style.size).fillColor(style.color).text(text, at, y + inset(style), { lineBreak: false });
  }

  /** Draws wrapped text from the current position, continuing on new pages; returns the lines drawn. */
  paragraph(text: string, style: TextStyle = STYLES.body, options: { indent?: number; width?: number; spaceAfter?: number } = {}): number {
    const x = this.left + (options.indent ?? 0);
    const width = options.width ?? this.width - (options.indent ?? 0);
    const lines = this.wrap(text, style, width);
    const h = lineHeight(style);
    for (const line of lines) {
      this.ensure(h);
      this.drawText(line, x, this.y, style);
      this.y += h;
    }
    this.y += options.spaceAfter ?? h * 0.4;
    return lines.length;
  }

  /** A heading kept with at least `keep` points of what follows it; returns where its top is. */
  heading(text: string, style: TextStyle, keep = 60): number {
    const lines = this.wrap(text, style, this.width);
    const h = lineHeight(style);
    const before = this.y > this.frame.bodyTop + 1 ? h * 0.5 : 0;
    this.ensure(before + lines.length * h + keep);
    if (this.y > this.frame.bodyTop + 1) this.y += before;
    const top = this.y;
    for (const line of lines) {
      this.drawText(line, this.left, this.y, style);
      this.y += h;
    }
    this.y += h * 0.2;
    return top;
  }

  /** A label and its value, the value wrapped beside the label. */
  field(name: string, value: string, nameWidth: number, style: TextStyle = STYLES.body): void {
    const h = lineHeight(style);
    const lines = this.wrap(value || '—', style, this.width - nameWidth);
    const nameLines = this.wrap(name, { ...style, font: 'bold' }, nameWidth - 8);
    for (let i = 0; i < Math.max(lines.length, nameLines.length); i++) {
      this.ensure(h);
      if (nameLines[i]) this.drawText(nameLines[i]!, this.left, this.y, { ...style, font: 'bold', color: COLORS.muted });
      if (lines[i]) this.drawText(lines[i]!, this.left + nameWidth, this.y, style);
      this.y += h;
    }
  }

  rule(color = COLORS.rule, width = 0.6): void {
    this.doc.save().moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /** Lays out a cell's paragraphs into lines of `width`. */
  private cellLines(cell: Cell, width: number, style: TextStyle): Line[] {
    const paragraphs = typeof cell === 'string' ? [{ text: cell }] : cell;
    return paragraphs.flatMap((p) => {
      const s = p.style ?? style;
      return this.wrap(p.text, s, width).map((text) => ({ text, style: s }));
    });
  }

  /**
   * A table: rows wrap within their columns; a row that does not fit moves to the next page when it is
   * short, and is split line by line across pages when it is long; every page the table reaches repeats
   * its header (and the group it is in, marked continued).
   */
  table(columns: readonly TableColumn[], rows: readonly TableRow[], options: { style?: TextStyle; continued?: string } = {}): void {
    const style = options.style ?? STYLES.table;
    const total = columns.reduce((n, c) => n + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((n, w) => n + w, 0));
    const headerLines = columns.map((c, i) => this.cellLines(c.header, widths[i]! - 2 * PAD_X, STYLES.tableHeader));
    const heightOf = (lines: Line[]) => lines.reduce((n, l) => n + lineHeight(l.style), 0);
    const headerHeight = Math.max(...headerLines.map(heightOf)) + 2 * PAD_Y;
    const minRow = lineHeight(style) * 2 + 2 * PAD_Y;
    let group: string | null = null;
    const continued = options.continued ?? '';

    const drawRowLines = (cells: Line[][], fill: string | null, bold = false) => {
      const h = Math.max(...cells.map(heightOf)) + 2 * PAD_Y;
      if (fill) this.doc.save().rect(this.left, this.y, this.width, h).fill(fill).restore();
      cells.forEach((lines, i) => {
        let y = this.y + PAD_Y;
        for (const line of lines) {
          this.drawText(line.text, xs[i]! + PAD_X, y, bold ? { ...line.style, font: 'bold' } : line.style, { width: widths[i]! - 2 * PAD_X, align: columns[i]!.align ?? 'left' });
          y += lineHeight(line.style);
        }
      });
      this.doc.save().lineWidth(0.4).strokeColor(COLORS.rule);
      this.doc.moveTo(this.left, this.y + h).lineTo(this.left + this.width, this.y + h).stroke();
      this.doc.restore();
      this.y += h;
    };
    const groupLines = (text: string) => [this.wrap(text, STYLES.group, this.width - 2 * PAD_X).map((t) => ({ text: t, style: STYLES.group }))];
    const drawHeader = () => {
      drawRowLines(headerLines, COLORS.header);
      if (group !== null) drawRowLines(groupLines(group + continued), COLORS.group);
    };

    const previous = this.continuation;
    this.continuation = drawHeader;
    try {
      this.ensure(headerHeight + minRow);
      drawRowLines(headerLines, COLORS.header);
      for (const row of rows) {
        if ('group' in row) {
          const lines = groupLines(row.group);
          const h = heightOf(lines[0]!) + 2 * PAD_Y;
          group = null;
          // Keep a group's label with the start of its first row.
          if (this.remaining < h + minRow) this.newPage();
          group = row.group;
          drawRowLines(lines, COLORS.group);
          continue;
        }
        let cells = row.cells.map((cell, i) => this.cellLines(cell, widths[i]! - 2 * PAD_X, style));
        const full = Math.max(...cells.map(heightOf)) + 2 * PAD_Y;
        const fresh = this.bodyHeight - headerHeight - 3 * minRow;
        if (full > this.remaining && full <= Math.min(fresh, this.bodyHeight / 3)) this.newPage();
        // Draw what fits; continue the rest on the next page, as often as needed.
        for (;;) {
          const room = this.remaining - 2 * PAD_Y;
          const needed = Math.max(...cells.map(heightOf));
          if (needed <= room) {
            drawRowLines(cells, null);
            break;
          }
          if (room < minRow - 2 * PAD_Y) {
            this.newPage();
            continue;
          }
          const now: Line[][] = [];
          const later: Line[][] = [];
          for (const lines of cells) {
            let used = 0;
            let k = 0;
            while (k < lines.length && used + lineHeight(lines[k]!.style) <= room) used += lineHeight(lines[k++]!.style);
            now.push(lines.slice(0, k));
            later.push(lines.slice(k));
          }
          drawRowLines(now, null);
          // The first column names the row: repeat it, marked continued, where it has nothing left.
          const label = cells[0]?.[0];
          if (label && later[0]!.length === 0) later[0] = [{ text: label.text + continued, style: { ...label.style, color: COLORS.muted } }];
          cells = later;
          this.newPage();
        }
      }
    } finally {
      this.continuation = previous;
    }
    this.y += lineHeight(style) * 0.6;
  }
}
