// The database and the services over it, as one named plugin that closes the database on shutdown.
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import type { Clock } from '../../services/clock.js';
import { openDatabase } from '../../db/database.js';
import { createServices, prepareDatabase, type Services, type StartupReport } from '../../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    startup: StartupReport;
  }
}

export default fp<{ config: Config; clock?: Clock }>(
  async (app, { config, clock }) => {
    // The server checkpoints SQLite's log in a worker thread, off the requests' path (docs/performance.md).
    const handle = openDatabase(config.databaseUrl, { backgroundCheckpoints: { onProblem: (message) => app.log.warn({ database: 'sqlite' }, message) } });
    const services = createServices(handle, config, clock);
    // Reports still rendering after an acceptance finish and are stored before the database closes.
    app.addHook('onClose', async () => {
      await services.reports.settled();
      await handle.close();
    });
    app.decorate('services', services);
    app.decorate('startup', await prepareDatabase(services, { demo: config.demo }));
  },
  { name: 'database' },
);
