// seed-national on each database: a small national data set (150 agencies), refused on a second run with
// nothing written, the same for the same seed and different for another, every state present, the
// audit chain intact, stored results equal to a fresh scoring, the dashboard consistent with the seed,
// and a seeded acceptance's findings report served (rendered on first request, then as stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/types.js';
import { buildTestApp, loginAs, type TestApp } from '../helpers/app.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';

const AGENCIES = '150';
const TABLES: [keyof Database, string[]][] = [
  ['agencies', ['code']],
  ['agencyGrades', ['agencyCode', 'cycleYear']],
  ['users', ['username']],
  ['assessorQualifications', ['userId']],
  ['assessments', ['id']],
  ['answers', ['assessmentId', 'process', 'indicator']],
  ['assessorRatings', ['assessmentId', 'process', 'indicator']],
  ['attributeOverrides', ['assessmentId', 'process', 'attribute']],
  ['findings', ['assessmentId', 'process']],
  ['comments', ['id']],
  ['stateChanges', ['id']],
  ['sealedRecords', ['id']],
  ['assessmentResults', ['assessmentId']],
  ['improvementPlans', ['id']],
  ['auditEntries', ['seq']],
];

/** Every row of a table, in key order, through a connection of its own. */
async function dump(url: string, table: keyof Database, keys: string[]): Promise<unknown[]> {
  const handle = openDatabase(url);
  try {
    let q = handle.db.selectFrom(table).selectAll();
    for (const k of keys) q = q.orderBy(k as never);
    return (await q.execute()).map((r) => ({ ...r }));
  } finally {
    await handle.close();
  }
}

async function query<T>(url: string, work: (db: ReturnType<typeof openDatabase>['db']) => Promise<T>): Promise<T> {
  const handle = openDatabase(url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** `cycle 109: none 1, draft 2, …` from the command's summary, as numbers. */
function statesOf(stdout: string, cycle: number): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith(`cycle ${cycle}: `))!;
  return Object.fromEntries(
    line
      .slice(`cycle ${cycle}: `.length)
      .split(', ')
      .map((x) => {
        const [state, n] = x.split(' ');
        return [state!, Number(n)];
      }),
  );
}

describe.each(databaseKinds)('seed-national on $name', (kind) => {
  let a: TestDatabase;
  let b: TestDatabase;
  let c: TestDatabase;
  let first: CliRun;
  let password: string;
  const seed = (db: TestDatabase, args: string[]) => runCli(['seed-national', ...args], { env: { DATABASE_URL: db.url } });

  beforeAll(async () => {
    [a, b, c] = await Promise.all([kind.create(), kind.create(), kind.create()]);
    first = await seed(a, ['--agencies', AGENCIES, '--seed', '1']);
    password = /every seeded user's password: (\S+)/.exec(first.stdout)?.[1] ?? '';
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a, b, c].map((db) => db?.drop()));
  });

  it('fills an empty database and says what it wrote, the password once', () => {
    expect(first.stderr).toContain('cycle 109: 100 %');
    expect(first.status).toBe(0);
    // 150 agencies by the shares 5/15/25/30/25 %: 8, 23, 38, 45, 38 rounded, the largest share (D) giving back the 2 over.
    expect(first.stdout).toContain('ministries 26, agencies 150 (108: A 8, B 23, C 38, D 43, E 38;');
    // 31 in-cohort agencies in 108: one in each minor state, the rest (31 − 5) accepted.
    expect(first.stdout).toContain('cycle 108: none 1, draft 1, submitted 1, in_review 1, returned 1, accepted 26\n');
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(first.stdout.split(password).length).toBe(2);
    expect(first.stderr).not.toContain(password);
  });

  it('refuses a database that holds data, writing nothing', async () => {
    const before = await Promise.all(TABLES.map(([t, k]) => dump(a.url, t, k)));
    const again = await seed(a, ['--agencies', '10', '--seed', '3']);
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('already holds users or agencies');
    expect(await Promise.all(TABLES.map(([t, k]) => dump(a.url, t, k)))).toEqual(before);
  });

  it('refuses bad options with exit 1 before touching the database', async () => {
    for (const [args, message] of [
      [['--agencies', '0', '--seed', '1'], '--agencies must be a whole number from 1 to 100000, not "0"'],
      [['--agencies=-5', '--seed', '1'], '--agencies must be a whole number from 1 to 100000, not "-5"'],
      [['--agencies', '100001', '--seed', '1'], 'not "100001"'],
      [['--agencies', '1.5', '--seed', '1'], 'not "1.5"'],
      [['--agencies', '７', '--seed', '1'], 'not "７"'],
      [['--agencies', '10'], '--seed is required'],
      [['--seed', '1'], '--agencies is required'],
      [['--agencies', '10', '--seed', 'abc'], '--seed must be a whole number'],
      [['--agencies', '10', '--seed', '1', '--colour'], "Unknown option '--colour'"],
      [['--agencies', '10', '--seed', '1', 'extra'], 'Unexpected argument'],
    ] as const) {
      const run = await seed(c, [...args]);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
    }
    // Nothing was created: the database is still empty, so it seeds now.
    const tables = await query(c.url, (db) => db.introspection.getTables());
    expect(tables.map((t) => t.name)).not.toContain('users');
  });

  it('is deterministic: the same seed gives the same rows, another seed other ones', async () => {
    const same = await seed(b, ['--agencies', AGENCIES, '--seed', '1']);
    expect(same.status).toBe(0);
    const other = await seed(c, ['--agencies', AGENCIES, '--seed', '2']);
    expect(other.status).toBe(0);
    for (const [table, keys] of TABLES) {
      const [x, y, z] = await Promise.all([dump(a.url, table, keys), dump(b.url, table, keys), dump(c.url, table, keys)]);
      expect(x.length, table).toBeGreaterThan(0);
      expect(y, table).toEqual(x);
      if (table !== 'assessorQualifications') expect(z, table).not.toEqual(x);
    }
  }, 120_000);

  it('has every state, reopenings, grade changes and improvement plans', async () => {
    const { states, changes, reopened, revoked, plans, stale } = await query(a.url, async (db) => ({
      states: await db.selectFrom('assessments').select(['cycleYear', 'status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['cycleYear', 'status']).execute(),
      changes: await db
        .selectFrom('agencyGrades as g8')
        .innerJoin('agencyGrades as g9', 'g9.agencyCode', 'g8.agencyCode')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('g8.cycleYear', '=', 108)
        .where('g9.cycleYear', '=', 109)
        .whereRef('g8.grade', '!=', 'g9.grade')
        .executeTakeFirstOrThrow(),
      reopened: await db.selectFrom('stateChanges').select(['assessmentId']).where('fromStatus', '=', 'accepted').where('toStatus', '=', 'in_review').execute(),
      revoked: await db.selectFrom('sealedRecords').select(['assessmentId', 'supersededBy']).where('revokedAt', 'is not', null).execute(),
      plans: await db.selectFrom('improvementPlans').select('status').distinct().orderBy('status').execute(),
      stale: await db.selectFrom('assessorRatings').select('assessmentId').where('stale', '=', 1).execute(),
    }));
    for (const cycle of [108, 109]) {
      expect(states.filter((s) => s.cycleYear === cycle).map((s) => s.status).sort()).toEqual(['accepted', 'draft', 'in_review', 'returned', 'submitted']);
    }
    expect(Number(changes.n)).toBeGreaterThan(0);
    expect(reopened.length).toBeGreaterThan(0);
    expect(revoked.map((r) => r.assessmentId).sort()).toEqual(reopened.map((r) => r.assessmentId).sort());
    expect(plans.map((p) => p.status)).toEqual(['done', 'in_progress', 'open']);
    // Returned assessments whose agency edited a rated answer: that assessor rating is stale.
    expect(stale.length).toBeGreaterThan(0);
  });

  it('keeps an audit chain that verifies', async () => {
    const verified = await runCli(['audit-verify'], { env: { DATABASE_URL: a.url } });
    expect(verified.status).toBe(0);
    const entries = Number(/(\d+) entries/.exec(verified.stdout)?.[1]);
    const seedEntries = Number(/audit entries (\d+)/.exec(first.stdout)?.[1]);
    // The four shipped cycles' entries, then the seed's own.
    expect(entries).toBe(4 + seedEntries);
  });

  describe('through the API', () => {
    let t: TestApp;
    let office: string;
    beforeAll(async () => {
      t = await buildTestApp(a);
      office = await loginAs(t.app, 'office1', password);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('stores the results a fresh scoring gives (submitted: scored now; accepted: as sealed)', async () => {
      const sample = await query(a.url, (db) =>
        db
          .selectFrom('assessments')
          .innerJoin('assessmentResults', 'assessmentResults.assessmentId', 'assessments.id')
          .select(['assessments.id', 'assessments.status', 'assessmentResults.selfResult', 'assessmentResults.validatedResult'])
          .where('assessments.status', 'in', ['submitted', 'accepted'])
          .orderBy('assessments.id')
          .execute(),
      );
      expect(sample.filter((s) => s.status === 'submitted').length).toBeGreaterThan(0);
      for (const s of sample.slice(0, 12)) {
        const response = await t.app.inject({ method: 'GET', url: `/api/assessments/${s.id}/result`, headers: { cookie: office } });
        expect(response.statusCode).toBe(200);
        const body = response.json<{ self: unknown; validated: unknown }>();
        expect(body.self, s.id).toEqual(JSON.parse(s.selfResult));
        expect(body.validated, s.id).toEqual(JSON.parse(s.validatedResult));
      }
    });

    it('answers the dashboard with the counts the seed printed', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/dashboard?cycle=108', headers: { cookie: office } });
      expect(response.statusCode).toBe(200);
      const d = response.json<{ byGrade: Record<string, { inScope: number; reached: { started: number; submitted: number; inReview: number; accepted: number } }>; distribution: { self: Record<string, number>; validated: Record<string, number> } }>();
      // 108 as printed: none 1, draft 1, submitted 1, in_review 1, returned 1, accepted 26 over A 8 + B 23.
      const sum = (f: (t: { inScope: number; reached: { started: number; submitted: number; inReview: number; accepted: number } }) => number) => f(d.byGrade.A!) + f(d.byGrade.B!);
      expect(d.byGrade.A!.inScope).toBe(8);
      expect(d.byGrade.B!.inScope).toBe(23);
      expect(sum((x) => x.reached.started)).toBe(30);
      expect(sum((x) => x.reached.submitted)).toBe(29);
      expect(sum((x) => x.reached.inReview)).toBe(28);
      expect(sum((x) => x.reached.accepted)).toBe(26);
      expect(Object.values(d.distribution.self).reduce((n, x) => n + x, 0)).toBe(29);
      expect(Object.values(d.distribution.validated).reduce((n, x) => n + x, 0)).toBe(26);

      const s109 = statesOf(first.stdout, 109);
      const r109 = await t.app.inject({ method: 'GET', url: '/api/dashboard?cycle=109', headers: { cookie: office } });
      expect(r109.statusCode).toBe(200);
      const d109 = r109.json<typeof d>();
      const total = Object.values(s109).reduce((n, x) => n + x, 0);
      expect(d109.byGrade.A!.inScope + d109.byGrade.B!.inScope).toBe(total);
      expect(d109.byGrade.A!.reached.accepted + d109.byGrade.B!.reached.accepted).toBe(s109.accepted);
      expect(d109.byGrade.A!.reached.started + d109.byGrade.B!.reached.started).toBe(total - s109.none!);
    });

    it('serves a seeded acceptance’s findings report: rendered from its seal on first request, then as stored', async () => {
      const accepted = await query(a.url, (db) => db.selectFrom('assessments').select('id').where('status', '=', 'accepted').where('cycleYear', '=', 109).orderBy('id').executeTakeFirstOrThrow());
      expect(await query(a.url, (db) => db.selectFrom('storedReports').select('sha256').where('assessmentId', '=', accepted.id).execute())).toEqual([]);
      const one = await t.app.inject({ method: 'GET', url: `/api/assessments/${accepted.id}/report.pdf`, headers: { cookie: office } });
      expect(one.statusCode).toBe(200);
      expect(one.headers['content-type']).toBe('application/pdf');
      expect(one.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const two = await t.app.inject({ method: 'GET', url: `/api/assessments/${accepted.id}/report.pdf`, headers: { cookie: office } });
      expect(two.rawPayload.equals(one.rawPayload)).toBe(true);
      expect(await query(a.url, (db) => db.selectFrom('storedReports').select(['lang', 'part']).where('assessmentId', '=', accepted.id).execute())).toEqual([{ lang: 'zh-TW', part: 'main' }]);
    }, 60_000);
  });
});
