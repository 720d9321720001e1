// Cycles (docs/domain.md §2): the questionnaire each ROC year pins, its target, grades in scope, deadline and KPI.
import type { Kysely } from 'kysely';
import type { Cycle, Database } from '../db/types.js';
import type { Actor, Grade } from '../domain/roles.js';
import { countCycles, findCycle, insertCycle, listCycles, moveUntouchedCycle, updateCycle } from '../repositories/cycle.repository.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { conflict, invalid, notFound } from './errors.js';
import type { QuestionnaireService } from './questionnaire.service.js';

export interface Kpi {
  grades: Grade[];
  basis: 'self' | 'validated';
  minLevel: number | null;
  target: number | 'all' | null;
}

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
}
