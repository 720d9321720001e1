// The security office's dashboard of a cycle (docs/domain.md §8): agencies in scope by grade, how
// many reached each state, at or above the target on each basis, the KPI and its verdict, the level
// distribution, per ministry, agencies below the target with what blocks them, and overdue agencies.
// Every level comes from the stored results (stored-results.ts): this service counts, it never scores.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { daysOverdue, effectiveDeadline, taiwanDate } from '../domain/deadlines.js';
import { figuresOf, standingLevels, type AgencyStanding, type BlockingProcess, type Figures, type KpiFigures, type LevelCounts, type Tally } from '../domain/programme.js';
import { visibilityOf, type Actor } from '../domain/roles.js';
import { transitionBetween, type AssessmentState, type Transition } from '../domain/workflow.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { extensionsOf } from '../repositories/extension.repository.js';
import { blockingOf, cycleAgencies } from '../repositories/result.repository.js';
import { findSnapshot, stateChangesAfter } from '../repositories/snapshot.repository.js';
import type { Clock } from './clock.js';
import { viewOfCycle, type CycleView, type SnapshotRecord } from './cycle.service.js';
import { notFound } from './errors.js';

export type { BlockingProcess, LevelCounts, Tally } from '../domain/programme.js';

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
  /** The deadline that applies to the agency: its extension's date where it has one. */
  deadline: string;
  extended: boolean;
  daysOverdue: number;
}

/** The figures sealed when the cycle closed, over the agencies this reader sees. */
export interface SnapshotView {
  closedAt: string;
  /** SHA-256 of the whole snapshot record's RFC 8785 JSON (GET /api/cycles/:year/snapshot). */
  sha256: string;
  kpi: KpiFigures;
  byGrade: Record<string, Tally>;
  distribution: { self: LevelCounts; validated: LevelCounts };
}

/** A change to an assessment of the cycle after it closed: what the snapshot does not show. */
export interface LaterChangeView {
  agency: string;
  change: Transition | 'start';
  at: string;
}

export interface Dashboard {
  cycle: number;
  kpi: KpiFigures;
  byGrade: Record<string, Tally>;
  distribution: { self: LevelCounts; validated: LevelCounts };
  ministries: (Tally & { ministry: string })[];
  belowTarget: BelowTarget[];
  overdue: Overdue[];
  snapshot: SnapshotView | null;
  sinceClose: LaterChangeView[];
}

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
    const ministry = ministryOf(actor);
    const rows = await cycleAgencies(this.db, year, cycle.grades, ministry);
    const figures = figuresOf(rows, cycle, ministry === undefined);
    const snapshotRow = await findSnapshot(this.db, year);
    let snapshot: SnapshotView | null = null;
    let sinceClose: LaterChangeView[] = [];
    if (snapshotRow) {
      const record = JSON.parse(snapshotRow.record) as SnapshotRecord;
      const sealed = ministry === undefined ? record : figuresOf(record.agencies.filter((a) => a.ministry === ministry), cycle, false);
      snapshot = { closedAt: snapshotRow.closedAt, sha256: snapshotRow.sha256, kpi: sealed.kpi, byGrade: sealed.byGrade, distribution: sealed.distribution };
      const inScope = new Set(rows.map((r) => r.agency));
      sinceClose = (await stateChangesAfter(this.db, year, snapshotRow.closedAt, ministry)).flatMap((c) => {
        const change = transitionBetween(c.from as AssessmentState | null, c.to as AssessmentState);
        return change !== null && inScope.has(c.agency) ? [{ agency: c.agency, change, at: c.at }] : [];
      });
    }
    return {
      cycle: year,
      ...figures,
      belowTarget: cycle.targetLevel !== null ? await this.belowTarget(rows, cycle.targetLevel) : [],
      overdue: await this.overdue(rows, cycle),
      snapshot,
      sinceClose,
    };
  }

  /** A closed cycle's snapshot record as stored, with its hash (404 while the cycle is open). */
  async snapshot(year: number): Promise<{ sha256: string; record: SnapshotRecord }> {
    if (!(await findCycle(this.db, year))) throw notFound(`no cycle ${year}`);
    const row = await findSnapshot(this.db, year);
    if (!row) throw notFound(`cycle ${year} is not closed: it has no snapshot`);
    return { sha256: row.sha256, record: JSON.parse(row.record) as SnapshotRecord };
  }

  /** Agencies whose level as it stands (validated once accepted, self once submitted) is below the target, with the processes that block them. */
  private async belowTarget(rows: readonly AgencyStanding[], targetLevel: number): Promise<BelowTarget[]> {
    const below = rows.flatMap((r) => {
      const standing = standingLevels(r);
      return standing && standing.levels.meetsTarget === false && r.assessment !== null ? [{ row: r, ...standing, id: r.assessment }] : [];
    });
    const blocking = await blockingOf(
      this.db,
      below.map((b) => ({ id: b.id, basis: b.basis })),
    );
    return below.map(({ row, basis, levels, id }) => {
      const processes: BlockingProcess[] = blocking.get(id) ?? [];
      return { agency: row.agency, name: row.name, ministry: row.ministry, grade: row.grade, status: row.state!, basis, level: levels.level, score: levels.score, targetLevel, processes };
    });
  }

  /**
   * In-scope agencies that have not submitted (no assessment, or a draft) once the day of the deadline that applies
   * to them — their extension's, else the cycle's — has passed in Taiwan.
   */
  private async overdue(rows: readonly AgencyStanding[], cycle: CycleView): Promise<Overdue[]> {
    if (cycle.deadline === null) return [];
    const today = taiwanDate(this.clock.now());
    const extensions = await extensionsOf(this.db, cycle.year);
    return rows.flatMap((r) => {
      if (r.state !== null && r.state !== 'draft') return [];
      const extension = extensions.get(r.agency);
      const deadline = effectiveDeadline(cycle.deadline, extension)!;
      const days = daysOverdue(deadline, today);
      return days > 0 ? [{ agency: r.agency, name: r.name, ministry: r.ministry, grade: r.grade, status: r.state === null ? ('none' as const) : ('draft' as const), deadline, extended: extension !== undefined, daysOverdue: days }] : [];
    });
  }
}

/** The ministry whose agencies a ministry user sees; undefined for a reader who sees every agency. */
export function ministryOf(actor: Actor): string | undefined {
  const visibility = visibilityOf(actor);
  return visibility.kind === 'ministry' ? (visibility.ministry ?? '\u0000') : undefined;
}

export type { Figures };
