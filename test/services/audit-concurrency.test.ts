// The audit chain stays one chain when many writers append at once: several app instances on one
// PostgreSQL database, or concurrent requests on one SQLite instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { buildTestApp, seedPeople, testConfig, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('concurrent audit appends on $name', (kind) => {
  let t: TestApp;
  const instances: FastifyInstance[] = [];
  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    instances.push(t.app);
    // PostgreSQL is the multi-instance deployment: three instances share one database.
    if (kind.name === 'postgres') for (let i = 0; i < 2; i++) instances.push(await buildApp(testConfig(t.db.url)));
  });
  afterAll(async () => {
    for (const app of instances.slice(1)) await app.close();
    await t?.close();
    await t?.db.drop();
  });

  it('serialises appends into one unbroken chain', async () => {
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    const { id } = await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 109 });
    const token = await tokenFor(t.app, 'agency');
    const before = (await verifyAudit(t.app.services.handle.db)).entries;
    const writes = 90;
    const responses = await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        instances[i % instances.length]!.inject({ method: 'POST', url: `/api/assessments/${id}/comments`, headers: { authorization: token }, payload: { text: `remark ${i}` } }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: writes }, () => 201));
    const after = await verifyAudit(t.app.services.handle.db);
    expect(after.ok).toBe(true);
    expect(after.entries).toBe(before + writes);
    const seqs = (await t.app.services.handle.db.selectFrom('auditEntries').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});
