// The office's analyses of the programme (docs/domain.md §8): the priority list, calibration of self against
// validated results, the year-over-year trend with each milestone's status, and every table of these and of
// the dashboard as CSV or .xlsx. Counts from the stored results through the programme's arithmetic; never scores.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { byCode, calibrate, CalibrationTally, priorityOrder, round2, type CalibrationStats } from '../domain/analytics.js';
import { daysOverdue, taiwanDate } from '../domain/deadlines.js';
import { countedSelf, countedValidated, figuresOf, milestoneStatus, tally, type AgencyStanding, type KpiFigures, type MilestoneStatus } from '../domain/programme.js';
import { seesAgency, type Actor } from '../domain/roles.js';
import type { AssessmentState } from '../domain/workflow.js';
import { findAgency } from '../repositories/agency.repository.js';
import { calibrationRowsOf } from '../repositories/calibration.repository.js';
import { findCycle, listCycles } from '../repositories/cycle.repository.js';
import { cycleAgencies } from '../repositories/result.repository.js';
import { calibrationTables, dashboardTables, priorityTables, trendTables } from './analytics-tables.js';
import type { Clock } from './clock.js';
import { viewOfCycle, type CycleView } from './cycle.service.js';
import { ministryOf, type DashboardService } from './dashboard.service.js';
import { invalid, notFound } from './errors.js';
import { CSV_TYPE, toCsv, toXlsx, type ExportFile, type ExportLang, type Table } from './exports.js';
import type { QuestionnaireService } from './questionnaire.service.js';
import { XLSX_TYPE } from './sheet.service.js';

export type { CalibrationStats } from '../domain/analytics.js';

export interface PriorityEntry {
  rank: number;
  agency: string;
  name: string;
  ministry: string;
  grade: string;
  status: AssessmentState | 'none';
  validatedLevel: number | null;
  validatedScore: number | null;
  /** target level − validated score, rounded to 2 decimals; null without an accepted assessment */
  distance: number | null;
}

export interface Priority {
  cycle: number;
  targetLevel: number | null;
  /** why the list is empty: 'no-target' for a cycle without a target level, else null */
  reason: 'no-target' | null;
  agencies: PriorityEntry[];
}

export interface Calibration {
  cycle: number;
  assessments: number;
  overall: CalibrationStats;
  agencies: (CalibrationStats & { agency: string; name: string; ministry: string; grade: string })[];
  processes: (CalibrationStats & { process: string })[];
  attributes: (CalibrationStats & { attribute: string })[];
}

export interface TrendCycle {
  cycle: number;
  targetLevel: number | null;
  kpi: KpiFigures;
  inCohort: number;
  submitted: number;
  accepted: number;
  meanSelf: number | null;
  meanValidated: number | null;
  atTarget: { self: number | null; validated: number | null };
  milestone: MilestoneStatus;
  closed: boolean;
  deadline: string | null;
}

export interface TrendAgency {
  agency: string;
  name: string;
  ministry: string;
  cycles: { cycle: number; grade: string; status: AssessmentState | 'none'; selfLevel: number | null; selfScore: number | null; validatedLevel: number | null; validatedScore: number | null }[];
}

export interface Trend {
  cycles: TrendCycle[];
  agencies: TrendAgency[];
}

/** The views that export, and the tables each has (the first is the CSV's default). */
export const EXPORT_TABLES = {
  dashboard: ['byGrade', 'ministries', 'distribution', 'belowTarget', 'overdue', 'sinceClose'],
  priority: ['agencies'],
  calibration: ['agencies', 'processes', 'attributes'],
  trend: ['cycles', 'agencies'],
} as const;
export type ExportView = keyof typeof EXPORT_TABLES;

export interface ExportRequest {
  format: 'csv' | 'xlsx';
  /** CSV only: which table (the view's first by default). */
  table?: string;
  lang: ExportLang;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : round2(values.reduce((a, b) => a + b, 0) / values.length));

export class AnalyticsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly questionnaires: QuestionnaireService,
    private readonly dashboard: DashboardService,
    private readonly clock: Clock,
  ) {}

  /** The in-scope agencies the actor sees, ordered for the allocation of national resources; empty without a target. */
  async priority(actor: Actor, year: number): Promise<Priority> {
    const cycle = await this.cycle(year);
    if (cycle.targetLevel === null) return { cycle: year, targetLevel: null, reason: 'no-target', agencies: [] };
    const rows = await cycleAgencies(this.db, year, cycle.grades, ministryOf(actor));
    const agencies = priorityOrder(rows, cycle.targetLevel).map(({ standing: s, distance }, i) => {
      const validated = countedValidated(s);
      return { rank: i + 1, agency: s.agency, name: s.name, ministry: s.ministry, grade: s.grade, status: s.state ?? ('none' as const), validatedLevel: validated?.level ?? null, validatedScore: validated?.score ?? null, distance };
    });
    return { cycle: year, targetLevel: cycle.targetLevel, reason: null, agencies };
  }

  /** Self against validated over the cycle's accepted assessments the actor sees: by agency, process, attribute and overall. */
  async calibration(actor: Actor, year: number): Promise<Calibration> {
    const cycle = await this.cycle(year);
    const accepted = (await cycleAgencies(this.db, year, cycle.grades, ministryOf(actor))).filter((r): r is AgencyStanding & { assessment: string } => r.state === 'accepted' && r.assessment !== null);
    const stored = await calibrationRowsOf(
      this.db,
      accepted.map((r) => r.assessment),
    );
    const overall = new CalibrationTally();
    const processes = new Map<string, CalibrationTally>();
    const attributes = new Map<string, CalibrationTally>();
    const tallyIn = (map: Map<string, CalibrationTally>, key: string) => map.get(key) ?? map.set(key, new CalibrationTally()).get(key)!;
    const agencies: Calibration['agencies'] = [];
    let assessments = 0;
    for (const row of [...accepted].sort((a, b) => byCode(a.agency, b.agency))) {
      const rows = stored.get(row.assessment);
      if (!rows) continue;
      assessments += 1;
      const index = await this.questionnaires.index(rows.validated.questionnaire);
      const agency = new CalibrationTally();
      calibrate({ ...rows, attributeOf: (p, i) => index.processById.get(p)?.indicatorById.get(i)?.attribute }, (process, attribute) => [
        overall,
        agency,
        tallyIn(processes, process),
        ...(attribute === undefined ? [] : [tallyIn(attributes, attribute)]),
      ]);
      agencies.push({ agency: row.agency, name: row.name, ministry: row.ministry, grade: row.grade, ...agency.stats() });
    }
    const listed = <K extends string>(map: Map<string, CalibrationTally>, key: K) => [...map.keys()].sort(byCode).map((k) => ({ [key]: k, ...map.get(k)!.stats() }) as CalibrationStats & Record<K, string>);
    return { cycle: year, assessments, overall: overall.stats(), agencies, processes: listed(processes, 'process'), attributes: listed(attributes, 'attribute') };
  }

  /**
   * Every cycle, oldest first, with its figures over the actor's agencies and its milestone's status, and each
   * agency's standing in every cycle where it was in scope (only `agency`'s when given). One read per cycle.
   */
  async trend(actor: Actor, agency?: string): Promise<Trend> {
    if (agency !== undefined) {
      const found = await findAgency(this.db, agency);
      if (!found || !seesAgency(actor, found)) throw notFound(`no agency ${agency}`);
    }
    const ministry = ministryOf(actor);
    const today = taiwanDate(this.clock.now());
    const cycles: TrendCycle[] = [];
    const agencies = new Map<string, TrendAgency>();
    for (const row of await listCycles(this.db)) {
      const cycle = viewOfCycle(row);
      const rows = await cycleAgencies(this.db, cycle.year, cycle.grades, ministry);
      const { kpi } = figuresOf(rows, cycle, ministry === undefined);
      const counted = tally(rows, cycle.targetLevel !== null);
      const settled = cycle.closed || (cycle.deadline !== null && daysOverdue(cycle.deadline, today) > 0);
      cycles.push({
        cycle: cycle.year,
        targetLevel: cycle.targetLevel,
        kpi,
        inCohort: counted.inScope,
        submitted: counted.reached.submitted,
        accepted: counted.reached.accepted,
        meanSelf: mean(rows.flatMap((r) => countedSelf(r)?.score ?? [])),
        meanValidated: mean(rows.flatMap((r) => countedValidated(r)?.score ?? [])),
        atTarget: counted.atTarget,
        milestone: milestoneStatus(kpi, settled),
        closed: cycle.closed,
        deadline: cycle.deadline,
      });
      for (const r of rows) {
        if (agency !== undefined && r.agency !== agency) continue;
        const entry = agencies.get(r.agency) ?? agencies.set(r.agency, { agency: r.agency, name: r.name, ministry: r.ministry, cycles: [] }).get(r.agency)!;
        const self = countedSelf(r);
        const validated = countedValidated(r);
        entry.cycles.push({ cycle: cycle.year, grade: r.grade, status: r.state ?? 'none', selfLevel: self?.level ?? null, selfScore: self?.score ?? null, validatedLevel: validated?.level ?? null, validatedScore: validated?.score ?? null });
      }
    }
    return { cycles, agencies: [...agencies.values()].sort((a, b) => byCode(a.agency, b.agency)) };
  }

  /** A view's tables as a file: one table as CSV, or all of them as an .xlsx workbook. `year` is ignored by the trend. */
  async export(actor: Actor, view: ExportView, year: number | undefined, request: ExportRequest & { agency?: string }): Promise<ExportFile> {
    const tables = await this.tablesOf(actor, view, year, request);
    const stem = year === undefined || view === 'trend' ? view : `${view}-${year}`;
    if (request.format === 'xlsx') return { fileName: `${stem}.xlsx`, contentType: XLSX_TYPE, bytes: await toXlsx(tables, request.lang) };
    const name = request.table ?? EXPORT_TABLES[view][0];
    const table = tables.find((t) => t.name === name);
    if (!table) throw invalid(`no table ${name} in the ${view} export`, [{ path: 'querystring:/table', message: `must be one of ${EXPORT_TABLES[view].join(', ')}` }]);
    return { fileName: `${stem}-${table.name}.csv`, contentType: CSV_TYPE, bytes: toCsv(table, request.lang) };
  }

  private async tablesOf(actor: Actor, view: ExportView, year: number | undefined, request: ExportRequest & { agency?: string }): Promise<Table[]> {
    switch (view) {
      case 'dashboard':
        return dashboardTables(await this.dashboard.get(actor, year!), request.lang);
      case 'priority':
        return priorityTables(await this.priority(actor, year!));
      case 'calibration':
        return calibrationTables(await this.calibration(actor, year!));
      case 'trend':
        return trendTables(await this.trend(actor, request.agency));
    }
  }

  private async cycle(year: number): Promise<CycleView> {
    const row = await findCycle(this.db, year);
    if (!row) throw notFound(`no cycle ${year}`);
    return viewOfCycle(row);
  }
}
