// The assessor register: qualification records and affiliations (office).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { IsoDate, Year, errors } from '../../schemas/common.js';

const Affiliation = Type.Object({ agency: Type.String({ minLength: 1, maxLength: 64 }), cycle: Type.Optional(Year), note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const Qualification = Type.Object({ username: Type.String(), certifiedOn: Type.String(), validUntil: Type.String(), affiliations: Type.Array(Affiliation) });
const Params = Type.Object({ username: Type.String({ maxLength: 64 }) });

const assessorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/assessors/:username',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['assessors'],
        operationId: 'getAssessorQualification',
        summary: "An assessor's qualification record",
        params: Params,
        response: { 200: Type.With(Qualification, { description: 'The qualification record and affiliations' }), ...errors },
      },
    },
    (request) => app.services.assessors.get(request.params.username),
  );

  app.put(
    '/api/assessors/:username',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['assessors'],
        operationId: 'putAssessorQualification',
        summary: "Set an assessor's qualification record: certified on, valid until, and the agencies they belong to (no cycle) or worked for in a cycle",
        params: Params,
        body: Type.Object({ certifiedOn: IsoDate, validUntil: IsoDate, affiliations: Type.Array(Affiliation, { maxItems: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.With(Qualification, { description: 'The qualification record as stored' }), ...errors },
      },
    },
    (request) => app.services.assessors.put(requireActor(request), request.params.username, request.body),
  );
};

export default assessorRoutes;
