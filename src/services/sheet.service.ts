// Offline fill-in: the assessment as an .xlsx workbook and back. Every bad row is reported with its
// sheet, row and column; nothing is applied unless every row is valid; an untouched round trip
// changes nothing. Answers are written through the one write path (answer.service.ts).
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { checkAnswer, naLimitProblem } from '../domain/answers.js';
import { indicatorKey } from '../domain/crosswalk.js';
import { textProblem } from '../domain/text.js';
import type { AnswerRating, Indicator } from '../domain/questionnaire.js';
import type { Actor } from '../domain/roles.js';
import * as repo from '../repositories/assessment.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import type { AnswerChange, AnswerService } from './answer.service.js';
import type { AuditService } from './audit.service.js';
import { ServiceError, invalid, type ProblemDetail } from './errors.js';
import { checkZipLimits } from './zip-limits.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ANSWERS = 'Answers 填答';
const SCOPE = 'Scope 範圍';
const ABOUT = 'About 說明';
const ANSWER_COLUMNS = ['process', 'indicator', 'attribute', '指標', 'indicator text', 'rating', 'evidence', 'note', 'justification', 'revision', '填報指引 agency guidance'] as const;
const COL = { process: 1, indicator: 2, rating: 6, evidence: 7, note: 8, justification: 9, revision: 10 } as const;
const FIELD_COLUMN = { rating: COL.rating, evidence: COL.evidence, note: COL.note, justification: COL.justification } as const;
const LETTER = (n: number) => String.fromCharCode(64 + n);
/** Far above a full assessment (584 answer rows, 10 columns). */
export const SHEET_LIMITS = { rows: 2_000, columns: 30 };

const cellText = (v: ExcelJS.CellValue): string | null => {
  if (v === null || v === undefined) return null;
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (v instanceof Date) s = v.toISOString();
  else if ('richText' in v) s = v.richText.map((t) => t.text).join('');
  else if ('text' in v && typeof v.text === 'string') s = v.text;
  else if ('result' in v && (typeof v.result === 'string' || typeof v.result === 'number')) s = String(v.result);
  else return null;
  return s.trim() === '' ? null : s;
};

export class SheetService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly answers: AnswerService,
    private readonly audit: AuditService,
  ) {}

  async export(actor: Actor, id: string): Promise<Buffer> {
    const a = await this.access.visible(actor, id);
    const index = await this.access.index(a);
    const q = index.questionnaire;
    const [answers, scope] = await Promise.all([repo.findAnswers(this.db, a.id), repo.findScope(this.db, a.id)]);
    const byKey = new Map(answers.map((x) => [`${x.process}/${x.indicator}`, x]));
    /** Each indicator's text and, from version 1.1.0 on, the agency's guidance (which record to cite for L and for F). */
    const texts = new Map<string, { zh: string; en: string; guidance: string | null }>();
    const textOf = (i: Indicator) => ({ zh: i.text['zh-TW'], en: i.text.en, guidance: i.agencyGuidance ? `${i.agencyGuidance['zh-TW']}\n${i.agencyGuidance.en}` : null });
    for (const attr of q.attributes) for (const i of attr.indicators) texts.set(i.id, textOf(i));
    for (const aspect of q.aspects) for (const p of aspect.processes) for (const i of p.indicators) texts.set(`${p.id}/${i.id}`, textOf(i));

    const wb = new ExcelJS.Workbook();
    wb.creator = 'govsec-maturity';
    const about = wb.addWorksheet(ABOUT);
    about.addRows([
      ['assessment', a.id],
      ['agency', a.agencyCode],
      ['cycle', a.cycleYear],
      ['questionnaire', a.questionnaire],
      ['status', a.state],
      ['how to fill in', '在「Answers 填答」工作表的 rating 欄填 N、P、L、F 或 NA（NA 僅適用於基本實務，並須填 justification）；P、L、F 須填 evidence。請勿更動 process、indicator 與 revision 欄。Fill in rating (N, P, L, F or NA), evidence, note and justification; leave process, indicator and revision as they are.'],
    ]);
    about.getColumn(1).width = 16;
    about.getColumn(2).width = 100;

    const sheet = wb.addWorksheet(ANSWERS, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([...ANSWER_COLUMNS]).font = { bold: true };
    for (const p of index.processes) {
      for (const attr of p.attributes) {
        for (const i of attr.indicators) {
          const x = byKey.get(`${p.id}/${i.id}`);
          const text = texts.get(i.basePractice ? `${p.id}/${i.id}` : i.id);
          sheet.addRow([p.id, i.id, attr.id, text?.zh ?? '', text?.en ?? '', x?.rating ?? null, x?.evidence ?? null, x?.note ?? null, x?.justification ?? null, x?.revision ?? 0, text?.guidance ?? null]);
        }
      }
    }
    const widths = [9, 10, 8, 50, 50, 7, 40, 30, 30, 9, 50];
    widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
    for (let r = 2; r <= sheet.rowCount; r++) {
      sheet.getCell(r, COL.rating).dataValidation = { type: 'list', allowBlank: true, formulae: ['"N,P,L,F,NA"'] };
    }

    const scopeSheet = wb.addWorksheet(SCOPE);
    scopeSheet.addRow(['process', 'name', 'inScope', 'justification']).font = { bold: true };
    const scopeOf = new Map(scope.map((s) => [s.process, s]));
    for (const aspect of q.aspects) {
      for (const p of aspect.processes) {
        const s = scopeOf.get(p.id);
        scopeSheet.addRow([p.id, p.name['zh-TW'], s?.inScope === false ? 'no' : 'yes', s?.justification ?? null]);
      }
    }
    [9, 30, 9, 60].forEach((w, i) => (scopeSheet.getColumn(i + 1).width = w));
    await this.audit.recordAlone({ actor, action: 'sheet.export', subject: subjectOf(a) });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  async import(actor: Actor, id: string, bytes: Buffer): Promise<{ answers: number; scope: number }> {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'fill-in');
    const index = await this.access.index(a);
    await checkZipLimits(bytes);
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw invalid('the file is not an .xlsx workbook', [{ message: 'not an .xlsx workbook' }]);
    }
    const sheet = wb.getWorksheet(ANSWERS);
    const scopeSheet = wb.getWorksheet(SCOPE);
    const aboutId = cellText(wb.getWorksheet(ABOUT)?.getCell(1, 2).value ?? null);
    if (!sheet || !scopeSheet) throw invalid(`the workbook needs the sheets "${ANSWERS}" and "${SCOPE}"`, [{ message: 'export the sheet from this assessment and fill that in' }]);
    if (aboutId !== null && aboutId !== a.id) throw invalid('the workbook belongs to another assessment', [{ path: ABOUT, line: 1, column: 'B', message: `assessment ${aboutId}, not ${a.id}` }]);

    for (const [name, ws] of [[ANSWERS, sheet], [SCOPE, scopeSheet]] as const) {
      if (ws.rowCount > SHEET_LIMITS.rows) throw new ServiceError('sheet_too_large', `the sheet "${name}" has too many rows`, [{ path: name, message: `rows: the limit is ${SHEET_LIMITS.rows}, this sheet has ${ws.rowCount}` }]);
      if (ws.columnCount > SHEET_LIMITS.columns) throw new ServiceError('sheet_too_large', `the sheet "${name}" has too many columns`, [{ path: name, message: `columns: the limit is ${SHEET_LIMITS.columns}, this sheet has ${ws.columnCount}` }]);
    }
    const details: ProblemDetail[] = [];
    /** Rows whose answer changed since the export: alone, they make the refusal a 409 like any stale revision. */
    const stale: ProblemDetail[] = [];
    const problem = (path: string, line: number, column: number | null, message: string) => details.push({ path, line, ...(column ? { column: LETTER(column) } : {}), message });
    const [answers, scope] = await Promise.all([repo.findAnswers(this.db, a.id), repo.findScope(this.db, a.id)]);
    const current = new Map(answers.map((x) => [indicatorKey(x), x]));
    const changes: AnswerChange[] = [];
    /** The answers as they would stand after this import, for the NA limit. */
    const finalAnswers = new Map(answers.map((x) => [`${x.process}/${x.indicator}`, { process: x.process, indicator: x.indicator, rating: x.rating }]));
    const seen = new Set<string>();

    sheet.eachRow((row, line) => {
      if (line === 1) return;
      const v = (c: number) => cellText(row.getCell(c).value);
      const process = v(COL.process);
      const indicator = v(COL.indicator);
      if (!process && !indicator && !v(COL.rating)) return;
      const entry = process ? index.processById.get(process)?.indicatorById.get(indicator ?? '') : undefined;
      if (!process || !index.processById.has(process)) return void problem(ANSWERS, line, COL.process, `unknown process ${process ?? '(empty)'}`);
      if (!entry) return void problem(ANSWERS, line, COL.indicator, `unknown indicator ${indicator ?? '(empty)'} in ${process}`);
      const key = `${process}/${indicator}`;
      if (seen.has(key)) return void problem(ANSWERS, line, COL.indicator, `${key} appears twice`);
      seen.add(key);
      const rating = v(COL.rating)?.trim().toUpperCase() ?? null;
      const evidence = v(COL.evidence);
      const note = v(COL.note);
      const justification = v(COL.justification);
      const revisionText = v(COL.revision) ?? '0';
      const had = current.get(key);
      if (rating === null) {
        if (had) problem(ANSWERS, line, COL.rating, `${key} is answered (${had.rating}); an answer cannot be removed, only changed`);
        return;
      }
      const problems = checkAnswer(entry, { rating, evidence, note, justification });
      for (const p of problems) problem(ANSWERS, line, FIELD_COLUMN[p.field], p.message);
      if (problems.length > 0) return;
      const same = had && had.rating === rating && had.evidence === evidence && had.note === note && had.justification === justification;
      if (same) return;
      if (!/^\d+$/.test(revisionText)) return void problem(ANSWERS, line, COL.revision, `revision "${revisionText}" is not a whole number`);
      const revision = Number(revisionText);
      if (revision !== (had?.revision ?? 0)) return void stale.push({ path: ANSWERS, line, column: LETTER(COL.revision), message: `${key} changed since this sheet was exported (revision ${had?.revision ?? 0} now, ${revision} in the sheet)` });
      changes.push({ process, indicator: indicator!, rating: rating as AnswerRating, evidence, note, justification, revision });
      finalAnswers.set(key, { process, indicator: indicator!, rating: rating as AnswerRating });
    });

    const scopeNow = new Map(scope.map((s) => [s.process, s]));
    const scopeChanges: { process: string; inScope: boolean; justification: string | null }[] = [];
    const outOfScope = new Set(scope.filter((s) => !s.inScope).map((s) => s.process));
    scopeSheet.eachRow((row, line) => {
      if (line === 1) return;
      const process = cellText(row.getCell(1).value);
      if (!process) return;
      if (!index.processById.has(process)) return void problem(SCOPE, line, 1, `unknown process ${process}`);
      const flag = cellText(row.getCell(3).value)?.trim().toLowerCase();
      const justification = cellText(row.getCell(4).value);
      if (flag !== 'yes' && flag !== 'no') return void problem(SCOPE, line, 3, `inScope must be yes or no, not "${flag ?? ''}"`);
      const inScope = flag === 'yes';
      if (!inScope && !justification) return void problem(SCOPE, line, 4, 'out of scope needs a justification');
      const unfit = justification === null ? null : textProblem(justification);
      if (unfit) return void problem(SCOPE, line, 4, unfit);
      const had = scopeNow.get(process);
      const wasIn = had ? had.inScope : true;
      if (wasIn === inScope && (inScope || had?.justification === justification)) return;
      scopeChanges.push({ process, inScope, justification: inScope ? null : justification });
      if (inScope) outOfScope.delete(process);
      else outOfScope.add(process);
    });

    for (const p of index.processes) {
      if (outOfScope.has(p.id)) continue;
      const message = naLimitProblem(p, finalAnswers.values());
      if (message) details.push({ path: ANSWERS, message: `${p.id}: ${message}` });
    }
    if (details.length > 0) throw invalid(`${details.length + stale.length} problems in the workbook; nothing was applied`, [...details, ...stale]);
    if (stale.length > 0) throw new ServiceError('stale_revision', `${stale.length} rows changed since this sheet was exported; nothing was applied — export it again`, stale, { current: null });
    if (changes.length === 0 && scopeChanges.length === 0) return { answers: 0, scope: 0 };

    await this.access.edit(a, 'fill-in', async (trx, at) => {
      for (const c of scopeChanges) {
        const before = scopeNow.get(c.process);
        await repo.upsertScope(trx, a.id, { ...c, updatedAt: at, updatedBy: actor.username });
        await this.audit.record(trx, {
          actor,
          action: 'scope.put',
          subject: subjectOf(a),
          before: before ? { process: c.process, inScope: before.inScope, justification: before.justification } : { process: c.process, inScope: true },
          after: { ...c, source: 'sheet' },
        });
      }
      await this.answers.writeAnswers(trx, actor, a, index, changes, current, at, 'sheet');
      await this.audit.record(trx, { actor, action: 'sheet.import', subject: subjectOf(a), after: { answers: changes.length, scope: scopeChanges.length } });
    });
    return { answers: changes.length, scope: scopeChanges.length };
  }
}
