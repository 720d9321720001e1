// The audit trail for the office: newest first, filtered by subject, actor or action, paged by seq.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Nullable, errors } from '../../schemas/common.js';

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEntries',
        summary: 'Audit entries, newest first (`before` = a seq, to page back)',
        querystring: Type.Object(
          {
            subject: Type.Optional(Type.String({ maxLength: 200 })),
            actor: Type.Optional(Type.String({ maxLength: 64 })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({
              seq: Type.Integer(),
              at: Type.String(),
              actor: Nullable(Type.String()),
              action: Type.String(),
              subject: Type.String(),
              before: Type.Unknown(),
              after: Type.Unknown(),
              prevHash: Type.String(),
              hash: Type.String(),
            }),
            { description: 'Audit entries, newest first, each chained to the one before by `prevHash`' },
          ),
          ...errors,
        },
      },
    },
    (request) => app.services.audit.list({ ...request.query, limit: request.query.limit ?? 100 }),
  );
};

export default auditRoutes;
