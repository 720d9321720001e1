// Improvement plans: the agency's staff write and track them on the gaps of its accepted assessment;
// whoever sees the assessment reads them (the service decides per plan).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { Plan, PlanBody, PlanId, PlanPatch, PlanQuery } from '../../schemas/improvement.js';

const improvementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { improvements } = app.services;

  app.get(
    '/api/improvements',
    {
      config: { access: 'user' },
      schema: {
        tags: ['improvements'],
        operationId: 'listImprovementPlans',
        summary: 'The improvement plans of the assessments this user sees, filtered (every filter given must hold)',
        querystring: PlanQuery,
        response: { 200: Type.Array(Plan, { description: 'The plans, by cycle, agency, process, attribute and creation' }), ...errors },
      },
    },
    (request) => improvements.list(requireActor(request), request.query),
  );

  app.post(
    '/api/improvements',
    {
      config: { access: ['agency', 'ciso'] },
      schema: {
        tags: ['improvements'],
        operationId: 'createImprovementPlan',
        summary: 'Write an improvement plan on a gap of the agency’s accepted assessment (audited)',
        body: PlanBody,
        response: { 201: Type.With(Plan, { description: 'The plan written, `open`' }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await improvements.create(requireActor(request), request.body)),
  );

  app.patch(
    '/api/improvements/:id',
    {
      config: { access: ['agency', 'ciso'] },
      schema: {
        tags: ['improvements'],
        operationId: 'updateImprovementPlan',
        summary: 'Change a plan’s action, owner, due date or status, in any state of its assessment (audited)',
        params: PlanId,
        body: PlanPatch,
        response: { 200: Type.With(Plan, { description: 'The plan as changed' }), ...errors },
      },
    },
    (request) => improvements.update(requireActor(request), request.params.id, request.body),
  );
};

export default improvementRoutes;
