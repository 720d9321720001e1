// The security office's dashboard of a cycle (docs/domain.md §8): agencies in scope by grade, how
// many reached each state, at or above the target on each basis, the KPI and its verdict, the level
// distribution, per ministry, agencies below the target with what blocks them, and overdue agencies.
// Every level comes from the stored results (stored-results.ts): this service counts, it never scores.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { visibilityOf, type Actor } from '../domain/roles.js';
import type { AssessmentState } from '../domain/workflow.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { cycleAgencies, storedResultsOf, type CycleAgencyRow } from '../repositories/result.repository.js';
import { isoNow, type Clock } from './clock.js';
import { viewOfCycle, type Kpi } from './cycle.service.js';
import { notFound } from './errors.js';

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

export interface BlockingProcess {
  process: string;
  level: number | null;
  attributes: string[];
}

export interface BelowTarget {
  agency: string;
  name: string;
  ministry: string;
  grade: string;
  status: AssessmentState;
  /** `validated` once accepted, `self` before: the level as it stands. */
  basis: 'self' | 'validated';
  level: number;
  score: number;
  targetLevel: number;
  processes: BlockingProcess[];
}

export interface Overdue {
  agency: string;
  name: string;
  ministry: string;
  grade: string;
  /** `none`: no assessment started. */
  status: 'none' | 'draft';
  deadline: string;
  daysOverdue: number;
}

export interface Dashboard {
  cycle: number;
  kpi: Kpi & { count: number; verdict: 'met' | 'not-met' | null };
  byGrade: Record<string, Tally>;
  distribution: { self: LevelCounts; validated: LevelCounts };
  ministries: (Tally & { ministry: string })[];
  belowTarget: BelowTarget[];
  overdue: Overdue[];
}

const reachedSubmitted = (r: CycleAgencyRow) => r.state !== null && SUBMITTED.includes(r.state);
const isAccepted = (r: CycleAgencyRow) => r.state === 'accepted';
/** The self result counts once the assessment has been submitted; the validated one while it is accepted. */
const selfOf = (r: CycleAgencyRow) => (reachedSubmitted(r) ? r.self : null);
const validatedOf = (r: CycleAgencyRow) => (isAccepted(r) ? r.validated : null);

function tally(rows: readonly CycleAgencyRow[], hasTarget: boolean): Tally {
  return {
    inScope: rows.length,
    reached: {
      started: rows.filter((r) => r.state !== null).length,
      submitted: rows.filter(reachedSubmitted).length,
      inReview: rows.filter((r) => r.state !== null && IN_REVIEW.includes(r.state)).length,
      accepted: rows.filter(isAccepted).length,
    },
    atTarget: {
      self: hasTarget ? rows.filter((r) => selfOf(r)?.meetsTarget === true).length : null,
      validated: hasTarget ? rows.filter((r) => validatedOf(r)?.meetsTarget === true).length : null,
    },
  };
}

function distribution(levels: (number | undefined)[]): LevelCounts {
  const out: LevelCounts = { '0': 0, '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const level of levels) {
    const key = LEVELS[level ?? -1];
    if (key !== undefined) out[key] += 1;
  }
  return out;
}

const DAY = 86_400_000;

export class DashboardService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The dashboard of a cycle over the agencies the actor sees (the office all, a ministry user its own). */
  async get(actor: Actor, year: number): Promise<Dashboard> {
    const row = await findCycle(this.db, year);
    if (!row) throw notFound(`no cycle ${year}`);
    const cycle = viewOfCycle(row);
    const visibility = visibilityOf(actor);
    const ministry = visibility.kind === 'ministry' ? (visibility.ministry ?? '\u0000') : undefined;
    const rows = await cycleAgencies(this.db, year, cycle.grades, ministry);
    const hasTarget = cycle.targetLevel !== null;

    const kpiRows = rows.filter((r) => cycle.kpi.grades.includes(r.grade as Kpi['grades'][number]));
    const counted = (levels: { level: number } | null) => levels !== null && (cycle.kpi.minLevel === null || levels.level >= cycle.kpi.minLevel);
    const count = kpiRows.filter((r) => counted(cycle.kpi.basis === 'self' ? selfOf(r) : validatedOf(r))).length;
    const { target } = cycle.kpi;
    // A count target is national: a ministry's share of the agencies is not judged against it.
    const verdict = target === null || (target !== 'all' && ministry !== undefined) || (target === 'all' && kpiRows.length === 0) ? null : count >= (target === 'all' ? kpiRows.length : target) ? 'met' : 'not-met';

    const byGrade = Object.fromEntries(cycle.grades.map((g) => [g, tally(rows.filter((r) => r.grade === g), hasTarget)]));
    const ministries = [...new Set(rows.map((r) => r.ministry))].sort().map((m) => ({ ministry: m, ...tally(rows.filter((r) => r.ministry === m), hasTarget) }));

    return {
      cycle: year,
      kpi: { ...cycle.kpi, count, verdict },
      byGrade,
      distribution: { self: distribution(rows.map((r) => selfOf(r)?.level)), validated: distribution(rows.map((r) => validatedOf(r)?.level)) },
      ministries,
      belowTarget: hasTarget ? await this.belowTarget(rows, cycle.targetLevel!) : [],
      overdue: this.overdue(rows, cycle.deadline),
    };
  }

  /** Agencies whose level as it stands (validated once accepted, self once submitted) is below the target, with the processes that block them. */
  private async belowTarget(rows: readonly CycleAgencyRow[], targetLevel: number): Promise<BelowTarget[]> {
    const below = rows.flatMap((r) => {
      const basis = isAccepted(r) ? ('validated' as const) : ('self' as const);
      const levels = basis === 'validated' ? validatedOf(r) : selfOf(r);
      return levels && levels.meetsTarget === false && r.assessment !== null ? [{ row: r, basis, levels, id: r.assessment }] : [];
    });
    const results = await storedResultsOf(
      this.db,
      below.map((b) => ({ id: b.id, basis: b.basis })),
    );
    return below.map(({ row, basis, levels, id }) => {
      const result = results.get(id);
      const processes: BlockingProcess[] = [];
      for (const gap of result?.gaps ?? []) {
        let entry = processes.find((p) => p.process === gap.process);
        if (!entry) processes.push((entry = { process: gap.process, level: result?.processes.find((p) => p.id === gap.process)?.level ?? null, attributes: [] }));
        entry.attributes.push(gap.attribute);
      }
      return { agency: row.agency, name: row.name, ministry: row.ministry, grade: row.grade, status: row.state!, basis, level: levels.level, score: levels.score, targetLevel, processes };
    });
  }

  /** In-scope agencies that have not submitted once the deadline's day has passed (UTC dates, as the clock gives them). */
  private overdue(rows: readonly CycleAgencyRow[], deadline: string | null): Overdue[] {
    if (deadline === null) return [];
    const today = isoNow(this.clock).slice(0, 10);
    if (today <= deadline) return [];
    const daysOverdue = Math.round((Date.parse(today) - Date.parse(deadline)) / DAY);
    return rows
      .filter((r) => r.state === null || r.state === 'draft')
      .map((r) => ({ agency: r.agency, name: r.name, ministry: r.ministry, grade: r.grade, status: r.state === null ? ('none' as const) : ('draft' as const), deadline, daysOverdue }));
  }
}
