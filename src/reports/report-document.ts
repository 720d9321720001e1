// What every findings report document shares: the questionnaire looked up by id, and each page's bands
// on the common frame (pdf-document.ts) — the header (title, agency, DRAFT mark) and the footer
// (verification code, audit head, verify address, page n of m).
import type { Attribute, Indicator, Process } from '../domain/questionnaire.js';
import { COLORS, STYLES, type Layout } from './layout.js';
import { drawPageBands, renderPdf } from './pdf-document.js';
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

function decoratePage(ctx: ReportContext, title: string, page: number, pages: number): void {
  const { input } = ctx;
  drawPageBands(ctx.layout, {
    head: `${title}${ctx.lang === 'zh-TW' ? '\u3000' : ' — '}${input.record.agency.name}`,
    badge: input.draft ? { text: ctx.t('draft.mark'), color: COLORS.draft } : null,
    footer: input.seal
      ? {
          lines: [`${ctx.t('footer.verification')}\u3000${input.seal.verificationCode}`, `${ctx.t('footer.auditHead')}\u3000${input.seal.auditHead}`, `${ctx.t('footer.verifyAt')}\u3000${input.verifyUrl}`],
          style: STYLES.band,
        }
      : { lines: [ctx.t('draft.footer')], style: { ...STYLES.band, font: 'bold', color: COLORS.draft } },
    pageText: ctx.t('page.of', { n: page, m: pages }),
  });
}

/** Renders one document of a findings report: the shared frame, the body, then every page's bands. */
export async function renderReportDocument(input: ReportInput, lang: ReportLang, setup: RenderSetup): Promise<Buffer> {
  if (!input.draft && !input.seal) throw new TypeError('a report that is not a draft needs its seal');
  const { record } = input;
  let ctx: ReportContext | undefined;
  return renderPdf({
    lang,
    generatedAt: input.generatedAt,
    info: {
      title: `${setup.title}: ${record.agency.name} (${record.agency.code}), ${record.cycle}`,
      author: record.agency.name,
      subject: `${record.agency.code} ${record.cycle} ${record.questionnaire}`,
      keywords: input.seal ? input.seal.verificationCode : 'DRAFT',
    },
    body: (layout) => {
      ctx = new ReportContext(input, lang, layout);
      setup.body(ctx);
    },
    decorate: (_layout, page, pages) => decoratePage(ctx!, setup.title, page, pages),
  });
}
