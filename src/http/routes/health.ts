// Liveness with a database check: 200 when the service and its database answer, 503 otherwise.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ping } from '../../db/database.js';
import { RETRY_AFTER_UNAVAILABLE } from '../plugins/errors.js';
import { ERROR_DESCRIPTIONS } from '../schemas/common.js';

const Health = Type.Object({ status: Type.String(), database: Type.String() });

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Service and database health',
        response: { 200: Type.With(Health, { description: 'The service and its database are up; `database` names its kind' }), 503: Type.With(Health, { description: ERROR_DESCRIPTIONS[503]! }) },
      },
    },
    async (_request, reply) => {
      const up = await ping(app.services.handle.db);
      if (!up) void reply.header('retry-after', RETRY_AFTER_UNAVAILABLE);
      return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', database: up ? app.services.handle.dialect : 'not answering' });
    },
  );
};

export default healthRoutes;
