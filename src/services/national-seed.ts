// The national data set (seed-national): a deterministic programme of ministries, agencies with grades per
// cycle, users, cycles 108 and 109 with assessments of the in-cohort agencies in every state, answers,
// assessor changes, seals, stored results and improvement plans, written in batches with a chained audit
// entry per write group. Everything — ids, names, ratings, timestamps — comes from the seed.
import type { Insertable, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { AnswerRating, QuestionnaireIndex, Rating } from '../domain/questionnaire.js';
import type { Actor, Grade } from '../domain/roles.js';
import { seededRandom, type SeededRandom } from '../domain/seeded-random.js';
import { SIGN_OFF_STATEMENT, type AssessmentState, type SignOff } from '../domain/workflow.js';
import type { AssessmentParts, AssessmentRecord } from '../repositories/assessment.repository.js';
import { storedResultsRow } from '../repositories/result.repository.js';
import { insertRows, isEmptyDatabase } from '../repositories/seed.repository.js';
import type { Clock } from './clock.js';
import { conflict } from './errors.js';
import type { Services } from './index.js';
import { hashPassword } from './passwords.js';
import { resultsOf, type Results } from './stored-results.js';

/** The seed's fixed clock starts here (the first working day of 2019); every timestamp it writes is derived from it. */
export const SEED_EPOCH = Date.parse('2019-01-02T00:00:00.000Z');

/** A clock that says what the seed sets, so that services writing through it (audit, cycles) write reproducible times. */
export interface SeedClock extends Clock {
  set(ms: number): void;
}

export function seedClock(start = SEED_EPOCH): SeedClock {
  let now = start;
  return { now: () => new Date(now), set: (ms) => void (now = ms) };
}

export interface NationalSeedOptions {
  agencies: number;
  seed: number;
  /** Agencies, grades, users, assessments and stored results only: no answers, assessor changes, seals, history or plans. */
  resultsOnly?: boolean;
  /** scrypt cost of the one password hash every seeded user shares. */
  passwordHashCost: number;
  progress?: (phase: string, done: number, total: number) => void;
}

type StateCounts = Record<AssessmentState | 'none', number>;

export interface NationalSeedReport {
  seed: number;
  resultsOnly: boolean;
  ministries: number;
  agencies: number;
  grades: Record<string, Record<Grade, number>>;
  gradeChanges: number;
  users: number;
  /** Per cycle: how many in-cohort agencies are in each state (`none`: no assessment). */
  assessments: Record<string, StateCounts>;
  reopened: number;
  answers: number;
  assessorRatings: number;
  seals: number;
  improvementPlans: number;
  auditEntries: number;
  /** The password of every seeded user: the caller prints it once. */
  password: string;
}

/** The Executive Yuan's ministries and councils (院/部/會, as in 2020) under which the agencies sit, with a code and a weight (how many agencies). */
const MINISTRIES: readonly [code: string, name: string, weight: number][] = [
  ['MOI', '內政部', 8],
  ['MOFA', '外交部', 2],
  ['MND', '國防部', 5],
  ['MOF', '財政部', 6],
  ['MOE', '教育部', 9],
  ['MOJ', '法務部', 6],
  ['MOEA', '經濟部', 7],
  ['MOTC', '交通部', 7],
  ['MOL', '勞動部', 3],
  ['MOHW', '衛生福利部', 7],
  ['MOC', '文化部', 3],
  ['MOST', '科技部', 2],
  ['COA', '行政院農業委員會', 5],
  ['NDC', '國家發展委員會', 2],
  ['MAC', '大陸委員會', 1],
  ['FSC', '金融監督管理委員會', 2],
  ['OAC', '海洋委員會', 3],
  ['OCAC', '僑務委員會', 1],
  ['VAC', '國軍退除役官兵輔導委員會', 4],
  ['CIP', '原住民族委員會', 1],
  ['HAC', '客家委員會', 1],
  ['PCC', '行政院公共工程委員會', 1],
  ['AEC', '行政院原子能委員會', 1],
  ['NCC', '國家通訊傳播委員會', 1],
  ['FTC', '公平交易委員會', 1],
  ['CEC', '中央選舉委員會', 1],
];

const PLACES = ['臺北', '新北', '桃園', '臺中', '臺南', '高雄', '基隆', '新竹', '苗栗', '彰化', '南投', '雲林', '嘉義', '屏東', '宜蘭', '花蓮', '臺東', '澎湖', '金門', '連江', '北區', '中區', '南區', '東區'];
const FIELDS = ['資訊', '資料', '行政', '企劃', '營運', '服務', '檢驗', '資源', '發展', '監理', '訓練', '保育', '研究', '管理', '稽核'];
const UNITS = ['中心', '署', '分署', '局', '分局', '處', '所', '站', '館', '辦事處'];
const SURNAMES = ['陳', '林', '黃', '張', '李', '王', '吳', '劉', '蔡', '楊', '許', '鄭', '謝', '郭', '洪', '曾', '邱', '廖', '賴', '周'];
const GIVEN = ['志', '明', '華', '淑', '芬', '建', '宏', '雅', '婷', '俊', '傑', '怡', '君', '家', '豪', '文', '欣', '佳', '瑋', '承'];

const EVIDENCE: Record<number, readonly string[]> = {
  1: ['執行紀錄及簽核文件', '作業紀錄表與主管核章', '處理單及結案報告', '檢查清單及執行紀錄'],
  2: ['年度工作計畫及進度追蹤表', '文件管制清冊與版本紀錄', '績效指標月報及檢討會議紀錄', '工作分派表及人員職掌說明'],
  3: ['標準作業程序書及各單位實施紀錄', '機關共通程序文件及裁剪指引', '程序成效量測報告', '內部稽核報告及矯正措施單'],
  4: ['量化管理指標及統計分析報告', '管制圖及偏差分析紀錄'],
  5: ['持續改善提案及成效評估', '新技術導入評估報告及試行紀錄'],
};
const NA_JUSTIFICATIONS = ['本機關無所屬或所監督機關，無須轉知情資', '本機關未自行開發資通系統，相關作業由上級機關統一辦理', '本機關無對外服務網站，相關要求不適用'];
const OUT_OF_SCOPE = ['本機關無自行或委外開發之資通系統，網站採共用平臺', '本機關資通系統均由上級機關代管'];
const LOWERED = ['抽查紀錄 3 件中 1 件未完整', '程序文件尚未經權責主管核定', '佐證僅涵蓋部分單位', '紀錄缺漏超過一季', '訪談內容與文件不一致'];
const RAISED = ['現場查核確認已全面落實', '補正佐證資料足資證明'];
const OVERRIDE_REASONS = ['委外代管系統之部署不完整', '程序雖已建立，惟執行成效尚待驗證'];
const RETURN_COMMENTS = ['請補充專業訓練時數佐證，並說明未達時數人員之補訓安排。', '請補正內部稽核報告及矯正措施之追蹤紀錄。', '部分佐證資料日期不在本年度，請更新。'];
const REOPEN_REASONS = ['機關申覆：補正佐證資料後重新審查', '評審紀錄誤植，重新審查'];
const OVERALL_FINDINGS = ['管理制度已建立，惟技術面向之標準化程序尚待全面推行。', '整體達制度化型，組態管理與弱點修補時效仍有改善空間。', '資安治理分工明確，建議強化委外廠商之安全要求與稽核。', '程序文件完整，惟執行紀錄之一致性有待加強。'];
const PROCESS_FINDINGS = ['相關程序尚未涵蓋所有單位。', '執行紀錄不完整，建議建立定期檢核機制。', '建議將本程序納入年度內部稽核範圍。'];
const ACTIONS = ['訂定標準作業程序並經資安長核定', '納入年度內部稽核並追蹤矯正措施', '辦理全機關教育訓練並留存紀錄', '建置管理指標並按月檢討', '委外契約增列資安要求與查核條款'];

/** Grade shares of the first cycle (108): A ≈ 5 %, B ≈ 15 %, C/D/E the rest. */
const GRADE_SHARES: readonly [Grade, number][] = [
  ['A', 0.05],
  ['B', 0.15],
  ['C', 0.25],
  ['D', 0.3],
  ['E', 0.25],
];

/**
 * Each in-cohort agency's state at the end of each cycle, as shares: most of 108 accepted, 109 under way.
 * `reopened` are accepted ones that were reopened (some re-accepted, some back in review).
 */
const STATE_SHARES: Record<number, readonly [AssessmentState | 'none', number][]> = {
  108: [
    ['none', 0.02],
    ['draft', 0.02],
    ['submitted', 0.02],
    ['in_review', 0.03],
    ['returned', 0.02],
    ['accepted', 0.89],
  ],
  109: [
    ['none', 0.06],
    ['draft', 0.16],
    ['submitted', 0.14],
    ['in_review', 0.14],
    ['returned', 0.08],
    ['accepted', 0.42],
  ],
};

const DAY = 86_400_000;
const ASSESSORS = 40;
const OFFICE_USERS = 3;
const ASSESSMENTS_PER_BATCH = 100;
const SEED_ACTOR: Actor = { id: 'seed-national', username: 'seed-national', role: 'office', agency: null, ministry: null };

/** The password every user of the data set made with `seed` shares (printed once by the command; derived, so that a rerun and the bench can log in). */
export function nationalSeedPassword(seed: number): string {
  const random = seededRandom((seed ^ 0x5eed5eed) >>> 0);
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < 20; i++) out += random.pick([...alphabet]);
  return out;
}

/** Splits `total` by `shares` into whole counts that add up to it, each share getting at least one when there are enough. */
function quotas<K extends string>(total: number, shares: readonly [K, number][]): Map<K, number> {
  const counts = new Map<K, number>(shares.map(([k, s]) => [k, total >= shares.length ? Math.max(1, Math.round(total * s)) : 0]));
  const sum = [...counts.values()].reduce((a, b) => a + b, 0);
  // The largest share takes up the rounding, so that the counts add up to the total.
  const largest = [...shares].sort((a, b) => b[1] - a[1])[0]![0];
  counts.set(largest, counts.get(largest)! + (total - sum));
  return counts;
}

function spread<K extends string>(random: SeededRandom, total: number, shares: readonly [K, number][]): K[] {
  const out: K[] = [];
  for (const [k, n] of quotas(total, shares)) for (let i = 0; i < n; i++) out.push(k);
  return random.shuffle(out);
}

const iso = (ms: number): string => new Date(ms).toISOString();
const gregorian = (rocYear: number): number => rocYear + 1911;

interface SeedAgency {
  code: string;
  name: string;
  ministry: string;
  grades: Record<number, Grade>;
  /** The agency's maturity, a latent figure from which its answers are drawn, per cycle. */
  maturity: Record<number, number>;
  ciso: { id: string; username: string; displayName: string } | null;
  filler: { id: string; username: string } | null;
}

interface SeedAssessor {
  id: string;
  username: string;
  displayName: string;
  /** The agency the assessor belongs to (independence: never assigned to it). */
  affiliation: string | null;
}

/** One assessment as it ends up, with the rows of its history. */
interface Planned {
  record: AssessmentRecord;
  assessor: SeedAssessor | null;
  parts: AssessmentParts;
  comments: { id: string; author: string; role: string; text: string; createdAt: string }[];
  changes: { id: string; from: AssessmentState | null; to: AssessmentState; by: string; at: string; comment: string | null }[];
  stored: { results: Results; at: string } | null;
  /** Every acceptance in order, with what it sealed, and the reopening that revoked it (if any). */
  acceptances: { at: string; record: AssessmentRecord; parts: AssessmentParts; results: Results; sealId: string; reopened: { at: string; reason: string } | null }[];
  /** The final validated result, for improvement plans. */
  validated: Results['validated'] | null;
}

const snapshot = (parts: AssessmentParts): AssessmentParts => ({
  answers: [...parts.answers],
  scope: [...parts.scope],
  assessorRatings: [...parts.assessorRatings],
  scopeDecisions: [...parts.scopeDecisions],
  overrides: [...parts.overrides],
  findings: [...parts.findings].sort((a, b) => (a.process < b.process ? -1 : a.process > b.process ? 1 : 0)),
});

/**
 * Fills an empty database (prepared: migrated, questionnaires and cycles stored) with the national data
 * set. `services` must run on a `seedClock()`: the audit entries take their time from it.
 */
export async function seedNational(services: Services, clock: SeedClock, options: NationalSeedOptions): Promise<NationalSeedReport> {
  const { db } = services.handle;
  if (!(await isEmptyDatabase(db))) throw conflict('the database already holds users or agencies: seed-national fills an empty database only');
  const random = seededRandom(options.seed);
  const progress = options.progress ?? (() => undefined);
  const resultsOnly = options.resultsOnly ?? false;
  const password = nationalSeedPassword(options.seed);
  const passwordHash = await hashPassword(password, options.passwordHashCost, random.bytes(16));
  let auditEntries = 0;
  let auditTime = SEED_EPOCH;
  /** One write group: its rows and its audit entry commit together; the entry's time advances by a second per group. */
  const group = async (after: Record<string, unknown>, work: (trx: Transaction<Database>) => Promise<void>): Promise<void> => {
    await db.transaction().execute(async (trx) => {
      await work(trx);
      auditTime += 1000;
      clock.set(auditTime);
      await services.audit.record(trx, { actor: SEED_ACTOR, action: 'seed.national', subject: `seed:${options.seed}`, after });
    });
    auditEntries++;
  };

  // ——— ministries and agencies, with a grade per cycle ———
  progress('agencies', 0, 1);
  const weightSum = MINISTRIES.reduce((n, m) => n + m[2], 0);
  const perMinistry = new Map<string, number>();
  const names = new Set<string>();
  const grades108 = spread(random, options.agencies, GRADE_SHARES);
  const agencies: SeedAgency[] = [];
  for (let i = 0; i < options.agencies; i++) {
    let w = random.next() * weightSum;
    const ministry = MINISTRIES.find((m) => (w -= m[2]) < 0) ?? MINISTRIES[MINISTRIES.length - 1]!;
    const k = (perMinistry.get(ministry[0]) ?? 0) + 1;
    perMinistry.set(ministry[0], k);
    let name = `${ministry[1]}${random.pick(PLACES)}${random.pick(FIELDS)}${random.pick(UNITS)}`;
    if (names.has(name)) name = `${name.replace(/(中心|署|分署|局|分局|處|所|站|館|辦事處)$/, '')}第${k}${random.pick(UNITS)}`;
    names.add(name);
    const g108 = grades108[i]!;
    const m108 = 1.3 + random.next() * 2.4 + (g108 === 'A' ? 0.4 : 0);
    agencies.push({ code: `${ministry[0]}-${String(k).padStart(5, '0')}`, name, ministry: ministry[1], grades: { 108: g108, 109: g108 }, maturity: { 108: m108, 109: m108 + 0.2 + random.next() * 0.5 }, ciso: null, filler: null });
  }
  agencies.sort((a, b) => (a.code < b.code ? -1 : 1));
  // Grades are reviewed every two years: some agencies move one grade up or down in 109.
  const order: Grade[] = ['A', 'B', 'C', 'D', 'E'];
  let gradeChanges = 0;
  for (const a of agencies) {
    if (!random.chance(0.07)) continue;
    const at = order.indexOf(a.grades[108]!);
    const to = at === 0 ? 1 : at === order.length - 1 ? at - 1 : random.chance(0.5) ? at - 1 : at + 1;
    a.grades[109] = order[to]!;
    gradeChanges++;
  }
  const inCohort = (a: SeedAgency, cycle: number) => a.grades[cycle] === 'A' || a.grades[cycle] === 'B';
  const epoch = iso(SEED_EPOCH);
  for (let i = 0; i < agencies.length; i += 5000) {
    const chunk = agencies.slice(i, i + 5000);
    await group({ phase: 'agencies', from: chunk[0]!.code, to: chunk[chunk.length - 1]!.code, agencies: chunk.length }, async (trx) => {
      await insertRows(trx, 'agencies', chunk.map((a) => ({ code: a.code, name: a.name, ministry: a.ministry, createdAt: epoch, updatedAt: epoch })));
      await insertRows(trx, 'agencyGrades', chunk.flatMap((a) => [108, 109].map((cycleYear) => ({ agencyCode: a.code, cycleYear, grade: a.grades[cycleYear]! }))));
    });
    progress('agencies', Math.min(i + 5000, agencies.length), agencies.length);
  }

  // ——— users: the office, a user per ministry, assessors with qualifications, a CISO and a filler per in-cohort agency ———
  const personName = () => `${random.pick(SURNAMES)}${random.pick(GIVEN)}${random.pick(GIVEN)}`;
  const users: Insertable<Database['users']>[] = [];
  const user = (username: string, role: string, scope: { agency?: string; ministry?: string }, displayName: string) => {
    const id = random.uuid();
    users.push({ id, username, role, agencyCode: scope.agency ?? null, ministry: scope.ministry ?? null, displayName, passwordHash, active: 1, createdAt: epoch, updatedAt: epoch, otpSecret: null, otpConfirmedAt: null, otpLastStep: null });
    return id;
  };
  const office: { id: string; username: string }[] = [];
  for (let i = 1; i <= OFFICE_USERS; i++) office.push({ id: user(`office${i}`, 'office', {}, `資安處 承辦人 ${personName()}`), username: `office${i}` });
  for (const [code, name] of MINISTRIES) user(`ministry.${code.toLowerCase()}`, 'ministry', { ministry: name }, `${name} 資訊處 ${personName()}`);
  const cohortAgencies = agencies.filter((a) => inCohort(a, 108) || inCohort(a, 109));
  const assessors: SeedAssessor[] = [];
  const qualifications: Insertable<Database['assessorQualifications']>[] = [];
  for (let i = 1; i <= ASSESSORS; i++) {
    const username = `assessor${String(i).padStart(2, '0')}`;
    const displayName = `主導評審員 ${personName()}`;
    const affiliation = cohortAgencies.length > 0 && random.chance(0.5) ? random.pick(cohortAgencies).code : null;
    const id = user(username, 'assessor', {}, displayName);
    assessors.push({ id, username, displayName, affiliation });
    const certified = `2018-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
    qualifications.push({ userId: id, certifiedOn: certified, validUntil: `${random.int(2022, 2024)}-12-31`, affiliations: JSON.stringify(affiliation ? [{ agency: affiliation, note: '原服務機關' }] : []), updatedAt: epoch });
  }
  for (const a of cohortAgencies) {
    const cisoName = personName();
    a.ciso = { id: user(`ciso.${a.code.toLowerCase()}`, 'ciso', { agency: a.code }, `資安長 ${cisoName}`), username: `ciso.${a.code.toLowerCase()}`, displayName: `資安長 ${cisoName}` };
    a.filler = { id: user(`agency.${a.code.toLowerCase()}`, 'agency', { agency: a.code }, `填報人 ${personName()}`), username: `agency.${a.code.toLowerCase()}` };
  }
  for (let i = 0; i < users.length; i += 5000) {
    const chunk = users.slice(i, i + 5000);
    await group({ phase: 'users', users: chunk.length, roles: countBy(chunk.map((u) => u.role)) }, async (trx) => {
      await insertRows(trx, 'users', chunk);
      if (i === 0) await insertRows(trx, 'assessorQualifications', qualifications);
    });
    progress('users', Math.min(i + 5000, users.length), users.length);
  }

  // ——— the assessments of cycles 108 and 109 ———
  const counts: Record<string, StateCounts> = {};
  let answers = 0;
  let assessorRatings = 0;
  let seals = 0;
  let reopened = 0;
  const accepted108: { id: string; agencyCode: string; acceptedAt: string; gaps: Results['validated']['gaps'] }[] = [];
  for (const cycle of [108, 109]) {
    const view = await services.cycles.get(cycle);
    const index = await services.questionnaires.index(view.questionnaire);
    const cohort = agencies.filter((a) => inCohort(a, cycle));
    const states = spread(random, cohort.length, STATE_SHARES[cycle]!);
    counts[String(cycle)] = { none: 0, draft: 0, submitted: 0, in_review: 0, returned: 0, accepted: 0 };
    const todo: { agency: SeedAgency; state: AssessmentState }[] = [];
    for (const [i, agency] of cohort.entries()) {
      const state = states[i]!;
      counts[String(cycle)]![state]++;
      if (state !== 'none') todo.push({ agency, state });
    }
    // Planned a batch at a time, in the same order every run, so that memory stays bounded at any size.
    for (let i = 0; i < todo.length; i += ASSESSMENTS_PER_BATCH) {
      const batch = todo.slice(i, i + ASSESSMENTS_PER_BATCH).map(({ agency, state }) => planAssessment(random, index, { cycle, target: view.targetLevel, agency, state, assessors, office }));
      reopened += batch.filter((p) => p.acceptances.some((x) => x.reopened)).length;
      const written = { answers: 0, assessorRatings: 0, seals: 0, transitions: 0 };
      await group({ phase: `cycle ${cycle}`, cycle, from: batch[0]!.record.id, assessments: batch.length, states: countBy(batch.map((p) => p.record.state)), ...(resultsOnly ? { resultsOnly: true } : {}) }, async (trx) => {
        await writeBatch(trx, services, batch, resultsOnly, written);
      });
      answers += written.answers;
      assessorRatings += written.assessorRatings;
      seals += written.seals;
      if (cycle === 108) {
        for (const p of batch) if (p.record.state === 'accepted') accepted108.push({ id: p.record.id, agencyCode: p.record.agencyCode, acceptedAt: p.record.acceptedAt!, gaps: p.validated?.gaps ?? [] });
      }
      progress(`cycle ${cycle}`, Math.min(i + ASSESSMENTS_PER_BATCH, todo.length), todo.length);
    }
  }

  // ——— improvement plans on the gaps of accepted 108 assessments ———
  let improvementPlans = 0;
  if (!resultsOnly) {
    const plans: Insertable<Database['improvementPlans']>[] = [];
    const byCode = new Map(agencies.map((a) => [a.code, a]));
    for (const p of accepted108) {
      const agency = byCode.get(p.agencyCode);
      for (const gap of p.gaps.slice(0, 3)) {
        const created = Date.parse(p.acceptedAt) + random.int(3, 30) * DAY;
        const status = random.pick(['open', 'in_progress', 'in_progress', 'done', 'done'] as const);
        const updated = status === 'open' ? created : created + random.int(10, 200) * DAY;
        plans.push({
          id: random.uuid(),
          assessmentId: p.id,
          agencyCode: p.agencyCode,
          cycleYear: 108,
          process: gap.process,
          attribute: gap.attribute,
          action: `${gap.process} ${gap.attribute}：${random.pick(ACTIONS)}`,
          owner: random.pick(['資訊室', '資安專責小組', '秘書室', agency?.ciso?.displayName ?? '資訊室']),
          due: iso(created + random.int(90, 330) * DAY).slice(0, 10),
          status,
          revision: status === 'open' ? 1 : 2,
          createdBy: agency?.ciso?.username ?? SEED_ACTOR.username,
          createdAt: iso(created),
          updatedAt: iso(updated),
        });
      }
    }
    for (let i = 0; i < plans.length; i += 2000) {
      const chunk = plans.slice(i, i + 2000);
      await group({ phase: 'improvement plans', plans: chunk.length, statuses: countBy(chunk.map((x) => x.status)) }, async (trx) => void (await insertRows(trx, 'improvementPlans', chunk)));
      progress('improvement plans', Math.min(i + 2000, plans.length), plans.length);
    }
    improvementPlans = plans.length;
  }

  const report: NationalSeedReport = {
    seed: options.seed,
    resultsOnly,
    ministries: MINISTRIES.length,
    agencies: agencies.length,
    grades: Object.fromEntries([108, 109].map((c) => [String(c), Object.fromEntries(order.map((g) => [g, agencies.filter((a) => a.grades[c] === g).length]))])) as Record<string, Record<Grade, number>>,
    gradeChanges,
    users: users.length,
    assessments: counts,
    reopened,
    answers,
    assessorRatings,
    seals,
    improvementPlans,
    auditEntries: auditEntries + 1,
    password,
  };
  const { password: _secret, ...summary } = report;
  await group({ phase: 'summary', ...summary }, () => Promise.resolve());
  return report;
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** A rating drawn from the agency's maturity against the indicator's level. */
function ratingOf(random: SeededRandom, maturity: number, level: number): Rating {
  const d = maturity - level + (random.next() - 0.5) * 1.2;
  return d > 0.6 ? 'F' : d > -0.1 ? 'L' : d > -0.9 ? 'P' : 'N';
}

function lower(rating: AnswerRating): AnswerRating {
  return rating === 'F' ? 'L' : rating === 'L' ? 'P' : rating === 'P' ? 'N' : rating;
}

/** One assessment's whole life up to its final state, in memory: answers, review, returns, acceptances and reopenings. */
function planAssessment(
  random: SeededRandom,
  index: QuestionnaireIndex,
  input: { cycle: number; target: number | null; agency: SeedAgency; state: AssessmentState; assessors: readonly SeedAssessor[]; office: readonly { id: string; username: string }[] },
): Planned {
  const { cycle, agency, state } = input;
  const ciso = agency.ciso!;
  const filler = agency.filler!;
  const year = gregorian(cycle);
  let t = Date.UTC(year, 2, 1) + random.int(0, 90) * DAY + random.int(0, 8 * 3600) * 1000;
  const later = (minDays: number, maxDays: number) => (t += random.int(minDays, maxDays) * DAY + random.int(0, 6 * 3600) * 1000);
  const id = random.uuid();
  const eligible = input.assessors.filter((a) => a.affiliation !== agency.code);
  const assessor = state === 'draft' ? (random.chance(0.3) ? random.pick(eligible) : null) : random.pick(eligible);
  const record: AssessmentRecord = {
    id,
    agencyCode: agency.code,
    ministry: agency.ministry,
    cycleYear: cycle,
    questionnaire: index.ref,
    state: 'draft',
    assessorId: assessor?.id ?? null,
    prefilledFrom: null,
    submittedAt: null,
    submittedBy: null,
    signOff: null,
    acceptedAt: null,
    createdAt: iso(t),
    updatedAt: iso(t),
  };
  const plan: Planned = { record, assessor, parts: { answers: [], scope: [], assessorRatings: [], scopeDecisions: [], overrides: [], findings: [] }, comments: [], changes: [], stored: null, acceptances: [], validated: null };
  const move = (to: AssessmentState, by: string, comment: string | null = null) => {
    plan.changes.push({ id: random.uuid(), from: plan.changes.length === 0 ? null : record.state, to, by, at: iso(t), comment });
    record.state = to;
    record.updatedAt = iso(t);
  };
  const store = () => (plan.stored = { results: resultsOf(index, plan.parts, input.target), at: iso(t) });
  move('draft', random.chance(0.5) ? ciso.username : filler.username);

  // The agency's answers: every indicator of every in-scope process; a draft has answered part of them.
  const maturity = agency.maturity[cycle]!;
  const outOfScope = random.chance(0.04) ? random.pick(index.processes).id : null;
  if (outOfScope) plan.parts.scope.push({ process: outOfScope, inScope: false, justification: random.pick(OUT_OF_SCOPE), updatedAt: iso(t), updatedBy: filler.username });
  const share = state === 'draft' ? random.next() * 0.8 : 1;
  const answeredUntil = later(10, 60);
  for (const p of index.processes) {
    if (p.id === outOfScope) continue;
    let na = 0;
    for (const attribute of p.attributes) {
      for (const ind of attribute.indicators) {
        if (share < 1 && random.next() > share) continue;
        const isNa = ind.basePractice && na < Math.floor(p.basePracticeCount / 2) && random.chance(0.015);
        if (isNa) na++;
        const rating: AnswerRating = isNa ? 'NA' : ratingOf(random, maturity, attribute.level);
        plan.parts.answers.push({
          process: p.id,
          indicator: ind.id,
          rating,
          evidence: rating === 'NA' || rating === 'N' ? null : `${random.pick(EVIDENCE[attribute.level]!)}（${cycle} 年度，文號 ${cycle}${String(random.int(1, 9999)).padStart(4, '0')}）`,
          note: null,
          justification: isNa ? random.pick(NA_JUSTIFICATIONS) : null,
          revision: 1,
          unconfirmed: false,
          updatedAt: iso(answeredUntil - random.int(0, 20) * DAY),
          updatedBy: random.chance(0.8) ? filler.username : ciso.username,
        });
      }
    }
  }
  if (state === 'draft') return plan;

  const submit = () => {
    later(1, 20);
    const signOff: SignOff = { name: ciso.displayName, username: ciso.username, at: iso(t), statement: { ...SIGN_OFF_STATEMENT } };
    record.submittedAt = iso(t);
    record.submittedBy = ciso.username;
    record.signOff = signOff;
    move('submitted', ciso.username);
    store();
  };
  const rateSome = (share: number) => {
    for (const answer of plan.parts.answers) {
      if (answer.rating === 'NA' || !random.chance(share) || plan.parts.assessorRatings.some((r) => r.process === answer.process && r.indicator === answer.indicator)) continue;
      const raise = answer.rating !== 'F' && random.chance(0.15);
      const rating = raise ? (answer.rating === 'N' ? 'P' : answer.rating === 'P' ? 'L' : 'F') : lower(answer.rating);
      if (rating === answer.rating) continue;
      plan.parts.assessorRatings.push({ process: answer.process, indicator: answer.indicator, rating, reason: random.pick(raise ? RAISED : LOWERED), stale: false, updatedAt: iso(t), updatedBy: assessor!.username });
    }
  };
  const review = () => {
    later(3, 30);
    move('in_review', assessor!.username);
    rateSome(0.03);
  };
  const findings = () => {
    const result = resultsOf(index, plan.parts, input.target).validated;
    const found = new Map<string, string>([['_', random.pick(OVERALL_FINDINGS)]]);
    for (const gap of result.gaps.slice(0, random.int(0, 2))) found.set(gap.process, `${gap.process}：${random.pick(PROCESS_FINDINGS)}`);
    for (const [process, text] of found) {
      const i = plan.parts.findings.findIndex((f) => f.process === process);
      const finding = { process, text, updatedAt: iso(t), updatedBy: assessor!.username };
      if (i >= 0) plan.parts.findings[i] = finding;
      else plan.parts.findings.push(finding);
    }
    if (plan.parts.overrides.length === 0 && random.chance(0.08)) {
      const p = random.pick(index.processes.filter((x) => x.id !== outOfScope));
      plan.parts.overrides.push({ process: p.id, attribute: random.pick(p.attributes.filter((a) => a.level <= 3)).id, rating: 'L', reason: random.pick(OVERRIDE_REASONS), updatedAt: iso(t), updatedBy: assessor!.username });
    }
  };
  const accept = () => {
    findings();
    later(5, 40);
    record.acceptedAt = iso(t);
    move('accepted', assessor!.username);
    const results = store().results;
    plan.acceptances.push({ at: iso(t), record: { ...record }, parts: snapshot(plan.parts), results, sealId: random.uuid(), reopened: null });
  };

  submit();
  if (state === 'submitted') return plan;
  const withReturn = state === 'returned' || random.chance(0.2);
  review();
  if (withReturn) {
    later(5, 20);
    const text = random.pick(RETURN_COMMENTS);
    move('returned', assessor!.username, text);
    plan.comments.push({ id: random.uuid(), author: assessor!.username, role: 'assessor', text, createdAt: iso(t) });
    // The agency edits one answer the assessor rated: that rating stops counting (stale) until rated again.
    const rated = plan.parts.assessorRatings.find((r) => !r.stale);
    if (rated && random.chance(0.5)) {
      later(1, 10);
      const i = plan.parts.answers.findIndex((x) => x.process === rated.process && x.indicator === rated.indicator);
      plan.parts.answers[i] = { ...plan.parts.answers[i]!, rating: rated.rating, evidence: `補正：${plan.parts.answers[i]!.evidence ?? '相關紀錄'}`, revision: 2, updatedAt: iso(t), updatedBy: filler.username };
      plan.parts.assessorRatings[plan.parts.assessorRatings.indexOf(rated)] = { ...rated, stale: true };
      plan.comments.push({ id: random.uuid(), author: filler.username, role: 'agency', text: '已補正相關佐證資料。', createdAt: iso(t) });
    }
    if (state === 'returned') return plan;
    submit();
    review();
  }
  // A share of the reviews in progress are reopened acceptances (accepted → in_review by the office).
  const reopen = (state === 'in_review' && random.chance(0.3)) || (state === 'accepted' && random.chance(0.05));
  if (state === 'in_review' && !reopen) {
    if (random.chance(0.5)) findings();
    return plan;
  }
  accept();
  if (reopen) {
    later(10, 40);
    const reason = random.pick(REOPEN_REASONS);
    const by = random.pick(input.office).username;
    plan.acceptances[plan.acceptances.length - 1]!.reopened = { at: iso(t), reason };
    record.acceptedAt = null;
    move('in_review', by, reason);
    store();
    if (state === 'in_review') return plan;
    rateSome(0.01);
    accept();
  }
  plan.validated = plan.stored!.results.validated;
  return plan;
}

/** Writes one batch of planned assessments and everything in them; seals are built by the seal service itself. */
async function writeBatch(trx: Transaction<Database>, services: Services, batch: readonly Planned[], resultsOnly: boolean, written: { answers: number; assessorRatings: number; seals: number; transitions: number }): Promise<void> {
  await insertRows(
    trx,
    'assessments',
    batch.map(({ record: { ministry: _ministry, state, signOff, prefilledFrom, ...r } }) => ({ ...r, status: state, prefilledFrom: prefilledFrom === null ? null : String(prefilledFrom), signOff: signOff === null ? null : JSON.stringify(signOff) })),
  );
  await insertRows(
    trx,
    'assessmentResults',
    batch.flatMap((p) => (p.stored ? [storedResultsRow(p.record.id, p.stored.results, p.stored.at)] : [])),
  );
  if (resultsOnly) return;
  const bit = (b: boolean) => (b ? 1 : 0);
  written.answers += await insertRows(
    trx,
    'answers',
    batch.flatMap((p) => p.parts.answers.map((a) => ({ assessmentId: p.record.id, ...a, unconfirmed: bit(a.unconfirmed) }))),
  );
  await insertRows(
    trx,
    'scope',
    batch.flatMap((p) => p.parts.scope.map((s) => ({ assessmentId: p.record.id, ...s, inScope: bit(s.inScope) }))),
  );
  written.assessorRatings += await insertRows(
    trx,
    'assessorRatings',
    batch.flatMap((p) => p.parts.assessorRatings.map((r) => ({ assessmentId: p.record.id, ...r, stale: bit(r.stale) }))),
  );
  await insertRows(
    trx,
    'attributeOverrides',
    batch.flatMap((p) => p.parts.overrides.map((o) => ({ assessmentId: p.record.id, ...o }))),
  );
  await insertRows(
    trx,
    'findings',
    batch.flatMap((p) => p.parts.findings.map((f) => ({ assessmentId: p.record.id, ...f }))),
  );
  await insertRows(
    trx,
    'comments',
    batch.flatMap((p) => p.comments.map((c) => ({ assessmentId: p.record.id, ...c }))),
  );
  written.transitions += await insertRows(
    trx,
    'stateChanges',
    batch.flatMap((p) => p.changes.map((c) => ({ id: c.id, assessmentId: p.record.id, fromStatus: c.from, toStatus: c.to, by: c.by, at: c.at, comment: c.comment }))),
  );
  for (const p of batch) {
    for (const acceptance of p.acceptances) {
      const assessor: Actor = { id: p.assessor!.id, username: p.assessor!.username, role: 'assessor', agency: null, ministry: null };
      await services.seals.seal(trx, acceptance.record, assessor, acceptance.at, acceptance.parts, acceptance.results, acceptance.sealId);
      written.seals++;
      if (acceptance.reopened) await services.seals.revoke(trx, p.record.id, acceptance.reopened.at, acceptance.reopened.reason);
    }
  }
}
