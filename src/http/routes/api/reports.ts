// Reports: verification of a sealed record by its verification code, open to anyone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Nullable, errors } from '../../schemas/common.js';
import { VerificationCode } from '../../schemas/assessment.js';

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/reports/verify/:sha256',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reports'],
        operationId: 'verifySeal',
        summary: 'What a verification code belongs to, and whether a reopening superseded it',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        response: {
          200: Type.Object(
            {
              agency: Type.String(),
              agencyName: Type.String(),
              cycle: Type.Integer(),
              questionnaire: Type.String({ description: 'The exact questionnaire version, `id@version`' }),
              level: Type.Integer({ minimum: 0, maximum: 5, description: 'The validated maturity level' }),
              targetLevel: Nullable(Type.Integer()),
              acceptedAt: Type.String(),
              status: Type.Enum(['valid', 'superseded']),
              revokedAt: Type.Optional(Type.String()),
              reason: Type.Optional(Nullable(Type.String())),
              supersededBy: Type.Optional(Nullable(VerificationCode)),
            },
            { description: 'The sealed record the code belongs to, and whether it is still valid' },
          ),
          ...errors,
        },
      },
    },
    (request) => app.services.seals.verify(request.params.sha256),
  );
};

export default reportRoutes;
