// The programme's arithmetic (docs/domain.md §8): from each in-scope agency's standing in a cycle — its
// assessment's state and stored levels — the tallies by grade and ministry, the KPI count and verdict, the
// level distribution and each milestone's status. Pure: the dashboard, the snapshot taken when a cycle
// closes, the trend and the national report all count through here.
import type { Grade } from './roles.js';
import type { ScoreResult } from './scoring.js';
import type { AssessmentState } from './workflow.js';

/** A cycle's KPI (docs/domain.md §2). */
export interface Kpi {
  grades: Grade[];
  basis: 'self' | 'validated';
  minLevel: number | null;
  target: number | 'all' | null;
}

/** What the programme needs of a cycle to count it. */
export interface CycleRule {
  targetLevel: number | null;
  grades: readonly string[];
  kpi: Kpi;
}

export interface StoredLevels {
  level: number;
  score: number;
  meetsTarget: boolean | null;
}

/** One agency of a cycle's grades: its assessment (if any), that assessment's state and stored levels (if any). */
export interface AgencyStanding {
  agency: string;
  name: string;
  ministry: string;
  grade: string;
  assessment: string | null;
  state: AssessmentState | null;
  self: StoredLevels | null;
  validated: StoredLevels | null;
}

const SUBMITTED: readonly AssessmentState[] = ['submitted', 'in_review', 'returned', 'accepted'];
const IN_REVIEW: readonly AssessmentState[] = ['in_review', 'returned', 'accepted'];
const LEVELS = ['0', '1', '2', '3', '4', '5'] as const;
/** How many agencies stand at each level 0–5. */
export type LevelCounts = Record<(typeof LEVELS)[number], number>;

export interface Tally {
  inScope: number;
  reached: { started: number; submitted: number; inReview: number; accepted: number };
  /** null for a cycle without a target level (a pilot). */
  atTarget: { self: number | null; validated: number | null };
}

export type KpiFigures = Kpi & { count: number; verdict: 'met' | 'not-met' | null };

export interface Figures {
  kpi: KpiFigures;
  byGrade: Record<string, Tally>;
  distribution: { self: LevelCounts; validated: LevelCounts };
  ministries: (Tally & { ministry: string })[];
}

export const hasSubmitted = (s: AgencyStanding): boolean => s.state !== null && SUBMITTED.includes(s.state);
export const isAccepted = (s: AgencyStanding): boolean => s.state === 'accepted';
/** The self result counts once the assessment has been submitted; the validated one while it is accepted. */
export const countedSelf = (s: AgencyStanding): StoredLevels | null => (hasSubmitted(s) ? s.self : null);
export const countedValidated = (s: AgencyStanding): StoredLevels | null => (isAccepted(s) ? s.validated : null);
/** The level as it stands: validated once accepted, self once submitted, none before. */
export const standingLevels = (s: AgencyStanding): { basis: 'self' | 'validated'; levels: StoredLevels } | null => {
  if (isAccepted(s)) return s.validated ? { basis: 'validated', levels: s.validated } : null;
  const self = countedSelf(s);
  return self ? { basis: 'self', levels: self } : null;
};

export function tally(rows: readonly AgencyStanding[], hasTarget: boolean): Tally {
  return {
    inScope: rows.length,
    reached: {
      started: rows.filter((r) => r.state !== null).length,
      submitted: rows.filter(hasSubmitted).length,
      inReview: rows.filter((r) => r.state !== null && IN_REVIEW.includes(r.state)).length,
      accepted: rows.filter(isAccepted).length,
    },
    atTarget: {
      self: hasTarget ? rows.filter((r) => countedSelf(r)?.meetsTarget === true).length : null,
      validated: hasTarget ? rows.filter((r) => countedValidated(r)?.meetsTarget === true).length : null,
    },
  };
}

export function distribution(levels: readonly (number | undefined)[]): LevelCounts {
  const out: LevelCounts = { '0': 0, '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const level of levels) {
    const key = LEVELS[level ?? -1];
    if (key !== undefined) out[key] += 1;
  }
  return out;
}

/**
 * The KPI's count and verdict over `rows`. `national` is false when the rows are one ministry's share:
 * a count target is national, so a share is not judged against it (an "all" target is judged on the share).
 */
export function kpiFigures(rows: readonly AgencyStanding[], kpi: Kpi, national: boolean): KpiFigures {
  const kpiRows = rows.filter((r) => (kpi.grades as readonly string[]).includes(r.grade));
  const counts = (levels: StoredLevels | null) => levels !== null && (kpi.minLevel === null || levels.level >= kpi.minLevel);
  const count = kpiRows.filter((r) => counts(kpi.basis === 'self' ? countedSelf(r) : countedValidated(r))).length;
  const { target } = kpi;
  let verdict: KpiFigures['verdict'] = null;
  if (target === 'all') verdict = kpiRows.length === 0 ? null : count >= kpiRows.length ? 'met' : 'not-met';
  else if (target !== null && national) verdict = count >= target ? 'met' : 'not-met';
  return { ...kpi, count, verdict };
}

/** Every counted figure of a cycle over `rows` (the in-scope agencies the reader sees). */
export function figuresOf(rows: readonly AgencyStanding[], cycle: CycleRule, national: boolean): Figures {
  const hasTarget = cycle.targetLevel !== null;
  return {
    kpi: kpiFigures(rows, cycle.kpi, national),
    byGrade: Object.fromEntries(cycle.grades.map((g) => [g, tally(rows.filter((r) => r.grade === g), hasTarget)])),
    distribution: { self: distribution(rows.map((r) => countedSelf(r)?.level)), validated: distribution(rows.map((r) => countedValidated(r)?.level)) },
    ministries: [...new Set(rows.map((r) => r.ministry))].sort().map((m) => ({ ministry: m, ...tally(rows.filter((r) => r.ministry === m), hasTarget) })),
  };
}

/**
 * A milestone's status: `met` once the KPI's verdict is met; `not-met` once it can no longer change (the cycle is
 * closed or its deadline has passed) without being met; `in-progress` before that; `no-target` for a KPI that
 * sets no target (the count stands on its own); `not-judged` where there is a target but no verdict (a ministry's
 * share of a national count, or an "all" target with no agency of the KPI's grades in scope).
 */
export type MilestoneStatus = 'met' | 'not-met' | 'in-progress' | 'no-target' | 'not-judged';
export function milestoneStatus(kpi: KpiFigures, settled: boolean): MilestoneStatus {
  if (kpi.target === null) return 'no-target';
  if (kpi.verdict === null) return 'not-judged';
  if (kpi.verdict === 'met') return 'met';
  return settled ? 'not-met' : 'in-progress';
}

/** A process that keeps an agency below its target: its level and the attributes of its gaps (§4 rule 9). */
export interface BlockingProcess {
  process: string;
  level: number | null;
  attributes: string[];
}

/** The processes of a result that block its target, in the order of its gaps: stored beside the result, so that counting never parses it. */
export function blockingProcesses(result: Pick<ScoreResult, 'gaps' | 'processes'>): BlockingProcess[] {
  const out: BlockingProcess[] = [];
  for (const gap of result.gaps) {
    let entry = out.find((p) => p.process === gap.process);
    if (!entry) out.push((entry = { process: gap.process, level: result.processes.find((p) => p.id === gap.process)?.level ?? null, attributes: [] }));
    entry.attributes.push(gap.attribute);
  }
  return out;
}
