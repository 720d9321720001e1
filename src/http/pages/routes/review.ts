// The lead assessor's review (`/assessments/:id/review`): the agency's answers, evidence and files
// beside the assessor's own rating and reason, last cycle's answer where the crosswalk carries one,
// scope decisions, attribute overrides, findings, return with a comment, and acceptance after a
// confirmation that shows the validated level and every change from the self-assessment.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANSWER_RATINGS, RATINGS, type AnswerRating, type Rating } from '../../../domain/questionnaire.js';
import { ServiceError } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { processModel } from '../assessment-model.js';
import { message, type MessageKey } from '../i18n.js';
import { expected, requireCsrf } from '../plugin.js';

type Form = Record<string, string | undefined>;
interface Params {
  id: string;
  process: string;
  indicator: string;
  attribute: string;
}

const opts = { config: { access: ['assessor', 'office'] as const, page: true }, schema: { hide: true } };
const post = { config: { access: ['assessor'] as const, page: true }, schema: { hide: true } };
const trimmed = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : null);

export default async function reviewPages(app: FastifyInstance) {
  const { assessments, reviews, questionnaires } = app.services;

  async function showReview(request: FastifyRequest, reply: FastifyReply, id: string, flash: { kind: 'ok' | 'error'; text: string } | null = null, status = 200) {
    const actor = requireActor(request);
    const view = await assessments.get(actor, id);
    const [result, allowed, index, last] = await Promise.all([assessments.result(actor, id), assessments.allowed(actor, id), questionnaires.index(view.questionnaire), assessments.lastCycleAnswers(actor, id)]);
    const q = index.questionnaire;
    const processes = q.aspects.flatMap((a) => a.processes);
    const chosen = (request.query as { process?: string }).process;
    const processId = processes.some((p) => p.id === chosen) ? chosen! : processes[0]!.id;
    const model = processModel(q, processId, view.answers, view.evidence)!;
    const lastByKey = new Map(last.map((x) => [`${x.process}/${x.indicator}`, x]));
    for (const level of model.levels) for (const attribute of level.attributes) for (const i of attribute.indicators) Object.assign(i, { last: lastByKey.get(`${processId}/${i.id}`) ?? null });
    const self = result.self.processes.find((p) => p.id === processId);
    const validated = result.validated.processes.find((p) => p.id === processId);
    const done = (request.query as { done?: string }).done;
    const doneKeys: Record<string, MessageKey> = { saved: 'common.saved', started: 'state.in_review', returned: 'state.returned', accepted: 'state.accepted' };
    return reply.page(
      'review',
      `${message(request.lang, 'review.title')} · ${view.agency} ${view.cycle}`,
      {
        a: view,
        model,
        processes: processes.map((p) => ({ id: p.id, name: p.name, current: p.id === processId, selfLevel: result.self.processes.find((x) => x.id === p.id)?.level ?? null, validatedLevel: result.validated.processes.find((x) => x.id === p.id)?.level ?? null })),
        self,
        validated,
        result,
        scope: view.scope.find((s) => s.process === processId) ?? { inScope: true, justification: null },
        decision: view.scopeDecisions.find((d) => d.process === processId) ?? null,
        overrides: view.overrides.filter((o) => o.process === processId),
        findings: view.findings.filter((f) => f.process === processId || f.process === '_'),
        ratings: ANSWER_RATINGS,
        paRatings: RATINGS,
        may: { review: allowed.review, rate: allowed['assessor-review'], ret: allowed.return, accept: allowed.accept },
        flash: flash ?? (done && doneKeys[done] ? { kind: 'ok', text: message(request.lang, doneKeys[done]) } : null),
      },
      status,
    );
  }

  /** Runs one review change and comes back to the process it concerns, or shows the refusal in place. */
  async function change(request: FastifyRequest, reply: FastifyReply, id: string, process: string | null, work: () => Promise<unknown>) {
    requireCsrf(request);
    try {
      await work();
    } catch (thrown) {
      const error = expected(thrown, ['invalid_input', 'conflict', 'stale_revision']);
      if (!error) throw thrown;
      (request.query as Record<string, string>).process = process ?? '';
      const details = error.details?.map((d) => d.message).join('; ');
      return showReview(request, reply, id, { kind: 'error', text: `${message(request.lang, error.code === 'invalid_input' ? 'error.422' : 'error.409')} ${details ?? error.message}` }, error.code === 'invalid_input' ? 422 : 409);
    }
    return reply.redirect(`/assessments/${id}/review?${process ? `process=${encodeURIComponent(process)}&` : ''}done=saved`, 303);
  }

  app.get<{ Params: Params }>('/assessments/:id/review', opts, async (request, reply) => showReview(request, reply, request.params.id));

  app.post<{ Params: Params }>('/assessments/:id/review/start', post, async (request, reply) => {
    requireCsrf(request);
    await reviews.review(requireActor(request), request.params.id);
    return reply.redirect(`/assessments/${request.params.id}/review?done=started`, 303);
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/:process/ratings/:indicator', post, async (request, reply) => {
    const { id, process, indicator } = request.params;
    const form = request.body ?? {};
    return change(request, reply, id, process, async () => {
      if (form.withdraw === '1') return reviews.withdraw(requireActor(request), id, process, indicator);
      const rating = form.rating as AnswerRating | undefined;
      if (!rating || !ANSWER_RATINGS.includes(rating)) throw new ServiceError('invalid_input', 'choose a rating', [{ path: '/rating', message: 'choose a rating' }]);
      return reviews.rate(requireActor(request), id, process, indicator, { rating, reason: trimmed(form.reason) });
    });
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/:process/scope', post, async (request, reply) => {
    const { id, process } = request.params;
    const form = request.body ?? {};
    return change(request, reply, id, process, () => reviews.decideScope(requireActor(request), id, process, { inScope: form.inScope !== 'false', reason: trimmed(form.reason) ?? '' }));
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/:process/overrides/:attribute', post, async (request, reply) => {
    const { id, process, attribute } = request.params;
    const form = request.body ?? {};
    return change(request, reply, id, process, async () => {
      const rating = form.rating as Rating | undefined;
      if (!rating || !RATINGS.includes(rating)) throw new ServiceError('invalid_input', 'choose a rating', [{ path: '/rating', message: 'choose a rating' }]);
      return reviews.override(requireActor(request), id, process, attribute, { rating, reason: trimmed(form.reason) ?? '' });
    });
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/:process/findings', post, async (request, reply) => {
    const { id, process } = request.params;
    return change(request, reply, id, process === '_' ? null : process, () => reviews.finding(requireActor(request), id, process, trimmed(request.body?.text) ?? ''));
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/return', post, async (request, reply) => {
    const { id } = request.params;
    return change(request, reply, id, null, () => reviews.return(requireActor(request), id, trimmed(request.body?.comment) ?? ''));
  });

  // Accepting: first a confirmation showing the validated level and every change from the self-assessment.
  app.get<{ Params: Params }>('/assessments/:id/review/accept', opts, async (request, reply) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const [view, result] = await Promise.all([assessments.get(actor, id), assessments.result(actor, id)]);
    const changedProcesses = result.validated.processes
      .map((v) => ({ id: v.id, validated: v.level, self: result.self.processes.find((s) => s.id === v.id)?.level ?? null }))
      .filter((p) => p.validated !== p.self);
    return reply.page('review-accept', 'review.accept', {
      a: view,
      result,
      changedProcesses,
      ratings: view.answers.filter((x) => x.assessor && !x.assessor.stale).map((x) => ({ process: x.process, indicator: x.indicator, own: x.rating, rating: x.assessor!.rating, reason: x.assessor!.reason })),
      scopeDecisions: view.scopeDecisions,
      overrides: view.overrides,
      findings: view.findings,
    });
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/review/accept', post, async (request, reply) => {
    const { id } = request.params;
    requireCsrf(request);
    if (request.body?.confirm !== 'true') return reply.redirect(`/assessments/${id}/review/accept`, 303);
    await reviews.accept(requireActor(request), id);
    return reply.redirect(`/assessments/${id}?done=accepted`, 303);
  });
}
