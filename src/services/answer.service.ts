// The agency's fill-in (docs/domain.md §5): answers, confirmation of pre-filled answers, scope and the
// comment thread. `writeAnswers` is the one write path for answers, used by PUT …/answers and the
// sheet import alike.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { checkAnswer, hasText, naLimitProblem } from '../domain/answers.js';
import { indicatorKey } from '../domain/crosswalk.js';
import type { AnswerRating, QuestionnaireIndex } from '../domain/questionnaire.js';
import type { Actor } from '../domain/roles.js';
import * as repo from '../repositories/assessment.repository.js';
import type { AssessmentRecord, StoredAnswer } from '../repositories/assessment.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import type { AnswerView } from './assessment.service.js';
import type { AuditService } from './audit.service.js';
import { ServiceError, conflict, invalid } from './errors.js';

export interface AnswerInput {
  rating: AnswerRating;
  evidence?: string | null;
  note?: string | null;
  justification?: string | null;
  /** The answer's revision last seen (0 for a new one). */
  revision: number;
}

/** One answer to write, already checked on its own (`checkAnswer`). */
export interface AnswerChange extends AnswerInput {
  process: string;
  indicator: string;
}

/**
 * The answers as they stood when the changes were made, read before the write transaction so that it
 * holds the database briefly: each write is a compare-and-set on the revision, and an answer's
 * revision moves with every change, so an answer still at the revision read is exactly the one read.
 */
export type CurrentAnswers = ReadonlyMap<string, StoredAnswer>;

const answerState = (x: Pick<StoredAnswer, 'rating' | 'evidence' | 'note' | 'justification' | 'revision'>) => ({ rating: x.rating, evidence: x.evidence, note: x.note, justification: x.justification, revision: x.revision });

export function staleRevision(process: string, indicator: string, current: StoredAnswer | undefined): ServiceError {
  return new ServiceError('stale_revision', `${process} ${indicator} was changed by someone else (revision ${current?.revision ?? 0} now); reload it and apply your change again`, undefined, {
    current: current ? { ...answerState(current), unconfirmed: current.unconfirmed, updatedBy: current.updatedBy, updatedAt: current.updatedAt } : null,
  });
}

export class AnswerService {
  constructor(
    private readonly access: AssessmentAccess,
    private readonly audit: AuditService,
  ) {}

  /**
   * Writes a batch of answer changes inside the caller's edit transaction: each a compare-and-set on
   * the revision it was based on (or an insert if still absent), a stale revision refusing the whole
   * batch with 409; an assessor rating of a changed answer goes stale when the assessment was returned;
   * one audit entry per answer, before → after. The NA limit is checked on what the batch leaves.
   */
  async writeAnswers(trx: Transaction<Database>, actor: Actor, a: AssessmentRecord, index: QuestionnaireIndex, changes: readonly AnswerChange[], currentAnswers: CurrentAnswers, at: string, source: 'api' | 'sheet'): Promise<AnswerView[]> {
    const views: AnswerView[] = [];
    for (const c of changes) {
      const current = currentAnswers.get(indicatorKey(c));
      if (c.revision !== (current?.revision ?? 0)) throw staleRevision(c.process, c.indicator, current);
      const next = { rating: c.rating, evidence: c.evidence ?? null, note: c.note ?? null, justification: c.justification ?? null, revision: c.revision + 1, unconfirmed: false, updatedAt: at, updatedBy: actor.username };
      const written = current ? await repo.rewriteAnswerAt(trx, a.id, c.process, c.indicator, c.revision, next) : await repo.insertAnswerIfAbsent(trx, a.id, c.process, c.indicator, next);
      if (!written) throw staleRevision(c.process, c.indicator, await repo.findAnswer(trx, a.id, c.process, c.indicator));
      const changed = !current || current.rating !== next.rating || current.evidence !== next.evidence || current.justification !== next.justification || current.note !== next.note;
      // An agency edit after a return: the assessor's rating of this indicator stops counting until confirmed or changed.
      const staled = a.state === 'returned' && changed && (await repo.markAssessorRatingStale(trx, a.id, c.process, c.indicator));
      await this.audit.record(trx, {
        actor,
        action: 'answer.put',
        subject: subjectOf(a),
        before: { process: c.process, indicator: c.indicator, answer: current ? answerState(current) : null },
        after: { process: c.process, indicator: c.indicator, answer: answerState(next), ...(staled ? { assessorRatingStale: true } : {}), ...(source === 'sheet' ? { source } : {}) },
      });
      views.push({ process: c.process, indicator: c.indicator, ...answerState(next), unconfirmed: false, assessor: null });
    }
    const touched = new Set(changes.filter((c) => c.rating === 'NA').map((c) => c.process));
    if (touched.size > 0) {
      const [answers, scope] = await Promise.all([repo.findAnswers(trx, a.id), repo.findScope(trx, a.id)]);
      for (const process of touched) {
        if (scope.some((s) => s.process === process && !s.inScope)) continue;
        const message = naLimitProblem(index.processById.get(process)!, answers);
        if (message) throw invalid(`at most half of ${process}'s base practices may be NA`, [{ path: '/rating', message }]);
      }
    }
    return views;
  }

  async put(actor: Actor, id: string, process: string, indicator: string, body: AnswerInput): Promise<AnswerView> {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'fill-in');
    const index = await this.access.index(a);
    const { indicator: i } = this.access.indicatorOf(index, process, indicator);
    const problems = checkAnswer(i, body);
    if (problems.length > 0) throw invalid(`invalid answer for ${process} ${indicator}`, problems.map((p) => ({ path: `/${p.field}`, message: p.message })));
    const current = await repo.findAnswer(this.access.db, a.id, process, indicator);
    if (body.revision !== (current?.revision ?? 0)) throw staleRevision(process, indicator, current);
    const currentAnswers = new Map(current ? [[indicatorKey(current), current]] : []);
    const [view] = await this.access.edit(a, 'fill-in', (trx, at) => this.writeAnswers(trx, actor, a, index, [{ process, indicator, ...body }], currentAnswers, at, 'api'));
    return view!;
  }

  async confirm(actor: Actor, id: string, process: string, indicator: string): Promise<AnswerView> {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'fill-in');
    this.access.indicatorOf(await this.access.index(a), process, indicator);
    return this.access.edit(a, 'fill-in', async (trx, at) => {
      const current = await repo.findAnswer(trx, a.id, process, indicator);
      if (!current?.unconfirmed) throw conflict(`${process} ${indicator} is not a pre-filled answer awaiting confirmation`);
      if (!(await repo.rewriteAnswerAt(trx, a.id, process, indicator, current.revision, { ...answerState(current), revision: current.revision + 1, unconfirmed: false, updatedAt: at, updatedBy: actor.username }))) throw staleRevision(process, indicator, current);
      await this.audit.record(trx, { actor, action: 'answer.confirm', subject: subjectOf(a), before: { process, indicator, unconfirmed: true }, after: { process, indicator, unconfirmed: false, revision: current.revision + 1 } });
      return { ...answerState(current), process, indicator, revision: current.revision + 1, unconfirmed: false, assessor: null };
    });
  }

  async putScope(actor: Actor, id: string, process: string, body: { inScope: boolean; justification?: string | null }) {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'fill-in');
    const p = this.access.processOf(await this.access.index(a), process);
    if (!body.inScope && !hasText(body.justification)) throw invalid('out of scope needs a justification', [{ path: '/justification', message: 'say why the process does not apply to the agency' }]);
    return this.access.edit(a, 'fill-in', async (trx, at) => {
      if (body.inScope) {
        const message = naLimitProblem(p, await repo.findAnswers(trx, a.id));
        if (message) throw invalid(`${process} cannot come back in scope`, [{ path: '/inScope', message: `${message}; answer more of its base practices first` }]);
      }
      const before = (await repo.findScope(trx, a.id)).find((s) => s.process === process);
      const entry = { process, inScope: body.inScope, justification: body.inScope ? (body.justification ?? null) : body.justification!.trim(), updatedAt: at, updatedBy: actor.username };
      await repo.upsertScope(trx, a.id, entry);
      await this.audit.record(trx, {
        actor,
        action: 'scope.put',
        subject: subjectOf(a),
        before: before ? { process, inScope: before.inScope, justification: before.justification } : { process, inScope: true },
        after: { process, inScope: entry.inScope, justification: entry.justification },
      });
      return { process, inScope: entry.inScope, justification: entry.justification };
    });
  }

  async comment(actor: Actor, id: string, text: string) {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'comment');
    return this.access.edit(a, 'comment', async (trx, at) => {
      const comment = { id: randomUUID(), author: actor.username, role: actor.role, text: text.trim(), createdAt: at };
      await repo.insertComment(trx, a.id, comment);
      await this.audit.record(trx, { actor, action: 'comment.add', subject: subjectOf(a), after: { id: comment.id, text: comment.text } });
      return comment;
    });
  }
}
