// Findings reports (docs/domain.md §6): a live DRAFT while the assessment is open, nothing stored; once
// accepted, the PDFs rendered from the sealed record, stored and always served as stored. Rendering for
// an acceptance runs after the acceptance commits; if it never happened (a failure, a process that
// died), the first request renders from the sealed record — the same bytes — and stores them.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Actor } from '../domain/roles.js';
import { draftReportInput, renderFindingsReport, reportAnswers, sealedReportInput } from '../reports/findings-report.js';
import { gradesOf, findAgency } from '../repositories/agency.repository.js';
import * as repo from '../repositories/assessment.repository.js';
import type { AssessmentRecord } from '../repositories/assessment.repository.js';
import { findStoredReport, insertStoredReport } from '../repositories/report.repository.js';
import { findUserById, findUserByUsername } from '../repositories/user.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import { scoreAssessment } from './assessment.service.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import type { QuestionnaireService } from './questionnaire.service.js';
import type { SealedRecord, SealService } from './seal.service.js';

export const REPORT_LANGUAGES = ['zh-TW', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];
export const REPORT_PARTS = ['main', 'annex'] as const;
export type ReportPart = (typeof REPORT_PARTS)[number];

export interface Report {
  bytes: Buffer;
  /** A name for the downloaded file: agency, cycle, part, language, and DRAFT until sealed. */
  fileName: string;
  sealed: boolean;
  sha256: string;
}

export class ReportService {
  /** Renders started after acceptances and not finished yet (the app waits for them before it closes). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly questionnaires: QuestionnaireService,
    private readonly seals: SealService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly verifyUrl: string,
  ) {}

  /** The report of an assessment the actor sees, as stored once accepted, live and DRAFT before; the read is audited. */
  async report(actor: Actor, id: string, options: { lang: ReportLanguage; part: ReportPart }): Promise<Report> {
    const a = await this.access.visible(actor, id);
    const seal = a.state === 'accepted' ? await this.seals.current(a.id) : undefined;
    const bytes = seal ? await this.sealedBytes(a, seal.record, seal.verificationCode, options) : await this.draftBytes(a, options);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.audit.recordAlone({ actor, action: 'report.read', subject: subjectOf(a), after: { lang: options.lang, part: options.part, sealed: seal !== undefined, sha256 } });
    const name = `${a.agencyCode}-${a.cycleYear}${options.part === 'annex' ? '-annex' : ''}-${options.lang}${seal ? '' : '-DRAFT'}.pdf`;
    return { bytes, fileName: name, sealed: seal !== undefined, sha256 };
  }

  /** After an acceptance commits: renders and stores its reports in both languages and parts, without holding the request. */
  afterAcceptance(assessmentId: string): void {
    const work = this.storeSealed(assessmentId)
      .catch(() => undefined)
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Resolves once every render started after an acceptance has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Renders and stores every report of the assessment's seal in force that is not stored yet. */
  async storeSealed(assessmentId: string): Promise<void> {
    const a = await repo.findAssessment(this.db, assessmentId);
    const seal = a && a.state === 'accepted' ? await this.seals.current(a.id) : undefined;
    if (!a || !seal) return;
    for (const lang of REPORT_LANGUAGES) for (const part of REPORT_PARTS) await this.sealedBytes(a, seal.record, seal.verificationCode, { lang, part });
  }

  /** The stored bytes of a sealed report, rendered from the sealed record and stored first if missing (the first stored copy wins). */
  private async sealedBytes(a: AssessmentRecord, record: SealedRecord, verificationCode: string, options: { lang: ReportLanguage; part: ReportPart }): Promise<Buffer> {
    const stored = await findStoredReport(this.db, verificationCode, options.lang, options.part);
    if (stored) return stored.content;
    const questionnaire = (await this.questionnaires.index(record.questionnaire)).questionnaire;
    // The annex lists the answers; an accepted assessment's answers and files cannot change until it is reopened.
    const answers = options.part === 'annex' ? await this.answersOf(a.id) : undefined;
    const input = sealedReportInput({ record, verificationCode, questionnaire, verifyUrl: this.verifyUrl, ...(answers ? { answers } : {}) });
    const content = await renderFindingsReport(input, options);
    await insertStoredReport(this.db, { verificationCode, assessmentId: a.id, lang: options.lang, part: options.part, sha256: createHash('sha256').update(content).digest('hex'), content }, isoNow(this.clock));
    return (await findStoredReport(this.db, verificationCode, options.lang, options.part))!.content;
  }

  private async answersOf(assessmentId: string) {
    const [parts, files] = await Promise.all([repo.loadAssessmentParts(this.db, assessmentId), repo.listEvidenceFiles(this.db, assessmentId)]);
    return reportAnswers(parts.answers, files);
  }

  /** A live DRAFT: the assessment as it stands, rendered now and stored nowhere. */
  private async draftBytes(a: AssessmentRecord, options: { lang: ReportLanguage; part: ReportPart }): Promise<Buffer> {
    const index = await this.access.index(a);
    const [{ parts, results }, files, agency, grades, ciso, assessor] = await Promise.all([
      scoreAssessment(this.db, index, a),
      repo.listEvidenceFiles(this.db, a.id),
      findAgency(this.db, a.agencyCode),
      gradesOf(this.db, [a.agencyCode]),
      a.submittedBy ? findUserByUsername(this.db, a.submittedBy) : Promise.resolve(undefined),
      a.assessorId ? findUserById(this.db, a.assessorId) : Promise.resolve(undefined),
    ]);
    const input = draftReportInput({
      questionnaire: index.questionnaire,
      assessment: { id: a.id, cycleYear: a.cycleYear, questionnaire: a.questionnaire, state: a.state, submittedBy: a.submittedBy, submittedAt: a.submittedAt, signOff: a.signOff },
      agency: { code: a.agencyCode, name: agency?.name ?? a.agencyCode, grade: grades.get(a.agencyCode)?.[String(a.cycleYear)] ?? null, ministry: agency?.ministry ?? '' },
      ciso: { displayName: ciso?.displayName ?? null },
      assessor: assessor ? { username: assessor.username, displayName: assessor.displayName } : null,
      results,
      parts,
      files,
      generatedAt: isoNow(this.clock),
      verifyUrl: this.verifyUrl,
    });
    return renderFindingsReport(input, options);
  }
}
