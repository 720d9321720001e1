// The national KPI report of a cycle (docs/domain.md §8): cover, contents, KPI summary with a progress
// bar, the figures by grade, the level distribution (grouped bars and a table), by ministry (a table and
// at-target bars), the agencies below target and the table of every agency. Pure: the same input and
// language give the same bytes. A closed cycle's report is rendered from its snapshot (figures, agencies,
// closedAt as its date) and names the snapshot's hash on every page; an open cycle's is marked PROVISIONAL.
import { daysOverdue, taiwanDate } from '../domain/deadlines.js';
import { milestoneStatus, standingLevels, countedSelf, countedValidated, type AgencyStanding, type Figures, type Kpi, type StoredLevels, type Tally } from '../domain/programme.js';
import { drawGroupedBars, drawProgressBar, drawShareBars } from './chart.js';
import { Contents } from './contents.js';
import { COLORS, STYLES, type Layout, type TableColumn, type TableRow } from './layout.js';
import { drawPageBands, renderPdf } from './pdf-document.js';
import { cycleLabel, formatDate, formatScore, label, paren, stateLabel, type LabelKey, type ReportLang } from './report-labels.js';

export interface NationalReportCycle {
  year: number;
  questionnaire: string;
  targetLevel: number | null;
  grades: readonly string[];
  kpi: Kpi;
  deadline: string | null;
}

export interface NationalReportInput {
  cycle: NationalReportCycle;
  /** The competent authority publishing the report (AUTHORITY_NAME). */
  authority: string;
  figures: Figures;
  /** Every in-scope agency's standing the figures were counted from. */
  agencies: readonly AgencyStanding[];
  /** True for an open cycle (live figures); false for a closed one (its snapshot). */
  provisional: boolean;
  /** The report's date: a closed cycle's closedAt, so its bytes depend on the snapshot alone. */
  generatedAt: string;
  /** SHA-256 of the snapshot record; null while the cycle is open. */
  snapshotSha256: string | null;
  /** `<PUBLIC_URL>/verify` */
  verifyUrl: string;
}

type SectionKey = 'kpi' | 'grades' | 'distribution' | 'ministries' | 'below' | 'agencies';

/** Renders the national KPI report as PDF bytes. */
export async function renderNationalReport(input: NationalReportInput, options: { lang: ReportLang }): Promise<Buffer> {
  if (!input.provisional && input.snapshotSha256 === null) throw new TypeError('a closed cycle’s report needs its snapshot hash');
  if (input.provisional && input.snapshotSha256 !== null) throw new TypeError('a provisional report has no snapshot');
  const { lang } = options;
  const title = label(lang, 'national.title');
  const { year } = input.cycle;
  return renderPdf({
    lang,
    generatedAt: input.generatedAt,
    info: { title: `${title}: ${cycleLabel(lang, year)}`, author: input.authority, subject: `KPI ${year}`, keywords: input.snapshotSha256 ?? 'PROVISIONAL' },
    body: (layout) => new NationalReport(input, lang, layout).draw(),
    decorate: (layout, page, pages) => {
      const t = (key: LabelKey, values?: Record<string, string | number>) => label(lang, key, values);
      const verify = `${t('footer.verifyAt')}\u3000${input.verifyUrl}`;
      drawPageBands(layout, {
        head: `${title}${lang === 'zh-TW' ? '\u3000' : ' — '}${cycleLabel(lang, year)}`,
        badge: input.provisional ? { text: t('national.provisional'), color: COLORS.draft } : null,
        footer: input.provisional
          ? { lines: [t('national.footerProvisional', { date: formatDate(input.generatedAt, lang, true) }), verify], style: { ...STYLES.band, font: 'bold', color: COLORS.draft } }
          : { lines: [`${t('national.footerSnapshot')}\u3000${input.snapshotSha256!}`, verify], style: STYLES.band },
        pageText: t('page.of', { n: page, m: pages }),
      });
    },
  });
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const percent = (n: number, m: number): string => (m === 0 ? '—' : `${((n / m) * 100).toFixed(0)}%`);

class NationalReport {
  private readonly contents: Contents;
  private readonly t: (key: LabelKey, values?: Record<string, string | number>) => string;

  constructor(
    private readonly input: NationalReportInput,
    private readonly lang: ReportLang,
    private readonly layout: Layout,
  ) {
    this.contents = new Contents(layout);
    this.t = (key, values) => label(lang, key, values);
  }

  draw(): void {
    this.cover();
    this.contents.reserve();
    this.kpi();
    this.grades();
    this.distribution();
    this.ministries();
    this.below();
    this.agencies();
    this.contents.draw(this.t('toc.title'));
  }

  private section(key: SectionKey, newPage = false): void {
    this.contents.section(key, this.t(`section.${key}`), newPage);
  }

  /** The agencies the KPI counts over: those of its grades. */
  private get kpiAgencies(): number {
    const grades = this.input.cycle.kpi.grades as readonly string[];
    return this.input.agencies.filter((a) => grades.includes(a.grade)).length;
  }

  private targetText(): string {
    const { target } = this.input.cycle.kpi;
    if (target === null) return this.t('kpi.targetNone');
    return target === 'all' ? this.t('kpi.targetAll', { n: this.kpiAgencies }) : this.t('kpi.targetCount', { n: target });
  }

  /** The milestone's status: settled once the cycle is closed or, on the report's date, its deadline has passed in Taiwan. */
  private statusText(): string {
    const { deadline } = this.input.cycle;
    const passed = deadline !== null && daysOverdue(deadline, taiwanDate(new Date(this.input.generatedAt))) > 0;
    return this.t(`kpi.status.${milestoneStatus(this.input.figures.kpi, !this.input.provisional || passed)}`);
  }

  private basisText(basis: 'self' | 'validated'): string {
    return this.t(`kpi.basis.${basis}`);
  }

  private cover(): void {
    const { layout, input, lang } = this;
    const { cycle } = input;
    layout.y = layout.frame.bodyTop + 40;
    layout.paragraph(this.t('national.title'), { ...STYLES.h1, size: 20 }, { spaceAfter: 18 });
    layout.paragraph(cycleLabel(lang, cycle.year), { ...STYLES.h1, size: 17, color: COLORS.text }, { spaceAfter: 16 });
    const fields: [string, string][] = [
      [this.t('national.authority'), input.authority],
      [this.t('cover.questionnaire'), cycle.questionnaire],
      [this.t('summary.target'), cycle.targetLevel === null ? this.t('summary.noTarget') : String(cycle.targetLevel)],
      [this.t('national.grades'), cycle.grades.join(lang === 'zh-TW' ? '、' : ', ')],
      [this.t('national.deadline'), cycle.deadline ? formatDate(cycle.deadline, lang) : '—'],
      [this.t('national.agencyCount'), String(input.agencies.length)],
      [this.t('national.status'), this.t(input.provisional ? 'national.open' : 'national.closed')],
      [this.t(input.provisional ? 'cover.generatedAt' : 'national.closedAt'), formatDate(input.generatedAt, lang, true)],
    ];
    for (const [name, value] of fields) layout.field(name, value, 130, { ...STYLES.body, size: 10.5 });
    layout.y += 24;
    if (input.provisional) {
      const text = this.t('national.provisional');
      const style = { ...STYLES.h1, size: 30, color: COLORS.draft };
      const w = layout.textWidth(text, style) + 40;
      layout.ensure(60);
      layout.doc.save().roundedRect(layout.left, layout.y, w, 50, 4).lineWidth(2.5).stroke(COLORS.draft).restore();
      layout.drawText(text, layout.left, layout.y + 4, style, { width: w, align: 'center' });
      layout.y += 62;
      layout.paragraph(this.t('national.provisionalNote'), { ...STYLES.body, color: COLORS.draft });
    } else {
      layout.field(this.t('national.footerSnapshot'), input.snapshotSha256!, 130, { ...STYLES.body, size: 9 });
      layout.y += 6;
      layout.paragraph(this.t('national.closedNote'), STYLES.small, { spaceAfter: 2 });
      layout.paragraph(input.verifyUrl, { ...STYLES.body, color: COLORS.brand });
    }
  }

  private kpi(): void {
    const { layout, input, lang } = this;
    const { kpi } = input.figures;
    this.section('kpi');
    layout.paragraph(this.t('kpi.headline', { year: cycleLabel(lang, input.cycle.year), count: kpi.count, target: this.targetText(), status: this.statusText() }), STYLES.bodyBold, { spaceAfter: 8 });
    const fields: [string, string][] = [
      [this.t('kpi.grades'), kpi.grades.join(lang === 'zh-TW' ? '、' : ', ')],
      [this.t('kpi.basis'), this.basisText(kpi.basis)],
      [this.t('kpi.minLevel'), kpi.minLevel === null ? this.t('kpi.minLevelNone') : String(kpi.minLevel)],
      [this.t('kpi.target'), this.targetText()],
      [this.t('kpi.count'), String(kpi.count)],
      [this.t('kpi.verdict'), this.statusText()],
    ];
    for (const [name, value] of fields) layout.field(name, value, 130);
    layout.y += 10;
    const of = kpi.target === null || kpi.target === 'all' ? this.kpiAgencies : kpi.target;
    drawProgressBar(layout, kpi.count, of, this.t('kpi.progress', { count: kpi.count, of }), this.t('kpi.progressCaption'));
  }

  private tallyColumns(first: string): TableColumn[] {
    return [
      { header: first, width: 2 },
      { header: this.t('tally.inScope'), width: 1.1, align: 'right' },
      { header: this.t('tally.started'), width: 1.1, align: 'right' },
      { header: this.t('tally.submitted'), width: 1.3, align: 'right' },
      { header: this.t('tally.inReview'), width: 1.3, align: 'right' },
      { header: this.t('tally.accepted'), width: 1.2, align: 'right' },
      { header: this.t('tally.selfAtTarget'), width: 1.3, align: 'right' },
      { header: this.t('tally.validatedAtTarget'), width: 1.3, align: 'right' },
    ];
  }

  private tallyCells(name: string, t: Tally): string[] {
    const n = (v: number | null) => (v === null ? '—' : String(v));
    return [name, String(t.inScope), String(t.reached.started), String(t.reached.submitted), String(t.reached.inReview), String(t.reached.accepted), n(t.atTarget.self), n(t.atTarget.validated)];
  }

  private grades(): void {
    const { layout, input } = this;
    this.section('grades');
    layout.paragraph(this.t('tally.caption'), STYLES.small, { spaceAfter: 6 });
    const grades = Object.keys(input.figures.byGrade).sort(byText);
    layout.table(
      this.tallyColumns(this.t('tally.grade')),
      grades.map((g) => ({ cells: this.tallyCells(g, input.figures.byGrade[g]!) })),
    );
  }

  private distribution(): void {
    const { layout, input } = this;
    this.section('distribution', true);
    layout.paragraph(this.t('dist.caption'), STYLES.small, { spaceAfter: 8 });
    const levels = ['0', '1', '2', '3', '4', '5'] as const;
    const { self, validated } = input.figures.distribution;
    drawGroupedBars(
      layout,
      levels.map((l) => this.t('level.n', { n: l })),
      [
        { label: this.t('dist.self'), color: COLORS.brandMid, values: levels.map((l) => self[l]) },
        { label: this.t('dist.validated'), color: COLORS.brand, values: levels.map((l) => validated[l]) },
      ],
      this.t('dist.axis'),
    );
    layout.y += 6;
    const sum = (counts: Record<string, number>) => levels.reduce((n, l) => n + counts[l]!, 0);
    layout.table(
      [{ header: this.t('dist.level'), width: 2 }, ...levels.map((l) => ({ header: l, width: 1, align: 'right' as const })), { header: this.t('dist.total'), width: 1.2, align: 'right' }],
      [
        { cells: [this.t('dist.self'), ...levels.map((l) => String(self[l])), String(sum(self))] },
        { cells: [this.t('dist.validated'), ...levels.map((l) => String(validated[l])), String(sum(validated))] },
      ],
    );
  }

  private ministries(): void {
    const { layout, input } = this;
    this.section('ministries', true);
    const ministries = input.figures.ministries;
    layout.table(
      this.tallyColumns(this.t('tally.ministry')),
      ministries.map((m) => ({ cells: this.tallyCells(m.ministry, m) })),
    );
    if (input.cycle.targetLevel === null) {
      layout.paragraph(this.t('path.noTarget'), { ...STYLES.body, color: COLORS.muted });
      return;
    }
    const basis = input.cycle.kpi.basis;
    layout.heading(this.t('ministry.chartCaption', { basis: this.basisText(basis) }), STYLES.h3, 60);
    drawShareBars(
      layout,
      ministries.map((m) => {
        const n = m.atTarget[basis] ?? 0;
        return { label: m.ministry, share: m.inScope === 0 ? 0 : n / m.inScope, text: this.t('ministry.share', { n, m: m.inScope, p: percent(n, m.inScope) }) };
      }),
    );
  }

  private levelScore(levels: StoredLevels | null): string {
    return levels ? this.t('agencies.levelScore', { level: levels.level, score: formatScore(levels.score) }) : '—';
  }

  private stateText(state: AgencyStanding['state']): string {
    return state === null ? this.t('agencies.notStarted') : stateLabel(this.lang, state);
  }

  private below(): void {
    const { layout, input, lang } = this;
    this.section('below', true);
    const target = input.cycle.targetLevel;
    if (target === null) {
      layout.paragraph(this.t('path.noTarget'), { ...STYLES.body, color: COLORS.muted });
      return;
    }
    const rows = [...input.agencies]
      .sort((a, b) => byText(a.agency, b.agency))
      .flatMap((a) => {
        const standing = standingLevels(a);
        return standing && standing.levels.meetsTarget === false ? [{ a, standing }] : [];
      });
    layout.paragraph(this.t('below.intro', { n: target }), STYLES.small, { spaceAfter: 6 });
    if (rows.length === 0) {
      layout.paragraph(this.t('below.none'), { ...STYLES.body, color: COLORS.muted });
      return;
    }
    layout.table(
      [
        { header: this.t('agencies.agency'), width: 4 },
        { header: this.t('tally.ministry'), width: 2.2 },
        { header: this.t('tally.grade'), width: 0.9, align: 'center' },
        { header: this.t('agencies.state'), width: 1.4 },
        { header: this.t('below.basis'), width: 1.3 },
        { header: this.t('summary.level'), width: 1.3, align: 'right' },
        { header: this.t('summary.score'), width: 1.1, align: 'right' },
      ],
      rows.map(({ a, standing }) => ({
        cells: [a.agency + paren(lang, a.name), a.ministry, a.grade, this.stateText(a.state), this.t(standing.basis === 'self' ? 'dist.self' : 'dist.validated'), String(standing.levels.level), formatScore(standing.levels.score)],
      })),
      { continued: this.t('common.continued') },
    );
  }

  private agencies(): void {
    const { layout, input } = this;
    this.section('agencies', true);
    layout.paragraph(this.t('agencies.intro'), STYLES.small, { spaceAfter: 6 });
    const sorted = [...input.agencies].sort((a, b) => byText(a.ministry, b.ministry) || byText(a.agency, b.agency));
    const counts = new Map<string, number>();
    for (const a of sorted) counts.set(a.ministry, (counts.get(a.ministry) ?? 0) + 1);
    const hasTarget = input.cycle.targetLevel !== null;
    const rows: TableRow[] = [];
    let ministry: string | null = null;
    for (const a of sorted) {
      if (a.ministry !== ministry) {
        ministry = a.ministry;
        rows.push({ group: this.t('agencies.group', { ministry: a.ministry || '—', n: counts.get(a.ministry)! }) });
      }
      const met = standingLevels(a)?.levels.meetsTarget;
      rows.push({
        cells: [
          `${a.agency} ${a.name}`,
          a.grade,
          this.stateText(a.state),
          this.levelScore(countedSelf(a)),
          this.levelScore(countedValidated(a)),
          !hasTarget || met === undefined || met === null ? '—' : this.t(met ? 'common.yes' : 'common.no'),
        ],
      });
    }
    layout.table(
      [
        { header: this.t('agencies.agency'), width: 4.6 },
        { header: this.t('tally.grade'), width: 0.9, align: 'center' },
        { header: this.t('agencies.state'), width: 1.5 },
        { header: this.t('agencies.self'), width: 1.7, align: 'right' },
        { header: this.t('agencies.validated'), width: 1.7, align: 'right' },
        { header: this.t('agencies.atTarget'), width: 1, align: 'center' },
      ],
      rows,
      { continued: this.t('common.continued') },
    );
  }
}
