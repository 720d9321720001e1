// May this actor do this to this assessment now? Visibility (404), the workflow table's role and
// state rules (403, 409), the same state check again inside the write transaction, and the moves
// between states with their history and audit entries. The one home of these checks.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { IndexedProcess, QuestionnaireIndex } from '../domain/questionnaire.js';
import { seesAssessment, type Actor } from '../domain/roles.js';
import { EDITS, TRANSITIONS, TRANSITION_NAMES, refuseEdit, refuseTransition, statesAllowing, type Edit, type Refusal, type Transition } from '../domain/workflow.js';
import { findAssessment, insertStateChange, touchAssessmentIn, updateAssessmentIn, type AssessmentChanges, type AssessmentRecord } from '../repositories/assessment.repository.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { conflict, forbidden, notFound, type ServiceError } from './errors.js';
import type { QuestionnaireService } from './questionnaire.service.js';

type Db = Kysely<Database> | Transaction<Database>;

export const subjectOf = (a: { id: string }): string => `assessment:${a.id}`;

const refusalError = (r: Refusal): ServiceError => (r.kind === 'role' ? forbidden(r.message) : conflict(r.message));

export class AssessmentAccess {
  constructor(
    readonly db: Kysely<Database>,
    private readonly questionnaires: QuestionnaireService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The assessment if the actor may see it; 404 otherwise (ids leak nothing). */
  async visible(actor: Actor, id: string, db: Db = this.db): Promise<AssessmentRecord> {
    const a = await findAssessment(db, id);
    if (!a || !seesAssessment(actor, a)) throw notFound(`no assessment ${id}`);
    return a;
  }

  /** What the actor may do to the assessment now, edit by edit and transition by transition: what a page offers. */
  allowed(actor: Actor, a: AssessmentRecord): Record<Edit | Transition, boolean> {
    const edits = Object.fromEntries((Object.keys(EDITS) as Edit[]).map((e) => [e, refuseEdit(actor, a, e) === null]));
    const transitions = Object.fromEntries(TRANSITION_NAMES.map((t) => [t, refuseTransition(actor, a, t) === null]));
    return { ...edits, ...transitions } as Record<Edit | Transition, boolean>;
  }

  /** 403 when the actor's role (or assignment) may not make this edit, 409 when the state does not allow it. */
  mayEdit(actor: Actor, a: AssessmentRecord, edit: Edit): void {
    const refusal = refuseEdit(actor, a, edit);
    if (refusal) throw refusalError(refusal);
  }

  mayTransition(actor: Actor, a: AssessmentRecord, transition: Transition): void {
    const refusal = refuseTransition(actor, a, transition);
    if (refusal) throw refusalError(refusal);
  }

  /**
   * Runs an edit in one transaction that first checks, on the row itself, that the assessment is
   * still in a state allowing it (and marks it updated); a state changed meanwhile gets 409 and
   * nothing of the edit lands.
   */
  async edit<T>(a: AssessmentRecord, edit: Edit, work: (trx: Transaction<Database>, at: string) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const at = isoNow(this.clock);
      if (!(await touchAssessmentIn(trx, a.id, statesAllowing(edit), at))) throw await this.changedMeanwhile(trx, a);
      return work(trx, at);
    });
  }

  /**
   * Moves an assessment along a transition of the workflow table: the row changes only if it is still
   * in the state it was read in; `work` runs inside the same transaction after that (scoring,
   * sealing) and returns what the audit entry's `after` adds.
   */
  async transition(
    actor: Actor,
    a: AssessmentRecord,
    transition: Transition,
    options: { comment?: string | null; changes?: (at: string) => Omit<AssessmentChanges, 'state' | 'updatedAt'>; work?: (trx: Transaction<Database>, at: string) => Promise<Record<string, unknown> | void> } = {},
  ): Promise<{ id: string; status: AssessmentRecord['state'] }> {
    this.mayTransition(actor, a, transition);
    const to = TRANSITIONS[transition].to;
    await this.db.transaction().execute(async (trx) => {
      const at = isoNow(this.clock);
      if (!(await updateAssessmentIn(trx, a.id, [a.state], { ...options.changes?.(at), state: to, updatedAt: at }))) throw await this.changedMeanwhile(trx, a);
      await insertStateChange(trx, a.id, randomUUID(), { from: a.state, to, by: actor.username, at, comment: options.comment ?? null });
      const extra = (await options.work?.(trx, at)) ?? {};
      await this.audit.record(trx, { actor, action: `assessment.${transition}`, subject: subjectOf(a), before: { state: a.state }, after: { state: to, ...(options.comment ? { comment: options.comment } : {}), ...extra } });
    });
    return { id: a.id, status: to };
  }

  private async changedMeanwhile(trx: Transaction<Database>, a: AssessmentRecord): Promise<ServiceError> {
    const now = await findAssessment(trx, a.id);
    return conflict(`the assessment changed meanwhile (it was ${a.state}, it is ${now?.state ?? 'gone'} now); reload it`);
  }

  async index(a: AssessmentRecord): Promise<QuestionnaireIndex> {
    return this.questionnaires.index(a.questionnaire);
  }

  /** A process of the assessment's questionnaire, or 404. */
  processOf(index: QuestionnaireIndex, process: string): IndexedProcess {
    const p = index.processById.get(process);
    if (!p) throw notFound(`no process ${process} in ${index.ref}`);
    return p;
  }

  /** A (process, indicator) pair of the assessment's questionnaire, or 404. */
  indicatorOf(index: QuestionnaireIndex, process: string, indicator: string) {
    const p = this.processOf(index, process);
    const i = p.indicatorById.get(indicator);
    if (!i) throw notFound(`no indicator ${indicator} in process ${process}`);
    return { process: p, indicator: i };
  }
}
