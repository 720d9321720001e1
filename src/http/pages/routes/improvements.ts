// The improvement plans page of an assessment (`/assessments/:id/improvements`): the gaps of its accepted
// result by process, each with its plans; agency staff add and change plans through plain forms that
// post here and come back (303) with a message. The rules live in the improvement service.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Questionnaire } from '../../../domain/questionnaire.js';
import type { Gap } from '../../../domain/scoring.js';
import { notFound } from '../../../services/errors.js';
import type { PlanView } from '../../../services/improvement.service.js';
import { requireActor } from '../../plugins/auth.js';
import { message, type MessageKey } from '../i18n.js';
import { expected, requireCsrf } from '../plugin.js';

interface Params {
  id: string;
  plan: string;
}
type Form = Record<string, string | string[] | undefined>;
type ShownPlan = PlanView & { overdue: boolean; draft?: Record<string, string> };

/** A form value as text: a name sent twice (a list) counts as not sent. */
const field = (form: Form, name: string): string | undefined => {
  const v = form[name];
  return typeof v === 'string' ? v : undefined;
};

/** What a refused form typed, to show it again rather than lose it. */
const typed = (form: Form, names: readonly string[]): Record<string, string> => Object.fromEntries(names.flatMap((n) => (field(form, n) === undefined ? [] : [[n, field(form, n)!]])));

/**
 * The gaps by process in questionnaire order, each with its plans; a plan whose gap is no longer among
 * the result's (after a reopening) keeps a place of its own under its process.
 */
function gapsByProcess(q: Questionnaire, gaps: readonly Gap[], plans: readonly ShownPlan[], draft: { process?: string; attribute?: string; form: Record<string, string> } | null) {
  const processes = q.aspects.flatMap((a) => a.processes);
  const rows = new Map<string, { attribute: string; required: string | null; rating: string | null; inResult: boolean; plans: ShownPlan[]; draft: Record<string, string> | null }[]>();
  const rowOf = (process: string, attribute: string, gap?: Gap) => {
    const list = rows.get(process) ?? [];
    rows.set(process, list);
    let row = list.find((r) => r.attribute === attribute);
    if (!row) list.push((row = { attribute, required: gap?.required ?? null, rating: gap?.rating ?? null, inResult: gap !== undefined, plans: [], draft: null }));
    return row;
  };
  for (const g of gaps) rowOf(g.process, g.attribute, g);
  for (const p of plans) rowOf(p.process, p.attribute).plans.push(p);
  if (draft?.process && draft.attribute && rows.get(draft.process)?.some((r) => r.attribute === draft.attribute)) rowOf(draft.process, draft.attribute).draft = draft.form;
  const order = (id: string) => {
    const i = processes.findIndex((p) => p.id === id);
    return i < 0 ? processes.length : i;
  };
  return [...rows.entries()]
    .sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : 1))
    .map(([process, list]) => ({ process, name: processes.find((p) => p.id === process)?.name ?? null, gaps: list.sort((a, b) => (a.attribute < b.attribute ? -1 : 1)) }));
}

export default async function improvementPages(app: FastifyInstance) {
  const { improvements, questionnaires } = app.services;
  const opts = (access: readonly ('agency' | 'ciso')[] | 'user') => ({ config: { access, page: true }, schema: { hide: true } });

  async function show(request: FastifyRequest, reply: FastifyReply, id: string, extra: { flash?: { kind: 'ok' | 'error'; text: string }; draft?: { process?: string; attribute?: string; plan?: string; form: Record<string, string> } } = {}, status = 200) {
    const actor = requireActor(request);
    const { assessment: a, gaps, plans, may } = await improvements.ofAssessment(actor, id);
    const q = (await questionnaires.index(a.questionnaire)).questionnaire;
    const shown: ShownPlan[] = plans.map((p) => (extra.draft?.plan === p.id ? { ...p, draft: extra.draft.form } : p));
    const done = (request.query as { done?: string }).done;
    const flashKeys: Record<string, MessageKey> = { added: 'plans.added', updated: 'plans.updated' };
    const flash = extra.flash ?? (done && flashKeys[done] ? { kind: 'ok' as const, text: message(request.lang, flashKeys[done]) } : null);
    return reply.page(
      'improvements',
      'plans.title',
      { a: { id: a.id, agency: a.agencyCode, cycle: a.cycleYear, status: a.state }, accepted: a.state === 'accepted', hasGaps: gaps.length > 0, groups: gapsByProcess(q, gaps, shown, extra.draft?.plan ? null : (extra.draft ?? null)), may, statuses: ['open', 'in_progress', 'done'], flash },
      status,
    );
  }

  /** A refused form: the page again, with the reason and what was typed (422 for the fields, 409 for the state). */
  async function refused(request: FastifyRequest, reply: FastifyReply, id: string, thrown: unknown, draft: { process?: string; attribute?: string; plan?: string; form: Record<string, string> }) {
    const error = expected(thrown, ['invalid_input', 'conflict']);
    if (!error) throw thrown;
    const why = error.details?.map((d) => `${d.path ? `${d.path.replace(/^\//, '')} ` : ''}${d.message}`).join('; ') || error.message;
    return show(request, reply, id, { flash: { kind: 'error', text: `${message(request.lang, 'plans.refused')}${why}` }, draft }, error.code === 'conflict' ? 409 : 422);
  }

  app.get<{ Params: Params }>('/assessments/:id/improvements', opts('user'), async (request, reply) => show(request, reply, request.params.id));

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/improvements', opts(['agency', 'ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id } = request.params;
    const form = request.body ?? {};
    const input = { assessment: id, process: field(form, 'process') ?? '', attribute: field(form, 'attribute') ?? '', action: field(form, 'action') ?? '', owner: field(form, 'owner') ?? '', due: field(form, 'due') ?? '' };
    try {
      const plan = await improvements.create(requireActor(request), input);
      return await reply.redirect(`/assessments/${id}/improvements?done=added#plan-${plan.id}`, 303);
    } catch (thrown) {
      return refused(request, reply, id, thrown, { process: input.process, attribute: input.attribute, form: typed(form, ['action', 'owner', 'due']) });
    }
  });

  app.post<{ Params: Params; Body: Form }>('/assessments/:id/improvements/:plan', opts(['agency', 'ciso']), async (request, reply) => {
    requireCsrf(request);
    const { id, plan } = request.params;
    const form = request.body ?? {};
    const changes = { action: field(form, 'action'), owner: field(form, 'owner'), due: field(form, 'due'), status: field(form, 'status') };
    try {
      // A plan of another assessment is not found here, even where its own page would show it.
      if (!(await improvements.ofAssessment(requireActor(request), id)).plans.some((p) => p.id === plan)) throw notFound(`no improvement plan ${plan} on this assessment`);
      await improvements.update(requireActor(request), plan, changes);
      return await reply.redirect(`/assessments/${id}/improvements?done=updated#plan-${plan}`, 303);
    } catch (thrown) {
      return refused(request, reply, id, thrown, { plan, form: typed(form, ['action', 'owner', 'due', 'status']) });
    }
  });
}
