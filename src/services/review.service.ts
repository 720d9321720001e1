// The lead assessor's review (docs/domain.md §5): assignment (qualified and independent only), opening
// the review, assessor ratings, scope decisions, attribute overrides, findings, return, acceptance
// with its seal (seal.service.ts), and the office's reopening.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { checkRating, hasText } from '../domain/answers.js';
import type { AnswerRating, Rating } from '../domain/questionnaire.js';
import type { Actor } from '../domain/roles.js';
import * as repo from '../repositories/assessment.repository.js';
import { findUserById, findUserByUsername } from '../repositories/user.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import { scoreAssessment, storeResults } from './stored-results.js';
import { AssessorService } from './assessor.service.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { invalid, notFound } from './errors.js';
import type { ReportService } from './report.service.js';
import type { SealService } from './seal.service.js';

export class ReviewService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly assessors: AssessorService,
    private readonly seals: SealService,
    private readonly reports: ReportService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The assessment, if the actor is its lead assessor and it is in review. */
  private async reviewing(actor: Actor, id: string) {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'assessor-review');
    return a;
  }

  async assign(actor: Actor, assessmentId: string, username: string) {
    const a = await this.access.visible(actor, assessmentId);
    this.access.mayEdit(actor, a, 'assign');
    const user = await findUserByUsername(this.db, username);
    if (!user || user.role !== 'assessor' || !user.active) throw invalid(`${username} is not an active assessor`, [{ path: '/assessor', message: `${username} is not an active assessor` }]);
    const qualification = await this.assessors.get(username).catch(() => undefined);
    const today = isoNow(this.clock).slice(0, 10);
    if (!qualification || !AssessorService.isQualified(qualification, today)) {
      throw invalid(`${username} is not qualified on ${today}`, [{ path: '/assessor', message: qualification ? `qualified from ${qualification.certifiedOn} to ${qualification.validUntil}` : 'no qualification record' }]);
    }
    if (!AssessorService.isIndependent(qualification, a.agencyCode, a.cycleYear)) {
      throw invalid(`${username} is not independent of ${a.agencyCode}`, [{ path: '/assessor', message: `${username} belongs to or worked for ${a.agencyCode} in cycle ${a.cycleYear}` }]);
    }
    const previous = a.assessorId ? await findUserById(this.db, a.assessorId) : undefined;
    await this.access.edit(a, 'assign', async (trx, at) => {
      await repo.updateAssessmentIn(trx, a.id, [a.state], { assessorId: user.id, updatedAt: at });
      await this.audit.record(trx, { actor, action: 'assignment.put', subject: subjectOf(a), before: { assessor: previous?.username ?? null }, after: { assessor: username } });
    });
    return { assessment: a.id, assessor: username };
  }

  /** Its assessor opens the review: submitted → in_review. */
  async review(actor: Actor, id: string) {
    return this.access.transition(actor, await this.access.visible(actor, id), 'review');
  }

  async rate(actor: Actor, id: string, process: string, indicator: string, body: { rating: AnswerRating; reason?: string | null }) {
    const a = await this.reviewing(actor, id);
    const { indicator: i } = this.access.indicatorOf(await this.access.index(a), process, indicator);
    const problems = checkRating(i, body.rating);
    if (problems.length > 0) throw invalid(`invalid assessor rating of ${process} ${indicator}`, problems.map((p) => ({ path: `/${p.field}`, message: p.message })));
    return this.access.edit(a, 'assessor-review', async (trx, at) => {
      const answer = await repo.findAnswer(trx, a.id, process, indicator);
      const agencyRating = answer && !answer.unconfirmed ? answer.rating : null;
      if (body.rating !== agencyRating && !hasText(body.reason)) {
        throw invalid('an assessor rating that differs from the agency’s needs a reason', [{ path: '/reason', message: `the agency rated ${agencyRating ?? 'nothing'}; say why ${body.rating}` }]);
      }
      const before = await repo.findAssessorRating(trx, a.id, process, indicator);
      const rating = { process, indicator, rating: body.rating, reason: body.reason?.trim() || null, stale: false, updatedAt: at, updatedBy: actor.username };
      await repo.upsertAssessorRating(trx, a.id, rating);
      await this.audit.record(trx, {
        actor,
        action: 'assessor-rating.put',
        subject: subjectOf(a),
        before: before ? { process, indicator, rating: before.rating, reason: before.reason, stale: before.stale } : null,
        after: { process, indicator, agencyRating, rating: rating.rating, reason: rating.reason },
      });
      return { process, indicator, rating: rating.rating, reason: rating.reason, stale: false };
    });
  }

  async withdraw(actor: Actor, id: string, process: string, indicator: string) {
    const a = await this.reviewing(actor, id);
    return this.access.edit(a, 'assessor-review', async (trx) => {
      const before = await repo.findAssessorRating(trx, a.id, process, indicator);
      if (!before || !(await repo.deleteAssessorRating(trx, a.id, process, indicator))) throw notFound(`no assessor rating of ${process} ${indicator}`);
      await this.audit.record(trx, { actor, action: 'assessor-rating.withdraw', subject: subjectOf(a), before: { process, indicator, rating: before.rating, reason: before.reason, stale: before.stale }, after: null });
      return { ok: true };
    });
  }

  async decideScope(actor: Actor, id: string, process: string, body: { inScope: boolean; reason: string }) {
    const a = await this.reviewing(actor, id);
    this.access.processOf(await this.access.index(a), process);
    return this.access.edit(a, 'assessor-review', async (trx, at) => {
      const before = await repo.findScopeDecision(trx, a.id, process);
      const decision = { process, inScope: body.inScope, reason: body.reason.trim(), updatedAt: at, updatedBy: actor.username };
      await repo.upsertScopeDecision(trx, a.id, decision);
      await this.audit.record(trx, { actor, action: 'scope-decision.put', subject: subjectOf(a), before: before ? { process, inScope: before.inScope, reason: before.reason } : null, after: { process, inScope: decision.inScope, reason: decision.reason } });
      return { process, inScope: decision.inScope, reason: decision.reason };
    });
  }

  async override(actor: Actor, id: string, process: string, attribute: string, body: { rating: Rating; reason: string }) {
    const a = await this.reviewing(actor, id);
    const p = this.access.processOf(await this.access.index(a), process);
    if (!p.attributes.some((x) => x.id === attribute)) throw notFound(`no attribute ${attribute}`);
    return this.access.edit(a, 'assessor-review', async (trx, at) => {
      const before = await repo.findOverride(trx, a.id, process, attribute);
      const override = { process, attribute, rating: body.rating, reason: body.reason.trim(), updatedAt: at, updatedBy: actor.username };
      await repo.upsertOverride(trx, a.id, override);
      await this.audit.record(trx, { actor, action: 'override.put', subject: subjectOf(a), before: before ? { process, attribute, rating: before.rating, reason: before.reason } : null, after: { process, attribute, rating: override.rating, reason: override.reason } });
      return { process, attribute, rating: override.rating, reason: override.reason };
    });
  }

  /** Findings for a process, or the overall findings (`_`). */
  async finding(actor: Actor, id: string, process: string, text: string) {
    const a = await this.reviewing(actor, id);
    if (process !== '_') this.access.processOf(await this.access.index(a), process);
    return this.access.edit(a, 'assessor-review', async (trx, at) => {
      const before = await repo.findFinding(trx, a.id, process);
      const finding = { process, text: text.trim(), updatedAt: at, updatedBy: actor.username };
      await repo.upsertFinding(trx, a.id, finding);
      await this.audit.record(trx, { actor, action: 'finding.put', subject: subjectOf(a), before: before ? { process, text: before.text } : null, after: { process, text: finding.text } });
      return { process, text: finding.text };
    });
  }

  /** Back to the agency with a comment, which also joins the comment thread. */
  async return(actor: Actor, id: string, comment: string) {
    const a = await this.access.visible(actor, id);
    const text = comment.trim();
    return this.access.transition(actor, a, 'return', {
      comment: text,
      work: async (trx, at) => {
        await repo.insertComment(trx, a.id, { id: randomUUID(), author: actor.username, role: actor.role, text, createdAt: at });
      },
    });
  }

  /** Accepts: the sealed record is built and stored inside the acceptance's own transaction. */
  async accept(actor: Actor, id: string) {
    const a = await this.access.visible(actor, id);
    const index = await this.access.index(a);
    let sealed: { verificationCode: string; acceptedAt: string } | undefined;
    const result = await this.access.transition(actor, a, 'accept', {
      changes: (at) => ({ acceptedAt: at }),
      work: async (trx, at) => {
        const { parts, results } = await scoreAssessment(trx, index, a);
        const { verificationCode } = await this.seals.seal(trx, { ...a, acceptedAt: at }, actor, at, parts, results);
        await storeResults(trx, a.id, results, at);
        sealed = { verificationCode, acceptedAt: at };
        return { verificationCode, level: results.validated.level, score: results.validated.score };
      },
    });
    // The reports are rendered from the sealed record once the acceptance has committed, never inside it.
    this.reports.afterAcceptance(id);
    return { ...result, ...sealed! };
  }

  /** The office reopens an accepted assessment (accepted → in_review); its seal is revoked. */
  async reopen(actor: Actor, id: string, reason: string) {
    const a = await this.access.visible(actor, id);
    const why = reason.trim();
    const index = await this.access.index(a);
    return this.access.transition(actor, a, 'reopen', {
      comment: why,
      changes: () => ({ acceptedAt: null }),
      work: async (trx, at) => {
        await storeResults(trx, a.id, (await scoreAssessment(trx, index, a)).results, at);
        return { revokedVerificationCode: await this.seals.revoke(trx, a.id, at, why) };
      },
    });
  }
}
