// The frame every findings report document shares: a pdfkit document made deterministic (dates from
// the input, an ID derived from them), the questionnaire looked up by id, and each page's header
// (title, agency, DRAFT mark) and footer (verification code, audit head, verify address, page n of m).
import PDFDocument from 'pdfkit';
import type { Attribute, Indicator, Process } from '../domain/questionnaire.js';
import { registerFonts } from './fonts.js';
import { COLORS, Layout, STYLES, lineHeight, type TextStyle } from './layout.js';
import { label, type LabelKey, type ReportLang } from './report-labels.js';
import type { ReportInput } from './report-input.js';

export interface IndexedIndicator {
  indicator: Indicator;
  attribute: Attribute;
}

export interface ProcessEntry {
  process: Process;
  aspect: { id: string; name: string };
}

/** What every section reads: the input, the language, the layout, and the questionnaire by id. */
export class ReportContext {
  readonly processes: ProcessEntry[];
  private readonly byId: Map<string, ProcessEntry>;
  private readonly indicators = new Map<string, IndexedIndicator & { ordinal: number }>();
  private readonly processOrdinal: Map<string, number>;
  readonly attributes: Map<string, Attribute>;

  constructor(
    readonly input: ReportInput,
    readonly lang: ReportLang,
    readonly layout: Layout,
  ) {
    const q = input.questionnaire;
    this.processes = q.aspects.flatMap((a) => a.processes.map((process) => ({ process, aspect: { id: a.id, name: a.name[lang] } })));
    this.byId = new Map(this.processes.map((p) => [p.process.id, p]));
    this.attributes = new Map(q.attributes.map((a) => [a.id, a]));
    this.processOrdinal = new Map(this.processes.map((p, i) => [p.process.id, i]));
    let ordinal = 0;
    for (const { process } of this.processes) {
      for (const attribute of q.attributes) {
        for (const indicator of attribute.level === 1 ? process.indicators : attribute.indicators) this.indicators.set(`${process.id}/${indicator.id}`, { indicator, attribute, ordinal: ordinal++ });
      }
    }
  }

  t(key: LabelKey, values?: Record<string, string | number>): string {
    return label(this.lang, key, values);
  }

  process(id: string): ProcessEntry | undefined {
    return this.byId.get(id);
  }

  /** "GOV-01 資安政策與目標", or the bare id of a process the questionnaire does not have. */
  processName(id: string): string {
    const p = this.byId.get(id);
    return p ? `${id} ${p.process.name[this.lang]}` : id;
  }

  attributeName(id: string): string {
    const a = this.attributes.get(id);
    return a ? `${id} ${a.name[this.lang]}` : id;
  }

  indicator(process: string, indicator: string): IndexedIndicator | undefined {
    return this.indicators.get(`${process}/${indicator}`);
  }

  attributeOrder(id: string): number {
    const i = this.input.questionnaire.attributes.findIndex((a) => a.id === id);
    return i < 0 ? this.attributes.size : i;
  }

  /** Questionnaire order of processes, and of (process, indicator) pairs; unknown ones go last. */
  order(process: string, indicator?: string): number {
    if (indicator === undefined) return this.processOrdinal.get(process) ?? this.processes.length;
    return this.indicators.get(`${process}/${indicator}`)?.ordinal ?? this.indicators.size;
  }
}

export interface RenderSetup {
  title: string;
  /** Draws the document's content from the first page on. */
  body: (ctx: ReportContext) => void;
}

const HEADER: TextStyle = { ...STYLES.band, size: 7.5 };
const BADGE: TextStyle = { ...STYLES.band, font: 'bold', size: 9, color: '#ffffff' };

function decoratePage(ctx: ReportContext, title: string, page: number, pages: number): void {
  const { layout, input } = ctx;
  const { frame, doc } = layout;
  const top = frame.margin.top;
  const right = layout.left + layout.width;
  let badgeWidth = 0;
  if (input.draft) {
    const text = ctx.t('draft.mark');
    badgeWidth = layout.textWidth(text, BADGE) + 16;
    doc.save().roundedRect(right - badgeWidth, top, badgeWidth, 17, 2).fill(COLORS.draft).restore();
    layout.drawText(text, right - badgeWidth, top + 1.5, BADGE, { width: badgeWidth, align: 'center' });
    badgeWidth += 8;
  }
  const head = layout.fit(`${title}${ctx.lang === 'zh-TW' ? '\u3000' : ' — '}${input.record.agency.name}`, HEADER, layout.width - badgeWidth);
  layout.drawText(head, layout.left, top + 3, HEADER);
  const ruleY = frame.bodyTop - 10;
  doc.save().moveTo(layout.left, ruleY).lineTo(right, ruleY).lineWidth(0.6).strokeColor(COLORS.rule).stroke().restore();

  const footTop = frame.bodyBottom + 8;
  doc.save().moveTo(layout.left, footTop).lineTo(right, footTop).lineWidth(0.6).strokeColor(COLORS.rule).stroke().restore();
  const h = lineHeight(STYLES.band);
  const pageText = ctx.t('page.of', { n: page, m: pages });
  const pageWidth = layout.textWidth(pageText, STYLES.band);
  layout.drawText(pageText, right - pageWidth, footTop + 3, STYLES.band);
  const room = layout.width - pageWidth - 12;
  const lines = input.seal
    ? [
        `${ctx.t('footer.verification')}\u3000${input.seal.verificationCode}`,
        `${ctx.t('footer.auditHead')}\u3000${input.seal.auditHead}`,
        `${ctx.t('footer.verifyAt')}\u3000${input.verifyUrl}`,
      ]
    : [ctx.t('draft.footer')];
  lines.forEach((line, i) => {
    const style = input.seal ? STYLES.band : { ...STYLES.band, font: 'bold' as const, color: COLORS.draft };
    layout.drawText(layout.fit(line, style, i === 0 ? room : layout.width), layout.left, footTop + 3 + i * h, style);
  });
}

/** Renders one document of a report: fonts, deterministic metadata, body, then every page's bands. */
export async function renderReportDocument(input: ReportInput, lang: ReportLang, setup: RenderSetup): Promise<Buffer> {
  if (!input.draft && !input.seal) throw new TypeError('a report that is not a draft needs its seal');
  const at = new Date(input.generatedAt);
  if (Number.isNaN(at.getTime())) throw new TypeError(`generatedAt is not a date: ${input.generatedAt}`);
  const { record } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, right: 51, bottom: 40, left: 51 },
    autoFirstPage: false,
    bufferPages: true,
    compress: true,
    lang,
    displayTitle: true,
    // Fixed metadata: pdfkit derives the document ID from it, so the same input gives the same bytes.
    info: {
      Title: `${setup.title}: ${record.agency.name} (${record.agency.code}), ${record.cycle}`,
      Author: record.agency.name,
      Subject: `${record.agency.code} ${record.cycle} ${record.questionnaire}`,
      Keywords: input.seal ? input.seal.verificationCode : 'DRAFT',
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
  const ctx = new ReportContext(input, lang, layout);
  doc.addPage();
  setup.body(ctx);
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    decoratePage(ctx, setup.title, i + 1, range.count);
  }
  doc.end();
  return finished;
}
