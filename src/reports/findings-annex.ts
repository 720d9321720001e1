// The findings report's annex (`report.pdf?part=annex`): every answer of every process, grouped by
// capability level and attribute, with its rating (and the assessor's), evidence text, note,
// justification and evidence file names. Long evidence breaks across pages inside its table row.
import { COLORS, STYLES, type Paragraph, type TableRow } from './layout.js';
import { cycleLabel, formatDate, label, paren, ratingLabel, stateLabel, type ReportLang } from './report-labels.js';
import { renderReportDocument, type ReportContext } from './report-document.js';
import type { ReportAnswer, ReportInput } from './report-input.js';

export async function renderAnnex(input: ReportInput, lang: ReportLang): Promise<Buffer> {
  if (!input.answers) throw new TypeError('the annex needs the answers');
  const answers = input.answers;
  return renderReportDocument(input, lang, { title: label(lang, 'annex.title'), body: (ctx) => drawAnnex(ctx, answers) });
}

function drawAnnex(ctx: ReportContext, answers: readonly ReportAnswer[]): void {
  const { layout, input, lang } = ctx;
  const { record } = input;
  const t = ctx.t.bind(ctx);
  const sep = lang === 'zh-TW' ? '、' : ', ';
  const colon = lang === 'zh-TW' ? '：' : ': ';

  layout.paragraph(t('annex.title'), { ...STYLES.h1, size: 16 }, { spaceAfter: 8 });
  layout.paragraph(record.agency.name, { ...STYLES.h1, size: 13, color: COLORS.text }, { spaceAfter: 6 });
  const q = input.questionnaire;
  for (const [name, value] of [
    [t('cover.code'), record.agency.code],
    [t('cover.grade'), record.agency.grade ?? '—'],
    [t('cover.ministry'), record.agency.ministry || '—'],
    [t('cover.cycle'), cycleLabel(lang, record.cycle)],
    [t('cover.questionnaire'), q.title[lang] + paren(lang, record.questionnaire)],
    [t('cover.state'), stateLabel(lang, input.state)],
    [t('cover.generatedAt'), formatDate(input.generatedAt, lang)],
    ...(input.seal ? [[t('cover.verification'), input.seal.verificationCode]] : []),
  ] as [string, string][]) {
    layout.field(name, value, 110, { ...STYLES.body, size: 9 });
  }
  layout.y += 4;
  if (input.draft) layout.paragraph(t('draft.note'), { ...STYLES.body, color: COLORS.draft });
  layout.paragraph(t('annex.intro'), STYLES.small, { spaceAfter: 10 });

  const byProcess = new Map<string, ReportAnswer[]>();
  for (const a of answers) {
    const list = byProcess.get(a.process);
    if (list) list.push(a);
    else byProcess.set(a.process, [a]);
  }
  const assessor = new Map(record.assessorChanges.ratings.map((r) => [`${r.process}/${r.indicator}`, r]));
  const scopeDecision = new Map(record.assessorChanges.scope.map((d) => [d.process, d]));
  const declared = new Map(input.scope.map((s) => [s.process, s]));
  // `fit`: pdfkit's default outline destination would scroll the page's right edge to the left.
  const outline = { expanded: false, fit: true };

  for (const { process } of ctx.processes) {
    const list = [...(byProcess.get(process.id) ?? [])].sort((a, b) => ctx.order(a.process, a.indicator) - ctx.order(b.process, b.indicator));
    layout.heading(`${process.id} ${process.name[lang]}`, STYLES.h2, 70);
    layout.doc.outline.addItem(`${process.id} ${process.name[lang]}`, outline);
    const decision = scopeDecision.get(process.id);
    const declaration = declared.get(process.id);
    const outOfScope = (record.validated ?? record.self).processes.find((p) => p.id === process.id)?.inScope === false;
    if (outOfScope) {
      const why = decision && !decision.inScope ? decision.reason : declaration?.justification;
      layout.paragraph(t('annex.outOfScope') + (why ? ` ${t('outOfScope.justification')}${colon}${why}` : ''), { ...STYLES.body, color: COLORS.muted });
    }
    if (list.length === 0) {
      layout.paragraph(t('annex.none'), { ...STYLES.body, color: COLORS.muted }, { spaceAfter: 10 });
      continue;
    }
    layout.paragraph(t('annex.count', { n: list.length }), STYLES.small, { spaceAfter: 4 });
    const rows: TableRow[] = [];
    let group = '';
    for (const a of list) {
      const found = ctx.indicator(a.process, a.indicator);
      const heading = found ? `${t('level.n', { n: found.attribute.level })}\u3000${found.attribute.id} ${found.attribute.name[lang]}` : '—';
      if (heading !== group) {
        group = heading;
        rows.push({ group: heading });
      }
      const indicatorCell: Paragraph[] = [{ text: a.indicator, style: { ...STYLES.table, font: 'bold' } }];
      if (found) indicatorCell.push({ text: found.indicator.text[lang], style: { ...STYLES.table, size: 7.5, color: COLORS.muted } });
      const ratingCell: Paragraph[] = [{ text: ratingLabel(lang, a.rating) }];
      if (a.unconfirmed) ratingCell.push({ text: paren(lang, t('annex.unconfirmed')).trim(), style: { ...STYLES.table, size: 7.5, color: COLORS.bad } });
      const rated = assessor.get(`${a.process}/${a.indicator}`);
      if (rated) {
        ratingCell.push({ text: `${t('annex.assessor')}${colon}${ratingLabel(lang, rated.rating)}`, style: { ...STYLES.table, size: 7.5, color: COLORS.brand } });
      }
      const evidenceCell: Paragraph[] = [];
      if (a.evidence?.trim()) evidenceCell.push({ text: a.evidence });
      if (a.justification?.trim()) evidenceCell.push({ text: `${t('annex.justification')}${colon}${a.justification}` });
      if (a.note?.trim()) evidenceCell.push({ text: `${t('annex.note')}${colon}${a.note}`, style: { ...STYLES.table, color: COLORS.muted } });
      if (a.files.length > 0) evidenceCell.push({ text: `${t('annex.files')}${colon}${a.files.join(sep)}`, style: { ...STYLES.table, color: COLORS.brand } });
      if (evidenceCell.length === 0) evidenceCell.push({ text: '—', style: { ...STYLES.table, color: COLORS.muted } });
      rows.push({ cells: [indicatorCell, ratingCell, evidenceCell] });
    }
    layout.table(
      [
        { header: t('annex.indicator'), width: 3.2 },
        { header: t('annex.rating'), width: 1.7 },
        { header: t('annex.evidence'), width: 5.1 },
      ],
      rows,
      { continued: t('common.continued') },
    );
    layout.y += 6;
  }
}
