// Agencies over HTTP: who sees which, the office's edits, and the CSV import with its line-numbered refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('agencies on $name', (kind) => {
  const t = useSeededApp(kind);
  let office: string;
  beforeAll(async () => {
    office = await loginAs(t.app, 'office');
  });
  const codes = async (who: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/agencies', headers: { cookie: await loginAs(t.app, who) } })).json<{ code: string }[]>().map((a) => a.code);
  const importCsv = (body: string | Buffer, cycle = '109') =>
    t.app.inject({ method: 'POST', url: `/api/agencies/import?cycle=${cycle}`, headers: { cookie: office, 'content-type': 'text/csv; charset=utf-8' }, payload: body });

  it('shows each role the agencies it may see', async () => {
    expect(await codes('office')).toEqual(['MOEA-B', 'MOI-A']);
    expect(await codes('ministry')).toEqual(['MOI-A']);
    expect(await codes('ciso')).toEqual(['MOI-A']);
    expect(await codes('agency')).toEqual(['MOI-A']);
    expect(await codes('assessor')).toEqual([]);
  });

  it('creates and edits agencies with grades per cycle', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/agencies', headers: { cookie: office }, payload: { code: 'MOTC-C', name: '交通部丙機關', ministry: '交通部', grades: { '108': 'B', '109': 'A' } } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ code: 'MOTC-C', name: '交通部丙機關', ministry: '交通部', grades: { '108': 'B', '109': 'A' } });
    expect((await t.app.inject({ method: 'POST', url: '/api/agencies', headers: { cookie: office }, payload: { code: 'MOTC-C', name: 'x', ministry: 'y' } })).statusCode).toBe(409);
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/agencies/MOTC-C', headers: { cookie: office }, payload: { name: '交通部丙署', grades: { '108': null, '109': 'B' } } });
    expect(patched.json()).toEqual({ code: 'MOTC-C', name: '交通部丙署', ministry: '交通部', grades: { '109': 'B' } });
    const badGrade = await t.app.inject({ method: 'PATCH', url: '/api/agencies/MOTC-C', headers: { cookie: office }, payload: { grades: { '150': 'A' } } });
    expect(badGrade.statusCode).toBe(400);
    expect(badGrade.json()).toMatchObject({ error: { details: [{ path: '/grades/150', message: 'no cycle 150' }] } });
  });

  it('imports a CSV with a BOM, creating and updating agencies and their grade for the cycle', async () => {
    const csv = '\uFEFFcode,name,ministry,grade\r\nMOI-A,內政部甲機關（更名）,內政部,B\r\nMOHW-D,衛福部丁機關,衛生福利部,a\r\n';
    const response = await importCsv(Buffer.from(csv, 'utf8'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ cycle: 109, rows: 2, created: 1, updated: 1 });
    const a = await t.app.inject({ method: 'GET', url: '/api/agencies/MOI-A', headers: { cookie: office } });
    expect(a.json()).toMatchObject({ name: '內政部甲機關（更名）', grades: { '109': 'B' } });
    const d = await t.app.inject({ method: 'GET', url: '/api/agencies/MOHW-D', headers: { cookie: office } });
    expect(d.json()).toEqual({ code: 'MOHW-D', name: '衛福部丁機關', ministry: '衛生福利部', grades: { '109': 'A' } });
  });

  it('also takes the CSV sent as text/plain', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/agencies/import?cycle=108', headers: { cookie: office, 'content-type': 'text/plain' }, payload: 'code,name,ministry,grade\nMOI-A,內政部甲機關,內政部,A\n' });
    expect(response.json()).toEqual({ cycle: 108, rows: 1, created: 0, updated: 1 });
  });

  it('reports every bad row with its line (header = line 1) and imports nothing', async () => {
    const before = await codes('office');
    const csv = ['code,name,ministry,grade', 'OK-1,好機關,內政部,A', 'BAD 2,,內政部,Z', 'OK-1,重複,內政部,B', 'SHORT,only two'].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'invalid_input',
        message: '3 rows are invalid; nothing was imported',
        details: [
          { line: 3, column: 'code', message: '"BAD 2" is not an agency code (letters, digits, - and _; up to 32)' },
          { line: 3, column: 'name', message: 'name is empty' },
          { line: 3, column: 'grade', message: 'grade "Z" is not one of A, B, C, D, E' },
          { line: 4, column: 'code', message: 'agency OK-1 is already on line 2' },
          { line: 5, message: 'expected 4 columns, found 2' },
        ],
      },
    });
    expect(await codes('office')).toEqual(before);
  });

  it('refuses a wrong header, an unknown cycle and a missing cycle', async () => {
    const header = await importCsv('id,name,ministry,grade\nX,y,z,A\n');
    expect(header.json()).toMatchObject({ error: { details: [{ line: 1 }] } });
    const cycle = await importCsv('code,name,ministry,grade\nX,y,z,A\n', '150');
    expect(cycle.json()).toMatchObject({ error: { code: 'invalid_input', message: 'no cycle 150' } });
    const missing = await t.app.inject({ method: 'POST', url: '/api/agencies/import', headers: { cookie: office, 'content-type': 'text/csv' }, payload: 'code\n' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { details: [{ path: 'querystring:/cycle' }] } });
  });
});
