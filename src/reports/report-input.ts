// What a findings report is made of, and how to build it from the two places it comes from: the record
// sealed at acceptance (docs/domain.md §6), or an open assessment's parts and live results (a DRAFT).
// Pure: the caller reads the database; parameter types are structural, so a SealedRecord or an
// AssessmentParts passes as it is without this module importing the services.
import type { AnswerRating, Questionnaire } from '../domain/questionnaire.js';
import type { ScoreResult } from '../domain/scoring.js';
import type { AssessmentState, SignOff } from '../domain/workflow.js';
import { assessorChangesOf } from '../domain/assessor-changes.js';

/** The assessment as the sealed record holds it; a `SealedRecord` is one (its extra fields are ignored). */
export interface ReportRecord {
  assessment: string;
  agency: { code: string; name: string; grade: string | null; ministry: string };
  cycle: number;
  /** The questionnaire's `id@version`. */
  questionnaire: string;
  /** The submitter; null while the assessment was never submitted. */
  ciso: { username: string; displayName: string | null; submittedAt: string | null } | null;
  signOff: SignOff | null;
  /** Null while no assessor is assigned. */
  assessor: { username: string; displayName: string | null } | null;
  self: ScoreResult;
  /** Null in a draft the assessor has not rated anything of yet. */
  validated: ScoreResult | null;
  /** Process `_` holds the overall findings. */
  findings: readonly { process: string; text: string }[];
  assessorChanges: {
    ratings: readonly { process: string; indicator: string; agencyRating: string | null; rating: string; reason: string | null; stale: boolean }[];
    scope: readonly { process: string; inScope: boolean; reason: string }[];
    overrides: readonly { process: string; attribute: string; computedRating: string | null; rating: string; reason: string }[];
  };
}

/** What a sealed report's footer prints. */
export interface ReportSeal {
  verificationCode: string;
  /** The audit chain's head when the acceptance committed. */
  auditHead: string;
  acceptedAt: string;
}

/** The agency's own scope declaration of a process (the sealed record keeps only the assessor's decisions). */
export interface ScopeDeclaration {
  process: string;
  inScope: boolean;
  justification: string | null;
}

/** One answer as the annex lists it. */
export interface ReportAnswer {
  process: string;
  indicator: string;
  rating: AnswerRating;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  unconfirmed: boolean;
  /** The names of the evidence files attached to this answer. */
  files: readonly string[];
}

export interface ReportInput {
  /** The questionnaire the assessment is answered against: names, indicator texts and guidance. */
  questionnaire: Questionnaire;
  record: ReportRecord;
  state: AssessmentState;
  /** True until the assessment is accepted: every page is marked DRAFT and nothing is verifiable. */
  draft: boolean;
  /** Present exactly when `draft` is false. */
  seal: ReportSeal | null;
  /** When the report was made: the acceptance time of a sealed report (so it renders the same bytes), the caller's clock for a draft. */
  generatedAt: string;
  /** The public verification page's address, printed in a sealed report's footer. */
  verifyUrl: string;
  /** The agency's scope declarations, for the justifications of processes it left out. */
  scope: readonly ScopeDeclaration[];
  /** Every answer, for the annex (the main report does not read them). */
  answers?: readonly ReportAnswer[];
}

/** An answer as the assessment stores it (a StoredAnswer passes as it is). */
type AnswerPart = Omit<ReportAnswer, 'files'>;

/** The annex's answers: each answer with the names of its evidence files. */
export function reportAnswers(answers: readonly AnswerPart[], files: readonly { process: string; indicator: string; name: string }[] = []): ReportAnswer[] {
  const names = new Map<string, string[]>();
  for (const f of files) {
    const key = `${f.process}\u0000${f.indicator}`;
    const list = names.get(key);
    if (list) list.push(f.name);
    else names.set(key, [f.name]);
  }
  return answers.map((a) => ({
    process: a.process,
    indicator: a.indicator,
    rating: a.rating,
    evidence: a.evidence,
    note: a.note,
    justification: a.justification,
    unconfirmed: a.unconfirmed,
    files: names.get(`${a.process}\u0000${a.indicator}`) ?? [],
  }));
}

/** A sealed report's input: the sealed record as stored and its verification code. */
export function sealedReportInput(args: {
  record: ReportRecord & { acceptedAt: string; auditHead: string; scope?: readonly ScopeDeclaration[] };
  verificationCode: string;
  questionnaire: Questionnaire;
  verifyUrl: string;
  scope?: readonly ScopeDeclaration[];
  answers?: readonly ReportAnswer[];
}): ReportInput {
  const { record } = args;
  return {
    questionnaire: args.questionnaire,
    record,
    state: 'accepted',
    draft: false,
    seal: { verificationCode: args.verificationCode, auditHead: record.auditHead, acceptedAt: record.acceptedAt },
    generatedAt: record.acceptedAt,
    verifyUrl: args.verifyUrl,
    scope: args.record.scope ?? args.scope ?? [],
    ...(args.answers ? { answers: args.answers } : {}),
  };
}

/**
 * A live DRAFT's input from an open assessment, built the way the seal is built (SealService.seal):
 * the self result is shown as provisional, and the validated one only once the assessor has rated,
 * decided a scope or overridden an attribute.
 */
export function draftReportInput(args: {
  questionnaire: Questionnaire;
  assessment: { id: string; cycleYear: number; questionnaire: string; state: AssessmentState; submittedBy: string | null; submittedAt: string | null; signOff: SignOff | null };
  agency: ReportRecord['agency'];
  ciso?: { displayName: string | null };
  assessor: ReportRecord['assessor'];
  results: { self: ScoreResult; validated: ScoreResult };
  parts: {
    answers: readonly AnswerPart[];
    scope: readonly ScopeDeclaration[];
    assessorRatings: readonly { process: string; indicator: string; rating: string; reason: string | null; stale: boolean }[];
    scopeDecisions: readonly { process: string; inScope: boolean; reason: string }[];
    overrides: readonly { process: string; attribute: string; rating: string; reason: string }[];
    findings: readonly { process: string; text: string }[];
  };
  files?: readonly { process: string; indicator: string; name: string }[];
  generatedAt: string;
  verifyUrl: string;
}): ReportInput {
  const { assessment: a, parts, results } = args;
  const rated = parts.assessorRatings.length + parts.scopeDecisions.length + parts.overrides.length > 0;
  return {
    questionnaire: args.questionnaire,
    record: {
      assessment: a.id,
      agency: args.agency,
      cycle: a.cycleYear,
      questionnaire: a.questionnaire,
      ciso: a.submittedBy ? { username: a.submittedBy, displayName: args.ciso?.displayName ?? null, submittedAt: a.submittedAt } : null,
      signOff: a.signOff,
      assessor: args.assessor,
      self: results.self,
      validated: rated ? results.validated : null,
      findings: parts.findings.map((f) => ({ process: f.process, text: f.text })),
      assessorChanges: assessorChangesOf(parts, results.self),
    },
    state: a.state,
    draft: true,
    seal: null,
    generatedAt: args.generatedAt,
    verifyUrl: args.verifyUrl,
    scope: parts.scope.map((s) => ({ process: s.process, inScope: s.inScope, justification: s.justification })),
    answers: reportAnswers(parts.answers, args.files),
  };
}
