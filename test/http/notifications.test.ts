// In-app notifications (docs/domain.md §8), computed when read, under a clock the test moves: each kind
// appears on exactly its day for exactly the right users (never another agency's, the office, a
// ministry user or an assessor not assigned), deadline notices leave when the agency submits and move
// with an extension, reads are per user, foreign and hostile ids are refused, and marks fired at once
// store one row. Every expected date and figure below is worked out by hand from the deadline 2020-11-30.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putExtension } from '../../src/repositories/extension.repository.js';
import { actorOf } from '../../src/services/accounts.service.js';
import type { NotificationList } from '../../src/services/notification.service.js';
import { PASSWORD, buildTestApp, seedPeople, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const CYCLE = 130;
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
/** Everyone the test asks: MOI-A's staff, MOEA-B's staff (another agency of the cohort), GC's (grade C: out of it), and the rest. */
const USERS = ['agency', 'ciso', 'agency.b', 'ciso.b', 'agency.c', 'office', 'ministry', 'assessor', 'assessor2'] as const;
type User = (typeof USERS)[number];

describe.each(databaseKinds)('notifications on $name', (kind) => {
  let t: TestApp;
  let now = new Date('2020-11-01T00:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };
  const auth = new Map<User, string>();
  let moiAssessment = '';

  const request = (who: User | null, method: 'GET' | 'POST', url: string) => t.app.inject({ method, url, headers: who ? { authorization: auth.get(who)! } : {} });
  const list = async (who: User, query = '') => {
    const response = await request(who, 'GET', `/api/notifications${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<NotificationList>();
  };
  const idsOf = async (who: User) => (await list(who)).items.map((n) => n.id);
  /** Everyone's notification ids at this moment. */
  const everyone = async () => Object.fromEntries(await Promise.all(USERS.map(async (u) => [u, await idsOf(u)] as const)));
  const none = { agency: [], ciso: [], 'agency.b': [], 'ciso.b': [], 'agency.c': [], office: [], ministry: [], assessor: [], assessor2: [] };
  const markRead = (who: User, id: string) => request(who, 'POST', `/api/notifications/${id}/read`);

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, clock);
    const s = t.app.services;
    await seedPeople(t.app);
    await s.agencies.create(system, { code: 'GC', name: 'C 級機關', ministry: '內政部', grades: {} });
    for (const [username, role, agency] of [
      ['agency.b', 'agency', 'MOEA-B'],
      ['ciso.b', 'ciso', 'MOEA-B'],
      ['agency.c', 'agency', 'GC'],
      ['assessor2', 'assessor', null],
    ] as const) {
      await s.accounts.createUser(null, { username, role, agency, ministry: null, password: PASSWORD });
    }
    for (const a of ['assessor', 'assessor2']) await s.assessors.put(null, a, { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    // A pilot cycle (no target: a submission needs no answers) whose cohort is grades A and B.
    await s.cycles.create(null, { year: CYCLE, questionnaire: 'isgm-109@1.1.0', targetLevel: null, grades: ['A', 'B'], deadline: '2020-11-30' });
    // A closed cycle with the same deadline: it sends nothing.
    await s.cycles.create(null, { year: CYCLE - 1, questionnaire: 'isgm-109@1.1.0', targetLevel: null, grades: ['A', 'B'], deadline: '2020-11-30' });
    // The shipped cycles (106–109, where seedPeople grades MOI-A and MOEA-B) are closed too, so that only these two speak.
    await s.handle.db.updateTable('cycles').set({ closedAt: '2020-10-01T00:00:00.000Z' }).where('year', '<', CYCLE).execute();
    for (const [code, grade] of [
      ['MOI-A', 'A'],
      ['MOEA-B', 'B'],
      ['GC', 'C'],
    ] as const) {
      await s.agencies.update(system, code, { grades: { [String(CYCLE)]: grade, [String(CYCLE - 1)]: grade } });
    }
    for (const u of USERS) auth.set(u, await tokenFor(t.app, u));
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('has none before the first notice’s day, for anyone', async () => {
    now = new Date('2020-11-15T15:59:59Z'); // 23:59:59 on 15 November in Taiwan: 15 days before
    expect(await everyone()).toEqual(none);
    expect(await list('agency')).toEqual({ unread: 0, items: [] });
  });

  it('gives the 14-day notice from midnight of 16 November in Taiwan, to the staff of the cohort’s agencies that have not started', async () => {
    now = new Date('2020-11-15T16:00:00Z'); // 00:00 on 16 November in Taiwan
    const moi = 'deadline-130-MOI-A-14-2020-11-30';
    const moea = 'deadline-130-MOEA-B-14-2020-11-30';
    expect(await everyone()).toEqual({ ...none, agency: [moi], ciso: [moi], 'agency.b': [moea], 'ciso.b': [moea] });
    expect(await list('agency')).toEqual({
      unread: 1,
      items: [{ id: moi, kind: 'deadline', at: '2020-11-15T16:00:00.000Z', read: false, assessment: null, agency: 'MOI-A', cycle: CYCLE, deadline: '2020-11-30', daysLeft: 14, notice: 'deadline-14' }],
    });
  });

  it('keeps it on a draft (now naming the assessment), and adds the 3-day notice from 27 November', async () => {
    moiAssessment = (await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: CYCLE })).id;
    now = new Date('2020-11-26T15:59:59Z'); // still 26 November in Taiwan: 4 days left
    const first = await list('ciso');
    expect(first.items.map((n) => [n.id, n.assessment, n.daysLeft])).toEqual([['deadline-130-MOI-A-14-2020-11-30', moiAssessment, 4]]);
    now = new Date('2020-11-26T16:00:00Z');
    expect((await list('ciso')).items.map((n) => [n.id, n.at, n.notice, n.daysLeft])).toEqual([
      ['deadline-130-MOI-A-3-2020-11-30', '2020-11-26T16:00:00.000Z', 'deadline-3', 3],
      ['deadline-130-MOI-A-14-2020-11-30', '2020-11-15T16:00:00.000Z', 'deadline-14', 3],
    ]);
    expect(await idsOf('agency.b')).toEqual(['deadline-130-MOEA-B-3-2020-11-30', 'deadline-130-MOEA-B-14-2020-11-30']);
    expect(await idsOf('agency.c')).toEqual([]);
  });

  it('gives the passed notice from the day after the deadline, not on the deadline’s day', async () => {
    now = new Date('2020-11-30T15:59:59Z'); // the deadline's last second in Taiwan
    expect((await idsOf('agency')).length).toBe(2);
    now = new Date('2020-11-30T16:00:00Z'); // 1 December in Taiwan
    const { items, unread } = await list('agency');
    expect(unread).toBe(3);
    expect(items.map((n) => [n.id, n.daysLeft])).toEqual([
      ['deadline-130-MOI-A-passed-2020-11-30', -1],
      ['deadline-130-MOI-A-3-2020-11-30', -1],
      ['deadline-130-MOI-A-14-2020-11-30', -1],
    ]);
    expect(await everyone()).toMatchObject({ office: [], ministry: [], assessor: [], assessor2: [], 'agency.c': [] });
  });

  it('marks read per user: a mark by one of an agency’s users leaves the other’s unread', async () => {
    const id = 'deadline-130-MOI-A-14-2020-11-30';
    const marked = await markRead('agency', id);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toEqual({ id, read: true });
    expect((await markRead('agency', id)).json()).toEqual({ id, read: true });
    const agency = await list('agency');
    expect(agency.unread).toBe(2);
    expect(agency.items.find((n) => n.id === id)?.read).toBe(true);
    expect((await list('agency', '?unread=true')).items.map((n) => n.id)).toEqual(['deadline-130-MOI-A-passed-2020-11-30', 'deadline-130-MOI-A-3-2020-11-30']);
    expect((await list('agency', '?unread=false')).items.length).toBe(3);
    expect((await list('ciso')).unread).toBe(3);
  });

  it('refuses, as not found, an id that is not among the caller’s current notifications', async () => {
    for (const [who, id] of [
      ['agency.b', 'deadline-130-MOI-A-14-2020-11-30'], // another agency's
      ['office', 'deadline-130-MOI-A-14-2020-11-30'],
      ['ministry', 'deadline-130-MOI-A-passed-2020-11-30'], // MOI-A is under this ministry, but the notice is the agency's
      ['agency.c', 'deadline-130-GC-14-2020-11-30'], // not in the cohort: never made
      ['agency', 'deadline-129-MOI-A-14-2020-11-30'], // a closed cycle's
      ['agency', 'deadline-130-MOI-A-14-2020-12-10'], // another date
      ['agency', 'assignment-1'],
      ['agency', 'return-00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const response = await markRead(who, id);
      expect(response.statusCode, `${who} ${id}`).toBe(404);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
    expect(await t.app.services.handle.db.selectFrom('notificationReads').select('notificationId').execute()).toEqual([{ notificationId: 'deadline-130-MOI-A-14-2020-11-30' }]);
    expect((await request(null, 'POST', '/api/notifications/deadline-130-MOI-A-14-2020-11-30/read')).statusCode).toBe(401);
    expect((await request(null, 'GET', '/api/notifications')).statusCode).toBe(401);
  });

  it('refuses hostile ids and queries with 400 naming the field', async () => {
    for (const id of ['%ED%A0%80', 'deadline-%00', 'x'.repeat(5000), `deadline-${'9'.repeat(200)}`, 'other-1', 'assignment-', 'assignment-1%3Bdrop', '..%2F..%2Fetc', 'deadline-130-MOI-A-14-2020-11-30%20', '%E6%9C%9F%E9%99%90-1']) {
      const response = await markRead('agency', id);
      expect([400, 414], id.slice(0, 40)).toContain(response.statusCode);
      expect(typeof response.json<{ error: { code: string } }>().error.code).toBe('string');
    }
    const bad = await markRead('agency', 'other-1');
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details[0]?.path).toBe('params:/id');
    for (const query of ['?unread=yes', '?unread=1', '?unread=true&unread=false', '?page=2', '?unread=%ED%A0%80']) {
      const response = await request('agency', 'GET', `/api/notifications${query}`);
      expect(response.statusCode, query).toBe(400);
    }
    const unknown = await request('agency', 'GET', '/api/notifications?limit=5');
    expect(unknown.json<{ error: { details: { path: string; message: string }[] } }>().error.details).toEqual([{ path: 'querystring:/limit', message: 'is not a known field' }]);
  });

  it('stores one row when the same mark, or mark-all, is fired twenty times at once', async () => {
    const id = 'deadline-130-MOI-A-3-2020-11-30';
    const responses = await Promise.all(Array.from({ length: 20 }, () => markRead('ciso', id)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const all = await Promise.all(Array.from({ length: 20 }, () => request('ciso', 'POST', '/api/notifications/read-all')));
    expect(all.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const marked = all.map((r) => r.json<{ marked: number }>().marked);
    // Each call counts what was unread when it looked: at least one saw the other two.
    expect(Math.max(...marked)).toBe(2);
    const ciso = (await t.app.services.accounts.getUser('ciso')).id;
    const rows = await t.app.services.handle.db.selectFrom('notificationReads').select('notificationId').where('userId', '=', ciso).orderBy('notificationId').execute();
    expect(rows.map((r) => r.notificationId)).toEqual(['deadline-130-MOI-A-14-2020-11-30', 'deadline-130-MOI-A-3-2020-11-30', 'deadline-130-MOI-A-passed-2020-11-30']);
    expect(await list('ciso')).toMatchObject({ unread: 0 });
    expect((await request('ciso', 'POST', '/api/notifications/read-all')).json()).toEqual({ marked: 0 });
    expect((await request('office', 'POST', '/api/notifications/read-all')).json()).toEqual({ marked: 0 });
  });

  it('drops an agency’s deadline notices once it submits; another agency keeps its own', async () => {
    const submitted = await request('ciso', 'POST', `/api/assessments/${moiAssessment}/submit`);
    expect(submitted.statusCode).toBe(400); // the sign-off statement is required
    const response = await t.app.inject({ method: 'POST', url: `/api/assessments/${moiAssessment}/submit`, headers: { authorization: auth.get('ciso')! }, payload: { statement: true } });
    expect(response.statusCode, response.body).toBe(200);
    expect(await idsOf('agency')).toEqual([]);
    expect(await idsOf('ciso')).toEqual([]);
    expect(await idsOf('agency.b')).toEqual(['deadline-130-MOEA-B-passed-2020-11-30', 'deadline-130-MOEA-B-3-2020-11-30', 'deadline-130-MOEA-B-14-2020-11-30']);
    // A notice gone is not found any more, even to the user who had it.
    expect((await markRead('agency', 'deadline-130-MOI-A-passed-2020-11-30')).statusCode).toBe(404);
  });

  it('moves with an extension: new notices for the new date, on their own days', async () => {
    await putExtension(t.app.services.handle.db, { cycleYear: CYCLE, agencyCode: 'MOEA-B', until: '2020-12-10', reason: '系統更換', grantedBy: 'office', grantedAt: now.toISOString() });
    // 1 December in Taiwan: the 14-day notice of 10 December began on 26 November; the 3-day one waits for 7 December.
    expect((await list('agency.b')).items).toEqual([
      { id: 'deadline-130-MOEA-B-14-2020-12-10', kind: 'deadline', at: '2020-11-25T16:00:00.000Z', read: false, assessment: null, agency: 'MOEA-B', cycle: CYCLE, deadline: '2020-12-10', daysLeft: 9, notice: 'deadline-14' },
    ]);
    expect(await idsOf('agency')).toEqual([]);
    now = new Date('2020-12-06T16:00:00Z');
    expect(await idsOf('ciso.b')).toEqual(['deadline-130-MOEA-B-3-2020-12-10', 'deadline-130-MOEA-B-14-2020-12-10']);
    now = new Date('2020-12-10T16:00:00Z');
    expect((await list('ciso.b')).items.map((n) => [n.id, n.daysLeft])).toEqual([
      ['deadline-130-MOEA-B-passed-2020-12-10', -1],
      ['deadline-130-MOEA-B-3-2020-12-10', -1],
      ['deadline-130-MOEA-B-14-2020-12-10', -1],
    ]);
  });

  it('tells the assessor of an assignment while it lasts, and the agency’s staff of a return with the comment', async () => {
    const s = t.app.services;
    const office = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    const assignmentSeqs = async () =>
      (await s.handle.db.selectFrom('auditEntries').select('seq').where('action', '=', 'assignment.put').orderBy('seq').execute()).map((r) => Number(r.seq));

    now = new Date('2020-12-11T02:00:00Z');
    await s.reviews.assign(office, moiAssessment, 'assessor');
    const [first] = await assignmentSeqs();
    expect(await everyone()).toMatchObject({ assessor: [`assignment-${first}`], assessor2: [], agency: [], ministry: [], office: [] });
    expect((await list('assessor')).items).toEqual([{ id: `assignment-${first}`, kind: 'assignment', at: '2020-12-11T02:00:00.000Z', read: false, assessment: moiAssessment, agency: 'MOI-A', cycle: CYCLE }]);

    // Reassigned: the notice goes with the assessment.
    now = new Date('2020-12-11T03:00:00Z');
    await s.reviews.assign(office, moiAssessment, 'assessor2');
    const [, second] = await assignmentSeqs();
    expect(await idsOf('assessor')).toEqual([]);
    expect(await idsOf('assessor2')).toEqual([`assignment-${second}`]);
    expect((await markRead('assessor', `assignment-${first}`)).statusCode).toBe(404);
    expect((await markRead('assessor2', `assignment-${first}`)).statusCode).toBe(404);

    // Back again: every entry that assigned it to them counts while it is theirs.
    now = new Date('2020-12-11T04:00:00Z');
    await s.reviews.assign(office, moiAssessment, 'assessor');
    const [, , third] = await assignmentSeqs();
    expect(await idsOf('assessor')).toEqual([`assignment-${third}`, `assignment-${first}`]);
    expect(await idsOf('assessor2')).toEqual([]);

    now = new Date('2020-12-12T01:00:00Z');
    await s.reviews.review(assessor, moiAssessment);
    await s.reviews.return(assessor, moiAssessment, '請補充第 3 項證據');
    const change = await s.handle.db.selectFrom('stateChanges').select('id').where('assessmentId', '=', moiAssessment).where('toStatus', '=', 'returned').executeTakeFirstOrThrow();
    const returned = { id: `return-${change.id}`, kind: 'return', at: '2020-12-12T01:00:00.000Z', read: false, assessment: moiAssessment, agency: 'MOI-A', cycle: CYCLE, comment: '請補充第 3 項證據' };
    expect((await list('agency')).items).toEqual([returned]);
    expect((await list('ciso')).items).toEqual([returned]);
    // Returned is not a draft: no deadline notice comes back. Nobody else hears of the return.
    expect(await everyone()).toMatchObject({ 'agency.b': ['deadline-130-MOEA-B-passed-2020-12-10', 'deadline-130-MOEA-B-3-2020-12-10', 'deadline-130-MOEA-B-14-2020-12-10'], 'agency.c': [], ministry: [], office: [], assessor2: [] });
    expect((await markRead('agency.b', returned.id)).statusCode).toBe(404);
    expect((await markRead('agency', returned.id)).statusCode).toBe(200);
    expect(await list('agency')).toMatchObject({ unread: 0 });
    expect(await list('ciso')).toMatchObject({ unread: 1 });
    // A second return after a resubmission is a second notification, newest first.
    now = new Date('2020-12-13T01:00:00Z');
    await s.assessments.submit(actorOf(await s.accounts.getUser('ciso')), moiAssessment, { statement: true });
    await s.reviews.review(assessor, moiAssessment);
    await s.reviews.return(assessor, moiAssessment, '');
    const again = await list('agency');
    expect(again.items.map((n) => [n.kind, n.at, n.comment, n.read])).toEqual([
      ['return', '2020-12-13T01:00:00.000Z', null, false],
      ['return', '2020-12-12T01:00:00.000Z', '請補充第 3 項證據', true],
    ]);
  });

  it('lists the newest 200 and counts every unread one', async () => {
    const db = t.app.services.handle.db;
    const rows = Array.from({ length: 205 }, (_, i) => ({ id: `bulk-${String(i).padStart(3, '0')}`, assessmentId: moiAssessment, fromStatus: 'in_review', toStatus: 'returned', by: 'assessor', at: new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString(), comment: null }));
    await db.insertInto('stateChanges').values(rows).execute();
    const { unread, items } = await list('ciso');
    // 205 + the two real returns, the older of which the ciso has not read either.
    expect(unread).toBe(207);
    expect(items.length).toBe(200);
    expect(items[0]?.at).toBe('2020-12-13T01:00:00.000Z');
    // The two real ones, then the bulk newest first: bulk-204 … bulk-007; bulk-006 … bulk-000 are left off.
    expect(items[2]?.id).toBe('return-bulk-204');
    expect(items[199]?.id).toBe('return-bulk-007');
    const marked = await request('ciso', 'POST', '/api/notifications/read-all');
    expect(marked.json()).toEqual({ marked: 207 });
    expect((await list('ciso', '?unread=true')).items).toEqual([]);
  });
});
