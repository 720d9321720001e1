// A report's table of contents: a page kept free after the cover, each section's heading registered with
// its page (a named destination and an outline entry), and the contents drawn on the kept page at the end,
// with dotted leaders and links, once every section's page is known.
import { COLORS, STYLES, lineHeight, type Layout } from './layout.js';

export class Contents {
  private readonly entries: { key: string; title: string; page: number }[] = [];
  private page = 0;

  constructor(private readonly layout: Layout) {}

  /** Keeps the next page for the contents and starts the body on the one after. */
  reserve(): void {
    this.layout.newPage();
    this.page = this.layout.pageIndex;
    this.layout.newPage();
  }

  /** A section's heading (on a new page when asked and not at a page's top), listed in the contents. */
  section(key: string, title: string, newPage = false): void {
    const { layout } = this;
    const { doc } = layout;
    if (newPage && layout.y > layout.frame.bodyTop + 1) layout.newPage();
    const top = layout.heading(title, STYLES.h1, 80);
    this.entries.push({ key, title, page: layout.pageIndex });
    doc.addNamedDestination(`section-${key}`, 'XYZ', null, top - 6, null);
    // `fit`: pdfkit's default outline destination would scroll the page's right edge to the left.
    const outline = { expanded: false, fit: true };
    doc.outline.addItem(title, outline);
  }

  /** Draws the contents on the kept page, then returns to where the body ended. */
  draw(heading: string): void {
    const { layout } = this;
    const { doc } = layout;
    const current = layout.y;
    const currentPage = layout.pageIndex;
    doc.switchToPage(this.page);
    layout.y = layout.frame.bodyTop;
    layout.heading(heading, STYLES.h1);
    const style = { ...STYLES.body, size: 10.5 };
    const h = lineHeight(style) + 4;
    for (const entry of this.entries) {
      const number = String(entry.page + 1);
      const numberWidth = layout.textWidth(number, style);
      const right = layout.left + layout.width;
      const titleWidth = layout.textWidth(entry.title, style);
      layout.drawText(entry.title, layout.left, layout.y, style);
      // Dotted leader between the title and its page number.
      const from = layout.left + titleWidth + 6;
      const to = right - numberWidth - 6;
      if (to > from) {
        doc.save().lineWidth(0.6).strokeColor(COLORS.rule).dash(1, { space: 2.5 }).moveTo(from, layout.y + lineHeight(style) * 0.7).lineTo(to, layout.y + lineHeight(style) * 0.7).stroke().undash().restore();
      }
      layout.drawText(number, right - numberWidth, layout.y, style);
      doc.goTo(layout.left, layout.y, layout.width, lineHeight(style), `section-${entry.key}`);
      layout.y += h;
    }
    doc.switchToPage(currentPage);
    layout.y = current;
  }
}
