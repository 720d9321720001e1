import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { nationalSeedPassword } from '../src/services/national-seed.js';
const app = await buildApp(loadConfig({ DATABASE_URL: 'sqlite:/tmp/prof/n7000.db', DEMO: '0', LOG_LEVEL: 'silent', TWO_FACTOR: 'optional', SESSION_SECRET: 'x'.repeat(40) }));
const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office1', password: nationalSeedPassword(1) } });
const cookie = String(login.headers['set-cookie']).split(';')[0]!;
for (const url of (process.argv[2] ?? '/api/dashboard?cycle=109').split(',')) {
  const times: number[] = [];
  let size = 0; let status = 0;
  for (let i = 0; i < 12; i++) {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url, headers: { cookie } });
    times.push(performance.now() - t); size = r.rawPayload.length; status = r.statusCode;
  }
  times.sort((a, b) => a - b);
  console.log(url, status, size, 'p50', times[6]!.toFixed(1), 'min', times[0]!.toFixed(1));
}
await app.close();
