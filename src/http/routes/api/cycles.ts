// Cycles: everyone reads; the office creates and edits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { Grade, IsoDate, Nullable, Year, errors } from '../../schemas/common.js';
import { Basis } from '../../schemas/result.js';

const Level = Type.Integer({ minimum: 1, maximum: 5 });
const KpiTarget = Nullable(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('all')]));
const Kpi = Type.Object({ grades: Type.Array(Grade, { minItems: 1 }), basis: Basis, minLevel: Nullable(Level), target: KpiTarget });
const Cycle = Type.Object({ year: Type.Integer(), questionnaire: Type.String(), targetLevel: Nullable(Type.Integer()), grades: Type.Array(Grade), kpi: Kpi, deadline: Nullable(Type.String()), closed: Type.Boolean() });
const QuestionnaireRef = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*@\\d+\\.\\d+\\.\\d+$' });
const KpiInput = Type.Object(
  { grades: Type.Optional(Type.Array(Grade, { minItems: 1 })), basis: Type.Optional(Basis), minLevel: Type.Optional(Nullable(Level)), target: Type.Optional(KpiTarget) },
  { additionalProperties: false },
);
const YearParam = Type.Object({ year: Type.String({ pattern: '^\\d{1,3}$' }) });

const cycleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/cycles',
    { config: { access: 'user' }, schema: { tags: ['cycles'], operationId: 'listCycles', summary: 'Every cycle', response: { 200: Type.Array(Cycle, { description: 'Every cycle, oldest first' }), ...errors } } },
    () => app.services.cycles.list(),
  );

  app.post(
    '/api/cycles',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['cycles'],
        operationId: 'createCycle',
        summary: 'Create a cycle',
        body: Type.Object(
          { year: Year, questionnaire: QuestionnaireRef, targetLevel: Type.Optional(Nullable(Level)), grades: Type.Optional(Type.Array(Grade, { minItems: 1 })), kpi: Type.Optional(KpiInput), deadline: Type.Optional(Nullable(IsoDate)) },
          { additionalProperties: false },
        ),
        response: { 201: Type.With(Cycle, { description: 'The cycle created' }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.cycles.create(requireActor(request), request.body)),
  );

  app.get(
    '/api/cycles/:year',
    { config: { access: 'user' }, schema: { tags: ['cycles'], operationId: 'getCycle', summary: 'One cycle', params: YearParam, response: { 200: Type.With(Cycle, { description: 'The cycle' }), ...errors } } },
    (request) => app.services.cycles.get(Number(request.params.year)),
  );

  app.patch(
    '/api/cycles/:year',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['cycles'],
        operationId: 'updateCycle',
        summary: 'Edit a cycle (not once closed)',
        params: YearParam,
        body: Type.Object(
          { questionnaire: Type.Optional(QuestionnaireRef), targetLevel: Type.Optional(Nullable(Level)), grades: Type.Optional(Type.Array(Grade, { minItems: 1 })), kpi: Type.Optional(KpiInput), deadline: Type.Optional(Nullable(IsoDate)) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.With(Cycle, { description: 'The cycle as changed' }), ...errors },
      },
    },
    (request) => app.services.cycles.update(requireActor(request), Number(request.params.year), request.body),
  );
};

export default cycleRoutes;
