// Accepted assessments with known gaps, for the improvement plan tests: two cycles (119 and 120, target
// level 2, grades A and B) in which the seeded agencies assess, and an assessment carried through the
// workflow by the services with every process at level 2 but the first, which stands at level 1.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../src/services/accounts.service.js';
import { answerAll } from './answers.js';
import { PASSWORD } from './app.js';

export const Q = 'isgm-109@1.1.0';
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };

/**
 * Cycles 119 and 120 with MOI-A (grade A) and MOEA-B (grade B) in both, a qualified `assessor` and
 * `assessor2`, and agency staff of MOEA-B (`agency.b`, `ciso.b`). Call after seedPeople. Returns the
 * first process of the questionnaire (the one left at level 1).
 */
export async function prepareImprovementCycles(app: FastifyInstance): Promise<string> {
  const s = app.services;
  for (const year of [119, 120]) await s.cycles.create(null, { year, questionnaire: Q, targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 'all' }, deadline: `${year + 1911}-11-30` });
  await s.agencies.update(system, 'MOI-A', { grades: { '119': 'A', '120': 'A' } });
  await s.agencies.update(system, 'MOEA-B', { grades: { '119': 'B', '120': 'B' } });
  await s.accounts.createUser(null, { username: 'assessor2', role: 'assessor', agency: null, ministry: null, password: PASSWORD });
  for (const u of ['assessor', 'assessor2']) await s.assessors.put(null, u, { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
  await s.accounts.createUser(null, { username: 'agency.b', role: 'agency', agency: 'MOEA-B', ministry: null, password: PASSWORD });
  await s.accounts.createUser(null, { username: 'ciso.b', role: 'ciso', agency: 'MOEA-B', ministry: null, password: PASSWORD });
  return (await s.questionnaires.index(Q)).processes[0]!.id;
}

/**
 * An assessment of `agency` for `cycle` carried to `to`: every process answered F up to level 2 (the
 * first process up to level 1 only, N above), so its validated result, once accepted, has exactly two
 * gaps: the first process's PA2.1 and PA2.2, each required L and rated N.
 */
export async function assessmentWithGaps(app: FastifyInstance, agency: 'MOI-A' | 'MOEA-B', cycle: number, to: 'draft' | 'accepted' = 'accepted'): Promise<string> {
  const s = app.services;
  const index = await s.questionnaires.index(Q);
  const first = index.processes[0]!.id;
  const { id } = await s.assessments.create(system, { agency, cycle });
  const at = new Date().toISOString();
  const db = s.handle.db;
  for (const answer of answerAll(index, (p, _i, level) => (level <= (p === first ? 1 : 2) ? 'F' : 'N'))) {
    await db
      .insertInto('answers')
      .values({ assessmentId: id, process: answer.process, indicator: answer.indicator, rating: answer.rating, evidence: answer.evidence ?? null, note: null, justification: null, revision: 1, unconfirmed: 0, updatedAt: at, updatedBy: 'test' })
      .execute();
  }
  if (to === 'draft') return id;
  const ciso = actorOf(await s.accounts.getUser(agency === 'MOI-A' ? 'ciso' : 'ciso.b'));
  const assessorName = agency === 'MOI-A' ? 'assessor' : 'assessor2';
  const assessor = actorOf(await s.accounts.getUser(assessorName));
  await s.assessments.submit(ciso, id, { statement: true });
  await s.reviews.assign(system, id, assessorName);
  await s.reviews.review(assessor, id);
  await s.reviews.accept(assessor, id);
  await s.reports.settled();
  return id;
}
