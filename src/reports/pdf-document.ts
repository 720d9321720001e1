// The frame every report document shares: a pdfkit document made deterministic (dates from the input, an
// ID derived from the metadata), the fonts, the body drawn by the report, then each page's bands — a
// header (title, a coloured badge) and a footer (the report's lines and "page n of m").
import PDFDocument from 'pdfkit';
import { registerFonts } from './fonts.js';
import { COLORS, Layout, STYLES, lineHeight, type TextStyle } from './layout.js';
import type { ReportLang } from './report-labels.js';

export interface PdfSetup {
  lang: ReportLang;
  /** ISO timestamp written as the creation and modification date: the only date in the file. */
  generatedAt: string;
  info: { title: string; author: string; subject: string; keywords: string };
  /** Draws the document's content from the first page on. */
  body: (layout: Layout) => void;
  /** Draws one page's bands once every page exists (so "of m" is known). */
  decorate: (layout: Layout, page: number, pages: number) => void;
}

/** Renders a document: fonts, deterministic metadata, body, then every page's bands. */
export async function renderPdf(setup: PdfSetup): Promise<Buffer> {
  const at = new Date(setup.generatedAt);
  if (Number.isNaN(at.getTime())) throw new TypeError(`generatedAt is not a date: ${setup.generatedAt}`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, right: 51, bottom: 40, left: 51 },
    autoFirstPage: false,
    bufferPages: true,
    compress: true,
    lang: setup.lang,
    displayTitle: true,
    // Fixed metadata: pdfkit derives the document ID from it, so the same input gives the same bytes.
    info: {
      Title: setup.info.title,
      Author: setup.info.author,
      Subject: setup.info.subject,
      Keywords: setup.info.keywords,
      Creator: 'govsec-maturity',
      Producer: 'govsec-maturity (PDFKit)',
      CreationDate: at,
      ModDate: at,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerFonts(doc);
  const layout = new Layout(doc);
  doc.addPage();
  setup.body(layout);
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    setup.decorate(layout, i + 1, range.count);
  }
  doc.end();
  return finished;
}

export interface PageBands {
  /** The header line, shortened to fit beside the badge. */
  head: string;
  /** A mark at the header's right (DRAFT, PROVISIONAL), or none. */
  badge: { text: string; color: string } | null;
  /** The footer's lines; the first shares its line with the page number. */
  footer: { lines: string[]; style: TextStyle };
  /** "第 n 頁，共 m 頁" */
  pageText: string;
}

const HEADER: TextStyle = { ...STYLES.band, size: 7.5 };
const BADGE: TextStyle = { ...STYLES.band, font: 'bold', size: 9, color: '#ffffff' };

/** Draws the header band (line, badge, rule) and the footer band (rule, lines, page number) of the current page. */
export function drawPageBands(layout: Layout, bands: PageBands): void {
  const { frame, doc } = layout;
  const top = frame.margin.top;
  const right = layout.left + layout.width;
  let badgeWidth = 0;
  if (bands.badge) {
    badgeWidth = layout.textWidth(bands.badge.text, BADGE) + 16;
    doc.save().roundedRect(right - badgeWidth, top, badgeWidth, 17, 2).fill(bands.badge.color).restore();
    layout.drawText(bands.badge.text, right - badgeWidth, top + 1.5, BADGE, { width: badgeWidth, align: 'center' });
    badgeWidth += 8;
  }
  layout.drawText(layout.fit(bands.head, HEADER, layout.width - badgeWidth), layout.left, top + 3, HEADER);
  const ruleY = frame.bodyTop - 10;
  doc.save().moveTo(layout.left, ruleY).lineTo(right, ruleY).lineWidth(0.6).strokeColor(COLORS.rule).stroke().restore();

  const footTop = frame.bodyBottom + 8;
  doc.save().moveTo(layout.left, footTop).lineTo(right, footTop).lineWidth(0.6).strokeColor(COLORS.rule).stroke().restore();
  const h = lineHeight(STYLES.band);
  const pageWidth = layout.textWidth(bands.pageText, STYLES.band);
  layout.drawText(bands.pageText, right - pageWidth, footTop + 3, STYLES.band);
  const room = layout.width - pageWidth - 12;
  bands.footer.lines.forEach((line, i) => {
    layout.drawText(layout.fit(line, bands.footer.style, i === 0 ? room : layout.width), layout.left, footTop + 3 + i * h, bands.footer.style);
  });
}
