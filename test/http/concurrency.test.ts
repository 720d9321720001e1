// The state is checked inside each write's own transaction (issue 9, finding 15): a change of state
// racing edits lets nothing land after it. Run on PostgreSQL, where requests really run at once, and
// on SQLite.
import { beforeAll, describe, expect, it } from 'vitest';
import { createCycleWithCohort, loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

interface Entry {
  seq: number;
  action: string;
}

describe.each(databaseKinds)('state changes racing edits on $name', (kind) => {
  const t = useSeededApp(kind);
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    for (const who of ['agency', 'ciso', 'assessor', 'office']) cookies[who] = await loginAs(t.app, who);
  });
  const as = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
  const entries = async (id: string): Promise<Entry[]> =>
    (await t.app.services.handle.db.selectFrom('auditEntries').select(['seq', 'action']).where('subject', '=', `assessment:${id}`).orderBy('seq').execute()).map((e) => ({ seq: Number(e.seq), action: e.action }));

  /** A draft of a pilot cycle (no target: nothing is required to submit), assigned to `assessor`. */
  async function draft(year: number): Promise<string> {
    await createCycleWithCohort(t.app, year);
    const id = (await as('agency', 'POST', '/api/assessments', { agency: 'MOI-A', cycle: year })).json<{ id: string }>().id;
    expect((await as('office', 'PUT', '/api/assignments', { assessment: id, assessor: 'assessor' })).statusCode).toBe(200);
    return id;
  }

  it('submit racing 20 answer writes: every answer that got 200 landed before the submission, none after', async () => {
    const id = await draft(160);
    const index = await t.app.services.questionnaires.index('isgm-109@1.0.0');
    const slots = index.processes.flatMap((p) => p.attributes[0]!.indicators.map((i) => ({ process: p.id, indicator: i.id }))).slice(0, 20);
    // N answers raise no process's level, so the submission never needs more of them (no target).
    const writes = slots.map((s, i) => (i === 10 ? as('ciso', 'POST', `/api/assessments/${id}/submit`, { statement: true }) : as('agency', 'PUT', `/api/assessments/${id}/answers/${s.process}/${s.indicator}`, { rating: 'N', revision: 0 })));
    const responses = await Promise.all(writes);
    expect(responses[10]!.statusCode).toBe(200);
    const answerStatuses = responses.filter((_, i) => i !== 10).map((r) => r.statusCode);
    expect(answerStatuses.every((s) => s === 200 || s === 409), answerStatuses.join(',')).toBe(true);
    const log = await entries(id);
    const submitted = log.find((e) => e.action === 'assessment.submit')!.seq;
    expect(log.filter((e) => e.action === 'answer.put').every((e) => e.seq < submitted)).toBe(true);
    const view = (await as('agency', 'GET', `/api/assessments/${id}`)).json<{ status: string; answers: unknown[] }>();
    expect(view.status).toBe('submitted');
    expect(view.answers).toHaveLength(answerStatuses.filter((s) => s === 200).length);
  });

  it('accept racing 20 assessor ratings: every rating that got 200 is in the sealed record, none came after', async () => {
    const id = await draft(161);
    expect((await as('ciso', 'POST', `/api/assessments/${id}/submit`, { statement: true })).statusCode).toBe(200);
    expect((await as('assessor', 'POST', `/api/assessments/${id}/review`)).statusCode).toBe(200);
    const index = await t.app.services.questionnaires.index('isgm-109@1.0.0');
    const slots = index.processes.flatMap((p) => p.attributes[0]!.indicators.map((i) => ({ process: p.id, indicator: i.id }))).slice(0, 20);
    const responses = await Promise.all(
      slots.map((s, i) => (i === 10 ? as('assessor', 'POST', `/api/assessments/${id}/accept`) : as('assessor', 'PUT', `/api/assessments/${id}/reviews/${s.process}/${s.indicator}`, { rating: 'P', reason: 'sampled' }))),
    );
    expect(responses[10]!.statusCode).toBe(200);
    const rated = slots.filter((_, i) => i !== 10 && responses[i]!.statusCode === 200).map((s) => `${s.process}/${s.indicator}`);
    expect(responses.filter((_, i) => i !== 10).every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    const log = await entries(id);
    const accepted = log.find((e) => e.action === 'assessment.accept')!.seq;
    expect(log.filter((e) => e.action === 'assessor-rating.put').every((e) => e.seq < accepted)).toBe(true);
    const seal = (await t.app.services.seals.current(id))!;
    expect(seal.record.assessorChanges.ratings.map((r) => `${r.process}/${r.indicator}`).sort()).toEqual([...rated].sort());
    // The audit head it froze is the entry just before the acceptance's own.
    const before = await t.app.services.handle.db.selectFrom('auditEntries').select('hash').where('seq', '=', accepted - 1).executeTakeFirstOrThrow();
    expect(seal.record.auditHead).toBe(before.hash);
  });
});
