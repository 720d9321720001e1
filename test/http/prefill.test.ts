// Pre-filling a new assessment from the agency's accepted assessment of an earlier cycle, through the crosswalk.
import { beforeAll, describe, expect, it } from 'vitest';
import { crosswalkPath } from '../../src/domain/crosswalk.js';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

interface Answer {
  process: string;
  indicator: string;
  rating: string | null;
  evidence: string | null;
  revision: number;
  unconfirmed: boolean;
}

describe.each(databaseKinds)('pre-fill on $name', (kind) => {
  const t = useSeededApp(kind);
  let ciso: string;
  beforeAll(async () => {
    ciso = await loginAs(t.app, 'ciso');
    // An accepted 108 assessment of MOI-A, with answers on the regrouped DET-01.
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    const { id } = await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 108 });
    const db = t.app.services.handle.db;
    const at = new Date().toISOString();
    const answers: [string, string, string, string | null][] = [
      ['DET-01', 'BP1', 'F', '監控清單'],
      ['DET-01', 'BP2', 'L', '日誌集中'],
      ['DET-01', 'BP4', 'P', '告警研判紀錄'],
      ['GOV-01', 'BP1', 'F', '資安政策'],
      ['GOV-01', 'GP2.1.1', 'L', '年度計畫'],
    ];
    for (const [process, indicator, rating, evidence] of answers) {
      await db.insertInto('answers').values({ assessmentId: id, process, indicator, rating, evidence, note: null, justification: null, revision: 3, unconfirmed: 0, updatedAt: at, updatedBy: 'agency' }).execute();
    }
    // Accepted under the published 108@1.0.0: pre-fill into 109@1.1.0 composes 108@1.0.0 → 108@1.1.0 → 109@1.1.0.
    await db.updateTable('assessments').set({ status: 'accepted', acceptedAt: at, questionnaire: 'isgm-108@1.0.0' }).where('id', '=', id).execute();
  });

  it('carries answers through the crosswalk as unconfirmed until confirmed or changed', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: ciso }, payload: { agency: 'MOI-A', cycle: 109, prefillFrom: 108 } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, answers, prefilledFrom } = created.json<{ id: string; answers: Answer[]; prefilledFrom: number }>();
    expect(prefilledFrom).toBe(108);
    expect(created.json<{ questionnaire: string }>().questionnaire).toBe('isgm-109@1.1.0');
    // The chain runs through the corrected 108 edition first, as docs/domain.md §3 says.
    expect(crosswalkPath([...t.app.services.questionnaires.edges()], 'isgm-108@1.0.0', 'isgm-109@1.1.0')!.map((e) => e.to)).toEqual(['isgm-108@1.1.0', 'isgm-109@1.1.0']);
    const carried = Object.fromEntries(answers.map((a) => [`${a.process}/${a.indicator}`, a]));
    // 108 BP1 (F) and BP2 (L) merged into 109 BP1: the lower rating and both evidence texts.
    expect(carried['DET-01/BP1']).toMatchObject({ rating: 'L', evidence: '監控清單\n日誌集中', unconfirmed: true, revision: 1 });
    // 108 BP4 was split into 109 BP3 and BP4.
    expect(carried['DET-01/BP3']).toMatchObject({ rating: 'P', unconfirmed: true });
    expect(carried['DET-01/BP4']).toMatchObject({ rating: 'P', unconfirmed: true });
    expect(carried['GOV-01/GP2.1.1']).toMatchObject({ rating: 'L', unconfirmed: true });

    // Unconfirmed answers count as unanswered.
    const before = (await t.app.inject({ method: 'GET', url: `/api/assessments/${id}/result`, headers: { cookie: ciso } })).json<{ self: { processes: { id: string; attributes: { id: string; achievement: number }[] }[] } }>();
    expect(before.self.processes.find((p) => p.id === 'GOV-01')!.attributes[0]!.achievement).toBe(0);

    const confirmed = await t.app.inject({ method: 'POST', url: `/api/assessments/${id}/confirm/GOV-01/BP1`, headers: { cookie: ciso } });
    expect(confirmed.json()).toMatchObject({ rating: 'F', unconfirmed: false, revision: 2 });
    expect((await t.app.inject({ method: 'POST', url: `/api/assessments/${id}/confirm/GOV-01/BP1`, headers: { cookie: ciso } })).statusCode).toBe(409);
    const changed = await t.app.inject({ method: 'PUT', url: `/api/assessments/${id}/answers/DET-01/BP1`, headers: { cookie: ciso }, payload: { rating: 'F', evidence: '監控清單 109', revision: 1 } });
    expect(changed.json()).toMatchObject({ unconfirmed: false, revision: 2 });
    const after = (await t.app.inject({ method: 'GET', url: `/api/assessments/${id}/result`, headers: { cookie: ciso } })).json<{ self: { processes: { id: string; attributes: { id: string; achievement: number }[] }[] } }>();
    expect(after.self.processes.find((p) => p.id === 'GOV-01')!.attributes[0]!.achievement).toBeGreaterThan(0);
  });

  it('refuses to pre-fill from a cycle without an accepted assessment', async () => {
    const office = await loginAs(t.app, 'office');
    const r = await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: office }, payload: { agency: 'MOEA-B', cycle: 109, prefillFrom: 108 } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ error: { code: 'invalid_prefill', details: [{ path: '/prefillFrom', message: 'MOEA-B has no accepted assessment in cycle 108 to pre-fill from' }] } });
  });

  it('refuses to pre-fill from the same or a later cycle (422 invalid_prefill) and creates nothing', async () => {
    const office = await loginAs(t.app, 'office');
    for (const prefillFrom of [109, 110]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: office }, payload: { agency: 'MOEA-B', cycle: 109, prefillFrom } });
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({ error: { code: 'invalid_prefill', details: [{ path: '/prefillFrom', message: `pre-fill comes from an earlier cycle than 109, not from ${prefillFrom}` }] } });
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/assessments?agency=MOEA-B&cycle=109', headers: { cookie: office } });
    expect(list.json()).toEqual([]);
  });

  it('refuses an assessment for an agency outside the cycle’s cohort (422 not_in_cohort) naming the grades', async () => {
    const office = await loginAs(t.app, 'office');
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    await t.app.services.agencies.create(system, { code: 'MOE-E', name: '教育部戊機關', ministry: '教育部', grades: { '109': 'E' } });
    await t.app.services.agencies.create(system, { code: 'MOE-X', name: '教育部無等級機關', ministry: '教育部' });
    const graded = await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: office }, payload: { agency: 'MOE-E', cycle: 109 } });
    expect(graded.statusCode).toBe(422);
    expect(graded.json()).toMatchObject({ error: { code: 'not_in_cohort', message: 'MOE-E is grade E in cycle 109; cycle 109 assesses grades A, B' } });
    const ungraded = await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: office }, payload: { agency: 'MOE-X', cycle: 109 } });
    expect(ungraded.statusCode).toBe(422);
    expect(ungraded.json()).toMatchObject({ error: { code: 'not_in_cohort', message: 'MOE-X has no grade for cycle 109; cycle 109 assesses grades A, B' } });
    expect((await t.app.inject({ method: 'GET', url: '/api/assessments?cycle=109', headers: { cookie: office } })).json<{ agency: string }[]>().map((a) => a.agency)).not.toContain('MOE-E');
  });
});
