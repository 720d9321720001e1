// buildApp(config): the whole service as a Fastify instance that never listens (src/server.ts does).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { Clock } from '../services/clock.js';
import auth from './plugins/auth.js';
import database from './plugins/database.js';
import edge, { SECURITY_HEADERS } from './plugins/edge.js';
import errors from './plugins/errors.js';
import openapi from './plugins/openapi.js';
import agencyRoutes from './routes/api/agencies.js';
import answerRoutes from './routes/api/answers.js';
import assessmentRoutes from './routes/api/assessments.js';
import assessorRoutes from './routes/api/assessors.js';
import auditRoutes from './routes/api/audit.js';
import cycleRoutes from './routes/api/cycles.js';
import dashboardRoutes from './routes/api/dashboard.js';
import notificationRoutes from './routes/api/notifications.js';
import improvementRoutes from './routes/api/improvements.js';
import questionnaireRoutes from './routes/api/questionnaires.js';
import reportRoutes from './routes/api/reports.js';
import reviewRoutes from './routes/api/review.js';
import sessionRoutes from './routes/api/session.js';
import userRoutes from './routes/api/users.js';
import healthRoutes from './routes/health.js';
import pages from './pages/plugin.js';
import pageRoutes from './pages/routes/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the access-matrix test and the route listing. */
    routeTable: { method: string; url: string }[];
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** The services' one source of time (tests pin it); the system clock by default. */
  clock?: Clock;
}

/** Logs never carry passwords, tokens or cookies. */
export const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password', 'token', '*.token'];

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // JSON bodies are small; uploads (multipart, .xlsx, CSV) set their own limits.
    bodyLimit: 1024 * 1024,
    // The first start migrates and may seed the demo data inside the database plugin: give it time on a busy machine.
    pluginTimeout: 60_000,
    trustProxy: config.trustProxy,
    // Errors the router raises before any route (an over-long URL, a bad percent-encoding) take the
    // same shape as every other error.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void reply.status(status).headers(SECURITY_HEADERS).send({ error: { code: status === 414 ? 'uri_too_long' : 'bad_request', message: error.message } });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable: { method: string; url: string }[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });

  await app.register(errors);
  await app.register(openapi);
  await app.register(database, { config, ...(options.clock ? { clock: options.clock } : {}) });
  await app.register(auth, { cookieSecure: config.cookieSecure });
  await app.register(edge);

  await app.register(healthRoutes);
  await app.register(sessionRoutes);
  await app.register(userRoutes);
  await app.register(questionnaireRoutes);
  await app.register(agencyRoutes);
  await app.register(cycleRoutes);
  await app.register(assessorRoutes);
  await app.register(assessmentRoutes, { uploadMaxMb: config.uploadMaxMb });
  await app.register(answerRoutes, { uploadMaxMb: config.uploadMaxMb });
  await app.register(reviewRoutes);
  await app.register(reportRoutes);
  await app.register(auditRoutes);
  await app.register(dashboardRoutes);
  await app.register(notificationRoutes);
  await app.register(improvementRoutes);
  await app.register(pages);
  await app.register(pageRoutes, { sessionSecret: config.sessionSecret, uploadMaxMb: config.uploadMaxMb });
  await app.ready();
  return app;
}
