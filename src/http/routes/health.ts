// Liveness with a database check: 200 when the service and its database answer, 503 otherwise.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ping } from '../../db/database.js';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'Service and database health', response: { 200: Type.Object({ status: Type.String(), database: Type.String() }), 503: Type.Object({ status: Type.String(), database: Type.String() }) } },
    },
    async (_request, reply) => {
      const up = await ping(app.services.handle.db);
      return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', database: up ? app.services.handle.dialect : 'not answering' });
    },
  );
};

export default healthRoutes;
