// Assessments and their parts: all the Kysely code of the assessment aggregate. Rows are turned into
// domain-shaped values here (booleans, states, ratings), so nothing above converts 0/1 or casts.
import type { Kysely, QueryResult, Selectable, Transaction } from 'kysely';
import { affected, firstRow, prepared } from '../db/prepared.js';
import type { AnswersTable, AssessorRatingsTable, Database, EvidenceFilesTable, ScopeTable } from '../db/types.js';
import type { AnswerRating, Rating } from '../domain/questionnaire.js';
import type { Visibility } from '../domain/roles.js';
import type { AssessmentState, SignOff } from '../domain/workflow.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AssessmentRecord {
  id: string;
  agencyCode: string;
  /** The ministry of the assessment's agency (who, besides the agency, sees it). */
  ministry: string;
  cycleYear: number;
  questionnaire: string;
  state: AssessmentState;
  assessorId: string | null;
  prefilledFrom: number | null;
  submittedAt: string | null;
  submittedBy: string | null;
  signOff: SignOff | null;
  acceptedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredAnswer {
  process: string;
  indicator: string;
  rating: AnswerRating;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  /** Carried from an earlier cycle by pre-fill and not yet confirmed or changed. */
  unconfirmed: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface ScopeEntry {
  process: string;
  inScope: boolean;
  justification: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface StoredAssessorRating {
  process: string;
  indicator: string;
  rating: AnswerRating;
  reason: string | null;
  stale: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface ScopeDecision {
  process: string;
  inScope: boolean;
  reason: string;
  updatedAt: string;
  updatedBy: string;
}

export interface AttributeOverride {
  process: string;
  attribute: string;
  rating: Rating;
  reason: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Finding {
  process: string;
  text: string;
  updatedAt: string;
  updatedBy: string;
}

/** Everything an assessment's results, its view and its sealed record are made from. */
export interface AssessmentParts {
  answers: StoredAnswer[];
  scope: ScopeEntry[];
  assessorRatings: StoredAssessorRating[];
  scopeDecisions: ScopeDecision[];
  overrides: AttributeOverride[];
  findings: Finding[];
}

export interface StateChange {
  from: AssessmentState | null;
  to: AssessmentState;
  by: string;
  at: string;
  comment: string | null;
}

export interface Comment {
  id: string;
  author: string;
  role: string;
  text: string;
  createdAt: string;
}

export interface Seal {
  id: string;
  assessmentId: string;
  /** The sealed record's canonical JSON, as stored. */
  record: string;
  verificationCode: string;
  acceptedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** The verification code of the acceptance that superseded this one. */
  supersededBy: string | null;
}

// ——— rows to domain values ———

const answerOf = (r: Omit<Selectable<AnswersTable>, 'assessmentId'>): StoredAnswer => ({
  process: r.process,
  indicator: r.indicator,
  rating: r.rating as AnswerRating,
  evidence: r.evidence,
  note: r.note,
  justification: r.justification,
  revision: r.revision,
  unconfirmed: r.unconfirmed === 1,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});
const scopeOf = (r: Selectable<ScopeTable>): ScopeEntry => ({ process: r.process, inScope: r.inScope === 1, justification: r.justification, updatedAt: r.updatedAt, updatedBy: r.updatedBy });
const assessorRatingOf = (r: Omit<Selectable<AssessorRatingsTable>, 'assessmentId'>): StoredAssessorRating => ({
  process: r.process,
  indicator: r.indicator,
  rating: r.rating as AnswerRating,
  reason: r.reason,
  stale: r.stale === 1,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});
const bit = (b: boolean): number => (b ? 1 : 0);

function selectAssessments(db: Db) {
  return db
    .selectFrom('assessments')
    .innerJoin('agencies', 'agencies.code', 'assessments.agencyCode')
    .select([
      'assessments.id',
      'assessments.agencyCode',
      'agencies.ministry',
      'assessments.cycleYear',
      'assessments.questionnaire',
      'assessments.status',
      'assessments.assessorId',
      'assessments.prefilledFrom',
      'assessments.submittedAt',
      'assessments.submittedBy',
      'assessments.signOff',
      'assessments.acceptedAt',
      'assessments.createdAt',
      'assessments.updatedAt',
    ]);
}

type AssessmentRow = Awaited<ReturnType<ReturnType<typeof selectAssessments>['executeTakeFirstOrThrow']>>;
/**
 * Each field read by name: destructuring a row of Kysely's camel-case mapping with `...rest`, or spreading it, costs
 * about 10 µs (measured), as much as the query; every request about an assessment maps one, a list thousands.
 */
const assessmentOf = (r: AssessmentRow): AssessmentRecord => ({
  id: r.id,
  agencyCode: r.agencyCode,
  ministry: r.ministry,
  cycleYear: r.cycleYear,
  questionnaire: r.questionnaire,
  state: r.status as AssessmentState,
  assessorId: r.assessorId,
  prefilledFrom: r.prefilledFrom === null ? null : Number(r.prefilledFrom),
  submittedAt: r.submittedAt,
  submittedBy: r.submittedBy,
  signOff: r.signOff === null ? null : (JSON.parse(r.signOff) as SignOff),
  acceptedAt: r.acceptedAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

// ——— assessments ———

const assessmentById = prepared((db, p: { id: string }) => selectAssessments(db).where('assessments.id', '=', p.id));

export async function findAssessment(db: Db, id: string): Promise<AssessmentRecord | undefined> {
  const row = firstRow(await assessmentById(db, { id }));
  return row && assessmentOf(row);
}

export async function findAssessmentOf(db: Db, agency: string, cycle: number): Promise<AssessmentRecord | undefined> {
  const row = await selectAssessments(db).where('assessments.agencyCode', '=', agency).where('assessments.cycleYear', '=', cycle).executeTakeFirst();
  return row && assessmentOf(row);
}

export interface AssessmentFilter {
  cycle?: number;
  agency?: string;
  state?: AssessmentState;
}

/** The assessments a visibility admits, filtered, with their agency's name and the assessor's user name. */
export async function listAssessments(db: Db, visibility: Visibility, f: AssessmentFilter) {
  let q = selectAssessments(db)
    .leftJoin('users', 'users.id', 'assessments.assessorId')
    .select(['agencies.name as agencyName', 'users.username as assessorUsername'])
    .orderBy('assessments.cycleYear', 'desc')
    .orderBy('assessments.agencyCode');
  if (f.cycle !== undefined) q = q.where('assessments.cycleYear', '=', f.cycle);
  if (f.agency !== undefined) q = q.where('assessments.agencyCode', '=', f.agency);
  if (f.state !== undefined) q = q.where('assessments.status', '=', f.state);
  switch (visibility.kind) {
    case 'all':
      break;
    case 'agency':
      if (visibility.agency === null) return [];
      q = q.where('assessments.agencyCode', '=', visibility.agency);
      break;
    case 'ministry':
      if (visibility.ministry === null) return [];
      q = q.where('agencies.ministry', '=', visibility.ministry);
      break;
    case 'assigned':
      q = q.where('assessments.assessorId', '=', visibility.assessorId);
      break;
  }
  const rows = await q.execute();
  return rows.map((r) => Object.assign(assessmentOf(r), { agencyName: r.agencyName, assessorUsername: r.assessorUsername }));
}

export async function insertAssessment(db: Db, a: Omit<AssessmentRecord, 'ministry'>): Promise<void> {
  const { state, prefilledFrom, signOff, ...rest } = a;
  await db
    .insertInto('assessments')
    .values({ ...rest, status: state, prefilledFrom: prefilledFrom === null ? null : String(prefilledFrom), signOff: signOff === null ? null : JSON.stringify(signOff) })
    .execute();
}

export interface AssessmentChanges {
  state?: AssessmentState;
  assessorId?: string | null;
  submittedAt?: string | null;
  submittedBy?: string | null;
  signOff?: SignOff | null;
  acceptedAt?: string | null;
  questionnaire?: string;
  updatedAt: string;
}

/**
 * Changes an assessment only while it is in one of `inStates`; returns whether it was. This is the
 * state check made inside a write transaction: on PostgreSQL the update takes the row's lock, so a
 * concurrent change of state waits for it or makes it fail, never slips past it.
 */
export async function updateAssessmentIn(db: Db, id: string, inStates: readonly AssessmentState[], changes: AssessmentChanges): Promise<boolean> {
  const { state, signOff, ...rest } = changes;
  const result = await db
    .updateTable('assessments')
    .set({ ...rest, ...(state ? { status: state } : {}), ...(signOff !== undefined ? { signOff: signOff === null ? null : JSON.stringify(signOff) } : {}) })
    .where('id', '=', id)
    .where('status', 'in', inStates)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const touches = new Map<string, (db: Db, values: { id: string; at: string }) => Promise<QueryResult<unknown>>>();

/**
 * Marks the assessment updated only if it is still in one of `inStates` (the check every edit's transaction
 * starts with); returns whether it was. Prepared once per list of states.
 */
export async function touchAssessmentIn(db: Db, id: string, inStates: readonly AssessmentState[], at: string): Promise<boolean> {
  const key = inStates.join(' ');
  let touch = touches.get(key);
  if (!touch) {
    touch = prepared((db, p: { id: string; at: string }) => db.updateTable('assessments').set({ updatedAt: p.at }).where('id', '=', p.id).where('status', 'in', inStates));
    touches.set(key, touch);
  }
  return affected(await touch(db, { id, at })) === 1;
}

// ——— parts ———

/** An assessor rating's own columns (a returned assessment may have one for each of its hundreds of answers). */
const assessorRatingsOf = prepared((db, p: { assessmentId: string }) =>
  db.selectFrom('assessorRatings').select(['process', 'indicator', 'rating', 'reason', 'stale', 'updatedAt', 'updatedBy']).where('assessmentId', '=', p.assessmentId),
);

export async function loadAssessmentParts(db: Db, assessmentId: string): Promise<AssessmentParts> {
  const [answers, scope, assessorRatings, scopeDecisions, overrides, findings] = await Promise.all([
    findAnswers(db, assessmentId),
    findScope(db, assessmentId),
    assessorRatingsOf(db, { assessmentId }),
    db.selectFrom('scopeDecisions').selectAll().where('assessmentId', '=', assessmentId).execute(),
    db.selectFrom('attributeOverrides').selectAll().where('assessmentId', '=', assessmentId).execute(),
    db.selectFrom('findings').selectAll().where('assessmentId', '=', assessmentId).orderBy('process').execute(),
  ]);
  return {
    answers,
    scope,
    assessorRatings: assessorRatings.rows.map(assessorRatingOf),
    scopeDecisions: scopeDecisions.map((d) => ({ process: d.process, inScope: d.inScope === 1, reason: d.reason, updatedAt: d.updatedAt, updatedBy: d.updatedBy })),
    overrides: overrides.map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating as Rating, reason: o.reason, updatedAt: o.updatedAt, updatedBy: o.updatedBy })),
    findings: findings.map((f) => ({ process: f.process, text: f.text, updatedAt: f.updatedAt, updatedBy: f.updatedBy })),
  };
}

// ——— answers ———

/** An answer's own columns: not the assessment's id, which the caller has (a whole assessment is hundreds of rows). */
const ANSWER_COLUMNS = ['process', 'indicator', 'rating', 'evidence', 'note', 'justification', 'revision', 'unconfirmed', 'updatedAt', 'updatedBy'] as const;

const answersOf = prepared((db, p: { assessmentId: string }) => db.selectFrom('answers').select(ANSWER_COLUMNS).where('assessmentId', '=', p.assessmentId));

export async function findAnswers(db: Db, assessmentId: string): Promise<StoredAnswer[]> {
  return (await answersOf(db, { assessmentId })).rows.map(answerOf);
}

const answerAt = prepared((db, p: { assessmentId: string; process: string; indicator: string }) =>
  db.selectFrom('answers').select(ANSWER_COLUMNS).where('assessmentId', '=', p.assessmentId).where('process', '=', p.process).where('indicator', '=', p.indicator),
);

export async function findAnswer(db: Db, assessmentId: string, process: string, indicator: string): Promise<StoredAnswer | undefined> {
  const row = firstRow(await answerAt(db, { assessmentId, process, indicator }));
  return row && answerOf(row);
}

export type AnswerWrite = Omit<StoredAnswer, 'process' | 'indicator'>;
type AnswerRow = Omit<Selectable<AnswersTable>, 'unconfirmed'> & { unconfirmed: number };

const insertAnswer = prepared((db, p: AnswerRow) =>
  db
    .insertInto('answers')
    .values({ assessmentId: p.assessmentId, process: p.process, indicator: p.indicator, rating: p.rating, evidence: p.evidence, note: p.note, justification: p.justification, revision: p.revision, unconfirmed: p.unconfirmed, updatedAt: p.updatedAt, updatedBy: p.updatedBy })
    .onConflict((oc) => oc.columns(['assessmentId', 'process', 'indicator']).doNothing()),
);

/** Inserts a first answer unless one appeared meanwhile; returns whether it did. */
export async function insertAnswerIfAbsent(db: Db, assessmentId: string, process: string, indicator: string, answer: AnswerWrite): Promise<boolean> {
  return affected(await insertAnswer(db, { assessmentId, process, indicator, ...answer, unconfirmed: bit(answer.unconfirmed) })) === 1;
}

const rewriteAnswer = prepared((db, p: AnswerRow & { at: number }) =>
  db
    .updateTable('answers')
    .set({ rating: p.rating, evidence: p.evidence, note: p.note, justification: p.justification, revision: p.revision, unconfirmed: p.unconfirmed, updatedAt: p.updatedAt, updatedBy: p.updatedBy })
    .where('assessmentId', '=', p.assessmentId)
    .where('process', '=', p.process)
    .where('indicator', '=', p.indicator)
    .where('revision', '=', p.at),
);

/** Replaces every field of an answer, only if it is still at `revision`; returns whether it did. */
export async function rewriteAnswerAt(db: Db, assessmentId: string, process: string, indicator: string, revision: number, answer: AnswerWrite): Promise<boolean> {
  return affected(await rewriteAnswer(db, { assessmentId, process, indicator, ...answer, unconfirmed: bit(answer.unconfirmed), at: revision })) === 1;
}

/** Removes every answer of an assessment (a move to another questionnaire version writes them anew). */
export async function deleteAnswers(db: Db, assessmentId: string): Promise<void> {
  await db.deleteFrom('answers').where('assessmentId', '=', assessmentId).execute();
}

// ——— scope ———

export async function findScope(db: Db, assessmentId: string): Promise<ScopeEntry[]> {
  return (await db.selectFrom('scope').selectAll().where('assessmentId', '=', assessmentId).execute()).map(scopeOf);
}

export async function upsertScope(db: Db, assessmentId: string, entry: ScopeEntry): Promise<void> {
  const row = { ...entry, inScope: bit(entry.inScope) };
  await db
    .insertInto('scope')
    .values({ assessmentId, ...row })
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ inScope: row.inScope, justification: row.justification, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

// ——— the assessor's ratings, scope decisions, overrides and findings ———

export async function findAssessorRating(db: Db, assessmentId: string, process: string, indicator: string): Promise<StoredAssessorRating | undefined> {
  const row = await db.selectFrom('assessorRatings').selectAll().where('assessmentId', '=', assessmentId).where('process', '=', process).where('indicator', '=', indicator).executeTakeFirst();
  return row && assessorRatingOf(row);
}

export async function upsertAssessorRating(db: Db, assessmentId: string, r: StoredAssessorRating): Promise<void> {
  const row = { ...r, stale: bit(r.stale) };
  await db
    .insertInto('assessorRatings')
    .values({ assessmentId, ...row })
    .onConflict((oc) => oc.columns(['assessmentId', 'process', 'indicator']).doUpdateSet({ rating: row.rating, reason: row.reason, stale: row.stale, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export async function deleteAssessorRating(db: Db, assessmentId: string, process: string, indicator: string): Promise<boolean> {
  const r = await db.deleteFrom('assessorRatings').where('assessmentId', '=', assessmentId).where('process', '=', process).where('indicator', '=', indicator).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Marks the assessor's rating of an indicator stale; returns whether there was a fresh one to mark. */
const staleRating = prepared((db, p: { assessmentId: string; process: string; indicator: string }) =>
  db.updateTable('assessorRatings').set({ stale: 1 }).where('assessmentId', '=', p.assessmentId).where('process', '=', p.process).where('indicator', '=', p.indicator).where('stale', '=', 0),
);

export async function markAssessorRatingStale(db: Db, assessmentId: string, process: string, indicator: string): Promise<boolean> {
  return affected(await staleRating(db, { assessmentId, process, indicator })) === 1;
}

export async function findScopeDecision(db: Db, assessmentId: string, process: string): Promise<ScopeDecision | undefined> {
  const d = await db.selectFrom('scopeDecisions').selectAll().where('assessmentId', '=', assessmentId).where('process', '=', process).executeTakeFirst();
  return d && { process: d.process, inScope: d.inScope === 1, reason: d.reason, updatedAt: d.updatedAt, updatedBy: d.updatedBy };
}

export async function upsertScopeDecision(db: Db, assessmentId: string, d: ScopeDecision): Promise<void> {
  const row = { ...d, inScope: bit(d.inScope) };
  await db
    .insertInto('scopeDecisions')
    .values({ assessmentId, ...row })
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ inScope: row.inScope, reason: row.reason, updatedAt: row.updatedAt, updatedBy: row.updatedBy }))
    .execute();
}

export async function findOverride(db: Db, assessmentId: string, process: string, attribute: string): Promise<AttributeOverride | undefined> {
  const o = await db.selectFrom('attributeOverrides').selectAll().where('assessmentId', '=', assessmentId).where('process', '=', process).where('attribute', '=', attribute).executeTakeFirst();
  return o && { process: o.process, attribute: o.attribute, rating: o.rating as Rating, reason: o.reason, updatedAt: o.updatedAt, updatedBy: o.updatedBy };
}

export async function upsertOverride(db: Db, assessmentId: string, o: AttributeOverride): Promise<void> {
  await db
    .insertInto('attributeOverrides')
    .values({ assessmentId, ...o })
    .onConflict((oc) => oc.columns(['assessmentId', 'process', 'attribute']).doUpdateSet({ rating: o.rating, reason: o.reason, updatedAt: o.updatedAt, updatedBy: o.updatedBy }))
    .execute();
}

export async function findFinding(db: Db, assessmentId: string, process: string): Promise<Finding | undefined> {
  const f = await db.selectFrom('findings').selectAll().where('assessmentId', '=', assessmentId).where('process', '=', process).executeTakeFirst();
  return f && { process: f.process, text: f.text, updatedAt: f.updatedAt, updatedBy: f.updatedBy };
}

export async function upsertFinding(db: Db, assessmentId: string, f: Finding): Promise<void> {
  await db
    .insertInto('findings')
    .values({ assessmentId, ...f })
    .onConflict((oc) => oc.columns(['assessmentId', 'process']).doUpdateSet({ text: f.text, updatedAt: f.updatedAt, updatedBy: f.updatedBy }))
    .execute();
}

// ——— comments and the state history ———

export const findComments = (db: Db, assessmentId: string): Promise<Comment[]> =>
  db.selectFrom('comments').select(['id', 'author', 'role', 'text', 'createdAt']).where('assessmentId', '=', assessmentId).orderBy('createdAt').orderBy('id').execute();

export async function insertComment(db: Db, assessmentId: string, c: Comment): Promise<void> {
  await db.insertInto('comments').values({ assessmentId, ...c }).execute();
}

export async function findStateChanges(db: Db, assessmentId: string): Promise<StateChange[]> {
  const rows = await db.selectFrom('stateChanges').selectAll().where('assessmentId', '=', assessmentId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({ from: r.fromStatus as AssessmentState | null, to: r.toStatus as AssessmentState, by: r.by, at: r.at, comment: r.comment }));
}

export async function insertStateChange(db: Db, assessmentId: string, id: string, change: StateChange): Promise<void> {
  await db.insertInto('stateChanges').values({ id, assessmentId, fromStatus: change.from, toStatus: change.to, by: change.by, at: change.at, comment: change.comment }).execute();
}

// ——— evidence files ———

export type EvidenceFile = Selectable<EvidenceFilesTable>;

/** Re-attaches an assessment's evidence files of one indicator to another. */
export async function moveEvidenceFiles(db: Db, assessmentId: string, from: { process: string; indicator: string }, to: { process: string; indicator: string }): Promise<void> {
  await db.updateTable('evidenceFiles').set(to).where('assessmentId', '=', assessmentId).where('process', '=', from.process).where('indicator', '=', from.indicator).execute();
}

export async function deleteScope(db: Db, assessmentId: string, process: string): Promise<void> {
  await db.deleteFrom('scope').where('assessmentId', '=', assessmentId).where('process', '=', process).execute();
}

export async function insertEvidenceFile(db: Db, file: EvidenceFile): Promise<void> {
  await db.insertInto('evidenceFiles').values(file).execute();
}

export async function listEvidenceFiles(db: Db, assessmentId: string): Promise<Omit<EvidenceFile, 'content' | 'assessmentId'>[]> {
  const rows = await db.selectFrom('evidenceFiles').select(['id', 'process', 'indicator', 'name', 'type', 'size', 'sha256', 'uploadedBy', 'createdAt']).where('assessmentId', '=', assessmentId).orderBy('createdAt').execute();
  return rows.map((r) => ({ ...r, size: Number(r.size) }));
}

export const findEvidenceFile = (db: Db, id: string): Promise<EvidenceFile | undefined> => db.selectFrom('evidenceFiles').selectAll().where('id', '=', id).executeTakeFirst();

// ——— seals ———

const selectSeals = (db: Db) =>
  db.selectFrom('sealedRecords').select(['id', 'assessmentId', 'record', 'recordSha256 as verificationCode', 'acceptedAt', 'revokedAt', 'revokedReason', 'supersededBy']);

export async function insertSeal(db: Db, seal: Seal): Promise<void> {
  const { verificationCode, ...rest } = seal;
  await db.insertInto('sealedRecords').values({ ...rest, recordSha256: verificationCode }).execute();
}

/** The seal in force (not revoked) of an assessment, if any. */
export const findCurrentSeal = (db: Db, assessmentId: string): Promise<Seal | undefined> =>
  selectSeals(db).where('assessmentId', '=', assessmentId).where('revokedAt', 'is', null).executeTakeFirst();

export const findSealByVerificationCode = (db: Db, code: string): Promise<Seal | undefined> => selectSeals(db).where('recordSha256', '=', code).executeTakeFirst();

export async function revokeSeal(db: Db, id: string, at: string, reason: string): Promise<void> {
  await db.updateTable('sealedRecords').set({ revokedAt: at, revokedReason: reason }).where('id', '=', id).execute();
}

/** Points every revoked, not yet superseded seal of an assessment at the acceptance that replaces it. */
export async function supersedeRevokedSeals(db: Db, assessmentId: string, by: string): Promise<void> {
  await db.updateTable('sealedRecords').set({ supersededBy: by }).where('assessmentId', '=', assessmentId).where('revokedAt', 'is not', null).where('supersededBy', 'is', null).execute();
}
