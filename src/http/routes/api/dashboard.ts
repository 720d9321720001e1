// The dashboard of a cycle for the office and the ministries (a ministry user sees its agencies only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { Year, errors } from '../../schemas/common.js';
import { DashboardSchema } from '../../schemas/dashboard.js';

const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/dashboard',
    {
      config: { access: ['office', 'ministry'] },
      schema: {
        tags: ['dashboard'],
        operationId: 'getDashboard',
        summary: 'The programme’s figures for a cycle, from the stored results: in scope by grade, states reached, at target on both bases, the KPI and its verdict, the level distribution, per ministry, below target and overdue',
        querystring: Type.Object({ cycle: Year }, { additionalProperties: false }),
        response: { 200: Type.With(DashboardSchema, { description: 'The dashboard of the cycle over the agencies this user sees' }), ...errors },
      },
    },
    (request) => app.services.dashboard.get(requireActor(request), request.query.cycle),
  );
};

export default dashboardRoutes;
