// Builds the app on a fresh database for a test, with users of every role, and logs them in.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import type { Role } from '../../src/domain/roles.js';
import { indexQuestionnaire } from '../../src/domain/questionnaire.js';
import { buildApp } from '../../src/http/app.js';
import { loadCatalog } from '../../src/questionnaires/loader.js';
import type { Clock } from '../../src/services/clock.js';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseKind, TestDatabase } from './databases.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * The app's configuration for tests: TWO_FACTOR optional unless a suite asks otherwise, and password
 * hashes at scrypt N = 2^10 instead of 2^15 (a test suite hashes hundreds of them; the service always
 * uses 2^15, which accounts.test.ts checks).
 */
export function testConfig(url: string, env: Record<string, string> = {}) {
  return { ...testConfigFromEnv(url, env), passwordHashCost: 10 };
}

function testConfigFromEnv(url: string, env: Record<string, string>) {
  return loadConfig({ DATABASE_URL: url, DEMO: '0', TWO_FACTOR: 'optional', LOG_LEVEL: 'silent', SESSION_SECRET: 'test-secret-test-secret-test-secret!', ...env });
}

export async function buildTestApp(db: TestDatabase, env: Record<string, string> = {}, clock?: Clock): Promise<TestApp> {
  const app = await buildApp(testConfig(db.url, env), clock ? { clock } : {});
  return { app, db, close: () => app.close() };
}

/**
 * Two ministries, an agency under each, and a user per role: `agency`/`ciso` at MOI-A,
 * `ministry` for 內政部 (MOI-A's ministry), plus `assessor` and `office`.
 */
export async function seedPeople(app: FastifyInstance): Promise<void> {
  const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
  await app.services.agencies.create(system, { code: 'MOI-A', name: '內政部甲機關', ministry: '內政部', grades: { '108': 'A', '109': 'A' } });
  await app.services.agencies.create(system, { code: 'MOEA-B', name: '經濟部乙機關', ministry: '經濟部', grades: { '108': 'B', '109': 'B' } });
  const users: { username: string; role: Role; agency?: string; ministry?: string }[] = [
    { username: 'office', role: 'office' },
    { username: 'ministry', role: 'ministry', ministry: '內政部' },
    { username: 'agency', role: 'agency', agency: 'MOI-A' },
    { username: 'ciso', role: 'ciso', agency: 'MOI-A' },
    { username: 'assessor', role: 'assessor' },
  ];
  for (const u of users) {
    await app.services.accounts.createUser(null, { username: u.username, role: u.role, agency: u.agency ?? null, ministry: u.ministry ?? null, password: PASSWORD });
  }
}

/** A cycle of a test's own (pilot, isgm-109) in which the seeded agencies MOI-A (grade A) and MOEA-B (grade B) must assess. */
export async function createCycleWithCohort(app: FastifyInstance, year: number): Promise<void> {
  const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
  await app.services.cycles.create(null, { year, questionnaire: 'isgm-109@1.0.0', targetLevel: null });
  await app.services.agencies.update(system, 'MOI-A', { grades: { [String(year)]: 'A' } });
  await app.services.agencies.update(system, 'MOEA-B', { grades: { [String(year)]: 'B' } });
}

/** Logs in and returns the Cookie header to send. */
export async function loginAs(app: FastifyInstance, username: string, password = PASSWORD, otp?: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password, ...(otp ? { otp } : {}) } });
  if (response.statusCode !== 200) throw new Error(`login as ${username} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'gsm_session');
  if (!cookie) throw new Error('no session cookie');
  return `gsm_session=${cookie.value}`;
}

/** A bearer token for a user, for tests that must not depend on one session. */
export async function tokenFor(app: FastifyInstance, username: string): Promise<string> {
  const cookie = await loginAs(app, username);
  const response = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'test' } });
  return `Bearer ${response.json<{ token: string }>().token}`;
}

/**
 * A seeded app on a fresh database of `kind` for one describe block: built before its tests, closed
 * and its database dropped after. The returned object is filled in when the block starts.
 */
export function useSeededApp(kind: DatabaseKind, env: Record<string, string> = {}): TestApp {
  const holder = {} as TestApp;
  beforeAll(async () => {
    Object.assign(holder, await buildTestApp(await kind.create(), env));
    await seedPeople(holder.app);
  });
  afterAll(async () => {
    await holder.close?.();
    await holder.db?.drop();
  });
  return holder;
}

/**
 * Stores `isgm-109@1.2.0`, a copy of the shipped 1.1.0, with a crosswalk from 1.1.0 in this app: every
 * indicator one to one, except GOV-01 BP2 (a note), BP3 (split into BP3 and BP4) and BP4 (so BP4 is a
 * merge). GOV-01 BP1's `agencyGuidance` is replaced by a known text.
 */
export async function addFixtureVersion(app: FastifyInstance): Promise<void> {
  const shipped = loadCatalog().questionnaires.get('isgm-109@1.1.0')!;
  const questionnaire = { ...structuredClone(shipped.questionnaire), version: '1.2.0' };
  questionnaire.aspects[0]!.processes[0]!.indicators[0]!.agencyGuidance = { 'zh-TW': 'L：引用核定之資通安全政策（文號、日期）；F：另引用其年度檢討紀錄', en: 'L: cite the approved policy (number, date); F: also cite its yearly review record' };
  const index = indexQuestionnaire(questionnaire);
  await app.services.questionnaires.storeShipped([{ ...index, file: 'isgm-109-1.2.0 (test fixture)', source: JSON.stringify(questionnaire) }]);
  const indicators = index.processes.flatMap((p) =>
    [...p.indicatorById.keys()].map((indicator) => {
      const from = { process: p.id, indicator };
      if (p.id === 'GOV-01' && indicator === 'BP2') return { from, to: [from], note: { 'zh-TW': '文字修訂', en: 'reworded' } };
      if (p.id === 'GOV-01' && indicator === 'BP3') return { from, to: [from, { process: 'GOV-01', indicator: 'BP4' }] };
      return { from, to: [from] };
    }),
  );
  app.services.questionnaires.useCrosswalks([{ file: 'crosswalk (test fixture)', crosswalk: { from: 'isgm-109@1.1.0', to: 'isgm-109@1.2.0', processes: index.processes.map((p) => ({ from: p.id, to: p.id })), indicators } }]);
}
