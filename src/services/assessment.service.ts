// Assessments (DOMAIN.md §4): creation and pre-fill, the agency's answers, scope, evidence, comments,
// confirmation and submission, every read and change audited. Review and acceptance: review.service.ts.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Assessment, Database } from '../db/types.js';
import { basePracticesNa, checkAnswersDocument, hasText, tooManyNa } from '../domain/answers.js';
import type { AnswerRating, QuestionnaireIndex, Rating } from '../domain/questionnaire.js';
import type { Actor } from '../domain/roles.js';
import { score, type ScoreResult } from '../domain/scoring.js';
import { AGENCY_EDITABLE, isAgencyStaff, type Status } from '../domain/workflow.js';
import { findAgency } from '../repositories/agency.repository.js';
import * as repo from '../repositories/assessment.repository.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { findUserById } from '../repositories/user.repository.js';
import { appendAudit } from './audit.service.js';
import { viewOfCycle } from './cycle.service.js';
import { ServiceError, conflict, forbidden, invalid, notFound } from './errors.js';
import { detectEvidenceType } from './evidence-types.js';
import type { QuestionnaireService } from './questionnaire.service.js';

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

export interface AnswerInputBody {
  rating: AnswerRating;
  evidence?: string | null;
  note?: string | null;
  justification?: string | null;
  revision: number;
}

const now = (): string => new Date().toISOString();
const RATING_ORDER: Record<string, number> = { N: 0, P: 1, L: 2, F: 3 };

export class AssessmentService {
  constructor(
    readonly db: Kysely<Database>,
    readonly questionnaires: QuestionnaireService,
    private readonly uploadMaxBytes: number,
  ) {}

  // ——— visibility and guards ———

  /** The assessment if the actor may see it; 404 otherwise (ids leak nothing). */
  async visible(actor: Actor, id: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<Assessment> {
    const a = await repo.findAssessment(db, id);
    if (!a || !(await this.sees(actor, a, db))) throw notFound(`no assessment ${id}`);
    return a;
  }

  async sees(actor: Actor, a: Assessment, db: Kysely<Database> | Transaction<Database> = this.db): Promise<boolean> {
    switch (actor.role) {
      case 'office':
        return true;
      case 'agency':
      case 'ciso':
        return actor.agency === a.agencyCode;
      case 'assessor':
        return actor.id === a.assessorId;
      case 'ministry':
        return (await findAgency(db, a.agencyCode))?.ministry === actor.ministry;
    }
  }

  /** The agency's own staff, while the assessment is in draft or returned. */
  agencyEditable(actor: Actor, a: Assessment): void {
    if (!isAgencyStaff(actor.role)) throw forbidden('only the agency edits its assessment');
    if (!AGENCY_EDITABLE.includes(a.status as Status)) throw conflict(`the assessment is ${a.status}: the agency edits it only in draft or returned`);
  }

  async index(a: Assessment): Promise<QuestionnaireIndex> {
    return this.questionnaires.index(a.questionnaire);
  }

  private indicatorOf(index: QuestionnaireIndex, process: string, indicator: string) {
    const p = index.processById.get(process);
    if (!p) throw notFound(`no process ${process} in ${index.ref}`);
    const i = p.indicatorById.get(indicator);
    if (!i) throw notFound(`no indicator ${indicator} in process ${process}`);
    return { process: p, indicator: i };
  }

  // ——— create, list, read ———

  async create(actor: Actor, input: { agency: string; cycle: number; prefillFrom?: number }): Promise<{ id: string }> {
    // The office creates for any agency, agency staff for their own; others are refused by the route.
    const agency = await findAgency(this.db, input.agency);
    if (!agency || (actor.role !== 'office' && actor.agency !== input.agency)) throw notFound(`no agency ${input.agency}`);
    if (actor.role !== 'office' && !isAgencyStaff(actor.role)) throw forbidden('the office or the agency creates assessments');
    const cycleRow = await findCycle(this.db, input.cycle);
    if (!cycleRow) throw invalid(`no cycle ${input.cycle}`, [{ path: '/cycle', message: `no cycle ${input.cycle}` }]);
    const cycle = viewOfCycle(cycleRow);
    if (cycle.closed) throw conflict(`cycle ${input.cycle} is closed`);
    if (await repo.findAssessmentOf(this.db, input.agency, input.cycle)) throw conflict(`${input.agency} already has an assessment for cycle ${input.cycle}`);

    const carried = input.prefillFrom === undefined ? [] : await this.prefillAnswers(input.agency, input.prefillFrom, cycle.questionnaire);
    const id = randomUUID();
    const at = now();
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAssessment(trx, {
        id,
        agencyCode: input.agency,
        cycleYear: input.cycle,
        questionnaire: cycle.questionnaire,
        status: 'draft',
        assessorId: null,
        prefilledFrom: carried.length > 0 || input.prefillFrom !== undefined ? String(input.prefillFrom) : null,
        submittedAt: null,
        submittedBy: null,
        acceptedAt: null,
        createdAt: at,
        updatedAt: at,
      });
      for (const answer of carried) {
        await repo.insertAnswer(trx, { assessmentId: id, ...answer, revision: 1, unconfirmed: 1, updatedAt: at, updatedBy: actor.username });
      }
      await repo.insertStateChange(trx, { id: randomUUID(), assessmentId: id, fromStatus: null, toStatus: 'draft', by: actor.username, at, comment: null });
      await appendAudit(trx, { actor: actor.username, action: 'assessment.create', subject: `assessment:${id}`, after: { agency: input.agency, cycle: input.cycle, questionnaire: cycle.questionnaire, prefillFrom: input.prefillFrom ?? null, carried: carried.length } });
    });
    return { id };
  }

  /**
   * The answers of the agency's accepted assessment of an earlier cycle, carried to `toRef` through the
   * crosswalk (or as they are, for the same questionnaire). Several older answers merging into one take
   * the lowest rating and all their evidence.
   */
  private async prefillAnswers(agency: string, fromCycle: number, toRef: string) {
    const source = await repo.findAssessmentOf(this.db, agency, fromCycle);
    if (!source || source.status !== 'accepted') {
      throw invalid(`no accepted assessment of ${agency} in cycle ${fromCycle} to pre-fill from`, [{ path: '/prefillFrom', message: `${agency} has no accepted assessment in cycle ${fromCycle}` }]);
    }
    const answers = await repo.findAnswers(this.db, source.id);
    const target = await this.questionnaires.index(toRef);
    const map = source.questionnaire === toRef ? undefined : this.questionnaires.crosswalk(source.questionnaire, toRef);
    if (source.questionnaire !== toRef && !map) {
      throw invalid(`no crosswalk from ${source.questionnaire} to ${toRef}`, [{ path: '/prefillFrom', message: `no crosswalk from ${source.questionnaire} to ${toRef}` }]);
    }
    const merged = new Map<string, { process: string; indicator: string; rating: string; evidence: string | null; note: string | null; justification: string | null }>();
    for (const a of answers) {
      const targets = map ? (map.get(`${a.process}/${a.indicator}`) ?? []) : [{ process: a.process, indicator: a.indicator }];
      for (const t of targets) {
        const i = target.processById.get(t.process)?.indicatorById.get(t.indicator);
        if (!i) continue;
        if (a.rating === 'NA' && !i.basePractice) continue;
        const key = `${t.process}/${t.indicator}`;
        const prev = merged.get(key);
        if (!prev) merged.set(key, { process: t.process, indicator: t.indicator, rating: a.rating, evidence: a.evidence, note: a.note, justification: a.justification });
        else {
          const lower = (RATING_ORDER[a.rating] ?? 99) < (RATING_ORDER[prev.rating] ?? 99);
          merged.set(key, {
            ...prev,
            rating: lower ? a.rating : prev.rating,
            evidence: [prev.evidence, a.evidence].filter(hasText).join('\n') || null,
            justification: lower ? a.justification : prev.justification,
          });
        }
      }
    }
    return [...merged.values()];
  }

  async list(actor: Actor, filter: { cycle?: number; agency?: string; status?: string }) {
    const scope: repo.AssessmentFilter =
      actor.role === 'office' ? {} : isAgencyStaff(actor.role) ? { agencies: actor.agency ? [actor.agency] : [] } : actor.role === 'ministry' ? { ministry: actor.ministry ?? '' } : { assessorId: actor.id };
    const rows = await repo.listAssessments(this.db, { ...filter, ...scope });
    return rows.map((r) => ({
      id: r.id,
      agency: r.agencyCode,
      agencyName: r.agencyName,
      ministry: r.ministry,
      cycle: r.cycleYear,
      questionnaire: r.questionnaire,
      status: r.status as Status,
      assessor: r.assessorUsername,
      submittedAt: r.submittedAt,
      acceptedAt: r.acceptedAt,
      updatedAt: r.updatedAt,
    }));
  }

  /** The whole assessment; the read is audited. */
  async get(actor: Actor, id: string) {
    const a = await this.visible(actor, id);
    const view = await this.view(a);
    await this.db.transaction().execute((trx) => appendAudit(trx, { actor: actor.username, action: 'assessment.read', subject: `assessment:${id}` }));
    return view;
  }

  async view(a: Assessment) {
    const [answers, scope, ratings, decisions, overrides, findings, comments, history, evidence, assessor] = await Promise.all([
      repo.findAnswers(this.db, a.id),
      repo.findScope(this.db, a.id),
      repo.findAssessorRatings(this.db, a.id),
      repo.findScopeDecisions(this.db, a.id),
      repo.findOverrides(this.db, a.id),
      repo.findFindings(this.db, a.id),
      repo.findComments(this.db, a.id),
      repo.findStateChanges(this.db, a.id),
      repo.listEvidenceFiles(this.db, a.id),
      a.assessorId ? findUserById(this.db, a.assessorId) : Promise.resolve(undefined),
    ]);
    const index = await this.index(a);
    const byKey = new Map<string, AnswerView>();
    for (const x of answers) {
      byKey.set(`${x.process}/${x.indicator}`, {
        process: x.process,
        indicator: x.indicator,
        rating: x.rating as AnswerRating,
        evidence: x.evidence,
        note: x.note,
        justification: x.justification,
        revision: x.revision,
        unconfirmed: x.unconfirmed === 1,
        assessor: null,
      });
    }
    for (const r of ratings) {
      const key = `${r.process}/${r.indicator}`;
      const entry = byKey.get(key) ?? { process: r.process, indicator: r.indicator, rating: null, evidence: null, note: null, justification: null, revision: 0, unconfirmed: false, assessor: null };
      entry.assessor = { rating: r.rating as AnswerRating, reason: r.reason, stale: r.stale === 1 };
      byKey.set(key, entry);
    }
    const order = (p: string, i: string) => index.processById.get(p)?.indicatorById.get(i)?.slot ?? Number.MAX_SAFE_INTEGER;
    return {
      id: a.id,
      agency: a.agencyCode,
      cycle: a.cycleYear,
      questionnaire: a.questionnaire,
      status: a.status as Status,
      assessor: assessor?.username ?? null,
      prefilledFrom: a.prefilledFrom === null ? null : Number(a.prefilledFrom),
      submittedAt: a.submittedAt,
      submittedBy: a.submittedBy,
      acceptedAt: a.acceptedAt,
      answers: [...byKey.values()].sort((x, y) => order(x.process, x.indicator) - order(y.process, y.indicator)),
      scope: scope.map((s) => ({ process: s.process, inScope: s.inScope === 1, justification: s.justification })),
      scopeDecisions: decisions.map((d) => ({ process: d.process, inScope: d.inScope === 1, reason: d.reason, by: d.updatedBy })),
      overrides: overrides.map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating as Rating, reason: o.reason, by: o.updatedBy })),
      findings: findings.map((f) => ({ process: f.process, text: f.text, by: f.updatedBy, at: f.updatedAt })),
      comments: comments.map((c) => ({ id: c.id, author: c.author, role: c.role, text: c.text, createdAt: c.createdAt })),
      evidence: evidence.map((e) => ({ id: e.id, process: e.process, indicator: e.indicator, name: e.name, size: Number(e.size), type: e.type, sha256: e.sha256, uploadedBy: e.uploadedBy, createdAt: e.createdAt })),
      history: history.map((h) => ({ from: h.fromStatus, to: h.toStatus, by: h.by, at: h.at, comment: h.comment })),
    };
  }

  // ——— scoring ———

  /** The scoring inputs of an assessment as it stands. */
  async scoringInputs(a: Assessment, db: Kysely<Database> | Transaction<Database> = this.db) {
    const [answers, scope, ratings, decisions, overrides, cycle] = await Promise.all([
      repo.findAnswers(db, a.id),
      repo.findScope(db, a.id),
      repo.findAssessorRatings(db, a.id),
      repo.findScopeDecisions(db, a.id),
      repo.findOverrides(db, a.id),
      findCycle(db, a.cycleYear),
    ]);
    return {
      answers: answers.map((x) => ({ process: x.process, indicator: x.indicator, rating: x.rating as AnswerRating, evidence: x.evidence, unconfirmed: x.unconfirmed === 1 })),
      outOfScope: scope.filter((s) => s.inScope === 0).map((s) => s.process),
      target: cycle?.targetLevel ?? null,
      assessor: {
        ratings: ratings.map((r) => ({ process: r.process, indicator: r.indicator, rating: r.rating as AnswerRating, stale: r.stale === 1 })),
        scope: decisions.map((d) => ({ process: d.process, inScope: d.inScope === 1 })),
        overrides: overrides.map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating as Rating })),
      },
    };
  }

  async results(a: Assessment, db: Kysely<Database> | Transaction<Database> = this.db): Promise<{ self: ScoreResult; validated: ScoreResult }> {
    const index = await this.index(a);
    const inputs = await this.scoringInputs(a, db);
    return { self: score(index, { ...inputs, basis: 'self' }), validated: score(index, { ...inputs, basis: 'validated' }) };
  }

  // ——— the agency's edits ———

  private async audited<T>(actor: Actor, a: Assessment, action: string, work: (trx: Transaction<Database>) => Promise<{ before?: unknown; after?: unknown; result: T }>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const { before, after, result } = await work(trx);
      await repo.updateAssessment(trx, a.id, { updatedAt: now() });
      await appendAudit(trx, { actor: actor.username, action, subject: `assessment:${a.id}`, before, after });
      return result;
    });
  }

  async putAnswer(actor: Actor, id: string, process: string, indicator: string, body: AnswerInputBody): Promise<AnswerView> {
    const a = await this.visible(actor, id);
    this.agencyEditable(actor, a);
    const index = await this.index(a);
    const { process: p, indicator: i } = this.indicatorOf(index, process, indicator);
    const details = [];
    if (body.rating === 'NA' && !i.basePractice) details.push({ path: '/rating', message: 'NA is allowed on base practices only, not on a generic practice' });
    if (body.rating === 'NA' && !hasText(body.justification)) details.push({ path: '/justification', message: 'NA needs a justification' });
    if (details.length > 0) throw invalid(`invalid answer for ${process} ${indicator}`, details);

    // Checks read outside the transaction, so the write holds the database for as little as it can;
    // the write itself is a compare-and-set on the revision, and submission checks the NA limit again.
    const current = await repo.findAnswer(this.db, a.id, process, indicator);
    const currentRevision = current?.revision ?? 0;
    if (body.revision !== currentRevision) throw this.staleRevision(process, indicator, current);
    if (body.rating === 'NA' && current?.rating !== 'NA') {
      const [scope, answers] = await Promise.all([repo.findScope(this.db, a.id), repo.findAnswers(this.db, a.id)]);
      const outOfScope = scope.some((s) => s.process === process && s.inScope === 0);
      const na = basePracticesNa(p, answers) + 1;
      if (!outOfScope && tooManyNa(p, na)) {
        throw invalid(`at most half of ${process}'s base practices may be NA`, [{ path: '/rating', message: `${na} of ${p.basePracticeCount} base practices would be NA; declare the process out of scope with a justification instead` }]);
      }
    }
    const at = now();
    const next = { rating: body.rating, evidence: body.evidence ?? null, note: body.note ?? null, justification: body.justification ?? null, revision: currentRevision + 1, unconfirmed: 0, updatedAt: at, updatedBy: actor.username };
    const changed = !current || current.rating !== next.rating || current.evidence !== next.evidence || current.justification !== next.justification || current.note !== next.note;
    const before = current ? { rating: current.rating, evidence: current.evidence, note: current.note, justification: current.justification, revision: current.revision } : null;
    const after = { rating: next.rating, evidence: next.evidence, note: next.note, justification: next.justification, revision: next.revision };

    return this.audited(actor, a, 'answer.put', async (trx) => {
      if (current) {
        if (!(await repo.updateAnswerAt(trx, { assessmentId: a.id, process, indicator }, currentRevision, next))) {
          throw this.staleRevision(process, indicator, await repo.findAnswer(trx, a.id, process, indicator));
        }
      } else {
        const inserted = await repo.insertAnswerIfAbsent(trx, { assessmentId: a.id, process, indicator, ...next });
        if (!inserted) throw this.staleRevision(process, indicator, await repo.findAnswer(trx, a.id, process, indicator));
      }
      // An agency edit after a return: the assessor's rating of this indicator stops counting until confirmed or changed.
      const staled = a.status === 'returned' && changed ? await repo.markAssessorRatingStale(trx, a.id, process, indicator) : 0;
      const result: AnswerView = { process, indicator, ...after, unconfirmed: false, assessor: null };
      return { before: { process, indicator, answer: before }, after: { process, indicator, answer: after, ...(staled ? { assessorRatingStale: true } : {}) }, result };
    });
  }

  private staleRevision(process: string, indicator: string, current: Awaited<ReturnType<typeof repo.findAnswer>>): ServiceError {
    return new ServiceError('stale_revision', 409, `${process} ${indicator} was changed by someone else (revision ${current?.revision ?? 0} now); reload it and apply your change again`, undefined, {
      body: { current: current ? { rating: current.rating, evidence: current.evidence, note: current.note, justification: current.justification, revision: current.revision, unconfirmed: current.unconfirmed === 1, updatedBy: current.updatedBy, updatedAt: current.updatedAt } : null },
    });
  }

  async confirm(actor: Actor, id: string, process: string, indicator: string): Promise<AnswerView> {
    const a = await this.visible(actor, id);
    this.agencyEditable(actor, a);
    this.indicatorOf(await this.index(a), process, indicator);
    return this.audited(actor, a, 'answer.confirm', async (trx) => {
      const current = await repo.findAnswer(trx, a.id, process, indicator);
      if (!current || current.unconfirmed !== 1) throw conflict(`${process} ${indicator} is not a pre-filled answer awaiting confirmation`);
      await repo.updateAnswerAt(trx, { assessmentId: a.id, process, indicator }, current.revision, { unconfirmed: 0, revision: current.revision + 1, updatedAt: now(), updatedBy: actor.username });
      return {
        after: { process, indicator, confirmed: true },
        result: { process, indicator, rating: current.rating as AnswerRating, evidence: current.evidence, note: current.note, justification: current.justification, revision: current.revision + 1, unconfirmed: false, assessor: null },
      };
    });
  }

  async putScope(actor: Actor, id: string, process: string, body: { inScope: boolean; justification?: string | null }) {
    const a = await this.visible(actor, id);
    this.agencyEditable(actor, a);
    const index = await this.index(a);
    const p = index.processById.get(process);
    if (!p) throw notFound(`no process ${process} in ${index.ref}`);
    if (!body.inScope && !hasText(body.justification)) throw invalid('out of scope needs a justification', [{ path: '/justification', message: 'say why the process does not apply to the agency' }]);
    return this.audited(actor, a, 'scope.put', async (trx) => {
      if (body.inScope) {
        const answers = await repo.findAnswers(trx, a.id);
        const na = basePracticesNa(p, answers);
        if (tooManyNa(p, na)) throw invalid(`${process} cannot come back in scope with ${na} of ${p.basePracticeCount} base practices NA`, [{ path: '/inScope', message: 'answer more of its base practices first' }]);
      }
      const before = (await repo.findScope(trx, a.id)).find((s) => s.process === process);
      const row = { assessmentId: a.id, process, inScope: body.inScope ? 1 : 0, justification: body.inScope ? (body.justification ?? null) : body.justification!.trim(), updatedAt: now(), updatedBy: actor.username };
      await repo.upsertScope(trx, row);
      return {
        before: before ? { process, inScope: before.inScope === 1, justification: before.justification } : { process, inScope: true },
        after: { process, inScope: body.inScope, justification: row.justification },
        result: { process, inScope: body.inScope, justification: row.justification },
      };
    });
  }

  async comment(actor: Actor, id: string, text: string) {
    const a = await this.visible(actor, id);
    if (actor.role === 'ministry') throw forbidden('the agency, its assessor and the office write in the comment thread');
    const comment = { id: randomUUID(), assessmentId: a.id, author: actor.username, role: actor.role, text: text.trim(), createdAt: now() };
    await this.audited(actor, a, 'comment.add', async (trx) => {
      await repo.insertComment(trx, comment);
      return { after: { id: comment.id, text: comment.text }, result: undefined };
    });
    return { id: comment.id, author: comment.author, role: comment.role, text: comment.text, createdAt: comment.createdAt };
  }

  async addEvidence(actor: Actor, id: string, input: { process: string; indicator: string; name: string; bytes: Buffer }) {
    const a = await this.visible(actor, id);
    this.agencyEditable(actor, a);
    this.indicatorOf(await this.index(a), input.process, input.indicator);
    if (input.bytes.length === 0) throw invalid('the file is empty', [{ path: '/file', message: 'the file is empty' }]);
    if (input.bytes.length > this.uploadMaxBytes) throw new ServiceError('too_large', 413, `the file is larger than ${this.uploadMaxBytes / 1024 / 1024} MB`);
    const type = await detectEvidenceType(input.bytes);
    if (!type) throw new ServiceError('unsupported_media_type', 415, 'evidence must be a PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT or CSV file (recognised by its content, not its name)');
    const file = {
      id: randomUUID(),
      assessmentId: a.id,
      process: input.process,
      indicator: input.indicator,
      name: input.name.replace(/[\\/\r\n]/g, '_').slice(0, 200) || 'evidence',
      type: type.mime,
      size: input.bytes.length,
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      content: input.bytes,
      uploadedBy: actor.username,
      createdAt: now(),
    };
    await this.audited(actor, a, 'evidence.add', async (trx) => {
      await repo.insertEvidenceFile(trx, file);
      return { after: { id: file.id, process: file.process, indicator: file.indicator, name: file.name, type: file.type, size: file.size, sha256: file.sha256 }, result: undefined };
    });
    return { id: file.id, sha256: file.sha256, name: file.name, size: file.size, type: file.type, process: file.process, indicator: file.indicator };
  }

  /** An evidence file, access-checked like its assessment; the read is audited. */
  async evidenceFile(actor: Actor, fileId: string) {
    const file = await repo.findEvidenceFile(this.db, fileId);
    if (!file) throw notFound(`no evidence ${fileId}`);
    const a = await repo.findAssessment(this.db, file.assessmentId);
    if (!a || !(await this.sees(actor, a))) throw notFound(`no evidence ${fileId}`);
    await this.db.transaction().execute((trx) => appendAudit(trx, { actor: actor.username, action: 'evidence.read', subject: `assessment:${a.id}`, after: { evidence: file.id } }));
    return file;
  }

  // ——— submission ———

  async submit(actor: Actor, id: string) {
    const a = await this.visible(actor, id);
    if (actor.role !== 'ciso') throw forbidden('only the agency’s CISO signs off and submits');
    if (!AGENCY_EDITABLE.includes(a.status as Status)) throw conflict(`the assessment is ${a.status}: only a draft or returned assessment can be submitted`);
    const { self } = await this.results(a);
    if (self.completeness.missing.length > 0 || self.completeness.missingEvidence.length > 0) {
      throw new ServiceError('incomplete', 422, `the assessment is incomplete: ${self.completeness.missing.length} answers and ${self.completeness.missingEvidence.length} evidence texts are missing`, undefined, { body: { completeness: self.completeness }, errorFields: { completeness: self.completeness } });
    }
    const index = await this.index(a);
    const inputs = await this.scoringInputs(a);
    const problems = checkAnswersDocument(index, {
      answers: inputs.answers.map((x) => ({ ...x, justification: 'checked on write' })),
      outOfScope: inputs.outOfScope.map((process) => ({ process, justification: 'checked on write' })),
    });
    if (problems.length > 0) throw invalid('the answers are not consistent', problems.map((p) => ({ path: p.pointer, message: `${p.process ?? ''} ${p.indicator ?? ''}: ${p.message}`.trim() })));
    return this.transition(actor, a, 'submitted', null, { submittedAt: now(), submittedBy: actor.username }, { level: self.level, score: self.score });
  }

  /** Moves an assessment to a new state with its history entry and audit entry. */
  async transition(actor: Actor, a: Assessment, to: Status, comment: string | null, changes: Partial<Assessment> = {}, audit: Record<string, unknown> = {}, trxWork?: (trx: Transaction<Database>) => Promise<void>) {
    const at = now();
    await this.db.transaction().execute(async (trx) => {
      const fresh = await repo.findAssessment(trx, a.id);
      if (fresh?.status !== a.status) throw conflict(`the assessment changed state meanwhile (now ${fresh?.status})`);
      await repo.updateAssessment(trx, a.id, { ...changes, status: to, updatedAt: at });
      await repo.insertStateChange(trx, { id: randomUUID(), assessmentId: a.id, fromStatus: a.status, toStatus: to, by: actor.username, at, comment });
      if (trxWork) await trxWork(trx);
      await appendAudit(trx, { actor: actor.username, action: `assessment.${to}`, subject: `assessment:${a.id}`, before: { status: a.status }, after: { status: to, ...(comment ? { comment } : {}), ...audit } });
    });
    return { id: a.id, status: to };
  }
}
