// The assessment as agency staff fill it in: the overview (`/assessments/:id`) and one page per process
// (`/assessments/:id/processes/:process`). Every form posts to a page route that calls the same
// services as the JSON API and comes back to the page; with JavaScript, answers save as they change
// through the API itself (templates/assets/app.js).
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANSWER_RATINGS, type AnswerRating } from '../../../domain/questionnaire.js';
import { SIGN_OFF_STATEMENT, type Edit, type Transition } from '../../../domain/workflow.js';
import { ServiceError } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { overviewModel, processModel } from '../assessment-model.js';
import { message, type MessageKey } from '../i18n.js';
import { expected, requireCsrf } from '../plugin.js';

type Form = Record<string, string | undefined>;
interface Params {
  id: string;
  process: string;
  indicator: string;
}

/** What the actor may do now, as the templates read it. */
const mayOf = (allowed: Record<Edit | Transition, boolean>) => ({ fillIn: allowed['fill-in'], comment: allowed.comment, submit: allowed.submit, review: allowed.review, assessorReview: allowed['assessor-review'], ret: allowed.return, accept: allowed.accept, reopen: allowed.reopen, assign: allowed.assign, move: allowed.move });

const text = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : value);

/** The flash a page shows after a redirect: `?done=<key>` names one of our own messages, nothing else. */
function doneFlash(request: FastifyRequest) {
  const done = (request.query as { done?: string }).done;
  const keys: Record<string, MessageKey> = { saved: 'common.saved', submitted: 'state.submitted', uploaded: 'common.saved', commented: 'common.saved', confirmed: 'common.saved', accepted: 'state.accepted' };
  const k = done ? keys[done] : undefined;
  return k ? { kind: 'ok' as const, text: message(request.lang, k) } : null;
}

export default async function assessmentPages(app: FastifyInstance, options: { uploadMaxMb: number }) {
  const { assessments, answers, evidence, sheets, questionnaires } = app.services;

  async function load(request: FastifyRequest, id: string) {
    const actor = requireActor(request);
    const view = await assessments.get(actor, id);
    const [result, allowed, index, cycle] = await Promise.all([assessments.result(actor, id), assessments.allowed(actor, id), questionnaires.index(view.questionnaire), app.services.cycles.get(view.cycle)]);
    return { actor, view, result, allowed, questionnaire: index.questionnaire, cycle };
  }

  async function showOverview(request: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const { actor, view, result, allowed, questionnaire, cycle } = await load(request, id);
    const shown = view.status === 'accepted' ? result.validated : result.self;
    const agency = (await app.services.agencies.get(actor, view.agency).catch(() => null)) ?? null;
    const assessorRatings = view.answers.filter((a) => a.assessor && !a.assessor.stale).map((a) => ({ process: a.process, indicator: a.indicator, own: a.rating, rating: a.assessor!.rating, reason: a.assessor!.reason }));
    return reply.page(
      'assessment',
      `${agency?.name ?? view.agency} · ${view.cycle}`,
      {
        a: view,
        agency,
        cycle,
        questionnaireTitle: questionnaire.title,
        result: shown,
        validated: result.validated,
        verificationCode: result.verificationCode,
        model: overviewModel(questionnaire, id, view.answers, result.self),
        may: mayOf(allowed),
        statement: SIGN_OFF_STATEMENT,
        assessorRatings,
        lastReturn: [...view.history].reverse().find((h) => h.to === 'returned') ?? null,
        carriedPlans: await app.services.improvements.carriedInto(actor, id),
        flash: doneFlash(request),
        ...extra,
      },
      status,
    );
  }

  async function showProcess(request: FastifyRequest, reply: FastifyReply, id: string, processId: string, extra: { flash?: unknown; draft?: { indicator: string; form: Form; current: unknown } } = {}, status = 200) {
    const { view, result, allowed, questionnaire } = await load(request, id);
    const model = processModel(questionnaire, processId, view.answers, view.evidence);
    if (!model) throw new ServiceError('not_found', `no process ${processId} in ${view.questionnaire}`);
    // After a refused save, the form shows what the person typed, not what is stored: nothing typed is lost.
    if (extra.draft) {
      for (const level of model.levels) {
        for (const attribute of level.attributes) {
          for (const i of attribute.indicators) {
            if (i.id !== extra.draft.indicator) continue;
            const f = extra.draft.form;
            i.answer = { ...(i.answer ?? { process: processId, indicator: i.id, revision: 0, unconfirmed: false, assessor: null }), rating: f.rating ?? null, evidence: f.evidence ?? null, note: f.note ?? null, justification: f.justification ?? null };
            Object.assign(i, { conflict: true });
          }
        }
      }
    }
    const scope = view.scope.find((s) => s.process === processId) ?? { inScope: true, justification: null };
    const scored = result.self.processes.find((p) => p.id === processId);
    return reply.page(
      'process',
      `${model.process.id} ${model.process.name[request.lang]}`,
      { a: view, model, scope, may: mayOf(allowed), result: result.self, processLevel: scored?.level ?? null, ratings: ANSWER_RATINGS, flash: extra.flash ?? doneFlash(request) },
      status,
    );
  }

  const opts = (access: readonly ('agency' | 'ciso' | 'office' | 'assessor' | 'ministry')[] | 'user') => ({ config: { access, page: true }, schema: { hide: true } });

  app.get<{ Params: Params }>('/assessments/:id', opts('user'), async (request, reply) => showOverview(request, reply, request.params.id));

  app.get<{ Params: Params }>('/assessments/:id/processes/:process', opts('user'), async (request, reply) => showProcess(request, reply, request.params.id, request.params.process));

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/processes/:process/answers/:indicator', opts(['agency', 'ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id, process, indicator } = request.params;
    const form = request.body ?? {};
    const back = `/assessments/${id}/processes/${process}`;
    const rating = form.rating as AnswerRating | undefined;
    const revision = Number(form.revision);
    try {
      if (!rating || !ANSWER_RATINGS.includes(rating)) throw new ServiceError('invalid_input', 'choose a rating', [{ path: '/rating', message: 'choose a rating' }]);
      if (!Number.isInteger(revision) || revision < 0) throw new ServiceError('invalid_input', 'the form has no revision', [{ path: '/revision', message: 'must be a whole number' }]);
      await answers.put(requireActor(request), id, process, indicator, { rating, evidence: text(form.evidence), note: text(form.note), justification: text(form.justification), revision });
      return reply.redirect(`${back}?done=saved#ind-${indicator.replace(/\./g, '-')}`, 303);
    } catch (thrown) {
      const error = expected(thrown, ['invalid_input', 'stale_revision', 'conflict']);
      if (!error) throw thrown;
      const conflict = error.code !== 'invalid_input';
      const what = conflict ? message(request.lang, 'process.conflict') : `${message(request.lang, 'error.422')} ${error.details?.map((d) => d.message).join('; ') ?? error.message}`;
      return showProcess(request, reply, id, process, { flash: { kind: 'error', text: `${indicator}: ${what}` }, draft: { indicator, form, current: null } }, conflict ? 409 : 422);
    }
  });

  app.post<{ Params: Params }>('/assessments/:id/processes/:process/confirm/:indicator', opts(['agency', 'ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id, process, indicator } = request.params;
    await answers.confirm(requireActor(request), id, process, indicator);
    return reply.redirect(`/assessments/${id}/processes/${process}?done=confirmed#ind-${indicator.replace(/\./g, '-')}`, 303);
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/processes/:process/scope', opts(['agency', 'ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id, process } = request.params;
    const inScope = request.body?.inScope !== 'false';
    try {
      await answers.putScope(requireActor(request), id, process, { inScope, justification: inScope ? null : text(request.body?.justification) });
    } catch (thrown) {
      const error = expected(thrown, ['invalid_input']);
      if (!error) throw thrown;
      return showProcess(request, reply, id, process, { flash: { kind: 'error', text: `${message(request.lang, 'error.422')} ${error.message}` } }, 422);
    }
    return reply.redirect(`/assessments/${id}/processes/${process}?done=saved`, 303);
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/comments', opts('user'), async (request, reply) => {
    requireCsrf(request);
    const { id } = request.params;
    const body = text(request.body?.text);
    if (!body) return showOverview(request, reply, id, { flash: { kind: 'error', text: message(request.lang, 'error.422') } }, 422);
    await answers.comment(requireActor(request), id, body);
    return reply.redirect(`/assessments/${id}?done=commented#comments`, 303);
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/submit', opts(['ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id } = request.params;
    if (request.body?.statement !== 'true') return showOverview(request, reply, id, { flash: { kind: 'error', text: message(request.lang, 'overview.submit.confirm') } }, 422);
    try {
      await assessments.submit(requireActor(request), id, { statement: true });
    } catch (thrown) {
      const error = expected(thrown, ['incomplete', 'conflict', 'invalid_input']);
      if (!error) throw thrown;
      // What is missing, said in the page's language (the service's message is English).
      const missing = error.code === 'incomplete' ? (error as ServiceError<'incomplete'>).data?.completeness : undefined;
      const text = missing
        ? message(request.lang, 'overview.submit.incomplete').replace('{missing}', String(missing.missing.length)).replace('{evidence}', String(missing.missingEvidence.length))
        : `${message(request.lang, error.code === 'conflict' ? 'error.409' : 'error.422')} ${error.message}`;
      return showOverview(request, reply, id, { flash: { kind: 'error', text } }, error.code === 'conflict' ? 409 : 422);
    }
    return reply.redirect(`/assessments/${id}?done=submitted`, 303);
  });

  // Files: multipart forms (the CSRF token travels in the form's URL, as a multipart body is read as a stream).
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: options.uploadMaxMb * 1024 * 1024, files: 1, fields: 10, fieldSize: 1024 } });

    scope.post<{ Params: Params }>('/assessments/:id/processes/:process/evidence/:indicator', opts(['agency', 'ciso']), async (request, reply) => {
      requireCsrf(request);
      const { id, process, indicator } = request.params;
      const file = await request.file();
      if (!file) return showProcess(request, reply, id, process, { flash: { kind: 'error', text: message(request.lang, 'error.422') } }, 422);
      const bytes = await file.toBuffer();
      try {
        await evidence.add(requireActor(request), id, { process, indicator, name: file.filename, bytes });
      } catch (thrown) {
        const error = expected(thrown, ['invalid_input', 'unsupported_media_type', 'too_large']);
        if (!error) throw thrown;
        return showProcess(request, reply, id, process, { flash: { kind: 'error', text: `${indicator}: ${error.message}` } }, 422);
      }
      return reply.redirect(`/assessments/${id}/processes/${process}?done=uploaded#ind-${indicator.replace(/\./g, '-')}`, 303);
    });

    scope.post<{ Params: Params }>('/assessments/:id/sheet', opts(['agency', 'ciso']), async (request, reply) => {
      requireCsrf(request);
      const { id } = request.params;
      const file = await request.file();
      if (!file) return showOverview(request, reply, id, { flash: { kind: 'error', text: message(request.lang, 'error.422') } }, 422);
      try {
        await sheets.import(requireActor(request), id, await file.toBuffer());
      } catch (thrown) {
        const error = expected(thrown, ['invalid_input', 'stale_revision', 'sheet_too_large', 'too_large', 'unsupported_media_type', 'conflict']);
        if (!error) throw thrown;
        return showOverview(request, reply, id, { sheetProblems: error.details ?? [{ message: error.message }], flash: { kind: 'error', text: error.message } }, error.code === 'stale_revision' ? 409 : 422);
      }
      return reply.redirect(`/assessments/${id}?done=uploaded`, 303);
    });
  });
}
