// Agencies (機關) with their grade per cycle and ministry; created one by one or imported from CSV.
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { Agency, Database } from '../db/types.js';
import { AGENCY_CODE_PATTERN, GRADES, seesAgency, visibilityOf, type Actor, type Grade } from '../domain/roles.js';
import { deleteAgencyGrade, findAgency, gradesOf, insertAgency, listAgencies, setAgencyGrade, updateAgency, type AgencyFilter } from '../repositories/agency.repository.js';
import { findCycle } from '../repositories/cycle.repository.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { conflict, forbidden, invalid, notFound, type ProblemDetail } from './errors.js';

export interface AgencyView {
  code: string;
  name: string;
  ministry: string;
  grades: Record<string, Grade>;
}

export interface AgencyInput {
  code: string;
  name: string;
  ministry: string;
  grades?: Record<string, Grade>;
}

export interface AgencyChanges {
  name?: string;
  ministry?: string;
  grades?: Record<string, Grade | null>;
}

const CSV_COLUMNS = ['code', 'name', 'ministry', 'grade'] as const;

export interface ImportReport {
  cycle: number;
  rows: number;
  created: number;
  updated: number;
}

/** Which agencies an actor sees; assessors see those of their assigned assessments (passed in). */
export function agencyFilterFor(actor: Actor, assigned: readonly string[] = []): AgencyFilter {
  const v = visibilityOf(actor);
  switch (v.kind) {
    case 'all':
      return {};
    case 'agency':
      return { codes: v.agency ? [v.agency] : [] };
    case 'ministry':
      return { ministry: v.ministry ?? '' };
    case 'assigned':
      return { codes: assigned };
  }
}

export class AgencyService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Agency codes of the assessments assigned to an assessor. */
    private readonly assignedAgencies: (actor: Actor) => Promise<string[]> = () => Promise.resolve([]),
  ) {}

  private async views(rows: Agency[]): Promise<AgencyView[]> {
    const grades = await gradesOf(this.db, rows.map((r) => r.code));
    return rows.map((r) => ({ code: r.code, name: r.name, ministry: r.ministry, grades: (grades.get(r.code) ?? {}) as Record<string, Grade> }));
  }

  async list(actor: Actor): Promise<AgencyView[]> {
    const assigned = actor.role === 'assessor' ? await this.assignedAgencies(actor) : [];
    return this.views(await listAgencies(this.db, agencyFilterFor(actor, assigned)));
  }

  /** One agency, or 404 when it does not exist or the actor may not see it. */
  async get(actor: Actor, code: string): Promise<AgencyView> {
    const row = await findAgency(this.db, code);
    const assigned = actor.role === 'assessor' ? new Set(await this.assignedAgencies(actor)) : undefined;
    if (!row || !seesAgency(actor, row, assigned)) throw notFound(`no agency ${code}`);
    return (await this.views([row]))[0]!;
  }

  private async checkGrades(grades: Record<string, string | null> | undefined, path: string): Promise<ProblemDetail[]> {
    const details: ProblemDetail[] = [];
    for (const [year, grade] of Object.entries(grades ?? {})) {
      if (!/^\d{2,3}$/.test(year) || !(await findCycle(this.db, Number(year)))) details.push({ path: `${path}/${year}`, message: `no cycle ${year}` });
      if (grade !== null && !GRADES.includes(grade as Grade)) details.push({ path: `${path}/${year}`, message: `grade must be one of ${GRADES.join(', ')}` });
    }
    return details;
  }

  async create(actor: Actor, input: AgencyInput): Promise<AgencyView> {
    if (actor.role !== 'office') throw forbidden('only the office creates agencies');
    const details = await this.checkGrades(input.grades, '/grades');
    if (details.length > 0) throw invalid('invalid grades', details);
    if (await findAgency(this.db, input.code)) throw conflict(`agency ${input.code} already exists`);
    const now = isoNow(this.clock);
    const agency = { code: input.code, name: input.name.trim(), ministry: input.ministry.trim(), createdAt: now, updatedAt: now };
    await this.db.transaction().execute(async (trx) => {
      await insertAgency(trx, agency);
      for (const [year, grade] of Object.entries(input.grades ?? {})) await setAgencyGrade(trx, input.code, Number(year), grade);
      await this.audit.record(trx, { actor, action: 'agency.create', subject: `agency:${input.code}`, after: { ...input, name: agency.name, ministry: agency.ministry } });
    });
    return this.get(actor, input.code);
  }

  async update(actor: Actor, code: string, changes: AgencyChanges): Promise<AgencyView> {
    const before = await this.get(actor, code);
    if (actor.role !== 'office') throw forbidden('only the office edits agencies');
    const details = await this.checkGrades(changes.grades, '/grades');
    if (details.length > 0) throw invalid('invalid grades', details);
    await this.db.transaction().execute(async (trx) => {
      await updateAgency(trx, code, { name: changes.name?.trim(), ministry: changes.ministry?.trim(), updatedAt: isoNow(this.clock) });
      for (const [year, grade] of Object.entries(changes.grades ?? {})) {
        if (grade === null) await deleteAgencyGrade(trx, code, Number(year));
        else await setAgencyGrade(trx, code, Number(year), grade);
      }
      await this.audit.record(trx, { actor, action: 'agency.update', subject: `agency:${code}`, before, after: changes });
    });
    return this.get(actor, code);
  }

  /**
   * Imports `code,name,ministry,grade` rows (UTF-8, with or without BOM, header on line 1) for one cycle.
   * Every bad row is reported with its line; nothing is written unless every row is valid.
   */
  async importCsv(actor: Actor | null, cycleYear: number, text: string): Promise<ImportReport> {
    if (!(await findCycle(this.db, cycleYear))) throw invalid(`no cycle ${cycleYear}`, [{ path: '/cycle', message: `no cycle ${cycleYear}` }]);
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
    } catch (error) {
      const e = error as Error & { lines?: number };
      throw invalid('the file is not valid CSV', [{ line: e.lines ?? 1, message: e.message.replace(/^Invalid Record Length: /, '') }]);
    }
    const [header, ...rows] = records;
    const details: ProblemDetail[] = [];
    if (!header || header.record.map((h) => h.toLowerCase()).join(',') !== CSV_COLUMNS.join(',')) {
      throw invalid('the header must be code,name,ministry,grade', [{ line: 1, message: `expected the header "${CSV_COLUMNS.join(',')}", found "${header?.record.join(',') ?? ''}"` }]);
    }
    if (rows.length === 0) throw invalid('the file has no agency rows', [{ line: 2, message: 'no rows after the header' }]);
    const seen = new Map<string, number>();
    const valid: { code: string; name: string; ministry: string; grade: Grade; line: number }[] = [];
    const codePattern = new RegExp(AGENCY_CODE_PATTERN);
    for (const { record, info } of rows) {
      const line = info.lines;
      if (record.length !== CSV_COLUMNS.length) {
        details.push({ line, message: `expected ${CSV_COLUMNS.length} columns, found ${record.length}` });
        continue;
      }
      const [code, name, ministry, grade] = record as [string, string, string, string];
      const before = details.length;
      if (!codePattern.test(code)) details.push({ line, column: 'code', message: code ? `"${code}" is not an agency code (letters, digits, - and _; up to 32)` : 'code is empty' });
      if (!name) details.push({ line, column: 'name', message: 'name is empty' });
      if (!ministry) details.push({ line, column: 'ministry', message: 'ministry is empty' });
      if (!GRADES.includes(grade.toUpperCase() as Grade)) details.push({ line, column: 'grade', message: `grade "${grade}" is not one of ${GRADES.join(', ')}` });
      const first = seen.get(code);
      if (code && first !== undefined) details.push({ line, column: 'code', message: `agency ${code} is already on line ${first}` });
      else if (code) seen.set(code, line);
      if (details.length === before) valid.push({ code, name, ministry, grade: grade.toUpperCase() as Grade, line });
    }
    if (details.length > 0) {
      const bad = new Set(details.map((d) => d.line)).size;
      throw invalid(`${bad} ${bad === 1 ? 'row is' : 'rows are'} invalid; nothing was imported`, details);
    }

    let created = 0;
    let updated = 0;
    await this.db.transaction().execute(async (trx) => {
      const now = isoNow(this.clock);
      for (const row of valid) {
        const existing = await findAgency(trx, row.code);
        if (existing) {
          await updateAgency(trx, row.code, { name: row.name, ministry: row.ministry, updatedAt: now });
          updated++;
        } else {
          await insertAgency(trx, { code: row.code, name: row.name, ministry: row.ministry, createdAt: now, updatedAt: now });
          created++;
        }
        await setAgencyGrade(trx, row.code, cycleYear, row.grade);
      }
      await this.audit.record(trx, { actor, action: 'agency.import', subject: `cycle:${cycleYear}`, after: { rows: valid.length, created, updated, agencies: valid.map((r) => [r.code, r.grade]) } });
    });
    return { cycle: cycleYear, rows: valid.length, created, updated };
  }
}
