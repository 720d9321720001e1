// The bare stack the load bench holds the service against: node:http, better-sqlite3 prepared statements and
// JSON.stringify doing the work of the two hottest routes on the same database file — the bearer-token lookup,
// the visibility and state checks, reading a whole assessment with every part the service's view has (and its
// audited read), saving an answer with the revision check and its audit entry, SHA-256-chained as
// src/services/audit.service.ts chains it, in one transaction. No framework, no schemas, no query builder.
// `DATABASE_URL=sqlite:<file> PORT=<n> node --import tsx bench/bare-server.ts`; prints one line `listening <url>`.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Sqlite from 'better-sqlite3';
import { WAL_SIZE_LIMIT, startCheckpointer } from '../src/db/checkpointer.js';
import { hashAuditEntry } from '../src/services/audit.service.js';
import { canonicalJson } from '../src/domain/canonical-json.js';
import { checkAnswer } from '../src/domain/answers.js';
import { findUnfitText } from '../src/domain/text.js';
import { SECURITY_HEADERS } from '../src/http/plugins/edge.js';
import { resolveQuestionnaire } from '../src/questionnaires/loader.js';
import type { QuestionnaireIndex } from '../src/domain/questionnaire.js';

const file = (process.env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
if (!file) throw new Error('DATABASE_URL=sqlite:<file> is required');
const db = new Sqlite(file);
// The server's own settings (src/db/database.ts).
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
// Checkpoints in a worker thread, as the server makes them (src/db/checkpointer.ts).
db.pragma('wal_autocheckpoint = 0');
const checkpointer = startCheckpointer(file, db, (message, ended) => {
  process.stderr.write(`bare stack: ${message}\n`);
  if (ended) db.pragma('wal_autocheckpoint = 1000');
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface UserRow {
  id: string;
  username: string;
  role: string;
  agency_code: string | null;
  ministry: string | null;
  active: number;
}
interface AssessmentRow {
  id: string;
  agency_code: string;
  ministry: string;
  cycle_year: number;
  questionnaire: string;
  status: string;
  assessor_id: string | null;
  prefilled_from: string | null;
  submitted_at: string | null;
  submitted_by: string | null;
  sign_off: string | null;
  accepted_at: string | null;
}
interface AnswerRow {
  process: string;
  indicator: string;
  rating: string;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: number;
  updated_at: string;
  updated_by: string;
}

const q = {
  tokenUser: db.prepare<[string, string], UserRow>(
    'select u.id, u.username, u.role, u.agency_code, u.ministry, u.active from api_tokens t join users u on u.id = t.user_id where t.token_hash = ? and (t.expires_at is null or t.expires_at > ?)',
  ),
  assessment: db.prepare<[string], AssessmentRow>(
    'select s.id, s.agency_code, g.ministry, s.cycle_year, s.questionnaire, s.status, s.assessor_id, s.prefilled_from, s.submitted_at, s.submitted_by, s.sign_off, s.accepted_at from assessments s join agencies g on g.code = s.agency_code where s.id = ?',
  ),
  answers: db.prepare<[string], AnswerRow>('select process, indicator, rating, evidence, note, justification, revision, unconfirmed, updated_at, updated_by from answers where assessment_id = ?'),
  answer: db.prepare<[string, string, string], AnswerRow>('select process, indicator, rating, evidence, note, justification, revision, unconfirmed, updated_at, updated_by from answers where assessment_id = ? and process = ? and indicator = ?'),
  scope: db.prepare<[string], { process: string; in_scope: number; justification: string | null }>('select process, in_scope, justification from scope where assessment_id = ?'),
  ratings: db.prepare<[string], { process: string; indicator: string; rating: string; reason: string | null; stale: number }>('select process, indicator, rating, reason, stale from assessor_ratings where assessment_id = ?'),
  decisions: db.prepare<[string], { process: string; in_scope: number; reason: string; updated_by: string }>('select process, in_scope, reason, updated_by from scope_decisions where assessment_id = ?'),
  overrides: db.prepare<[string], { process: string; attribute: string; rating: string; reason: string; updated_by: string }>('select process, attribute, rating, reason, updated_by from attribute_overrides where assessment_id = ?'),
  findings: db.prepare<[string], { process: string; text: string; updated_by: string; updated_at: string }>('select process, text, updated_by, updated_at from findings where assessment_id = ? order by process'),
  comments: db.prepare<[string], unknown>('select id, author, role, text, created_at as createdAt from comments where assessment_id = ? order by created_at, id'),
  history: db.prepare<[string], { from_status: string | null; to_status: string; by: string; at: string; comment: string | null }>('select from_status, to_status, by, at, comment from state_changes where assessment_id = ? order by at, id'),
  evidence: db.prepare<[string], unknown>('select id, process, indicator, name, type, size, sha256, uploaded_by as uploadedBy, created_at as createdAt from evidence_files where assessment_id = ? order by created_at'),
  username: db.prepare<[string], { username: string }>('select username from users where id = ?'),
  holdOpen: db.prepare<[string, string]>("update assessments set updated_at = ? where id = ? and status in ('draft', 'returned')"),
  updateAnswer: db.prepare<[string, string | null, string, number, string, string, string, string, number]>(
    'update answers set rating = ?, evidence = ?, note = null, justification = null, updated_at = ?, revision = ?, unconfirmed = 0, updated_by = ? where assessment_id = ? and process = ? and indicator = ? and revision = ?',
  ),
  insertAnswer: db.prepare<[string, string, string, string, string | null, number, string, string]>(
    'insert into answers (assessment_id, process, indicator, rating, evidence, note, justification, revision, unconfirmed, updated_at, updated_by) values (?, ?, ?, ?, ?, null, null, ?, 0, ?, ?) on conflict do nothing',
  ),
  staleRating: db.prepare<[string, string, string]>('update assessor_ratings set stale = 1 where assessment_id = ? and process = ? and indicator = ? and stale = 0'),
  claimSeq: db.prepare<[], { seq: number; hash: string }>('update audit_head set seq = seq + 1 where id = 1 returning seq, hash'),
  insertAudit: db.prepare<[number, string, string | null, string, string, string | null, string | null, string, string]>(
    'insert into audit_entries (seq, at, actor, action, subject, before, after, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  setHead: db.prepare<[string]>('update audit_head set hash = ? where id = 1'),
};

/** The audit append, as AuditService.record makes it: claim the next seq, hash the canonical entry, insert, move the head. */
function appendAudit(actor: string, action: string, subject: string, before: unknown, after: unknown): void {
  const head = q.claimSeq.get()!;
  const json = (v: unknown) => (v === undefined || v === null ? null : canonicalJson(v));
  const body = { seq: head.seq, at: new Date().toISOString(), actor, action, subject, before: json(before), after: json(after), prevHash: head.hash };
  const hash = hashAuditEntry(body);
  q.insertAudit.run(body.seq, body.at, body.actor, body.action, body.subject, body.before, body.after, body.prevHash, hash);
  q.setHead.run(hash);
}

const indexes = new Map<string, QuestionnaireIndex>();
const indexOf = (ref: string): QuestionnaireIndex => {
  let index = indexes.get(ref);
  if (!index) indexes.set(ref, (index = resolveQuestionnaire(ref)));
  return index;
};

/** Who sees an assessment (src/domain/roles.ts's rule for the roles the bench uses). */
const sees = (u: UserRow, a: AssessmentRow): boolean =>
  u.role === 'office' || (u.role === 'ministry' && u.ministry === a.ministry) || (u.role === 'assessor' && a.assessor_id === u.id) || ((u.role === 'agency' || u.role === 'ciso') && u.agency_code === a.agency_code);

/** The service's headers on an answer to a signed-in user, as every answer of the load is (src/http/plugins/edge.ts). */
const signedInHeaders = { ...SECURITY_HEADERS, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };

const send = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...signedInHeaders, 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const auditedRead = db.transaction((id: string, username: string) => appendAudit(username, 'assessment.read', `assessment:${id}`, null, null));

function readAssessment(user: UserRow, a: AssessmentRow) {
  const id = a.id;
  const index = indexOf(a.questionnaire);
  const byKey = new Map<string, { process: string; indicator: string; rating: string | null; evidence: string | null; note: string | null; justification: string | null; revision: number; unconfirmed: boolean; assessor: unknown }>();
  for (const x of q.answers.all(id)) byKey.set(`${x.process}/${x.indicator}`, { process: x.process, indicator: x.indicator, rating: x.rating, evidence: x.evidence, note: x.note, justification: x.justification, revision: x.revision, unconfirmed: x.unconfirmed === 1, assessor: null });
  for (const r of q.ratings.all(id)) {
    const key = `${r.process}/${r.indicator}`;
    const entry = byKey.get(key) ?? { process: r.process, indicator: r.indicator, rating: null, evidence: null, note: null, justification: null, revision: 0, unconfirmed: false, assessor: null };
    entry.assessor = { rating: r.rating, reason: r.reason, stale: r.stale === 1 };
    byKey.set(key, entry);
  }
  const order = (p: string, i: string) => index.processById.get(p)?.indicatorById.get(i)?.slot ?? Number.MAX_SAFE_INTEGER;
  const view = {
    id,
    agency: a.agency_code,
    cycle: a.cycle_year,
    questionnaire: a.questionnaire,
    status: a.status,
    assessor: a.assessor_id ? (q.username.get(a.assessor_id)?.username ?? null) : null,
    prefilledFrom: a.prefilled_from === null ? null : Number(a.prefilled_from),
    submittedAt: a.submitted_at,
    submittedBy: a.submitted_by,
    signOff: a.sign_off === null ? null : (JSON.parse(a.sign_off) as unknown),
    acceptedAt: a.accepted_at,
    answers: [...byKey.values()].sort((x, y) => order(x.process, x.indicator) - order(y.process, y.indicator)),
    scope: q.scope.all(id).map((s) => ({ process: s.process, inScope: s.in_scope === 1, justification: s.justification })),
    scopeDecisions: q.decisions.all(id).map((d) => ({ process: d.process, inScope: d.in_scope === 1, reason: d.reason, by: d.updated_by })),
    overrides: q.overrides.all(id).map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating, reason: o.reason, by: o.updated_by })),
    findings: q.findings.all(id).map((f) => ({ process: f.process, text: f.text, by: f.updated_by, at: f.updated_at })),
    comments: q.comments.all(id),
    evidence: q.evidence.all(id),
    history: q.history.all(id).map((h) => ({ from: h.from_status, to: h.to_status, by: h.by, at: h.at, comment: h.comment })),
  };
  auditedRead(id, user.username);
  return view;
}

const answerState = (x: { rating: string; evidence: string | null; note: string | null; justification: string | null; revision: number }) => ({ rating: x.rating, evidence: x.evidence, note: x.note, justification: x.justification, revision: x.revision });

/** The write of PUT …/answers/:process/:indicator: state held on the row, compare-and-set on the revision, a stale assessor rating, one audit entry. */
const saveAnswer = db.transaction((user: UserRow, a: AssessmentRow, process: string, indicator: string, body: { rating: string; evidence: string | null; revision: number }, current: AnswerRow | undefined) => {
  const at = new Date().toISOString();
  if (q.holdOpen.run(at, a.id).changes !== 1) return { status: 409 as const, body: { error: { code: 'conflict', message: 'the assessment changed meanwhile' } } };
  const next = { rating: body.rating, evidence: body.evidence, note: null, justification: null, revision: body.revision + 1 };
  const written = current ? q.updateAnswer.run(body.rating, body.evidence, at, next.revision, user.username, a.id, process, indicator, body.revision).changes : q.insertAnswer.run(a.id, process, indicator, body.rating, body.evidence, next.revision, at, user.username).changes;
  if (written !== 1) return { status: 409 as const, body: { error: { code: 'stale_revision', message: 'changed by someone else' }, current: q.answer.get(a.id, process, indicator) ?? null } };
  const changed = !current || current.rating !== next.rating || current.evidence !== next.evidence || current.justification !== null || current.note !== null;
  const staled = a.status === 'returned' && changed && q.staleRating.run(a.id, process, indicator).changes === 1;
  appendAudit(user.username, 'answer.put', `assessment:${a.id}`, { process, indicator, answer: current ? answerState(current) : null }, { process, indicator, answer: answerState(next), ...(staled ? { assessorRatingStale: true } : {}) });
  return { status: 200 as const, body: { process, indicator, ...next, unconfirmed: false, assessor: null } };
});

const RATINGS = new Set(['N', 'P', 'L', 'F', 'NA']);

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const auth = req.headers.authorization;
  const user = auth?.startsWith('Bearer ') ? q.tokenUser.get(sha256(auth.slice(7).trim()), new Date().toISOString()) : undefined;
  if (!user || user.active !== 1) return send(res, 401, { error: { code: 'unauthorized', message: 'sign in' } });
  const path = (req.url ?? '').split('?')[0]!.split('/');
  // /api/assessments/:id or /api/assessments/:id/answers/:process/:indicator
  if (path[1] !== 'api' || path[2] !== 'assessments' || !path[3]) return send(res, 404, { error: { code: 'not_found', message: 'no route' } });
  const id = decodeURIComponent(path[3]);
  if (findUnfitText({ id })) return send(res, 400, { error: { code: 'invalid', message: 'bad path' } });
  const a = q.assessment.get(id);
  if (!a || !sees(user, a)) return send(res, 404, { error: { code: 'not_found', message: 'no assessment' } });
  if (req.method === 'GET' && path.length === 4) return send(res, 200, readAssessment(user, a));
  if (req.method !== 'PUT' || path[4] !== 'answers' || path.length !== 7) return send(res, 404, { error: { code: 'not_found', message: 'no route' } });
  const process = decodeURIComponent(path[5]!);
  const indicator = decodeURIComponent(path[6]!);
  if (user.role !== 'agency' && user.role !== 'ciso') return send(res, 403, { error: { code: 'forbidden', message: 'agency staff only' } });
  if (a.status !== 'draft' && a.status !== 'returned') return send(res, 409, { error: { code: 'conflict', message: 'not open for fill-in' } });
  const found = indexOf(a.questionnaire).processById.get(process)?.indicatorById.get(indicator);
  if (!found) return send(res, 404, { error: { code: 'not_found', message: 'no indicator' } });
  let body: { rating: string; evidence?: string | null; revision: number };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return send(res, 400, { error: { code: 'invalid', message: 'not JSON' } });
  }
  if (!RATINGS.has(body.rating) || !Number.isInteger(body.revision) || body.revision < 0 || (body.evidence !== undefined && body.evidence !== null && typeof body.evidence !== 'string')) return send(res, 400, { error: { code: 'invalid', message: 'bad answer' } });
  // The service's checks of what is stored: well-formed text in the path and the body, and the answer's own rules.
  if (findUnfitText({ process, indicator }) || findUnfitText(body) || checkAnswer(found, body).length > 0) return send(res, 400, { error: { code: 'invalid', message: 'bad answer' } });
  const current = q.answer.get(a.id, process, indicator);
  if (body.revision !== (current?.revision ?? 0)) return send(res, 409, { error: { code: 'stale_revision', message: 'changed by someone else' }, current: current ?? null });
  const result = saveAnswer(user, a, process, indicator, { rating: body.rating, evidence: body.evidence ?? null, revision: body.revision }, current);
  send(res, result.status, result.body);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      send(res, 500, { error: { code: 'internal', message: String(error) } });
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void checkpointer.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
