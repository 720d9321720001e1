// Cycles: everyone reads; the office creates and edits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { AgencyCode, Grade, IsoDate, Nullable, Year, errors } from '../../schemas/common.js';
import { SnapshotRecordSchema } from '../../schemas/dashboard.js';
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
const Extension = Type.Object(
  { cycle: Type.Integer(), agency: Type.String(), until: Type.String({ format: 'date' }), reason: Type.String(), grantedBy: Type.String(), grantedAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

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

  app.post(
    '/api/cycles/:year/close',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['cycles'],
        operationId: 'closeCycle',
        summary: 'Close a cycle: stores the snapshot of its KPI figures, once; work on its assessments goes on and shows beside the snapshot',
        params: YearParam,
        response: { 200: Type.With(Cycle, { description: 'The cycle, now closed' }), ...errors },
      },
    },
    async (request) => (await app.services.cycles.close(requireActor(request), Number(request.params.year))).cycle,
  );

  app.get(
    '/api/cycles/:year/snapshot',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['cycles'],
        operationId: 'getCycleSnapshot',
        summary: 'The snapshot stored when the cycle closed, with its hash: the SHA-256 of the record’s RFC 8785 JSON',
        params: YearParam,
        response: {
          200: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), record: SnapshotRecordSchema }, { additionalProperties: false, description: 'The snapshot record and its hash' }),
          ...errors,
        },
      },
    },
    (request) => app.services.dashboard.snapshot(Number(request.params.year)),
  );

  app.get(
    '/api/cycles/:year/extensions',
    {
      config: { access: ['office'] },
      schema: { tags: ['cycles'], operationId: 'listDeadlineExtensions', summary: 'The deadline extensions granted in a cycle, by agency', params: YearParam, response: { 200: Type.With(Type.Array(Extension), { description: 'The extensions' }), ...errors } },
    },
    (request) => app.services.cycles.extensions(Number(request.params.year)),
  );

  app.put(
    '/api/cycles/:year/extensions/:agency',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['cycles'],
        operationId: 'putDeadlineExtension',
        summary: 'Grant or replace one agency’s deadline extension (a later date than the cycle’s deadline, with a reason)',
        params: Type.Object({ year: YearParam.properties.year, agency: AgencyCode }),
        body: Type.Object({ until: IsoDate, reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: Type.With(Extension, { description: 'The extension as granted' }), ...errors },
      },
    },
    (request) => app.services.cycles.extend(requireActor(request), Number(request.params.year), request.params.agency, request.body),
  );
};

export default cycleRoutes;
