// The dashboard of a cycle and its analyses (priority list, calibration, trend) for the office and the
// ministries (a ministry user sees its agencies only); each as JSON, or with `format` as a CSV or .xlsx file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { ExportFile } from '../../../services/exports.js';
import { requireActor } from '../../plugins/auth.js';
import { CalibrationSchema, CycleExportQuery, PrioritySchema, TrendQuery, TrendSchema, jsonOrFile } from '../../schemas/analytics.js';
import { errors } from '../../schemas/common.js';
import { DashboardSchema } from '../../schemas/dashboard.js';

/** JSON text kept by the read cache: sent as it is (it was made from the same typed value the schema describes). */
const sendJson = (reply: FastifyReply, json: string) => reply.header('content-type', 'application/json; charset=utf-8').send(json);
const sendFile = (reply: FastifyReply, file: ExportFile) => reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.bytes);

const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/dashboard',
    {
      config: { access: ['office', 'ministry'] },
      schema: {
        tags: ['dashboard'],
        operationId: 'getDashboard',
        summary: 'The programme’s figures for a cycle, from the stored results: in scope by grade, states reached, at target on both bases, the KPI and its verdict, the level distribution, per ministry, below target and overdue',
        querystring: CycleExportQuery('dashboard'),
        response: { 200: jsonOrFile(DashboardSchema, 'The dashboard of the cycle over the agencies this user sees', 'dashboard-{cycle}-{table}.csv" or "dashboard-{cycle}.xlsx'), ...errors },
      },
    },
    async (request, reply) => {
      const { cycle, format = 'json', table, lang = 'zh-TW' } = request.query;
      const actor = requireActor(request);
      if (format === 'json') return sendJson(reply, await app.services.programmeReads.dashboardJson(actor, cycle));
      return sendFile(reply, await app.services.analytics.export(actor, 'dashboard', cycle, { format, table, lang }));
    },
  );

  app.get(
    '/api/dashboard/priority',
    {
      config: { access: ['office', 'ministry'] },
      schema: {
        tags: ['dashboard'],
        operationId: 'getPriorityList',
        summary: 'The priority list of a cycle (據以分配國家資安資源): grade A first, agencies with no accepted assessment first, then the largest distance to the target; empty, with the reason, without a target',
        querystring: CycleExportQuery('priority'),
        response: { 200: jsonOrFile(PrioritySchema, 'The priority list over the agencies this user sees', 'priority-{cycle}-agencies.csv" or "priority-{cycle}.xlsx'), ...errors },
      },
    },
    async (request, reply) => {
      const { cycle, format = 'json', table, lang = 'zh-TW' } = request.query;
      const actor = requireActor(request);
      if (format === 'json') return sendJson(reply, await app.services.programmeReads.priorityJson(actor, cycle));
      return sendFile(reply, await app.services.analytics.export(actor, 'priority', cycle, { format, table, lang }));
    },
  );

  app.get(
    '/api/dashboard/calibration',
    {
      config: { access: ['office', 'ministry'] },
      schema: {
        tags: ['dashboard'],
        operationId: 'getCalibration',
        summary: 'Calibration of a cycle’s accepted assessments: mean of self − validated achievement and the ratings the assessors lowered or raised, by agency, process, attribute and overall',
        querystring: CycleExportQuery('calibration'),
        response: { 200: jsonOrFile(CalibrationSchema, 'Calibration over the agencies this user sees', 'calibration-{cycle}-{table}.csv" or "calibration-{cycle}.xlsx'), ...errors },
      },
    },
    async (request, reply) => {
      const { cycle, format = 'json', table, lang = 'zh-TW' } = request.query;
      const actor = requireActor(request);
      if (format === 'json') return app.services.analytics.calibration(actor, cycle);
      return sendFile(reply, await app.services.analytics.export(actor, 'calibration', cycle, { format, table, lang }));
    },
  );

  app.get(
    '/api/dashboard/trend',
    {
      config: { access: ['office', 'ministry'] },
      schema: {
        tags: ['dashboard'],
        operationId: 'getTrend',
        summary: 'Year over year: every cycle’s national figures and milestone status, and each agency’s level and score per cycle (`agency` narrows the agencies to one)',
        querystring: TrendQuery,
        response: { 200: jsonOrFile(TrendSchema, 'The trend over the agencies this user sees', 'trend-{table}.csv" or "trend.xlsx'), ...errors },
      },
    },
    async (request, reply) => {
      const { agency, format = 'json', table, lang = 'zh-TW' } = request.query;
      const actor = requireActor(request);
      if (format === 'json') return app.services.analytics.trend(actor, agency);
      return sendFile(reply, await app.services.analytics.export(actor, 'trend', undefined, { format, table, lang, agency }));
    },
  );
};

export default dashboardRoutes;
