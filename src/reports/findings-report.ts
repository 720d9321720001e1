// The agency findings report (issue 13, docs/domain.md §6): the main document — cover, contents, the
// CISO's sign-off, summary, level chart, PA ratings, path to target with guidance, findings, assessor
// changes, processes out of scope and the sign-off block — and its annex of every answer. Pure: the
// same input and language give the same bytes.
import type { Indicator } from '../domain/questionnaire.js';
import type { ProcessResult, ScoreResult } from '../domain/scoring.js';
import { drawLevelChart, type ChartGroup } from './chart.js';
import { Contents } from './contents.js';
import { renderAnnex } from './findings-annex.js';
import { COLORS, STYLES, lineHeight, type Paragraph, type TableRow } from './layout.js';
import { cycleLabel, formatAchievement, formatDate, formatScore, label, paren, ratingLabel, stateLabel, type ReportLang } from './report-labels.js';
import { renderReportDocument, type ReportContext } from './report-document.js';
import type { ReportInput } from './report-input.js';

export { draftReportInput, reportAnswers, sealedReportInput, type ReportAnswer, type ReportInput, type ReportRecord, type ReportSeal, type ScopeDeclaration } from './report-input.js';

export interface RenderOptions {
  lang: ReportLang;
  part: 'main' | 'annex';
}

/** Renders the findings report (`part: 'main'`) or its annex of answers as PDF bytes. */
export async function renderFindingsReport(input: ReportInput, options: RenderOptions): Promise<Buffer> {
  if (options.part === 'annex') return renderAnnex(input, options.lang);
  return renderReportDocument(input, options.lang, { title: label(options.lang, 'report.title'), body: (ctx) => new MainReport(ctx).draw() });
}

type SectionKey = 'signOff' | 'summary' | 'chart' | 'attributes' | 'path' | 'findings' | 'changes' | 'outOfScope' | 'signatures';

/** The main document, section by section; each section records where it starts for the contents. */
class MainReport {
  private readonly contents: Contents;
  /** Processes the assessor has rated, decided the scope of or overridden: a draft shows them as validated. */
  private readonly rated: Set<string>;

  constructor(private readonly ctx: ReportContext) {
    const c = ctx.input.record.assessorChanges;
    this.contents = new Contents(ctx.layout);
    this.rated = new Set([...c.ratings.map((r) => r.process), ...c.scope.map((s) => s.process), ...c.overrides.map((o) => o.process)]);
  }

  private get input(): ReportInput {
    return this.ctx.input;
  }

  private t: ReportContext['t'] = (key, values) => this.ctx.t(key, values);

  /** The result a process is shown with: validated once sealed or rated, else the provisional self result. */
  private shown(id: string): { result: ProcessResult | undefined; validated: boolean } {
    const { self, validated } = this.input.record;
    const useValidated = validated !== null && (!this.input.draft || this.rated.has(id));
    const source = useValidated ? validated : self;
    return { result: source.processes.find((p) => p.id === id), validated: useValidated };
  }

  /** The result the agency's level, gaps and path are read from. */
  private get main(): ScoreResult {
    return this.input.record.validated ?? this.input.record.self;
  }

  draw(): void {
    this.cover();
    this.contents.reserve();
    this.signOff();
    this.summary();
    this.chart();
    this.attributes();
    this.path();
    this.findings();
    this.changes();
    this.outOfScope();
    this.signatures();
    this.contents.draw(this.t('toc.title'));
  }

  private section(key: SectionKey, newPage = false): void {
    this.contents.section(key, this.t(`section.${key}`), newPage);
  }

  private cover(): void {
    const { layout } = this.ctx;
    const { record, seal } = this.input;
    const lang = this.ctx.lang;
    layout.y = layout.frame.bodyTop + 40;
    layout.paragraph(this.t('report.title'), { ...STYLES.h1, size: 20 }, { spaceAfter: 18 });
    layout.paragraph(record.agency.name, { ...STYLES.h1, size: 17, color: COLORS.text }, { spaceAfter: 16 });
    const q = this.input.questionnaire;
    const fields: [string, string][] = [
      [this.t('cover.code'), record.agency.code],
      [this.t('cover.grade'), record.agency.grade ?? '—'],
      [this.t('cover.ministry'), record.agency.ministry || '—'],
      [this.t('cover.cycle'), cycleLabel(lang, record.cycle)],
      [this.t('cover.questionnaire'), q.title[lang] + paren(lang, record.questionnaire)],
      [this.t('cover.state'), stateLabel(lang, this.input.state)],
      [this.t('cover.generatedAt'), formatDate(this.input.generatedAt, lang)],
    ];
    if (seal) fields.push([this.t('cover.acceptedAt'), formatDate(seal.acceptedAt, lang)]);
    for (const [name, value] of fields) layout.field(name, value, 120, { ...STYLES.body, size: 10.5 });
    layout.y += 24;
    if (this.input.draft) {
      const text = this.t('draft.mark');
      const style = { ...STYLES.h1, size: 30, color: COLORS.draft };
      const w = layout.textWidth(text, style) + 40;
      layout.ensure(60);
      layout.doc.save().roundedRect(layout.left, layout.y, w, 50, 4).lineWidth(2.5).stroke(COLORS.draft).restore();
      layout.drawText(text, layout.left, layout.y + 4, style, { width: w, align: 'center' });
      layout.y += 62;
      layout.paragraph(this.t('draft.note'), { ...STYLES.body, color: COLORS.draft });
    } else if (seal) {
      layout.field(this.t('cover.verification'), seal.verificationCode, 120, { ...STYLES.body, size: 9 });
      layout.y += 6;
      layout.paragraph(this.t('cover.verifyHint'), STYLES.small, { spaceAfter: 2 });
      layout.paragraph(this.input.verifyUrl, { ...STYLES.body, color: COLORS.brand });
    }
  }

  private signOff(): void {
    const { layout } = this.ctx;
    const { record } = this.input;
    this.section('signOff');
    const s = record.signOff;
    if (s) {
      layout.field(this.t('signOff.name'), s.name, 90);
      layout.field(this.t('signOff.username'), s.username, 90);
      layout.field(this.t('signOff.at'), formatDate(s.at, this.ctx.lang, true), 90);
      layout.field(this.t('signOff.statement'), s.statement[this.ctx.lang], 90);
    } else {
      layout.paragraph(this.t(record.ciso ? 'signOff.none' : 'signOff.pending'), { ...STYLES.body, color: COLORS.muted });
    }
    layout.y += 10;
  }

  private levelText(result: ScoreResult | null): string {
    return result ? this.t('summary.levelOf', { n: result.level }) : '—';
  }

  private metText(result: ScoreResult | null): string {
    if (!result) return '—';
    if (result.meetsTarget === null) return '—';
    return this.t(result.meetsTarget ? 'summary.met' : 'summary.notMet');
  }

  private summary(): void {
    const { layout } = this.ctx;
    const { record, draft } = this.input;
    this.section('summary');
    const validated = record.validated;
    const target = this.main.targetLevel;
    const targetText = target === null ? this.t('summary.noTarget') : this.t('summary.levelOf', { n: target });
    let headline: string;
    if (draft) headline = this.t('summary.headlineDraft', { self: record.self.level, target: target ?? this.t('summary.noTarget') });
    else if (target === null) headline = this.t('summary.headlineNoTarget', { level: this.main.level, self: record.self.level });
    else headline = this.t('summary.headline', { level: this.main.level, target, met: this.metText(this.main), self: record.self.level });
    const tone = draft ? COLORS.draft : this.main.meetsTarget === false ? COLORS.bad : COLORS.good;
    layout.paragraph(headline, { ...STYLES.bodyBold, size: 10.5, color: tone }, { spaceAfter: 8 });

    const validatedHeader = draft ? this.t('summary.validatedDraft') : this.t('summary.validated');
    const selfHeader = draft ? this.t('summary.selfProvisional') : this.t('summary.self');
    const reviewed = validated && draft ? this.t('summary.reviewed', { n: this.ctx.processes.filter((p) => this.rated.has(p.process.id)).length, m: this.ctx.processes.length }) : null;
    const v = (text: string): Paragraph[] => (reviewed ? [{ text }, { text: reviewed, style: STYLES.small }] : [{ text }]);
    const rows: TableRow[] = [
      { cells: [this.t('summary.level'), validated ? v(this.levelText(validated)) : [{ text: this.t('summary.validatedNone'), style: { ...STYLES.table, color: COLORS.muted } }], this.levelText(record.self)] },
      { cells: [this.t('summary.target'), targetText, targetText] },
      { cells: [this.t('summary.score'), validated ? formatScore(validated.score) : '—', formatScore(record.self.score)] },
      { cells: [this.t('summary.meets'), this.metText(validated), this.metText(record.self)] },
    ];
    layout.table(
      [
        { header: this.t('summary.measure'), width: 3 },
        { header: validatedHeader, width: 4 },
        { header: selfHeader, width: 3 },
      ],
      rows,
    );

    layout.heading(this.t('summary.aspects'), STYLES.h3, 60);
    const q = this.input.questionnaire;
    const scoreOf = (r: ScoreResult | null, id: string) => {
      const s = r?.aspects.find((a) => a.id === id)?.score;
      return s === undefined || s === null ? '—' : formatScore(s);
    };
    layout.table(
      [
        { header: this.t('summary.aspect'), width: 4 },
        { header: validatedHeader, width: 3, align: 'right' },
        { header: selfHeader, width: 3, align: 'right' },
      ],
      q.aspects.map((a) => ({ cells: [`${a.id} ${a.name[this.ctx.lang]}`, scoreOf(validated, a.id), scoreOf(record.self, a.id)] })),
    );
  }

  private chart(): void {
    const { layout } = this.ctx;
    this.section('chart', true);
    const target = this.main.targetLevel;
    const caption = this.input.draft ? (target === null ? 'chart.captionDraftNoTarget' : 'chart.captionDraft') : target === null ? 'chart.captionNoTarget' : 'chart.caption';
    layout.paragraph(this.t(caption), STYLES.small, { spaceAfter: 10 });
    const groups: ChartGroup[] = this.input.questionnaire.aspects.map((a) => ({
      label: `${a.id} ${a.name[this.ctx.lang]}`,
      processes: a.processes.map((p) => {
        const bar = this.input.draft ? this.input.record.self.processes.find((x) => x.id === p.id) : this.shown(p.id).result;
        const rated = this.input.draft && this.input.record.validated && this.rated.has(p.id) ? this.input.record.validated.processes.find((x) => x.id === p.id) : undefined;
        const note = rated && !rated.inScope && bar?.inScope ? this.t('chart.assessorOut') : undefined;
        return { label: `${p.id} ${p.name[this.ctx.lang]}`, level: bar?.level ?? null, marker: rated?.level ?? null, ...(note ? { note } : {}) };
      }),
    }));
    drawLevelChart(layout, groups, target, {
      target: (n) => this.t('chart.target', { n }),
      level: this.t('chart.level'),
      outOfScope: this.t('chart.outOfScope'),
      atTarget: this.t('chart.atTarget'),
      belowTarget: this.t('chart.belowTarget'),
      marker: this.input.draft && this.input.record.validated ? this.t('chart.validated') : null,
    });
  }

  private attributes(): void {
    const { layout } = this.ctx;
    const lang = this.ctx.lang;
    this.section('attributes', true);
    layout.paragraph(this.t('attr.intro'), STYLES.small, { spaceAfter: 6 });
    const selfById = new Map(this.input.record.self.processes.map((p) => [p.id, p]));
    const rows: TableRow[] = [];
    for (const { process } of this.ctx.processes) {
      const { result, validated } = this.shown(process.id);
      if (!result || !result.inScope) {
        rows.push({ group: `${process.id} ${process.name[lang]} — ${this.t('changes.outOfScope')}` });
        rows.push({ cells: ['—', this.t('attr.outOfScope'), '', '', ''] });
        continue;
      }
      const levelText = this.input.draft && !validated ? this.t('attr.levelProvisional', { n: result.level ?? 0 }) : this.t('attr.level', { n: result.level ?? 0 });
      rows.push({ group: `${process.id} ${process.name[lang]} — ${levelText}` });
      const self = selfById.get(process.id);
      for (const a of result.attributes) {
        const own = self?.attributes.find((x) => x.id === a.id);
        const rating: Paragraph[] = [{ text: ratingLabel(lang, a.rating) }];
        if (a.computedRating) rating.push({ text: this.t('attr.override', { r: a.computedRating }), style: STYLES.small });
        rows.push({
          cells: [a.id, this.ctx.attributes.get(a.id)?.name[lang] ?? '', formatAchievement(a.achievement), rating, own ? own.rating + paren(lang, formatAchievement(own.achievement)) : '—'],
        });
      }
    }
    layout.table(
      [
        { header: this.t('attr.attribute'), width: 1.1 },
        { header: this.t('attr.name'), width: 3 },
        { header: this.t('attr.achievement'), width: 1.5, align: 'right' },
        { header: this.t('attr.rating'), width: 2.6 },
        { header: this.t('attr.self'), width: 2 },
      ],
      rows,
      { continued: this.t('common.continued') },
    );
  }

  private path(): void {
    const { layout } = this.ctx;
    const lang = this.ctx.lang;
    this.section('path', true);
    const result = this.main;
    if (result.targetLevel === null) {
      layout.paragraph(this.t('path.noTarget'));
      return;
    }
    if (result.gaps.length === 0) {
      layout.paragraph(this.t('path.none'));
      return;
    }
    layout.paragraph(this.t('path.intro'), STYLES.small, { spaceAfter: 6 });
    const rows: TableRow[] = [];
    let current = '';
    const sep = lang === 'zh-TW' ? '、' : ', ';
    for (const gap of result.gaps) {
      if (gap.process !== current) {
        current = gap.process;
        const level = result.processes.find((p) => p.id === gap.process)?.level ?? 0;
        rows.push({ group: `${this.ctx.processName(gap.process)} — ${this.t('attr.level', { n: level })} → ${this.t('chart.target', { n: result.targetLevel })}` });
      }
      const overridden = result.processes.find((p) => p.id === gap.process)?.attributes.find((a) => a.id === gap.attribute)?.computedRating !== undefined;
      const indicators: Paragraph[] = [{ text: gap.indicators.length > 0 ? gap.indicators.join(sep) : '—' }];
      if (overridden) indicators.push({ text: this.t('path.override'), style: STYLES.small });
      rows.push({ cells: [this.ctx.attributeName(gap.attribute), gap.required, gap.rating + paren(lang, formatAchievement(gap.achievement)), indicators] });
    }
    layout.table(
      [
        { header: this.t('attr.attribute'), width: 3 },
        { header: this.t('path.required'), width: 1, align: 'center' },
        { header: this.t('path.current'), width: 1.8 },
        { header: this.t('path.indicators'), width: 4.2 },
      ],
      rows,
      { continued: this.t('common.continued') },
    );

    // The guidance of each indicator to raise: a base practice once per process, a generic practice once.
    const entries = new Map<string, { title: string; indicator: Indicator; processes: string[]; attribute: string }>();
    for (const gap of result.gaps) {
      for (const id of gap.indicators) {
        const found = this.ctx.indicator(gap.process, id);
        if (!found) continue;
        const generic = found.attribute.level > 1;
        const key = generic ? id : `${gap.process}/${id}`;
        const entry = entries.get(key);
        if (entry) {
          if (!entry.processes.includes(gap.process)) entry.processes.push(gap.process);
        } else {
          entries.set(key, { title: generic ? id : `${gap.process} ${id}`, indicator: found.indicator, processes: [gap.process], attribute: found.attribute.id });
        }
      }
    }
    layout.heading(this.t('section.guidance'), STYLES.h2, 80);
    layout.paragraph(this.t('path.guidanceIntro'), STYLES.small, { spaceAfter: 8 });
    for (const entry of entries.values()) {
      layout.heading(`${entry.title}\u3000${this.ctx.attributeName(entry.attribute)}`, STYLES.h3, 40);
      layout.paragraph(entry.indicator.text[lang], STYLES.body, { spaceAfter: 3 });
      if (entry.indicator.guidance[lang]) layout.paragraph(entry.indicator.guidance[lang], { ...STYLES.body, size: 8.5, color: COLORS.muted }, { indent: 10, spaceAfter: 3 });
      if (entry.title === entry.indicator.id) layout.paragraph(this.t('path.appliesTo', { list: entry.processes.join(sep) }), STYLES.small, { indent: 10 });
      layout.y += 4;
    }
  }

  private findings(): void {
    const { layout } = this.ctx;
    this.section('findings', true);
    const findings = [...this.input.record.findings].filter((f) => f.text.trim() !== '');
    if (findings.length === 0) {
      layout.paragraph(this.t('findings.none'), { ...STYLES.body, color: COLORS.muted });
      return;
    }
    const rank = (process: string) => (process === '_' ? -1 : this.ctx.order(process));
    findings.sort((a, b) => rank(a.process) - rank(b.process));
    for (const f of findings) {
      layout.heading(f.process === '_' ? this.t('findings.general') : this.ctx.processName(f.process), STYLES.h2, 40);
      layout.paragraph(f.text, STYLES.body, { spaceAfter: 8 });
    }
  }

  private changes(): void {
    const { layout } = this.ctx;
    const lang = this.ctx.lang;
    const { ratings, scope, overrides } = this.input.record.assessorChanges;
    this.section('changes');
    const muted = { ...STYLES.body, color: COLORS.muted };

    layout.heading(this.t('changes.ratings'), STYLES.h2, 60);
    const changed = ratings.filter((r) => r.rating !== r.agencyRating);
    const confirmed = ratings.length - changed.length;
    if (changed.length === 0) layout.paragraph(this.t('changes.ratingsNone'), muted);
    else {
      const sorted = [...changed].sort((a, b) => this.ctx.order(a.process, a.indicator) - this.ctx.order(b.process, b.indicator));
      layout.table(
        [
          { header: this.t('attr.process'), width: 2.6 },
          { header: this.t('changes.indicator'), width: 1.3 },
          { header: this.t('changes.agency'), width: 1.6 },
          { header: this.t('changes.assessor'), width: 1.6 },
          { header: this.t('changes.reason'), width: 4.2 },
        ],
        sorted.map((r) => ({
          cells: [
            this.ctx.processName(r.process),
            r.indicator,
            ratingLabel(lang, r.agencyRating),
            ratingLabel(lang, r.rating),
            [{ text: r.reason ?? '—' }, ...(r.stale ? [{ text: this.t('changes.stale'), style: STYLES.small }] : [])],
          ],
        })),
      );
    }
    if (confirmed > 0) layout.paragraph(this.t('changes.confirmed', { n: confirmed }), STYLES.small);

    layout.heading(this.t('changes.scope'), STYLES.h2, 60);
    if (scope.length === 0) layout.paragraph(this.t('changes.scopeNone'), muted);
    else {
      layout.table(
        [
          { header: this.t('attr.process'), width: 3 },
          { header: this.t('changes.decision'), width: 1.6 },
          { header: this.t('changes.reason'), width: 5.4 },
        ],
        [...scope].sort((a, b) => this.ctx.order(a.process) - this.ctx.order(b.process)).map((d) => ({ cells: [this.ctx.processName(d.process), this.t(d.inScope ? 'changes.inScope' : 'changes.outOfScope'), d.reason] })),
      );
    }

    layout.heading(this.t('changes.overrides'), STYLES.h2, 60);
    if (overrides.length === 0) layout.paragraph(this.t('changes.overridesNone'), muted);
    else {
      layout.table(
        [
          { header: this.t('attr.process'), width: 2.6 },
          { header: this.t('attr.attribute'), width: 2.2 },
          { header: this.t('changes.computed'), width: 1.1, align: 'center' },
          { header: this.t('changes.override'), width: 1.1, align: 'center' },
          { header: this.t('changes.reason'), width: 4 },
        ],
        [...overrides]
          .sort((a, b) => this.ctx.order(a.process) - this.ctx.order(b.process) || this.ctx.attributeOrder(a.attribute) - this.ctx.attributeOrder(b.attribute))
          .map((o) => ({ cells: [this.ctx.processName(o.process), this.ctx.attributeName(o.attribute), o.computedRating ?? '—', o.rating, o.reason] })),
      );
    }
  }

  private outOfScope(): void {
    const { layout } = this.ctx;
    this.section('outOfScope');
    const decisions = new Map(this.input.record.assessorChanges.scope.map((d) => [d.process, d]));
    const declarations = new Map(this.input.scope.map((s) => [s.process, s]));
    const rows: TableRow[] = [];
    for (const { process } of this.ctx.processes) {
      const { result } = this.shown(process.id);
      if (!result || result.inScope) continue;
      const decision = decisions.get(process.id);
      const byAssessor = decision !== undefined && !decision.inScope;
      const justification = byAssessor ? decision.reason : declarations.get(process.id)?.justification;
      rows.push({
        cells: [
          this.ctx.processName(process.id),
          this.t(byAssessor ? 'outOfScope.assessor' : 'outOfScope.agency'),
          justification?.trim() ? justification : [{ text: this.t('outOfScope.noJustification'), style: { ...STYLES.table, color: COLORS.muted } }],
        ],
      });
    }
    if (rows.length === 0) {
      layout.paragraph(this.t('outOfScope.none'), { ...STYLES.body, color: COLORS.muted });
      return;
    }
    layout.table(
      [
        { header: this.t('attr.process'), width: 3 },
        { header: this.t('outOfScope.by'), width: 1.4 },
        { header: this.t('outOfScope.justification'), width: 5.6 },
      ],
      rows,
    );
  }

  private signatures(): void {
    const { layout } = this.ctx;
    const { record, seal } = this.input;
    const lang = this.ctx.lang;
    this.section('signatures');
    const who = (u: { username: string; displayName: string | null } | null) => (u ? (u.displayName ? u.displayName + paren(lang, u.username) : u.username) : '—');
    const blocks: { role: string; name: string; dateLabel: string; date: string }[] = [
      {
        role: this.t('signatures.ciso'),
        name: record.signOff ? record.signOff.name + paren(lang, record.signOff.username) : who(record.ciso),
        dateLabel: this.t('signatures.signedAt'),
        date: record.signOff ? formatDate(record.signOff.at, lang) : record.ciso?.submittedAt ? formatDate(record.ciso.submittedAt, lang) : this.t('signatures.notSubmitted'),
      },
      {
        role: this.t('signatures.assessor'),
        name: who(record.assessor),
        dateLabel: this.t('signatures.acceptedAt'),
        date: seal ? formatDate(seal.acceptedAt, lang) : this.t('signatures.notYet'),
      },
    ];
    const gap = 16;
    const w = (layout.width - gap) / 2;
    const h = lineHeight(STYLES.body);
    const boxHeight = 16 + h * 5 + 8;
    layout.ensure(boxHeight + 10);
    const top = layout.y;
    blocks.forEach((b, i) => {
      const x = layout.left + i * (w + gap);
      layout.doc.save().rect(x, top, w, boxHeight).lineWidth(0.6).stroke(COLORS.rule).restore();
      let y = top + 8;
      layout.drawText(layout.fit(b.role, STYLES.bodyBold, w - 16), x + 8, y, STYLES.bodyBold);
      y += h * 1.2;
      for (const line of layout.wrap(b.name, STYLES.body, w - 16).slice(0, 2)) {
        layout.drawText(line, x + 8, y, STYLES.body);
        y += h;
      }
      layout.drawText(layout.fit(`${b.dateLabel}${lang === 'zh-TW' ? '：' : ': '}${b.date}`, STYLES.body, w - 16), x + 8, top + boxHeight - 8 - h, STYLES.body);
    });
    layout.y = top + boxHeight + 12;
    if (seal) {
      layout.field(this.t('footer.verification'), seal.verificationCode, 100, { ...STYLES.body, size: 8.5 });
      layout.field(this.t('footer.auditHead'), seal.auditHead, 100, { ...STYLES.body, size: 8.5 });
      layout.field(this.t('footer.verifyAt'), this.input.verifyUrl, 100, { ...STYLES.body, size: 8.5 });
      layout.y += 4;
      layout.paragraph(this.t('signatures.sealed'), STYLES.small);
    } else {
      layout.paragraph(this.t('signatures.draft'), { ...STYLES.bodyBold, color: COLORS.draft });
    }
  }
}
