// The lead assessor's review (DOMAIN.md §4): assignment (qualified and independent only), assessor
// ratings, scope decisions, attribute overrides, findings, return, accept with the sealed record, reopen.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Assessment, Database } from '../db/types.js';
import { hasText } from '../domain/answers.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { AnswerRating, Rating } from '../domain/questionnaire.js';
import type { Actor } from '../domain/roles.js';
import type { ScoreResult } from '../domain/scoring.js';
import { ASSESSOR_ACTIVE, type Status } from '../domain/workflow.js';
import { findAgency, gradesOf } from '../repositories/agency.repository.js';
import * as repo from '../repositories/assessment.repository.js';
import { readAuditHead } from '../repositories/audit.repository.js';
import { findUserById, findUserByUsername } from '../repositories/user.repository.js';
import type { AssessmentService } from './assessment.service.js';
import { AssessorService } from './assessor.service.js';
import { appendAudit } from './audit.service.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';

const now = (): string => new Date().toISOString();

export interface SealedRecord {
  assessment: string;
  agency: { code: string; name: string; grade: string | null; ministry: string };
  cycle: number;
  questionnaire: string;
  acceptedAt: string;
  ciso: { username: string; displayName: string | null; submittedAt: string | null };
  assessor: { username: string; displayName: string | null };
  self: ScoreResult;
  validated: ScoreResult;
  findings: { process: string; text: string }[];
  assessorChanges: {
    ratings: { process: string; indicator: string; agencyRating: string | null; rating: string; reason: string | null; stale: boolean }[];
    scope: { process: string; inScope: boolean; reason: string }[];
    overrides: { process: string; attribute: string; computedRating: string | null; rating: string; reason: string }[];
  };
  auditHead: string;
}

export const sealHash = (record: SealedRecord): string => createHash('sha256').update(canonicalJson(record)).digest('hex');

export class ReviewService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly assessments: AssessmentService,
    private readonly assessors: AssessorService,
  ) {}

  /** The assigned assessor, while the assessment is in review. */
  private async reviewing(actor: Actor, id: string): Promise<Assessment> {
    const a = await this.assessments.visible(actor, id);
    if (actor.role !== 'assessor' || a.assessorId !== actor.id) throw forbidden('only the assessment’s lead assessor reviews it');
    if (!ASSESSOR_ACTIVE.includes(a.status as Status)) throw conflict(`the assessment is ${a.status}: assessors act only in review`);
    return a;
  }

  async assign(actor: Actor, assessmentId: string, username: string) {
    const a = await this.assessments.visible(actor, assessmentId);
    if (a.status === 'accepted') throw conflict('an accepted assessment keeps its assessor; reopen it first');
    const user = await findUserByUsername(this.db, username);
    if (!user || user.role !== 'assessor' || user.active !== 1) throw invalid(`${username} is not an active assessor`, [{ path: '/assessor', message: `${username} is not an active assessor` }]);
    const qualification = await this.assessors.get(username).catch(() => undefined);
    const today = now().slice(0, 10);
    if (!qualification || !AssessorService.isQualified(qualification, today)) {
      throw invalid(`${username} is not qualified on ${today}`, [{ path: '/assessor', message: qualification ? `qualified from ${qualification.certifiedOn} to ${qualification.validUntil}` : 'no qualification record' }]);
    }
    if (!AssessorService.isIndependent(qualification, a.agencyCode, a.cycleYear)) {
      throw invalid(`${username} is not independent of ${a.agencyCode}`, [{ path: '/assessor', message: `${username} belongs to or worked for ${a.agencyCode} in cycle ${a.cycleYear}` }]);
    }
    const previous = a.assessorId ? await findUserById(this.db, a.assessorId) : undefined;
    await this.db.transaction().execute(async (trx) => {
      await repo.updateAssessment(trx, a.id, { assessorId: user.id, updatedAt: now() });
      await appendAudit(trx, { actor: actor.username, action: 'assignment.put', subject: `assessment:${a.id}`, before: { assessor: previous?.username ?? null }, after: { assessor: username } });
    });
    return { assessment: a.id, assessor: username };
  }

  async review(actor: Actor, id: string) {
    const a = await this.assessments.visible(actor, id);
    if (actor.role !== 'assessor' || a.assessorId !== actor.id) throw forbidden('only the assessment’s lead assessor opens the review');
    if (a.status !== 'submitted') throw conflict(`the assessment is ${a.status}: only a submitted assessment goes into review`);
    return this.assessments.transition(actor, a, 'in_review', null);
  }

  async rate(actor: Actor, id: string, process: string, indicator: string, body: { rating: AnswerRating; reason?: string | null }) {
    const a = await this.reviewing(actor, id);
    const index = await this.assessments.index(a);
    const i = index.processById.get(process)?.indicatorById.get(indicator);
    if (!i) throw notFound(`no indicator ${process} ${indicator}`);
    if (body.rating === 'NA' && !i.basePractice) throw invalid('NA is for base practices only', [{ path: '/rating', message: 'NA is allowed on base practices only' }]);
    const answer = await repo.findAnswer(this.db, a.id, process, indicator);
    const agencyRating = answer && answer.unconfirmed === 0 ? answer.rating : null;
    if (body.rating !== agencyRating && !hasText(body.reason)) {
      throw invalid('a rating that differs from the agency’s needs a reason', [{ path: '/reason', message: `the agency rated ${agencyRating ?? 'nothing'}; say why ${body.rating}` }]);
    }
    const before = (await repo.findAssessorRatings(this.db, a.id)).find((r) => r.process === process && r.indicator === indicator);
    const row = { assessmentId: a.id, process, indicator, rating: body.rating, reason: body.reason?.trim() || null, stale: 0, updatedAt: now(), updatedBy: actor.username };
    await this.db.transaction().execute(async (trx) => {
      await repo.upsertAssessorRating(trx, row);
      await appendAudit(trx, { actor: actor.username, action: 'review.rating', subject: `assessment:${a.id}`, before: before ? { process, indicator, rating: before.rating, reason: before.reason, stale: before.stale === 1 } : null, after: { process, indicator, agencyRating, rating: row.rating, reason: row.reason } });
    });
    return { process, indicator, rating: row.rating, reason: row.reason, stale: false };
  }

  async withdraw(actor: Actor, id: string, process: string, indicator: string) {
    const a = await this.reviewing(actor, id);
    await this.db.transaction().execute(async (trx) => {
      if ((await repo.deleteAssessorRating(trx, a.id, process, indicator)) === 0) throw notFound(`no assessor rating of ${process} ${indicator}`);
      await appendAudit(trx, { actor: actor.username, action: 'review.rating-withdrawn', subject: `assessment:${a.id}`, after: { process, indicator } });
    });
    return { ok: true };
  }

  async decideScope(actor: Actor, id: string, process: string, body: { inScope: boolean; reason: string }) {
    const a = await this.reviewing(actor, id);
    if (!(await this.assessments.index(a)).processById.has(process)) throw notFound(`no process ${process}`);
    const row = { assessmentId: a.id, process, inScope: body.inScope ? 1 : 0, reason: body.reason.trim(), updatedAt: now(), updatedBy: actor.username };
    await this.db.transaction().execute(async (trx) => {
      await repo.upsertScopeDecision(trx, row);
      await appendAudit(trx, { actor: actor.username, action: 'review.scope', subject: `assessment:${a.id}`, after: { process, inScope: body.inScope, reason: row.reason } });
    });
    return { process, inScope: body.inScope, reason: row.reason };
  }

  async override(actor: Actor, id: string, process: string, attribute: string, body: { rating: Rating; reason: string }) {
    const a = await this.reviewing(actor, id);
    const p = (await this.assessments.index(a)).processById.get(process);
    if (!p) throw notFound(`no process ${process}`);
    if (!p.attributes.some((x) => x.id === attribute)) throw notFound(`no attribute ${attribute}`);
    const row = { assessmentId: a.id, process, attribute, rating: body.rating, reason: body.reason.trim(), updatedAt: now(), updatedBy: actor.username };
    await this.db.transaction().execute(async (trx) => {
      await repo.upsertOverride(trx, row);
      await appendAudit(trx, { actor: actor.username, action: 'review.override', subject: `assessment:${a.id}`, after: { process, attribute, rating: body.rating, reason: row.reason } });
    });
    return { process, attribute, rating: body.rating, reason: row.reason };
  }

  async finding(actor: Actor, id: string, process: string, text: string) {
    const a = await this.reviewing(actor, id);
    if (process !== '_' && !(await this.assessments.index(a)).processById.has(process)) throw notFound(`no process ${process}`);
    const row = { assessmentId: a.id, process, text: text.trim(), updatedAt: now(), updatedBy: actor.username };
    await this.db.transaction().execute(async (trx) => {
      await repo.upsertFinding(trx, row);
      await appendAudit(trx, { actor: actor.username, action: 'review.finding', subject: `assessment:${a.id}`, after: { process, text: row.text } });
    });
    return { process, text: row.text };
  }

  async return(actor: Actor, id: string, comment: string) {
    const a = await this.reviewing(actor, id);
    return this.assessments.transition(actor, a, 'returned', comment.trim(), {}, {}, async (trx) => {
      await repo.insertComment(trx, { id: randomUUID(), assessmentId: a.id, author: actor.username, role: actor.role, text: comment.trim(), createdAt: now() });
    });
  }

  /** The record frozen at acceptance (DOMAIN.md §4). */
  private async sealedRecord(a: Assessment, assessor: Actor, acceptedAt: string): Promise<SealedRecord> {
    const [agency, grades, results, ratings, decisions, overrides, findings, answers, ciso, assessorUser, head] = await Promise.all([
      findAgency(this.db, a.agencyCode),
      gradesOf(this.db, [a.agencyCode]),
      this.assessments.results(a),
      repo.findAssessorRatings(this.db, a.id),
      repo.findScopeDecisions(this.db, a.id),
      repo.findOverrides(this.db, a.id),
      repo.findFindings(this.db, a.id),
      repo.findAnswers(this.db, a.id),
      a.submittedBy ? findUserByUsername(this.db, a.submittedBy) : Promise.resolve(undefined),
      findUserById(this.db, assessor.id),
      readAuditHead(this.db),
    ]);
    const agencyRating = new Map(answers.map((x) => [`${x.process}/${x.indicator}`, x.unconfirmed === 1 ? null : x.rating]));
    const computed = new Map(results.self.processes.flatMap((p) => p.attributes.map((x) => [`${p.id}/${x.id}`, x.rating] as const)));
    return {
      assessment: a.id,
      agency: { code: a.agencyCode, name: agency?.name ?? a.agencyCode, grade: grades.get(a.agencyCode)?.[String(a.cycleYear)] ?? null, ministry: agency?.ministry ?? '' },
      cycle: a.cycleYear,
      questionnaire: a.questionnaire,
      acceptedAt,
      ciso: { username: a.submittedBy ?? '', displayName: ciso?.displayName ?? null, submittedAt: a.submittedAt },
      assessor: { username: assessor.username, displayName: assessorUser?.displayName ?? null },
      self: results.self,
      validated: results.validated,
      findings: findings.map((f) => ({ process: f.process, text: f.text })),
      assessorChanges: {
        ratings: ratings.map((r) => ({ process: r.process, indicator: r.indicator, agencyRating: agencyRating.get(`${r.process}/${r.indicator}`) ?? null, rating: r.rating, reason: r.reason, stale: r.stale === 1 })),
        scope: decisions.map((d) => ({ process: d.process, inScope: d.inScope === 1, reason: d.reason })),
        overrides: overrides.map((o) => ({ process: o.process, attribute: o.attribute, computedRating: computed.get(`${o.process}/${o.attribute}`) ?? null, rating: o.rating, reason: o.reason })),
      },
      auditHead: head.hash,
    };
  }

  async accept(actor: Actor, id: string) {
    const a = await this.reviewing(actor, id);
    const acceptedAt = now();
    const record = await this.sealedRecord(a, actor, acceptedAt);
    const hash = sealHash(record);
    const sealId = randomUUID();
    const previous = (await repo.findSealedRecords(this.db, a.id)).filter((r) => r.revokedAt !== null && r.supersededBy === null);
    const result = await this.assessments.transition(actor, a, 'accepted', null, { acceptedAt }, { seal: hash, level: record.validated.level, score: record.validated.score }, async (trx) => {
      await repo.insertSealedRecord(trx, { id: sealId, assessmentId: a.id, record: canonicalJson(record), recordSha256: hash, acceptedAt, revokedAt: null, revokedReason: null, supersededBy: null });
      for (const old of previous) await repo.updateSealedRecord(trx, old.id, { supersededBy: hash });
    });
    return { ...result, seal: hash, acceptedAt };
  }

  async reopen(actor: Actor, id: string, reason: string) {
    const a = await this.assessments.visible(actor, id);
    if (actor.role !== 'office') throw forbidden('only the office reopens an accepted assessment');
    if (a.status !== 'accepted') throw conflict(`the assessment is ${a.status}: only an accepted assessment can be reopened`);
    const current = (await repo.findSealedRecords(this.db, a.id)).find((r) => r.revokedAt === null);
    return this.assessments.transition(actor, a, 'in_review', reason.trim(), { acceptedAt: null }, { revokedSeal: current?.recordSha256 ?? null }, async (trx) => {
      if (current) await repo.updateSealedRecord(trx, current.id, { revokedAt: now(), revokedReason: reason.trim() });
    });
  }

  /** `{self, validated}`: live while the assessment is open, as sealed once accepted. The read is audited. */
  async result(actor: Actor, id: string): Promise<{ self: ScoreResult; validated: ScoreResult; sealed: string | null }> {
    const a = await this.assessments.visible(actor, id);
    let out: { self: ScoreResult; validated: ScoreResult; sealed: string | null };
    const seal = a.status === 'accepted' ? (await repo.findSealedRecords(this.db, a.id)).find((r) => r.revokedAt === null) : undefined;
    if (seal) {
      const record = JSON.parse(seal.record) as SealedRecord;
      out = { self: record.self, validated: record.validated, sealed: seal.recordSha256 };
    } else {
      out = { ...(await this.assessments.results(a)), sealed: null };
    }
    await this.db.transaction().execute((trx) => appendAudit(trx, { actor: actor.username, action: 'result.read', subject: `assessment:${id}` }));
    return out;
  }

  /** What a verification code (the sealed record's SHA-256) belongs to. */
  async verify(sha256: string) {
    const seal = await repo.findSealedRecordByHash(this.db, sha256.toLowerCase());
    if (!seal) throw notFound('no sealed record has this code');
    const record = JSON.parse(seal.record) as SealedRecord;
    return {
      agency: record.agency.code,
      agencyName: record.agency.name,
      cycle: record.cycle,
      acceptedAt: seal.acceptedAt,
      status: seal.revokedAt ? ('superseded' as const) : ('valid' as const),
      ...(seal.revokedAt ? { revokedAt: seal.revokedAt, reason: seal.revokedReason, supersededBy: seal.supersededBy } : {}),
    };
  }

  async sealedRecordOf(id: string): Promise<{ record: SealedRecord; sha256: string } | undefined> {
    const seal = (await repo.findSealedRecords(this.db, id)).find((r) => r.revokedAt === null);
    return seal ? { record: JSON.parse(seal.record) as SealedRecord, sha256: seal.recordSha256 } : undefined;
  }
}
