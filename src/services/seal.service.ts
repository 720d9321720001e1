// The sealed record (docs/domain.md §6): built and stored inside the accept transaction, revoked by a
// reopening, looked up as the seal in force, and verified by its verification code.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Actor } from '../domain/roles.js';
import type { SignOff } from '../domain/workflow.js';
import { assessorChangesOf, type AssessorChanges } from '../domain/assessor-changes.js';
import type { ScoreResult } from '../domain/scoring.js';
import { findAgency, gradesOf } from '../repositories/agency.repository.js';
import * as repo from '../repositories/assessment.repository.js';
import type { AssessmentParts, AssessmentRecord } from '../repositories/assessment.repository.js';
import { lockAuditHead } from '../repositories/audit.repository.js';
import { findStoredReportByHash } from '../repositories/report.repository.js';
import type { ReportLanguage, ReportPart } from './report.service.js';
import { findUserById, findUserByUsername } from '../repositories/user.repository.js';
import { notFound } from './errors.js';
import type { Results } from './assessment.service.js';

export interface SealedRecord {
  assessment: string;
  agency: { code: string; name: string; grade: string | null; ministry: string };
  cycle: number;
  questionnaire: string;
  acceptedAt: string;
  ciso: { username: string; displayName: string | null; submittedAt: string | null };
  /** The CISO's sign-off on submission; null for an assessment submitted before sign-offs were stored. */
  signOff: SignOff | null;
  assessor: { username: string; displayName: string | null };
  self: ScoreResult;
  validated: ScoreResult;
  /** The agency's own scope declarations (out-of-scope processes with their justification). */
  scope: { process: string; inScope: boolean; justification: string | null }[];
  findings: { process: string; text: string }[];
  assessorChanges: AssessorChanges;
  /** The audit chain's head when the acceptance committed (the entry just before the acceptance's own). */
  auditHead: string;
}

/** The verification code: SHA-256 of the RFC 8785 canonical JSON of the sealed record. */
export const verificationCodeOf = (record: SealedRecord): string => createHash('sha256').update(canonicalJson(record)).digest('hex');

export interface VerificationView {
  agency: string;
  agencyName: string;
  cycle: number;
  /** The questionnaire version it was accepted under, and the validated level against the target. */
  questionnaire: string;
  level: number;
  targetLevel: number | null;
  acceptedAt: string;
  status: 'valid' | 'superseded';
  revokedAt?: string;
  reason?: string | null;
  supersededBy?: string | null;
  /** Which stored report the hash is, when it is one. */
  document?: { lang: ReportLanguage; part: ReportPart };
}

export class SealService {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Builds the sealed record of an assessment being accepted and stores it, inside the accept
   * transaction: the audit head is locked first, so the head it freezes is the one at commit, and the
   * parts are read through the transaction, so they are those the acceptance commits. `id` names the
   * stored row (random; the national seed passes its own, so that the same seed gives the same rows).
   */
  async seal(trx: Transaction<Database>, a: AssessmentRecord, assessor: Actor, acceptedAt: string, parts: AssessmentParts, results: Results, id: string = randomUUID()): Promise<{ verificationCode: string; record: SealedRecord }> {
    const auditHead = await lockAuditHead(trx);
    const [agency, grades, ciso, assessorUser] = await Promise.all([
      findAgency(trx, a.agencyCode),
      gradesOf(trx, [a.agencyCode]),
      a.submittedBy ? findUserByUsername(trx, a.submittedBy) : Promise.resolve(undefined),
      findUserById(trx, assessor.id),
    ]);
    const record: SealedRecord = {
      assessment: a.id,
      agency: { code: a.agencyCode, name: agency?.name ?? a.agencyCode, grade: grades.get(a.agencyCode)?.[String(a.cycleYear)] ?? null, ministry: agency?.ministry ?? '' },
      cycle: a.cycleYear,
      questionnaire: a.questionnaire,
      acceptedAt,
      ciso: { username: a.submittedBy ?? '', displayName: ciso?.displayName ?? null, submittedAt: a.submittedAt },
      signOff: a.signOff,
      assessor: { username: assessor.username, displayName: assessorUser?.displayName ?? null },
      self: results.self,
      validated: results.validated,
      scope: parts.scope.map((s) => ({ process: s.process, inScope: s.inScope, justification: s.justification })),
      findings: parts.findings.map((f) => ({ process: f.process, text: f.text })),
      assessorChanges: assessorChangesOf(parts, results.self),
      auditHead,
    };
    const verificationCode = verificationCodeOf(record);
    await repo.insertSeal(trx, { id, assessmentId: a.id, record: canonicalJson(record), verificationCode, acceptedAt, revokedAt: null, revokedReason: null, supersededBy: null });
    await repo.supersedeRevokedSeals(trx, a.id, verificationCode);
    return { verificationCode, record };
  }

  /** Revokes the seal in force of an assessment being reopened; returns its verification code. */
  async revoke(trx: Transaction<Database>, assessmentId: string, at: string, reason: string): Promise<string | null> {
    const seal = await repo.findCurrentSeal(trx, assessmentId);
    if (!seal) return null;
    await repo.revokeSeal(trx, seal.id, at, reason);
    return seal.verificationCode;
  }

  /** The seal in force of an assessment, with its record. */
  async current(assessmentId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<{ record: SealedRecord; verificationCode: string } | undefined> {
    const seal = await repo.findCurrentSeal(db, assessmentId);
    return seal && { record: JSON.parse(seal.record) as SealedRecord, verificationCode: seal.verificationCode };
  }

  /**
   * What a hash belongs to — a sealed record's verification code, or the SHA-256 of one of its stored
   * reports — and whether a reopening superseded it.
   */
  async verify(hash: string): Promise<VerificationView> {
    const code = hash.toLowerCase();
    const report = await findStoredReportByHash(this.db, code);
    const seal = await repo.findSealByVerificationCode(this.db, report ? report.verificationCode : code);
    if (!seal) throw notFound('no sealed record or stored report has this hash');
    const record = JSON.parse(seal.record) as SealedRecord;
    return {
      agency: record.agency.code,
      agencyName: record.agency.name,
      cycle: record.cycle,
      questionnaire: record.questionnaire,
      level: record.validated.level,
      targetLevel: record.validated.targetLevel,
      acceptedAt: seal.acceptedAt,
      status: seal.revokedAt ? 'superseded' : 'valid',
      ...(seal.revokedAt ? { revokedAt: seal.revokedAt, reason: seal.revokedReason, supersededBy: seal.supersededBy } : {}),
      ...(report ? { document: { lang: report.lang as ReportLanguage, part: report.part as ReportPart } } : {}),
    };
  }
}
