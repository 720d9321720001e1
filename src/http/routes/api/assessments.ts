// Assessment routes: creation, the list each role sees, the whole assessment, its result, and the
// offline sheet. The agency's fill-in: answers.ts; the assessor's review: review.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { XLSX_TYPE } from '../../../services/sheet.service.js';
import { requireActor } from '../../plugins/auth.js';
import { Assessment, Id, State, Summary, VerificationCode } from '../../schemas/assessment.js';
import { Nullable, Year, binaryBody, binaryResponse, errorResponse, errors } from '../../schemas/common.js';
import { ScoreResultSchema } from '../../schemas/result.js';

const assessmentRoutes: FastifyPluginAsyncTypebox<{ uploadMaxMb: number }> = async (app, { uploadMaxMb }) => {
  const { assessments, sheets, access } = app.services;
  app.addContentTypeParser([XLSX_TYPE, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: uploadMaxMb * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post(
    '/api/assessments',
    {
      config: { access: ['office', 'agency', 'ciso'] },
      schema: {
        tags: ['assessments'],
        operationId: 'createAssessment',
        summary: 'Create the assessment of an agency for a cycle (pinned to the cycle’s questionnaire); optionally pre-filled from its accepted assessment of an earlier cycle',
        body: Type.Object({ agency: Type.String({ minLength: 1, maxLength: 64 }), cycle: Year, prefillFrom: Type.Optional(Year) }, { additionalProperties: false }),
        response: {
          201: Type.With(Assessment, { description: 'The assessment created, as `GET /api/assessments/{id}` shows it' }),
          ...errors,
          422: Type.With(errorResponse(422), {
            description: 'The agency’s grade for the cycle is not among the cycle’s grades (`not_in_cohort`), or `prefillFrom` is not an earlier cycle’s accepted assessment of the agency (`invalid_prefill`)',
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { id } = await assessments.create(actor, request.body);
      return reply.status(201).send(await assessments.view(await access.visible(actor, id)));
    },
  );

  app.get(
    '/api/assessments',
    {
      config: { access: 'user' },
      schema: {
        tags: ['assessments'],
        operationId: 'listAssessments',
        summary: 'The assessments this user sees',
        querystring: Type.Object({ cycle: Type.Optional(Year), agency: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(State) }, { additionalProperties: false }),
        response: { 200: Type.Array(Summary, { description: 'The assessments this user sees that match the filters' }), ...errors },
      },
    },
    (request) => assessments.list(requireActor(request), request.query),
  );

  app.get(
    '/api/assessments/:id',
    {
      config: { access: 'user' },
      schema: { tags: ['assessments'], operationId: 'getAssessment', summary: 'One whole assessment (the read is audited)', params: Id, response: { 200: Type.With(Assessment, { description: 'The whole assessment' }), ...errors } },
      // A whole assessment is about 150 KB of JSON. The schema's compiled serializer builds it by concatenation, and
      // taking its length for content-length then flattens that string: about 11 % of the route's CPU under load
      // (docs/performance.md, Load). The view is built field by field to this schema, so JSON.stringify writes the
      // same document, flat.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    (request) => assessments.get(requireActor(request), request.params.id),
  );

  app.post(
    '/api/assessments/:id/questionnaire',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['assessments'],
        operationId: 'moveAssessmentQuestionnaire',
        summary: 'Move a draft to another version of its questionnaire (`id@version`) through the crosswalks; carried answers stay confirmed only where the move is one to one without a note',
        params: Id,
        body: Type.Object({ questionnaire: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*@\\d+\\.\\d+\\.\\d+$', maxLength: 80 }) }, { additionalProperties: false }),
        response: { 200: Type.With(Assessment, { description: 'The assessment on its new questionnaire version' }), ...errors, 422: errorResponse(422) },
      },
    },
    (request) => assessments.moveQuestionnaire(requireActor(request), request.params.id, request.body.questionnaire),
  );

  app.get(
    '/api/assessments/:id/result',
    {
      config: { access: 'user' },
      schema: {
        tags: ['assessments'],
        operationId: 'getAssessmentResult',
        summary: '`{self, validated}` (docs/domain.md §4): live while the assessment is open, as sealed once accepted, with the seal’s verification code',
        params: Id,
        response: {
          200: Type.Object(
            { self: ScoreResultSchema, validated: ScoreResultSchema, verificationCode: Nullable(VerificationCode) },
            { description: 'The result on the agency’s own answers (`self`) and as validated by its assessor (`validated`), each a score result as docs/domain.md defines it; `verificationCode` once accepted, else null' },
          ),
          ...errors,
        },
      },
    },
    (request) => assessments.result(requireActor(request), request.params.id),
  );

  app.get(
    '/api/assessments/:id/sheet',
    {
      config: { access: 'user' },
      schema: {
        tags: ['assessments'],
        operationId: 'exportAssessmentSheet',
        summary: 'The assessment as an .xlsx workbook for offline fill-in',
        params: Id,
        response: {
          200: binaryResponse([XLSX_TYPE], 'The .xlsx workbook: a sheet of every indicator and a sheet of the processes’ scope', {
            'content-disposition': { description: 'attachment; filename="assessment-{id}.xlsx"' },
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const bytes = await sheets.export(requireActor(request), request.params.id);
      return reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="assessment-${request.params.id}.xlsx"`).send(bytes);
    },
  );

  app.put(
    '/api/assessments/:id/sheet',
    {
      config: { access: ['agency', 'ciso'] },
      schema: {
        tags: ['assessments'],
        operationId: 'importAssessmentSheet',
        summary: 'Apply a filled-in workbook: every bad row is reported with its sheet, row and column, and nothing is applied unless all are valid',
        consumes: [XLSX_TYPE, 'application/octet-stream'],
        params: Id,
        body: binaryBody('The .xlsx workbook exported by GET …/sheet, filled in'),
        response: { 200: Type.Object({ answers: Type.Integer(), scope: Type.Integer() }, { description: 'Every row applied: how many answers and scope declarations changed' }), ...errors },
      },
    },
    (request) => sheets.import(requireActor(request), request.params.id, request.body),
  );
};

export default assessmentRoutes;
