// National report inputs whose every figure is known: a cycle of grades A and B under three ministries,
// agencies in every state (and none), levels below, at and above the target; and a synthetic cohort of
// any size for pagination and the bench.
import { figuresOf, type AgencyStanding } from '../../src/domain/programme.js';
import type { AssessmentState } from '../../src/domain/workflow.js';
import type { NationalReportCycle, NationalReportInput } from '../../src/reports/national-report.js';

export const NATIONAL_VERIFY_URL = 'https://govsec.example.gov.tw/verify';
export const SNAPSHOT_SHA = 'ab'.repeat(32);

export const CYCLE_109: NationalReportCycle = { year: 109, questionnaire: 'isgm-109@1.1.0', targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' }, deadline: '2020-11-30' };

const levels = (level: number, score: number, target = 3) => ({ level, score, meetsTarget: level >= target });

function standing(agency: string, name: string, ministry: string, grade: string, state: AssessmentState | null, self: [number, number] | null, validated: [number, number] | null): AgencyStanding {
  return { agency, name, ministry, grade, assessment: state === null ? null : `id-${agency}`, state, self: self && levels(...self), validated: validated && levels(...validated) };
}

/**
 * Nine agencies: by hand, A: in scope 6, started 5, submitted 4 (A1 A2 A3 A4), in review 3 (A1 A2 A3),
 * accepted 2 (A1 A2); self at target 3 (A1 self 3, A2 self 4, A4 self 3; A3 self 2), validated at
 * target 1 (A1 validated 3; A2 validated 2). B: in scope 3, started 3, submitted 2 (B1 B2), in review 2 (B1, and B2 returned), accepted 1,
 * self at target 1 (B1 self 3), validated at target 1 (B1 validated 3). KPI (A, self, min 3, all): count 3 of 6.
 */
export const SMALL_AGENCIES: AgencyStanding[] = [
  standing('A1', '內政部甲機關', '內政部', 'A', 'accepted', [3, 3.1], [3, 3.05]),
  standing('A2', '內政部乙機關', '內政部', 'A', 'accepted', [4, 4.2], [2, 2.6]),
  standing('A3', '經濟部甲機關', '經濟部', 'A', 'in_review', [2, 2.4], [3, 3.3]),
  standing('A4', '經濟部乙機關', '經濟部', 'A', 'submitted', [3, 3.5], null),
  standing('A5', '數位發展部甲機關', '數位發展部', 'A', 'draft', null, null),
  standing('A6', '數位發展部乙機關', '數位發展部', 'A', null, null, null),
  standing('B1', '內政部丙機關', '內政部', 'B', 'accepted', [3, 3.2], [3, 3.15]),
  standing('B2', '經濟部丙機關', '經濟部', 'B', 'returned', [1, 1.8], null),
  standing('B3', '數位發展部丙機關', '數位發展部', 'B', 'draft', null, null),
];

export function nationalInput(agencies: AgencyStanding[], options: { provisional: boolean; cycle?: NationalReportCycle }): NationalReportInput {
  const cycle = options.cycle ?? CYCLE_109;
  return {
    cycle,
    authority: '行政院資通安全處',
    figures: figuresOf(agencies, cycle, true),
    agencies,
    provisional: options.provisional,
    generatedAt: options.provisional ? '2020-10-05T03:04:05.000Z' : '2020-12-20T02:00:00.000Z',
    snapshotSha256: options.provisional ? null : SNAPSHOT_SHA,
    verifyUrl: NATIONAL_VERIFY_URL,
  };
}

const MINISTRIES = ['內政部', '經濟部', '數位發展部', '交通部', '衛生福利部', '教育部', '國防部', '財政部', '法務部', '勞動部', '農業部', '文化部', '外交部', '環境部'];
const STATES: (AssessmentState | null)[] = [null, 'draft', 'submitted', 'in_review', 'returned', 'accepted', 'accepted', 'accepted'];

/** `n` synthetic agencies, deterministic: every state, levels 0–5, about a quarter of the names long. */
export function syntheticAgencies(n: number): AgencyStanding[] {
  return Array.from({ length: n }, (_, i) => {
    const state = STATES[i % STATES.length]!;
    const self = state === null || state === 'draft' ? null : ([i % 6, (i % 6) + ((i * 7) % 100) / 100] as [number, number]);
    const validated = state === 'accepted' || state === 'in_review' ? ([(i * 5) % 6, ((i * 5) % 6) + ((i * 3) % 100) / 100] as [number, number]) : null;
    const code = `N${String(i + 1).padStart(5, '0')}`;
    const name = i % 4 === 0 ? `${MINISTRIES[i % MINISTRIES.length]}所屬第 ${i + 1} 區域資通安全聯防暨數位韌性推動中心北區分署` : `第 ${i + 1} 機關`;
    return standing(code, name, MINISTRIES[(i * 5) % MINISTRIES.length]!, i % 3 === 0 ? 'B' : 'A', state, self, validated);
  });
}
