// Cycles (docs/domain.md §2): the questionnaire each ROC year pins, its target, grades in scope, deadline and KPI.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Cycle, Database } from '../db/types.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { figuresOf, type AgencyStanding, type Figures, type Kpi } from '../domain/programme.js';
import { textProblem } from '../domain/text.js';
import type { Actor, Grade } from '../domain/roles.js';
import { findAgency, gradesOf } from '../repositories/agency.repository.js';
import { countCycles, findCycle, insertCycle, listCycles, moveUntouchedCycle, updateCycle } from '../repositories/cycle.repository.js';
import { extensionsOf, putExtension, type DeadlineExtension } from '../repositories/extension.repository.js';
import { cycleAgencies } from '../repositories/result.repository.js';
import { closeCycleIfOpen, insertSnapshot } from '../repositories/snapshot.repository.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { conflict, invalid, notFound } from './errors.js';
import type { QuestionnaireService } from './questionnaire.service.js';

export type { Kpi } from '../domain/programme.js';

export interface CycleView {
  year: number;
  questionnaire: string;
  targetLevel: number | null;
  grades: Grade[];
  kpi: Kpi;
  deadline: string | null;
  closed: boolean;
}

export interface CycleInput {
  year: number;
  questionnaire: string;
  targetLevel?: number | null;
  grades?: Grade[];
  kpi?: Partial<Kpi>;
  deadline?: string | null;
}

export type CycleChanges = Partial<Omit<CycleInput, 'year'>>;

/**
 * What closing a cycle seals (docs/domain.md §8): every counted figure over all its in-scope agencies, and each
 * agency's standing they were counted from. `sha256` is the SHA-256 of this record's RFC 8785 JSON.
 */
export type SnapshotRecord = { cycle: number; closedAt: string; closedBy: string } & Figures & { agencies: AgencyStanding[] };

export interface ExtensionView {
  cycle: number;
  agency: string;
  until: string;
  reason: string;
  grantedBy: string;
  grantedAt: string;
}

const viewOfExtension = (e: DeadlineExtension): ExtensionView => ({ cycle: e.cycleYear, agency: e.agencyCode, until: e.until, reason: e.reason, grantedBy: e.grantedBy, grantedAt: e.grantedAt });

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The programme's milestones (表 2 of the seed plan) as they ship. */
export const SHIPPED_CYCLES: CycleInput[] = [
  { year: 106, questionnaire: 'isgm-108@1.0.0', targetLevel: null, grades: ['A', 'B'], kpi: { grades: ['A', 'B'], basis: 'self', minLevel: null, target: null }, deadline: '2017-12-15' },
  { year: 107, questionnaire: 'isgm-108@1.0.0', targetLevel: null, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: null, target: 3 }, deadline: '2018-12-14' },
  { year: 108, questionnaire: 'isgm-108@1.1.0', targetLevel: 2, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 2, target: 30 }, deadline: '2019-11-29' },
  { year: 109, questionnaire: 'isgm-109@1.1.0', targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' }, deadline: '2020-11-30' },
];

/**
 * Shipped cycles whose questionnaire was corrected after it shipped: a database made before the correction
 * moves each such cycle to the corrected edition on its next start, if the office has never changed it.
 */
export const CORRECTED_EDITIONS: readonly { year: number; from: string; to: string }[] = [
  { year: 108, from: 'isgm-108@1.0.0', to: 'isgm-108@1.1.0' },
  { year: 109, from: 'isgm-109@1.0.0', to: 'isgm-109@1.1.0' },
];

export function viewOfCycle(row: Cycle): CycleView {
  return {
    year: row.year,
    questionnaire: row.questionnaire,
    targetLevel: row.targetLevel,
    grades: JSON.parse(row.grades) as Grade[],
    kpi: JSON.parse(row.kpi) as Kpi,
    deadline: row.deadline,
    closed: row.closedAt !== null,
  };
}

export class CycleService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly questionnaires: QuestionnaireService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<CycleView[]> {
    return (await listCycles(this.db)).map(viewOfCycle);
  }

  async get(year: number): Promise<CycleView> {
    const row = await findCycle(this.db, year);
    if (!row) throw notFound(`no cycle ${year}`);
    return viewOfCycle(row);
  }

  /** Loads the shipped cycles 106–109 into a database that has none. */
  async seedShipped(): Promise<boolean> {
    if ((await countCycles(this.db)) > 0) return false;
    for (const cycle of SHIPPED_CYCLES) await this.create(null, cycle);
    return true;
  }

  /**
   * Moves the shipped cycles of CORRECTED_EDITIONS to their corrected questionnaire, once: only a cycle that is
   * open, still on the old edition and untouched since it was created moves, with an audit entry. Existing
   * assessments keep their version. Returns the years moved.
   */
  async adoptCorrectedEditions(): Promise<number[]> {
    const moved: number[] = [];
    for (const { year, from, to } of CORRECTED_EDITIONS) {
      if (!(await this.questionnaires.exists(to))) continue;
      await this.db.transaction().execute(async (trx) => {
        const before = await findCycle(trx, year);
        if (!before || !(await moveUntouchedCycle(trx, year, from, to, isoNow(this.clock)))) return;
        await this.audit.record(trx, { actor: null, action: 'cycle.update', subject: `cycle:${year}`, before: viewOfCycle(before), after: { ...viewOfCycle(before), questionnaire: to } });
        moved.push(year);
      });
    }
    return moved;
  }

  private async resolve(input: CycleInput, current?: CycleView): Promise<CycleView> {
    const questionnaire = input.questionnaire;
    if (!(await this.questionnaires.exists(questionnaire))) {
      throw invalid('unknown questionnaire', [{ path: '/questionnaire', message: `no questionnaire ${questionnaire} is stored` }]);
    }
    const defaultTarget = (await this.questionnaires.index(questionnaire)).targetLevel;
    const targetLevel = input.targetLevel !== undefined ? input.targetLevel : (current?.targetLevel ?? defaultTarget);
    const grades = input.grades ?? current?.grades ?? ['A', 'B'];
    const kpi: Kpi = {
      grades: input.kpi?.grades ?? current?.kpi.grades ?? ['A'],
      basis: input.kpi?.basis ?? current?.kpi.basis ?? 'self',
      minLevel: input.kpi?.minLevel !== undefined ? input.kpi.minLevel : (current?.kpi.minLevel ?? targetLevel),
      target: input.kpi?.target !== undefined ? input.kpi.target : (current?.kpi.target ?? 'all'),
    };
    return { year: input.year, questionnaire, targetLevel, grades: [...new Set(grades)].sort(), kpi: { ...kpi, grades: [...new Set(kpi.grades)].sort() }, deadline: input.deadline !== undefined ? input.deadline : (current?.deadline ?? null), closed: current?.closed ?? false };
  }

  async create(actor: Actor | null, input: CycleInput): Promise<CycleView> {
    if (await findCycle(this.db, input.year)) throw conflict(`cycle ${input.year} already exists`);
    const cycle = await this.resolve(input);
    const now = isoNow(this.clock);
    await this.db.transaction().execute(async (trx) => {
      await insertCycle(trx, {
        year: cycle.year,
        questionnaire: cycle.questionnaire,
        targetLevel: cycle.targetLevel,
        grades: JSON.stringify(cycle.grades),
        kpi: JSON.stringify(cycle.kpi),
        deadline: cycle.deadline,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await this.audit.record(trx, { actor, action: 'cycle.create', subject: `cycle:${cycle.year}`, after: cycle });
    });
    return cycle;
  }

  async update(actor: Actor, year: number, changes: CycleChanges): Promise<CycleView> {
    const current = await this.get(year);
    if (current.closed) throw conflict(`cycle ${year} is closed`);
    const cycle = await this.resolve({ ...changes, year, questionnaire: changes.questionnaire ?? current.questionnaire }, current);
    await this.db.transaction().execute(async (trx) => {
      await updateCycle(trx, year, {
        questionnaire: cycle.questionnaire,
        targetLevel: cycle.targetLevel,
        grades: JSON.stringify(cycle.grades),
        kpi: JSON.stringify(cycle.kpi),
        deadline: cycle.deadline,
        updatedAt: isoNow(this.clock),
      });
      await this.audit.record(trx, { actor, action: 'cycle.update', subject: `cycle:${year}`, before: current, after: cycle });
    });
    return cycle;
  }

  /**
   * Closes a cycle: stores the snapshot of its KPI figures and marks it closed, in one transaction, once (a second
   * close, or one racing the first, is a conflict). Work on its assessments goes on; the dashboard shows later
   * changes beside the snapshot.
   */
  async close(actor: Actor, year: number): Promise<{ cycle: CycleView; snapshot: SnapshotRecord; sha256: string }> {
    const at = isoNow(this.clock);
    return this.db.transaction().execute(async (trx) => {
      const row = await findCycle(trx, year);
      if (!row) throw notFound(`no cycle ${year}`);
      if (!(await closeCycleIfOpen(trx, year, at))) throw conflict(`cycle ${year} is already closed`);
      const cycle = viewOfCycle(row);
      const agencies = await cycleAgencies(trx, year, cycle.grades);
      const snapshot: SnapshotRecord = { cycle: year, closedAt: at, closedBy: actor.username, ...figuresOf(agencies, cycle, true), agencies };
      const record = canonicalJson(snapshot);
      const sha256 = sha256Hex(record);
      await insertSnapshot(trx, { cycleYear: year, closedAt: at, closedBy: actor.username, record, sha256 });
      await this.audit.record(trx, { actor, action: 'cycle.close', subject: `cycle:${year}`, before: cycle, after: { closedAt: at, sha256, kpi: snapshot.kpi } });
      return { cycle: { ...cycle, closed: true }, snapshot, sha256 };
    });
  }

  /** The deadline extensions of a cycle, by agency code. */
  async extensions(year: number): Promise<ExtensionView[]> {
    await this.get(year);
    return [...(await extensionsOf(this.db, year)).values()].map(viewOfExtension).sort((a, b) => (a.agency < b.agency ? -1 : a.agency > b.agency ? 1 : 0));
  }

  /**
   * Grants (or replaces) one agency's deadline extension: the agency must be in the cycle's cohort, the cycle open and
   * with a deadline, and the new date later than the cycle's deadline.
   */
  async extend(actor: Actor, year: number, agency: string, input: { until: string; reason: string }): Promise<ExtensionView> {
    const reason = input.reason.trim();
    const problem = reason === '' ? 'must not be empty' : reason.length > 500 ? 'must be at most 500 characters' : textProblem(reason);
    if (problem) throw invalid('invalid reason', [{ path: '/reason', message: `reason ${problem}` }]);
    const at = isoNow(this.clock);
    return this.db.transaction().execute(async (trx) => {
      const row = await findCycle(trx, year);
      if (!row) throw notFound(`no cycle ${year}`);
      const cycle = viewOfCycle(row);
      if (!(await findAgency(trx, agency))) throw notFound(`no agency ${agency}`);
      if (cycle.closed) throw conflict(`cycle ${year} is closed`);
      if (cycle.deadline === null) throw conflict(`cycle ${year} has no deadline to extend`);
      if (input.until <= cycle.deadline) throw invalid('extension not later than the deadline', [{ path: '/until', message: `until must be later than the cycle's deadline ${cycle.deadline}` }]);
      const grade = (await gradesOf(trx, [agency])).get(agency)?.[String(year)];
      if (grade === undefined || !(cycle.grades as readonly string[]).includes(grade)) throw conflict(`agency ${agency} is not among cycle ${year}'s grades ${cycle.grades.join(', ')}`);
      const before = (await extensionsOf(trx, year)).get(agency);
      const extension: DeadlineExtension = { cycleYear: year, agencyCode: agency, until: input.until, reason, grantedBy: actor.username, grantedAt: at };
      await putExtension(trx, extension);
      await this.audit.record(trx, { actor, action: 'cycle.extension', subject: `cycle:${year}`, before: before ? viewOfExtension(before) : null, after: viewOfExtension(extension) });
      return viewOfExtension(extension);
    });
  }
}
