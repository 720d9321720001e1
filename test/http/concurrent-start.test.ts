// Several instances starting at once on one empty PostgreSQL database: one migrates (the migrator's advisory lock),
// the shipped questionnaires and cycles are stored once, and every instance starts (a duplicate key from a racing
// instance is a second pass, not a crash). SQLite serves one instance per file (README, Operations).
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const postgres = databaseKinds.find((k) => k.name === 'postgres');

describe.skipIf(!postgres)('instances starting at once on PostgreSQL', () => {
  const kind = postgres!;
  it('all start, and the shipped cycles and questionnaires are stored once', async () => {
    const db = await kind.create();
    const apps = await Promise.all([1, 2, 3].map(() => buildApp(testConfig(db.url))));
    try {
      for (const app of apps) expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const handle = apps[0]!.services.handle.db;
      expect((await handle.selectFrom('cycles').select('year').orderBy('year').execute()).map((c) => c.year)).toEqual([106, 107, 108, 109]);
      const refs = (await handle.selectFrom('questionnaireVersions').select('ref').execute()).map((q) => q.ref);
      expect(new Set(refs).size).toBe(refs.length);
      expect(apps.filter((app) => app.startup.cyclesSeeded).length).toBe(1);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await db.drop();
    }
  }, 120_000);
});
