// Improvement plans (docs/domain.md §8): all the Kysely code of the plans. Each row comes with what the
// visibility rule needs of its assessment (the agency's ministry and the assigned assessor).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ImprovementPlansTable } from '../db/types.js';
import type { PlanStatus } from '../domain/improvement.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A plan as stored, its status typed. */
export type PlanRecord = Omit<Selectable<ImprovementPlansTable>, 'status'> & { status: PlanStatus };

/** A plan with what decides who sees it: its agency's ministry and its assessment's assessor. */
export interface ScopedPlan extends PlanRecord {
  ministry: string;
  assessorId: string | null;
}

export interface PlanFilter {
  cycle?: number;
  agency?: string;
  assessment?: string;
  status?: PlanStatus;
  /** Plans of cycles before this one only. */
  beforeCycle?: number;
  /** Plans in any status but these only. */
  notStatus?: PlanStatus;
}

function selectPlans(db: Db) {
  return db
    .selectFrom('improvementPlans')
    .innerJoin('assessments', 'assessments.id', 'improvementPlans.assessmentId')
    .innerJoin('agencies', 'agencies.code', 'improvementPlans.agencyCode')
    .selectAll('improvementPlans')
    .select(['agencies.ministry', 'assessments.assessorId']);
}

type PlanRow = Awaited<ReturnType<ReturnType<typeof selectPlans>['executeTakeFirstOrThrow']>>;
const planOf = (r: PlanRow): ScopedPlan => ({ ...r, cycleYear: Number(r.cycleYear), revision: Number(r.revision), status: r.status as PlanStatus });

export async function findPlan(db: Db, id: string): Promise<ScopedPlan | undefined> {
  const row = await selectPlans(db).where('improvementPlans.id', '=', id).executeTakeFirst();
  return row && planOf(row);
}

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Cycle, agency, process, attribute, creation (then id): compared by code point, as both databases would not (PostgreSQL's collation ignores punctuation). */
const planOrder = (a: PlanRecord, b: PlanRecord) =>
  a.cycleYear - b.cycleYear || byCode(a.agencyCode, b.agencyCode) || byCode(a.process, b.process) || byCode(a.attribute, b.attribute) || byCode(a.createdAt, b.createdAt) || byCode(a.id, b.id);

/** The plans matching every filter given, by cycle, agency, process, attribute and creation. */
export async function listPlans(db: Db, f: PlanFilter): Promise<ScopedPlan[]> {
  let q = selectPlans(db);
  if (f.cycle !== undefined) q = q.where('improvementPlans.cycleYear', '=', f.cycle);
  if (f.agency !== undefined) q = q.where('improvementPlans.agencyCode', '=', f.agency);
  if (f.assessment !== undefined) q = q.where('improvementPlans.assessmentId', '=', f.assessment);
  if (f.status !== undefined) q = q.where('improvementPlans.status', '=', f.status);
  if (f.beforeCycle !== undefined) q = q.where('improvementPlans.cycleYear', '<', f.beforeCycle);
  if (f.notStatus !== undefined) q = q.where('improvementPlans.status', '!=', f.notStatus);
  return (await q.execute()).map(planOf).sort(planOrder);
}

export async function insertPlan(db: Db, plan: PlanRecord): Promise<void> {
  await db.insertInto('improvementPlans').values(plan).execute();
}

/**
 * Moves a plan's revision on by one and returns its number: the first statement of a change, so that
 * the row is locked (PostgreSQL) until the change commits and concurrent changes apply one after
 * another, each reading what the one before left. Undefined when there is no such plan.
 */
export async function claimPlanRevision(trx: Transaction<Database>, id: string): Promise<number | undefined> {
  const row = await trx
    .updateTable('improvementPlans')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', id)
    .returning('revision')
    .executeTakeFirst();
  return row && Number(row.revision);
}

export async function updatePlan(trx: Transaction<Database>, id: string, changes: Partial<Pick<PlanRecord, 'action' | 'owner' | 'due' | 'status'>> & { updatedAt: string }): Promise<void> {
  await trx.updateTable('improvementPlans').set(changes).where('id', '=', id).execute();
}
