// Assessments (docs/domain.md §5): creation and pre-fill, the list each role sees, the whole
// assessment, its results (live while open, as sealed once accepted) and the CISO's submission.
// The agency's edits: answer.service.ts; evidence files: evidence.service.ts; review: review.service.ts.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { checkAnswersDocument } from '../domain/answers.js';
import { carryAnswers, indicatorKey } from '../domain/crosswalk.js';
import type { AnswerRating, QuestionnaireIndex } from '../domain/questionnaire.js';
import { visibilityOf, type Actor, type Grade } from '../domain/roles.js';
import { SIGN_OFF_STATEMENT, type AssessmentState } from '../domain/workflow.js';
import { findAgency, gradesOf } from '../repositories/agency.repository.js';
import * as repo from '../repositories/assessment.repository.js';
import type { AssessmentRecord } from '../repositories/assessment.repository.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { scoreAssessment, storeResults, type Results } from './stored-results.js';
import { findUserById } from '../repositories/user.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { viewOfCycle } from './cycle.service.js';
import { ServiceError, conflict, forbidden, invalid, notFound } from './errors.js';
import type { QuestionnaireService } from './questionnaire.service.js';
import type { SealService } from './seal.service.js';

export interface AnswerView {
  process: string;
  indicator: string;
  rating: AnswerRating | null;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: boolean;
  assessor: { rating: AnswerRating; reason: string | null; stale: boolean } | null;
}

export { scoreAssessment, type Results } from './stored-results.js';

/** Whether an answer can land on an indicator of a questionnaire (it exists there; NA only on a base practice). */
const landsOn = (index: QuestionnaireIndex) => (ref: { process: string; indicator: string }, rating: AnswerRating) => {
  const i = index.processById.get(ref.process)?.indicatorById.get(ref.indicator);
  return i !== undefined && (rating !== 'NA' || i.basePractice);
};
/** An indicator's place in a questionnaire, for carrying answers in its order. */
const slotIn = (index: QuestionnaireIndex) => (ref: { process: string; indicator: string }) => index.processById.get(ref.process)?.indicatorById.get(ref.indicator)?.slot ?? Number.MAX_SAFE_INTEGER;

export class AssessmentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly questionnaires: QuestionnaireService,
    private readonly seals: SealService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  // ——— create ———

  async create(actor: Actor, input: { agency: string; cycle: number; prefillFrom?: number }): Promise<{ id: string }> {
    // The office creates for any agency, agency staff for their own; others are refused by the route.
    const agency = await findAgency(this.db, input.agency);
    if (!agency || (actor.role !== 'office' && actor.agency !== input.agency)) throw notFound(`no agency ${input.agency}`);
    if (actor.role !== 'office' && actor.agency === null) throw forbidden('the office or the agency creates assessments');
    const cycleRow = await findCycle(this.db, input.cycle);
    if (!cycleRow) throw invalid(`no cycle ${input.cycle}`, [{ path: '/cycle', message: `no cycle ${input.cycle}` }]);
    const cycle = viewOfCycle(cycleRow);
    if (cycle.closed) throw conflict(`cycle ${input.cycle} is closed`);
    const grade = (await gradesOf(this.db, [input.agency])).get(input.agency)?.[String(input.cycle)] ?? null;
    if (grade === null || !cycle.grades.includes(grade as Grade)) {
      const why = grade === null ? `${input.agency} has no grade for cycle ${input.cycle}` : `${input.agency} is grade ${grade} in cycle ${input.cycle}`;
      throw new ServiceError('not_in_cohort', `${why}; cycle ${input.cycle} assesses grades ${cycle.grades.join(', ')}`, [{ path: '/agency', message: `${why}, not one of ${cycle.grades.join(', ')}` }]);
    }
    if (await repo.findAssessmentOf(this.db, input.agency, input.cycle)) throw conflict(`${input.agency} already has an assessment for cycle ${input.cycle}`);

    const carried = input.prefillFrom === undefined ? [] : await this.prefillAnswers(input.agency, input.prefillFrom, input.cycle, cycle.questionnaire);
    const id = randomUUID();
    const at = isoNow(this.clock);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAssessment(trx, {
        id,
        agencyCode: input.agency,
        cycleYear: input.cycle,
        questionnaire: cycle.questionnaire,
        state: 'draft',
        assessorId: null,
        prefilledFrom: input.prefillFrom ?? null,
        submittedAt: null,
        submittedBy: null,
        signOff: null,
        acceptedAt: null,
        createdAt: at,
        updatedAt: at,
      });
      for (const { process, indicator, rating, evidence, note, justification } of carried) {
        await repo.insertAnswerIfAbsent(trx, id, process, indicator, { rating, evidence, note, justification, revision: 1, unconfirmed: true, updatedAt: at, updatedBy: actor.username });
      }
      await repo.insertStateChange(trx, id, randomUUID(), { from: null, to: 'draft', by: actor.username, at, comment: null });
      await this.audit.record(trx, { actor, action: 'assessment.create', subject: subjectOf({ id }), after: { agency: input.agency, cycle: input.cycle, questionnaire: cycle.questionnaire, prefillFrom: input.prefillFrom ?? null, carried: carried.length } });
    });
    return { id };
  }

  /**
   * The answers of the agency's accepted assessment of an earlier cycle, carried to `toRef` through the
   * crosswalk (or as they are, for the same questionnaire). Several older answers merging into one take
   * the lowest rating and all their evidence.
   */
  private async prefillAnswers(agency: string, fromCycle: number, toCycle: number, toRef: string) {
    const refuse = (message: string) => new ServiceError('invalid_prefill', message, [{ path: '/prefillFrom', message }]);
    if (fromCycle >= toCycle) throw refuse(`pre-fill comes from an earlier cycle than ${toCycle}, not from ${fromCycle}`);
    const source = await repo.findAssessmentOf(this.db, agency, fromCycle);
    if (!source || source.state !== 'accepted') throw refuse(`${agency} has no accepted assessment in cycle ${fromCycle} to pre-fill from`);
    const answers = await repo.findAnswers(this.db, source.id);
    const target = await this.questionnaires.index(toRef);
    const map = source.questionnaire === toRef ? undefined : this.questionnaires.crosswalk(source.questionnaire, toRef);
    if (source.questionnaire !== toRef && !map) throw refuse(`no crosswalk, nor chain of crosswalks, leads from ${source.questionnaire} to ${toRef}`);
    const origin = await this.questionnaires.index(source.questionnaire);
    return carryAnswers(answers, map ?? null, landsOn(target), slotIn(origin)).carried;
  }

  /**
   * The agency's answers of the previous cycle's accepted assessment, carried onto this assessment's
   * questionnaire as pre-fill would carry them: what the assessor sees beside each answer. Empty where
   * there is none or no crosswalk leads here.
   */
  async lastCycleAnswers(actor: Actor, id: string) {
    const a = await this.access.visible(actor, id);
    try {
      return await this.prefillAnswers(a.agencyCode, a.cycleYear - 1, a.cycleYear, a.questionnaire);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'invalid_prefill') return [];
      throw error;
    }
  }

  // ——— read ———

  async list(actor: Actor, filter: { cycle?: number; agency?: string; status?: AssessmentState }) {
    const rows = await repo.listAssessments(this.db, visibilityOf(actor), { cycle: filter.cycle, agency: filter.agency, state: filter.status });
    return rows.map((r) => ({
      id: r.id,
      agency: r.agencyCode,
      agencyName: r.agencyName,
      ministry: r.ministry,
      cycle: r.cycleYear,
      questionnaire: r.questionnaire,
      status: r.state,
      assessor: r.assessorUsername,
      submittedAt: r.submittedAt,
      acceptedAt: r.acceptedAt,
      updatedAt: r.updatedAt,
    }));
  }

  /**
   * The list with each assessment's level as it stands: the agency's own (self) level until it is
   * accepted, then the validated level of the sealed record. A list read, not audited per assessment.
   */
  async listWithLevels(actor: Actor, filter: { cycle?: number; agency?: string; status?: AssessmentState }) {
    const rows = await this.list(actor, filter);
    return Promise.all(
      rows.map(async (row) => {
        const seal = row.status === 'accepted' ? await this.seals.current(row.id) : undefined;
        const results = seal ? seal.record : await this.results(await this.access.visible(actor, row.id));
        const shown = row.status === 'accepted' ? results.validated : results.self;
        return { ...row, level: shown.level, targetLevel: shown.targetLevel, meetsTarget: shown.meetsTarget };
      }),
    );
  }

  /** What the actor may do to the assessment now (src/domain/workflow.ts decides). */
  async allowed(actor: Actor, id: string) {
    return this.access.allowed(actor, await this.access.visible(actor, id));
  }

  /** The whole assessment; the read is audited. */
  async get(actor: Actor, id: string) {
    const a = await this.access.visible(actor, id);
    const view = await this.view(a);
    await this.audit.recordAlone({ actor, action: 'assessment.read', subject: subjectOf(a) });
    return view;
  }

  async view(a: AssessmentRecord) {
    const [parts, comments, history, evidence, assessor, index] = await Promise.all([
      repo.loadAssessmentParts(this.db, a.id),
      repo.findComments(this.db, a.id),
      repo.findStateChanges(this.db, a.id),
      repo.listEvidenceFiles(this.db, a.id),
      a.assessorId ? findUserById(this.db, a.assessorId) : Promise.resolve(undefined),
      this.access.index(a),
    ]);
    const byKey = new Map<string, AnswerView>();
    for (const x of parts.answers) {
      byKey.set(`${x.process}/${x.indicator}`, { process: x.process, indicator: x.indicator, rating: x.rating, evidence: x.evidence, note: x.note, justification: x.justification, revision: x.revision, unconfirmed: x.unconfirmed, assessor: null });
    }
    for (const r of parts.assessorRatings) {
      const key = `${r.process}/${r.indicator}`;
      const entry = byKey.get(key) ?? { process: r.process, indicator: r.indicator, rating: null, evidence: null, note: null, justification: null, revision: 0, unconfirmed: false, assessor: null };
      entry.assessor = { rating: r.rating, reason: r.reason, stale: r.stale };
      byKey.set(key, entry);
    }
    const order = (p: string, i: string) => index.processById.get(p)?.indicatorById.get(i)?.slot ?? Number.MAX_SAFE_INTEGER;
    return {
      id: a.id,
      agency: a.agencyCode,
      cycle: a.cycleYear,
      questionnaire: a.questionnaire,
      status: a.state,
      assessor: assessor?.username ?? null,
      prefilledFrom: a.prefilledFrom,
      submittedAt: a.submittedAt,
      submittedBy: a.submittedBy,
      signOff: a.signOff,
      acceptedAt: a.acceptedAt,
      answers: [...byKey.values()].sort((x, y) => order(x.process, x.indicator) - order(y.process, y.indicator)),
      scope: parts.scope.map((s) => ({ process: s.process, inScope: s.inScope, justification: s.justification })),
      scopeDecisions: parts.scopeDecisions.map((d) => ({ process: d.process, inScope: d.inScope, reason: d.reason, by: d.updatedBy })),
      overrides: parts.overrides.map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating, reason: o.reason, by: o.updatedBy })),
      findings: parts.findings.map((f) => ({ process: f.process, text: f.text, by: f.updatedBy, at: f.updatedAt })),
      comments,
      evidence,
      history: history.map((h) => ({ from: h.from, to: h.to, by: h.by, at: h.at, comment: h.comment })),
    };
  }

  /** Both results of an assessment as it stands, read through `db` (a transaction's, to read what it holds). */
  async results(a: AssessmentRecord, db: Kysely<Database> | Transaction<Database> = this.db): Promise<Results> {
    return (await scoreAssessment(db, await this.access.index(a), a)).results;
  }

  /** `{self, validated}`: live while the assessment is open, as sealed once accepted. The read is audited. */
  async result(actor: Actor, id: string): Promise<Results & { verificationCode: string | null }> {
    const a = await this.access.visible(actor, id);
    const seal = a.state === 'accepted' ? await this.seals.current(a.id) : undefined;
    const out = seal ? { self: seal.record.self, validated: seal.record.validated, verificationCode: seal.verificationCode } : { ...(await this.results(a)), verificationCode: null };
    await this.audit.recordAlone({ actor, action: 'result.read', subject: subjectOf(a) });
    return out;
  }

  // ——— moving a draft to another version of its questionnaire ———

  /**
   * The office moves a draft to another version of the same questionnaire through the crosswalks:
   * answers, scope and evidence files follow; an answer stays confirmed only where its move is one to
   * one without a note at every step, every other carried answer is unconfirmed; one audit entry lists
   * every mapping.
   */
  async moveQuestionnaire(actor: Actor, id: string, target: string) {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'move');
    const refuse = (message: string) => new ServiceError('invalid_move', message, [{ path: '/questionnaire', message }]);
    const [fromId] = a.questionnaire.split('@');
    if (target.split('@')[0] !== fromId) throw refuse(`${a.questionnaire} moves only to another version of ${fromId}, not to ${target}`);
    if (target === a.questionnaire) throw refuse(`the assessment already uses ${target}`);
    if (!(await this.questionnaires.exists(target))) throw refuse(`no questionnaire ${target} is stored`);
    const map = this.questionnaires.crosswalk(a.questionnaire, target);
    if (!map) throw refuse(`no crosswalk, nor chain of crosswalks, leads from ${a.questionnaire} to ${target}`);
    const [index, source] = await Promise.all([this.questionnaires.index(target), this.questionnaires.index(a.questionnaire)]);
    await this.access.edit(a, 'move', async (trx, at) => {
      const [answers, scope, evidence] = await Promise.all([repo.findAnswers(trx, a.id), repo.findScope(trx, a.id), repo.listEvidenceFiles(trx, a.id)]);
      const { carried, mappings } = carryAnswers(answers, map, landsOn(index), slotIn(source));
      await repo.deleteAnswers(trx, a.id);
      for (const { process, indicator, confirmed, ...answer } of carried) {
        await repo.insertAnswerIfAbsent(trx, a.id, process, indicator, { ...answer, revision: answer.revision + 1, unconfirmed: !confirmed, updatedAt: at, updatedBy: actor.username });
      }
      for (const s of scope) if (!index.processById.has(s.process)) await repo.deleteScope(trx, a.id, s.process);
      for (const file of evidence) {
        const first = map.get(indicatorKey(file))?.to[0];
        if (first && indicatorKey(first) !== indicatorKey(file)) await repo.moveEvidenceFiles(trx, a.id, file, first);
      }
      await repo.updateAssessmentIn(trx, a.id, ['draft'], { questionnaire: target, updatedAt: at });
      await storeResults(trx, a.id, (await scoreAssessment(trx, index, a)).results, at);
      await this.audit.record(trx, { actor, action: 'assessment.move', subject: subjectOf(a), before: { questionnaire: a.questionnaire }, after: { questionnaire: target, mappings } });
    });
    return this.view(await this.access.visible(actor, id));
  }

  // ——— submission ———

  /**
   * The CISO signs off — confirms SIGN_OFF_STATEMENT — and submits; the sign-off `{name, username, at,
   * statement}` is stored with the assessment. Completeness is checked inside the transaction, on what it commits.
   */
  async submit(actor: Actor, id: string, input: { statement: boolean }) {
    const a = await this.access.visible(actor, id);
    const index = await this.access.index(a);
    this.access.mayTransition(actor, a, 'submit');
    if (input.statement !== true) throw invalid('the CISO must confirm the sign-off statement', [{ path: '/statement', message: `must be true: ${SIGN_OFF_STATEMENT.en}` }]);
    const name = (await findUserById(this.db, actor.id))?.displayName ?? actor.username;
    return this.access.transition(actor, a, 'submit', {
      changes: (at) => ({ submittedAt: at, submittedBy: actor.username, signOff: { name, username: actor.username, at, statement: SIGN_OFF_STATEMENT } }),
      work: async (trx, at) => {
        const { parts, results } = await scoreAssessment(trx, index, a);
        const { self } = results;
        const { missing, missingEvidence } = self.completeness;
        if (missing.length > 0 || missingEvidence.length > 0) {
          throw new ServiceError('incomplete', `the assessment is incomplete: ${missing.length} answers and ${missingEvidence.length} evidence texts are missing`, undefined, { completeness: self.completeness });
        }
        const problems = checkAnswersDocument(index, {
          answers: parts.answers,
          outOfScope: parts.scope.filter((s) => !s.inScope).map((s) => ({ process: s.process, justification: s.justification })),
        });
        if (problems.length > 0) throw invalid('the answers are not consistent', problems.map((p) => ({ path: p.pointer, message: `${p.process ?? ''} ${p.indicator ?? ''}: ${p.message}`.trim() })));
        await storeResults(trx, a.id, results, at);
        return { level: self.level, score: self.score };
      },
    });
  }
}
