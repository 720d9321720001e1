// `/`: my work. Agency staff see their agency's assessments and start a new one; an assessor sees the
// queue; the office sees every assessment; a ministry user the agencies under the ministry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../domain/roles.js';
import { ServiceError } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { message } from '../i18n.js';
import { requireCsrf } from '../plugin.js';

async function showHome(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, actor: Actor, flash: { kind: 'ok' | 'error'; text: string } | null = null, status = 200) {
  const [assessments, cycles] = await Promise.all([app.services.assessments.listWithLevels(actor, {}), app.services.cycles.list()]);
  const deadlines = new Map(cycles.map((c) => [c.year, c.deadline]));
  const mayCreate = actor.role === 'office' || ((actor.role === 'agency' || actor.role === 'ciso') && actor.agency !== null);
  const taken = new Set(assessments.filter((a) => a.agency === actor.agency).map((a) => a.cycle));
  const createCycles = mayCreate ? cycles.filter((c) => !c.closed && (actor.role === 'office' || !taken.has(c.year))).reverse() : [];
  const agencies = actor.role === 'office' ? (await app.services.agencies.list(actor)).map((a) => ({ code: a.code, name: a.name })) : null;
  return reply.page(
    'home',
    'home.title',
    {
      assessments: assessments.sort((a, b) => b.cycle - a.cycle || a.agency.localeCompare(b.agency)).map((a) => ({ ...a, deadline: deadlines.get(a.cycle) ?? null })),
      createCycles,
      agencies,
      agency: actor.agency,
      flash,
    },
    status,
  );
}

export default async function homePages(app: FastifyInstance) {
  app.get('/', { config: { access: 'user', page: true }, schema: { hide: true } }, async (request, reply) => {
    const actor = requireActor(request);
    if (actor.role === 'ministry') return reply.redirect('/ministry', 303);
    return showHome(app, request, reply, actor);
  });

  app.post('/assessments', { config: { access: ['office', 'agency', 'ciso'], page: true }, schema: { hide: true } }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const form = (request.body ?? {}) as { agency?: string; cycle?: string; prefill?: string };
    const cycle = Number(form.cycle);
    try {
      const { id } = await app.services.assessments.create(actor, { agency: String(form.agency ?? ''), cycle, ...(form.prefill === '1' ? { prefillFrom: cycle - 1 } : {}) });
      return reply.redirect(`/assessments/${id}`, 303);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code === 'unauthorized') throw error;
      return showHome(app, request, reply, actor, { kind: 'error', text: `${message(request.lang, 'error.422')} ${error.message}` }, 422);
    }
  });
}
