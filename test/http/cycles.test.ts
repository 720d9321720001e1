// Cycles 106–109 as shipped, and the office's edits.
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('cycles on $name', (kind) => {
  const t = useSeededApp(kind);
  let office: string;
  beforeAll(async () => {
    office = await loginAs(t.app, 'office');
  });

  it('ships cycles 106–109 with the programme targets and KPIs', async () => {
    const cycles = (await t.app.inject({ method: 'GET', url: '/api/cycles', headers: { cookie: await loginAs(t.app, 'agency') } })).json<unknown[]>();
    expect(cycles).toEqual([
      { year: 106, questionnaire: 'isgm-108@1.0.0', targetLevel: null, grades: ['A', 'B'], kpi: { grades: ['A', 'B'], basis: 'self', minLevel: null, target: null }, deadline: '2017-12-15', closed: false },
      { year: 107, questionnaire: 'isgm-108@1.0.0', targetLevel: null, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: null, target: 3 }, deadline: '2018-12-14', closed: false },
      { year: 108, questionnaire: 'isgm-108@1.1.0', targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 30 }, deadline: '2019-11-29', closed: false },
      { year: 109, questionnaire: 'isgm-109@1.1.0', targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' }, deadline: '2020-11-30', closed: false },
    ]);
  });

  it('lets the office create a cycle with defaults from its questionnaire, and edit it', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/cycles', headers: { cookie: office }, payload: { year: 110, questionnaire: 'isgm-109@1.0.0', deadline: '2021-11-30' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ year: 110, questionnaire: 'isgm-109@1.0.0', targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' }, deadline: '2021-11-30', closed: false });
    expect((await t.app.inject({ method: 'POST', url: '/api/cycles', headers: { cookie: office }, payload: { year: 110, questionnaire: 'isgm-109@1.0.0' } })).statusCode).toBe(409);
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/cycles/110', headers: { cookie: office }, payload: { kpi: { basis: 'validated', target: 40 }, grades: ['B', 'A'] } });
    expect(patched.json()).toMatchObject({ year: 110, kpi: { grades: ['A'], basis: 'validated', minLevel: 3, target: 40 }, grades: ['A', 'B'] });
    const got = await t.app.inject({ method: 'GET', url: '/api/cycles/110', headers: { cookie: office } });
    expect(got.json()).toMatchObject({ kpi: { basis: 'validated', target: 40 } });
  });

  it('validates cycles: unknown questionnaire, bad level, bad date, unknown field', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/cycles', headers: { cookie: office }, payload: { year: 111, questionnaire: 'isgm-999@1.0.0' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { details: [{ path: '/questionnaire', message: 'no questionnaire isgm-999@1.0.0 is stored' }] } });
    const bad = await t.app.inject({ method: 'POST', url: '/api/cycles', headers: { cookie: office }, payload: { year: 111, questionnaire: 'isgm-109@1.0.0', targetLevel: 7, deadline: '2021-13-45', colour: 'red' } });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/targetLevel', '/deadline', '/colour']));
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/999', headers: { cookie: office } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/abc', headers: { cookie: office } })).statusCode).toBe(400);
  });
  it('moves a shipped cycle still on the published edition to the corrected one on the next start, once, unless the office changed it', async () => {
    const db = t.app.services.handle.db;
    // A database from before the correction: 108 and 109 on 1.0.0, 108 since edited by the office; an assessment on 1.0.0.
    await db.updateTable('cycles').set({ questionnaire: 'isgm-109@1.0.0', updatedAt: '2020-01-01T00:00:00.000Z', createdAt: '2020-01-01T00:00:00.000Z' }).where('year', '=', 109).execute();
    await db.updateTable('cycles').set({ questionnaire: 'isgm-108@1.0.0', updatedAt: '2020-02-01T00:00:00.000Z', createdAt: '2020-01-01T00:00:00.000Z' }).where('year', '=', 108).execute();
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    const old = await t.app.services.assessments.create(system, { agency: 'MOEA-B', cycle: 109 });
    expect((await t.app.services.assessments.get(system, old.id)).questionnaire).toBe('isgm-109@1.0.0');

    expect(await t.app.services.cycles.adoptCorrectedEditions()).toEqual([109]);
    expect((await t.app.services.cycles.get(109)).questionnaire).toBe('isgm-109@1.1.0');
    expect((await t.app.services.cycles.get(108)).questionnaire).toBe('isgm-108@1.0.0');
    expect((await t.app.services.assessments.get(system, old.id)).questionnaire).toBe('isgm-109@1.0.0');
    const [entry] = await t.app.services.audit.list({ limit: 1, subject: 'cycle:109', action: 'cycle.update' });
    expect(entry).toMatchObject({ actor: null, before: { questionnaire: 'isgm-109@1.0.0' }, after: { questionnaire: 'isgm-109@1.1.0', targetLevel: 3 } });
    // Once moved (or once the office sets it back), it is the office's: a later start leaves it alone.
    expect(await t.app.services.cycles.adoptCorrectedEditions()).toEqual([]);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/cycles/109', headers: { cookie: office }, payload: { questionnaire: 'isgm-109@1.0.0' } })).statusCode).toBe(200);
    expect(await t.app.services.cycles.adoptCorrectedEditions()).toEqual([]);
    expect((await t.app.services.cycles.get(109)).questionnaire).toBe('isgm-109@1.0.0');
  });
});
