// The stored questionnaire versions: a list, and one whole file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LocalizedText, Nullable, errors } from '../../schemas/common.js';

const questionnaireRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/questionnaires',
    {
      config: { access: 'user' },
      schema: {
        tags: ['questionnaires'],
        operationId: 'listQuestionnaires',
        summary: 'Every stored questionnaire version',
        response: { 200: Type.Array(Type.Object({ id: Type.String(), version: Type.String(), rocYear: Type.Integer(), title: LocalizedText, targetLevel: Nullable(Type.Integer()) }), { description: 'Every stored questionnaire version' }), ...errors },
      },
    },
    () => app.services.questionnaires.list(),
  );

  app.get(
    '/api/questionnaires/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['questionnaires'],
        operationId: 'getQuestionnaire',
        summary: 'One whole questionnaire file (the highest version unless ?version= is given)',
        params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 }) }),
        querystring: Type.Object({ version: Type.Optional(Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.String(), version: Type.String() }, { additionalProperties: true, description: 'The questionnaire file as shipped (processes, attributes, indicators)' }), ...errors },
      },
    },
    (request) => app.services.questionnaires.get(request.params.id, request.query.version),
  );
};

export default questionnaireRoutes;
