// A prepared query is compiled once per dialect and run with each call's own values: the values land in
// their places (never another call's), a missing one is refused before anything runs, a transaction runs it
// on its own connection, and rows come back as any Kysely query's do (camelCase keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { affected, firstRow, prepared } from '../../src/db/prepared.js';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';

const agencyByCode = prepared((db, p: { code: string }) => db.selectFrom('agencies').select(['code', 'name', 'ministry']).where('code', '=', p.code));
const rename = prepared((db, p: { code: string; name: string }) => db.updateTable('agencies').set({ name: p.name }).where('code', '=', p.code));

describe.each(databaseKinds)('prepared queries on $name', (kind) => {
  let test: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    test = await kind.create();
    handle = openDatabase(test.url);
    await migrateToLatest(handle.db);
    await handle.db
      .insertInto('agencies')
      .values(['A001', 'A002'].map((code) => ({ code, name: `機關 ${code}`, ministry: 'M01', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' })))
      .execute();
  });
  afterAll(async () => {
    await handle?.close();
    await test?.drop();
  });

  it('binds each call its own values, also when calls overlap', async () => {
    const [a, b, none] = await Promise.all([agencyByCode(handle.db, { code: 'A001' }), agencyByCode(handle.db, { code: 'A002' }), agencyByCode(handle.db, { code: 'Z999' })]);
    expect(firstRow(a)).toEqual({ code: 'A001', name: '機關 A001', ministry: 'M01' });
    expect(firstRow(b)?.code).toBe('A002');
    expect(firstRow(none)).toBeUndefined();
  });

  it('counts the rows a write touched, and a rolled-back transaction leaves nothing', async () => {
    expect(affected(await rename(handle.db, { code: 'A002', name: 'renamed' }))).toBe(1);
    expect(affected(await rename(handle.db, { code: 'Z999', name: 'nobody' }))).toBe(0);
    await expect(
      handle.db.transaction().execute(async (trx) => {
        expect(affected(await rename(trx, { code: 'A001', name: 'inside' }))).toBe(1);
        expect(firstRow(await agencyByCode(trx, { code: 'A001' }))?.name).toBe('inside');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(firstRow(await agencyByCode(handle.db, { code: 'A001' }))?.name).toBe('機關 A001');
    expect(firstRow(await agencyByCode(handle.db, { code: 'A002' }))?.name).toBe('renamed');
  });

  it('refuses a call that leaves a parameter out, before anything runs', async () => {
    await expect(rename(handle.db, { code: 'A001' } as { code: string; name: string })).rejects.toThrow('no value for parameter name');
    expect(firstRow(await agencyByCode(handle.db, { code: 'A001' }))?.name).toBe('機關 A001');
  });

  it('gives what the same query gives through Kysely, row keys in camelCase', async () => {
    const viaKysely = await handle.db.selectFrom('agencies').select(['code', 'name', 'ministry', 'createdAt']).where('code', '=', 'A001').execute();
    const withCreated = prepared((db, p: { code: string }) => db.selectFrom('agencies').select(['code', 'name', 'ministry', 'createdAt']).where('code', '=', p.code));
    expect((await withCreated(handle.db, { code: 'A001' })).rows).toEqual(viaKysely);
    expect(viaKysely[0]).toHaveProperty('createdAt');
  });

  it('never reads what another transaction has not committed: a read outside it waits for its end', async () => {
    let seen: string | undefined;
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await rename(trx, { code: 'A001', name: 'uncommitted' });
        const outside = agencyByCode(handle.db, { code: 'A001' }).then((r) => (seen = firstRow(r)?.name));
        await new Promise((resolve) => setTimeout(resolve, 50));
        // SQLite: still waiting for the one connection; PostgreSQL: read the committed row at once.
        expect(seen).not.toBe('uncommitted');
        void outside;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toBe('機關 A001');
  });

  it('rejects, as a promise, a write the database refuses', async () => {
    const insert = prepared((db, p: { code: string }) => db.insertInto('agencies').values({ code: p.code, name: 'dup', ministry: 'M01', createdAt: 'x', updatedAt: 'x' }));
    const attempt = insert(handle.db, { code: 'A001' });
    await expect(attempt).rejects.toThrow(/unique|duplicate/i);
  });
});
