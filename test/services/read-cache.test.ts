// The read cache keeps a read's JSON until the audit head moves or the Taiwan date turns, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/services/read-cache.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('the read cache on $name', (kind) => {
  let t: TestApp;
  let now = new Date('2020-11-30T15:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('computes again only after a change is audited or the date turns in Taiwan', async () => {
    const cache = new ReadCache(t.app.services.handle.db, clock, 2);
    let computed = 0;
    const read = () => cache.json('k', () => Promise.resolve({ n: ++computed }));
    expect(await read()).toBe('{"n":1}');
    expect(await read()).toBe('{"n":1}');
    await t.app.services.audit.recordAlone({ actor: null, action: 'demo.seeded', subject: 'test' });
    expect(await read()).toBe('{"n":2}');
    now = new Date('2020-11-30T15:59:59Z');
    expect(await read()).toBe('{"n":2}');
    now = new Date('2020-11-30T16:00:00Z'); // midnight in Taiwan
    expect(await read()).toBe('{"n":3}');
    // Entries beyond the limit go, oldest first.
    await cache.json('a', () => Promise.resolve('a'));
    await cache.json('b', () => Promise.resolve('b'));
    expect(await read()).toBe('{"n":4}');
  });
});
