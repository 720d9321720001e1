// Every page route, in one scope whose errors are shown as pages (src/http/pages/plugin.ts).
import type { FastifyInstance } from 'fastify';
import { pageError } from '../plugin.js';
import accountPages from './account.js';
import assessmentPages from './assessment.js';
import dashboardPages from './dashboard.js';
import homePages from './home.js';
import notificationPages from './notifications.js';
import improvementPages from './improvements.js';
import officePages from './office.js';
import reviewPages from './review.js';
import sessionPages from './session.js';

export default async function pageRoutes(app: FastifyInstance, options: { sessionSecret: string; uploadMaxMb: number }) {
  app.setErrorHandler(pageError);
  await app.register(sessionPages, { sessionSecret: options.sessionSecret });
  await app.register(homePages);
  await app.register(assessmentPages, { uploadMaxMb: options.uploadMaxMb });
  await app.register(reviewPages);
  await app.register(improvementPages);
  await app.register(officePages);
  await app.register(accountPages);
  await app.register(notificationPages);
  await app.register(dashboardPages);
}
