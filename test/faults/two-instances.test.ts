// Two app instances on one PostgreSQL database (the multi-instance deployment), racing each other: one
// answer written at the same revision from both, one assessment submitted from both. One write wins, the
// rest get 409, nothing is lost, and the audit trail stays a single chain. Required under CI=true.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { buildTestApp, createCycleWithCohort, seedPeople, testConfig, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const postgres = databaseKinds.find((k) => k.name === 'postgres');

interface Stale {
  error: { code: string };
  current: { revision: number; evidence: string | null } | null;
}

describe.skipIf(!postgres)('two instances on one PostgreSQL database', () => {
  let t: TestApp;
  let other: FastifyInstance;
  const auth: Record<string, string> = {};
  let id: string;
  let entriesBefore: number;
  beforeAll(async () => {
    t = await buildTestApp(await postgres!.create());
    await seedPeople(t.app);
    other = await buildApp(testConfig(t.db.url));
    // A pilot cycle (no target): the draft may be submitted with any answers.
    await createCycleWithCohort(t.app, 170);
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    id = (await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 170 })).id;
    for (const who of ['agency', 'ciso']) auth[who] = await tokenFor(t.app, who);
    entriesBefore = (await verifyAudit(t.app.services.handle.db)).entries;
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await t?.db.drop();
  });

  /** Request `i` goes to one instance or the other, alternately. */
  const instance = (i: number) => (i % 2 === 0 ? t.app : other);
  const putAnswer = (i: number, revision: number, evidence: string) =>
    instance(i).inject({ method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, headers: { authorization: auth.agency! }, payload: { rating: 'L', evidence, revision } });

  it.each([
    ['the first write of an answer (revision 0)', 0],
    ['an edit of it (revision 1)', 1],
  ])('%s, 20 times at once across both: one 200, nineteen 409 stale_revision, the winner stored', async (_what, revision) => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => putAnswer(i, revision, `r${revision} attempt ${i}`)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = statuses.indexOf(200);
    expect(responses[winner]!.json<{ revision: number; evidence: string }>()).toMatchObject({ revision: revision + 1, evidence: `r${revision} attempt ${winner}` });
    for (const loser of responses.filter((r) => r.statusCode === 409)) {
      const body = loser.json<Stale>();
      expect(body.error.code).toBe('stale_revision');
      // Every loser is told what won: its check ran after the winner committed.
      expect(body.current).toMatchObject({ revision: revision + 1, evidence: `r${revision} attempt ${winner}` });
    }
    const stored = await t.app.services.handle.db.selectFrom('answers').selectAll().where('assessmentId', '=', id).execute();
    expect(stored.map((a) => ({ indicator: `${a.process}/${a.indicator}`, revision: Number(a.revision), evidence: a.evidence }))).toEqual([
      { indicator: 'GOV-01/BP1', revision: revision + 1, evidence: `r${revision} attempt ${winner}` },
    ]);
  });

  it('a submission, 10 times at once across both amid 10 audited reads: one 200, nine 409, submitted once', async () => {
    // The reads append to the chain without the assessment's row lock that serialises the writes: only
    // the audit head's lock keeps their entries one chain. Ten requests per instance, its pool's size: more
    // would wait for a connection, and on a loaded machine past the pool's 1.5 s limit (503).
    const [responses, reads] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, (_, i) => instance(i).inject({ method: 'POST', url: `/api/assessments/${id}/submit`, headers: { authorization: auth.ciso! }, payload: { statement: true } }))),
      Promise.all(Array.from({ length: 10 }, (_, i) => instance(i).inject({ method: 'GET', url: `/api/assessments/${id}`, headers: { authorization: auth.agency! } }))),
    ]);
    expect(reads.map((r) => r.statusCode)).toEqual(reads.map(() => 200));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const loser of responses.filter((r) => r.statusCode === 409)) expect(loser.json<{ error: { code: string } }>().error.code).toBe('conflict');
    const history = await t.app.services.handle.db.selectFrom('stateChanges').select(['fromStatus', 'toStatus']).where('assessmentId', '=', id).orderBy('at').execute();
    expect(history.map((h) => `${h.fromStatus}→${h.toStatus}`)).toEqual(['null→draft', 'draft→submitted']);
  });

  it('leaves one audit chain: consecutive seqs, no fork, exactly the three winning writes and the ten reads added', async () => {
    const db = t.app.services.handle.db;
    const verified = await verifyAudit(db);
    expect(verified.ok).toBe(true);
    expect(verified.entries).toBe(entriesBefore + 3 + 10);
    const chain = await db.selectFrom('auditEntries').select(['seq', 'prevHash', 'hash', 'action', 'subject']).orderBy('seq').execute();
    expect(chain.map((e) => Number(e.seq))).toEqual(chain.map((_, i) => i + 1));
    // A fork would be two entries claiming the same predecessor.
    expect(new Set(chain.map((e) => e.prevHash)).size).toBe(chain.length);
    const mine = chain.filter((e) => e.subject === `assessment:${id}` && e.action !== 'assessment.read').map((e) => e.action);
    expect(mine.slice(-3)).toEqual(['answer.put', 'answer.put', 'assessment.submit']);
    expect(chain.filter((e) => e.subject === `assessment:${id}` && e.action === 'assessment.read')).toHaveLength(10);
  });
});
