// Improvement plans (改善計畫, docs/domain.md §8): the agency's staff write them on the gaps of its
// accepted assessment's validated result and track them to done; whoever sees the assessment reads
// them, and the plans not done show on the agency's assessments of later cycles.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { taiwanDate } from '../domain/deadlines.js';
import { checkPlanFields, gapOf, isOverdue, type PlanFieldProblem, type PlanFields, type PlanStatus } from '../domain/improvement.js';
import { seesAssessment, type Actor } from '../domain/roles.js';
import type { Gap } from '../domain/scoring.js';
import { findAssessment, type AssessmentRecord } from '../repositories/assessment.repository.js';
import { claimPlanRevision, findPlan, insertPlan, listPlans, updatePlan, type PlanRecord, type ScopedPlan } from '../repositories/improvement.repository.js';
import { storedResultsOf } from '../repositories/result.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { conflict, invalid, notFound, type ProblemDetail } from './errors.js';

/** A plan as the API and the pages show it. */
export interface PlanView {
  id: string;
  assessment: string;
  agency: string;
  cycle: number;
  process: string;
  attribute: string;
  action: string;
  owner: string;
  due: string;
  status: PlanStatus;
  /** The user name of who wrote it. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface PlanInput {
  assessment: string;
  process: string;
  attribute: string;
  action: string;
  owner: string;
  due: string;
}

export type PlanChanges = Partial<Record<'action' | 'owner' | 'due' | 'status', string>>;

export interface PlanListFilter {
  cycle?: number;
  agency?: string;
  assessment?: string;
  status?: PlanStatus;
}

const viewOf = (p: PlanRecord): PlanView => ({
  id: p.id,
  assessment: p.assessmentId,
  agency: p.agencyCode,
  cycle: p.cycleYear,
  process: p.process,
  attribute: p.attribute,
  action: p.action,
  owner: p.owner,
  due: p.due,
  status: p.status,
  createdBy: p.createdBy,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** The visibility rule of assessments, applied to the assessment a plan belongs to. */
const sees = (actor: Actor, p: ScopedPlan): boolean => seesAssessment(actor, { agencyCode: p.agencyCode, ministry: p.ministry, assessorId: p.assessorId });

const refused = (problems: readonly PlanFieldProblem[]) =>
  invalid(
    `invalid improvement plan: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    problems.map((p): ProblemDetail => ({ path: `/${p.field}`, message: p.message })),
  );

/** Thrown inside a change's transaction when it would change nothing, so that the revision it claimed rolls back. */
class NothingChanged extends Error {}

export class ImprovementService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The plans the actor sees (those of the assessments they see), filtered. */
  async list(actor: Actor, filter: PlanListFilter): Promise<PlanView[]> {
    const plans = await listPlans(this.db, filter);
    return plans.filter((p) => sees(actor, p)).map(viewOf);
  }

  /** The gaps of the assessment's stored validated result while it is accepted (none before, or after a reopening). */
  async gapsOf(a: AssessmentRecord): Promise<Gap[]> {
    if (a.state !== 'accepted') return [];
    const stored = (await storedResultsOf(this.db, [{ id: a.id, basis: 'validated' }])).get(a.id);
    return stored?.gaps ?? [];
  }

  /** What the plans page of an assessment shows: the gaps, the plans written on it (each overdue or not), and what the actor may do. */
  async ofAssessment(actor: Actor, assessmentId: string) {
    const a = await this.access.visible(actor, assessmentId);
    const [gaps, plans] = await Promise.all([this.gapsOf(a), listPlans(this.db, { assessment: a.id })]);
    const today = taiwanDate(this.clock.now());
    const allowed = this.access.allowed(actor, a);
    return { assessment: a, gaps, plans: plans.map((p) => ({ ...viewOf(p), overdue: isOverdue(p, today) })), may: { write: allowed['improvement-plan'], track: allowed['plan-progress'] } };
  }

  /**
   * The plans carried into an assessment: those of the agency's earlier cycles not done, each with
   * whether it is overdue (its due day over in Taiwan) and whether the actor sees the assessment it
   * was written on (and so may follow a link to it). Shown to whoever sees this assessment.
   */
  async carriedInto(actor: Actor, assessmentId: string): Promise<(PlanView & { overdue: boolean; linked: boolean })[]> {
    const a = await this.access.visible(actor, assessmentId);
    const today = taiwanDate(this.clock.now());
    const plans = await listPlans(this.db, { agency: a.agencyCode, beforeCycle: a.cycleYear, notStatus: 'done' });
    return plans.map((p) => ({ ...viewOf(p), overdue: isOverdue(p, today), linked: sees(actor, p) }));
  }

  /**
   * Writes a new plan on a gap of the accepted assessment's stored validated result: 404 for an
   * assessment the actor does not see, 403 for anyone but its agency's staff, 409 unless accepted
   * (checked again as it is written), 400 naming the field for a pair that is not a gap or a bad field.
   */
  async create(actor: Actor, input: PlanInput): Promise<PlanView> {
    const a = await this.access.visible(actor, input.assessment);
    this.access.mayEdit(actor, a, 'improvement-plan');
    const { fields, problems } = checkPlanFields({ action: input.action, owner: input.owner, due: input.due });
    if (problems.length > 0) throw refused(problems);
    const gaps = await this.gapsOf(a);
    if (!gaps.some((g) => g.process === input.process)) {
      throw invalid(`${input.process} has no gap in the validated result`, [{ path: '/process', message: `is not a process with a gap in the assessment’s validated result (${[...new Set(gaps.map((g) => g.process))].join(', ') || 'none'})` }]);
    }
    if (!gapOf({ gaps }, input.process, input.attribute)) {
      const attributes = gaps.filter((g) => g.process === input.process).map((g) => g.attribute);
      throw invalid(`${input.process} ${input.attribute} is not a gap`, [{ path: '/attribute', message: `is not a gap of ${input.process} (its gaps: ${attributes.join(', ')})` }]);
    }
    const { action, owner, due } = fields as Pick<PlanFields, 'action' | 'owner' | 'due'>;
    return this.db.transaction().execute(async (trx) => {
      const now = await findAssessment(trx, a.id);
      if (now?.state !== 'accepted') throw conflict(`the assessment changed meanwhile (it is ${now?.state ?? 'gone'} now): plans are written on an accepted assessment`);
      const at = isoNow(this.clock);
      const plan: PlanRecord = { id: randomUUID(), assessmentId: a.id, agencyCode: a.agencyCode, cycleYear: a.cycleYear, process: input.process, attribute: input.attribute, action, owner, due, status: 'open', revision: 1, createdBy: actor.username, createdAt: at, updatedAt: at };
      await insertPlan(trx, plan);
      const view = viewOf(plan);
      await this.audit.record(trx, { actor, action: 'improvement.create', subject: subjectOf(a), after: view });
      return view;
    });
  }

  /**
   * Changes a plan's action, owner, due date or status, in any state of its assessment: 404 for a plan
   * the actor does not see, 403 for anyone but the agency's staff. Concurrent changes apply one after
   * another; each that changes something moves the revision on by one and is audited (the fields
   * changed, before → after). A change to what the plan already holds changes nothing.
   */
  async update(actor: Actor, id: string, changes: PlanChanges): Promise<PlanView> {
    const found = await findPlan(this.db, id);
    if (!found || !sees(actor, found)) throw notFound(`no improvement plan ${id}`);
    const a = await this.access.visible(actor, found.assessmentId);
    this.access.mayEdit(actor, a, 'plan-progress');
    if (Object.values(changes).every((v) => v === undefined)) throw invalid('nothing to change', [{ path: '/', message: 'give at least one of action, owner, due, status' }]);
    const { fields, problems } = checkPlanFields(changes);
    if (problems.length > 0) throw refused(problems);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const revision = await claimPlanRevision(trx, id);
        const current = revision === undefined ? undefined : await findPlan(trx, id);
        if (!current) throw notFound(`no improvement plan ${id}`);
        const changed = (Object.keys(fields) as (keyof PlanFields)[]).filter((k) => fields[k] !== current[k]);
        if (changed.length === 0) throw new NothingChanged();
        const at = isoNow(this.clock);
        const after = Object.fromEntries(changed.map((k) => [k, fields[k]])) as Partial<PlanFields>;
        await updatePlan(trx, id, { ...after, updatedAt: at });
        await this.audit.record(trx, {
          actor,
          action: 'improvement.update',
          subject: subjectOf(a),
          before: { id, ...Object.fromEntries(changed.map((k) => [k, current[k]])) },
          after: { id, ...after },
        });
        return viewOf({ ...current, ...after, updatedAt: at });
      });
    } catch (error) {
      if (!(error instanceof NothingChanged)) throw error;
      const now = await findPlan(this.db, id);
      if (!now) throw notFound(`no improvement plan ${id}`);
      return viewOf(now);
    }
  }
}
