// The security office's pages (/office/…): agencies (filters, CSV import), users, assessors and their
// qualifications, cycles (and moving drafts to their cycle's questionnaire version), assignments (and
// reopening), and the audit log. Each page has a GET and, for its forms, a POST to the same path; the
// handlers call the services as the JSON API routes do. A form that succeeds redirects back with a flash
// (`?done=<message key>`), except where a password is shown once; a refused one shows the page again with
// the refusal, each problem and the refusal's status.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANSWER_TEXT_LIMITS, hasText } from '../../../domain/answers.js';
import { GRADES, ROLES, type Role } from '../../../domain/roles.js';
import { decodeUtf8 } from '../../../domain/text.js';
import { STATES, refuseEdit, refuseTransition, type AssessmentState } from '../../../domain/workflow.js';
import { compareVersions } from '../../../questionnaires/loader.js';
import type { UserChanges } from '../../../services/accounts.service.js';
import { AssessorService, type Affiliation, type Qualification } from '../../../services/assessor.service.js';
import { AUDIT_ACTIONS } from '../../../services/audit.service.js';
import type { CycleChanges } from '../../../services/cycle.service.js';
import { ServiceError, invalid, type ProblemDetail } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { STATUS_OF } from '../../plugins/errors.js';
import { isMessageKey, message, type Language, type MessageKey } from '../i18n.js';
import { CSRF_FIELD, requireCsrf } from '../plugin.js';

/** Every office page: the office only; errors shown as pages; not in the OpenAPI document. */
const officeRoute = () => ({ config: { access: ['office'] as const, page: true }, schema: { hide: true } });

/** What a page shows beyond its own data: a flash, a refused form's problems, a password shown once, the values typed. */
type Extra = Record<string, unknown>;
/** Renders a page with its data, for its GET and again after one of its forms. */
type Show = (request: FastifyRequest, reply: FastifyReply, extra?: Extra, status?: number) => Promise<FastifyReply>;

// ——— shared: form fields, flashes and refusals ———

/** A message with its `{name}` placeholders filled in. */
const fill = (text: string, values: Record<string, string | number>): string => text.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

/** A form or query value as trimmed text ('' when absent or repeated). */
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const formOf = (request: FastifyRequest): Record<string, unknown> => (request.body ?? {}) as Record<string, unknown>;

/** A whole number written in digits, or null. */
const wholeNumber = (value: string): number | null => (/^\d{1,9}$/.test(value) ? Number(value) : null);

/** An ISO date (YYYY-MM-DD) that exists in the calendar. */
function isIsoDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The refusal of a form whose own fields are wrong (found before any service is asked), naming each field. */
const badForm = (lang: Language, problems: ProblemDetail[]): ServiceError => invalid(message(lang, 'office.form.invalid'), problems);
/** The refusal of a post whose `action` (the button pressed) is none of the page's. */
const unknownAction = (lang: Language): ServiceError => badForm(lang, [{ path: 'action', message: message(lang, 'office.form.action') }]);

/** The flash after a form's redirect: `?done=<office message key>`, its placeholders filled from the query's numbers. */
function doneFlash(request: FastifyRequest): { kind: 'ok'; text: string } | null {
  const query = request.query as Record<string, unknown>;
  const key = text(query.done);
  if (!key.startsWith('office.') || !isMessageKey(key)) return null;
  const numbers = Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && wholeNumber(entry[1]) !== null));
  return { kind: 'ok', text: fill(message(request.lang, key), numbers) };
}

/** Back to a page after a form succeeded, with what was done (and the numbers its message names). */
function done(reply: FastifyReply, path: string, key: MessageKey, values: Record<string, number> = {}): FastifyReply {
  const query = new URLSearchParams([...Object.entries(values).map(([k, v]): [string, string] => [k, String(v)]), ['done', key]]);
  return reply.redirect(`${path}?${query.toString()}`, 303);
}

/** A refused form as the page shows it: a flash with the reason, and each problem with its line (CSV) or field. */
function refusal(lang: Language, error: ServiceError): Extra {
  const where = (d: ProblemDetail) => (d.line !== undefined ? [fill(message(lang, 'office.problem.line'), { line: d.line }), d.column].filter((part) => part !== undefined && part !== '').join(' · ') : (d.path ?? ''));
  return {
    flash: { kind: 'error', text: `${message(lang, 'office.failed')} ${error.message}` },
    problems: (error.details ?? []).map((d) => ({ where: where(d), message: d.message })),
  };
}

/** A service's refusal, to show on the page (a missing log-in or a bad CSRF token is not: those stay error pages). */
const isRefusal = (error: unknown): error is ServiceError => error instanceof ServiceError && error.code !== 'unauthorized' && error.code !== 'csrf';

/**
 * Runs a form's work. A service's refusal shows the page again, with it, in the refusal's status; a
 * missing log-in, a bad CSRF token and anything unexpected stay error pages.
 */
async function orRefusal(request: FastifyRequest, reply: FastifyReply, show: Show, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return show(request, reply, refusal(request.lang, error), STATUS_OF[error.code]);
  }
}

const distinct = (values: string[]): string[] => [...new Set(values)].sort((a, b) => a.localeCompare(b));
const today = (app: FastifyInstance): string => app.services.clock.now().toISOString().slice(0, 10);

// ——— /office/agencies: the list with its filters, and the CSV import ———

/** The largest CSV file, as POST /api/agencies/import takes. */
const CSV_MAX_BYTES = 5 * 1024 * 1024;

/** A form post's fields and its one file: a multipart upload, or (without a file) an ordinary form. */
async function readUpload(request: FastifyRequest): Promise<{ fields: Record<string, string>; file?: Buffer }> {
  if (!request.isMultipart()) return { fields: Object.fromEntries(Object.entries(formOf(request)).map(([k, v]) => [k, text(v)])) };
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        // A form sent with no file chosen carries an empty part without a name.
        if (part.filename !== '' || bytes.length > 0) file = bytes;
      } else fields[part.fieldname] = text(part.value);
    }
  } catch (error) {
    // Too large stays 413; a body that is not well-formed multipart is the sender's: 400.
    if ((error as { statusCode?: number }).statusCode === 413) throw error;
    throw invalid('the body is not well-formed multipart/form-data', [{ message: (error as Error).message }]);
  }
  return { fields, ...(file ? { file } : {}) };
}

async function agenciesPage(app: FastifyInstance) {
  const show: Show = async (request, reply, extra = {}, status = 200) => {
    const actor = requireActor(request);
    const query = request.query as Record<string, unknown>;
    const cycles = await app.services.cycles.list();
    const asked = wholeNumber(text(query.cycle));
    const cycle = cycles.find((c) => c.year === asked)?.year ?? cycles.at(-1)?.year ?? null;
    const grade = (GRADES as readonly string[]).includes(text(query.grade)) ? text(query.grade) : '';
    const state = text(query.state) === 'none' || (STATES as readonly string[]).includes(text(query.state)) ? text(query.state) : '';
    const [agencies, assessments] = await Promise.all([app.services.agencies.list(actor), cycle === null ? [] : app.services.assessments.list(actor, { cycle })]);
    const ministries = distinct(agencies.map((a) => a.ministry));
    const ministry = ministries.includes(text(query.ministry)) ? text(query.ministry) : '';
    const assessmentOf = new Map(assessments.map((a) => [a.agency, a]));
    const rows = agencies
      .map((a) => ({ ...a, grade: a.grades[String(cycle)] ?? null, assessment: assessmentOf.get(a.code) ?? null }))
      .filter((r) => (!grade || r.grade === grade) && (!ministry || r.ministry === ministry) && (!state || (state === 'none' ? r.assessment === null : r.assessment?.status === state)));
    return reply.page(
      'office-agencies',
      'office.agencies.title',
      { officePage: 'agencies', cycles, grades: GRADES, states: STATES, ministries, filter: { cycle, grade, ministry, state }, rows, importCycle: cycle, flash: doneFlash(request), ...extra },
      status,
    );
  };

  app.get('/office/agencies', officeRoute(), (request, reply) => show(request, reply));

  // Multipart parsing only where the CSV is uploaded.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: CSV_MAX_BYTES, files: 1, fields: 5, fieldSize: 1024 } });
    scope.post('/office/agencies', officeRoute(), (request, reply) =>
      orRefusal(request, reply, show, async () => {
        const { fields, file } = await readUpload(request);
        requireCsrf(request, fields[CSRF_FIELD]);
        const lang = request.lang;
        const cycle = wholeNumber(fields.cycle ?? '');
        if (cycle === null || !file) {
          throw badForm(lang, [
            ...(cycle === null ? [{ path: message(lang, 'office.agencies.import.cycle'), message: message(lang, 'office.form.number') }] : []),
            ...(file ? [] : [{ path: message(lang, 'office.agencies.import.file'), message: message(lang, 'office.agencies.import.noFile') }]),
          ]);
        }
        const decoded = decodeUtf8(file);
        if (!('text' in decoded)) throw invalid(message(lang, 'office.agencies.import.notUtf8'), [{ line: decoded.line, message: decoded.message }]);
        const report = await app.services.agencies.importCsv(requireActor(request), cycle, decoded.text);
        return done(reply, '/office/agencies', 'office.agencies.imported', { cycle: report.cycle, rows: report.rows, created: report.created, updated: report.updated });
      }),
    );
  });
}

// ——— /office/users: the accounts, adding one, and each account's buttons ———

/** What a display name or a ministry may hold, as POST and PATCH /api/users take them. */
const NAME_MAX = 100;

/** The buttons of an account's row: each one change as PATCH /api/users/:username takes it, and what the page then says. */
const USER_ACTIONS = new Map<string, { changes: UserChanges; done: MessageKey }>([
  ['activate', { changes: { active: true }, done: 'office.users.activated' }],
  ['deactivate', { changes: { active: false }, done: 'office.users.deactivated' }],
  ['reset-password', { changes: { resetPassword: true }, done: 'office.users.password.reset' }],
  ['reset-otp', { changes: { resetOtp: true }, done: 'office.users.otpReset' }],
  ['unlock', { changes: { unlock: true }, done: 'office.users.unlocked' }],
]);

function usersPage(app: FastifyInstance) {
  const show: Show = async (request, reply, extra = {}, status = 200) => {
    const [users, agencies] = await Promise.all([app.services.accounts.listUsers(), app.services.agencies.list(requireActor(request))]);
    return reply.page('office-users', 'office.users.title', { officePage: 'users', users, roles: ROLES, agencies, ministries: distinct(agencies.map((a) => a.ministry)), draft: {}, flash: doneFlash(request), ...extra }, status);
  };

  app.get('/office/users', officeRoute(), (request, reply) => show(request, reply));

  app.post('/office/users', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = formOf(request);
    const action = text(form.action);
    const draft = { username: text(form.username), role: text(form.role), agency: text(form.agency), ministry: text(form.ministry), displayName: text(form.displayName) };
    const shown = (key: MessageKey, username: string, password: string | undefined) => show(request, reply, { shown: { text: message(lang, key), username, password } });
    return orRefusal(request, reply, (rq, rp, extra, status) => show(rq, rp, { ...extra, draft: action === 'create' ? draft : {} }, status), async () => {
      if (action === 'create') {
        const tooLong = (name: 'ministry' | 'displayName', label: MessageKey) => (draft[name].length > NAME_MAX ? [{ path: message(lang, label), message: fill(message(lang, 'office.form.tooLong'), { max: NAME_MAX }) }] : []);
        const problems = [...tooLong('displayName', 'office.field.displayName'), ...tooLong('ministry', 'office.users.ministry')];
        if (problems.length > 0) throw badForm(lang, problems);
        const created = await app.services.accounts.createUser(actor, { username: draft.username, role: draft.role as Role, agency: draft.agency || null, ministry: draft.ministry || null, displayName: draft.displayName || null });
        return shown('office.users.password.created', created.user.username, created.password);
      }
      const button = USER_ACTIONS.get(action);
      if (!button) throw unknownAction(lang);
      const changed = await app.services.accounts.updateUser(actor, draft.username, button.changes);
      return changed.password ? shown(button.done, changed.user.username, changed.password) : done(reply, '/office/users', button.done);
    });
  });
}

// ——— /office/assessors: the register of qualifications and affiliations ———

/** The most affiliations one record holds, as PUT /api/assessors/:username takes them. */
const AFFILIATIONS_MAX = 200;
const AFFILIATION_SEPARATOR = /[,，]/;

/** Affiliations as the form's text shows them: one a line, `agency, cycle, note` (an empty cycle: every cycle). */
const affiliationLines = (affiliations: Affiliation[]): string =>
  affiliations.map((a) => [a.agency, a.cycle ?? '', a.note ?? ''].join(', ').replace(/(, )+$/, '')).join('\n');

/** The form's affiliation lines, or the problem of each line that is not `agency[, cycle[, note]]`. */
function parseAffiliations(lang: Language, value: string): { affiliations: Affiliation[]; problems: ProblemDetail[] } {
  const affiliations: Affiliation[] = [];
  const problems: ProblemDetail[] = [];
  const label = message(lang, 'office.assessors.affiliations');
  for (const [i, line] of value.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [agency = '', cycle = '', ...rest] = line.split(AFFILIATION_SEPARATOR).map((part) => part.trim());
    const note = rest.join(', ');
    const year = cycle === '' ? undefined : wholeNumber(cycle);
    if (agency === '' || agency.length > 64 || year === null || year === 0 || (year ?? 0) > 999 || note.length > 200) {
      problems.push({ line: i + 1, column: label, message: message(lang, 'office.assessors.affiliation') });
    } else affiliations.push({ agency, ...(year === undefined ? {} : { cycle: year }), ...(note ? { note } : {}) });
  }
  if (affiliations.length > AFFILIATIONS_MAX) problems.push({ path: label, message: fill(message(lang, 'office.form.tooLong'), { max: AFFILIATIONS_MAX }) });
  return { affiliations, problems };
}

interface AssessorDraft {
  username: string;
  certifiedOn: string;
  validUntil: string;
  affiliations: string;
}

function assessorsPage(app: FastifyInstance) {
  const recordOf = (username: string): Promise<Qualification | null> =>
    app.services.assessors.get(username).catch((error: unknown) => {
      if (error instanceof ServiceError && error.code === 'not_found') return null;
      throw error;
    });

  const show: Show = async (request, reply, extra = {}, status = 200) => {
    const draft = extra.draft as AssessorDraft | undefined;
    const on = today(app);
    const users = (await app.services.accounts.listUsers()).filter((u) => u.role === 'assessor');
    const assessors = await Promise.all(
      users.map(async (u) => {
        const record = await recordOf(u.username);
        const editing = draft?.username === u.username;
        const form = editing ? draft : { certifiedOn: record?.certifiedOn ?? '', validUntil: record?.validUntil ?? '', affiliations: record ? affiliationLines(record.affiliations) : '' };
        return { ...u, record, qualifiedToday: record !== null && AssessorService.isQualified(record, on), editing, form };
      }),
    );
    return reply.page('office-assessors', 'office.assessors.title', { officePage: 'assessors', assessors, flash: doneFlash(request), ...extra }, status);
  };

  app.get('/office/assessors', officeRoute(), (request, reply) => show(request, reply));

  app.post('/office/assessors', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = formOf(request);
    const draft: AssessorDraft = { username: text(form.username), certifiedOn: text(form.certifiedOn), validUntil: text(form.validUntil), affiliations: typeof form.affiliations === 'string' ? form.affiliations : '' };
    return orRefusal(request, reply, (rq, rp, extra, status) => show(rq, rp, { ...extra, draft }, status), async () => {
      const { affiliations, problems } = parseAffiliations(lang, draft.affiliations);
      const dateProblem = (value: string, label: MessageKey) => (isIsoDate(value) ? [] : [{ path: message(lang, label), message: message(lang, 'office.form.date') }]);
      problems.unshift(...dateProblem(draft.certifiedOn, 'office.assessors.certifiedOn'), ...dateProblem(draft.validUntil, 'office.assessors.validUntil'));
      if (problems.length > 0) throw badForm(lang, problems);
      await app.services.assessors.put(actor, draft.username, { certifiedOn: draft.certifiedOn, validUntil: draft.validUntil, affiliations });
      return done(reply, '/office/assessors', 'office.assessors.saved');
    });
  });
}

// ——— /office/cycles: each cycle's questionnaire version, target and deadline; drafts left on an older version ———

const LEVELS = [1, 2, 3, 4, 5];

/** Whether `from` is an older version of the questionnaire `to` names (both `id@version`). */
function isOlderVersion(from: string, to: string): boolean {
  const [fromId, fromVersion] = from.split('@');
  const [toId, toVersion] = to.split('@');
  return fromId === toId && fromVersion !== undefined && toVersion !== undefined && compareVersions(fromVersion, toVersion) < 0;
}

/** The edit form as PATCH /api/cycles/:year takes it: only the fields the form sends change; an empty target or deadline is none. */
function cycleForm(lang: Language, form: Record<string, unknown>): { year: number; changes: CycleChanges } {
  const year = wholeNumber(text(form.year));
  const changes: CycleChanges = {};
  const problems: ProblemDetail[] = year === null ? [{ path: message(lang, 'office.field.cycle'), message: message(lang, 'office.form.number') }] : [];
  if ('questionnaire' in form) changes.questionnaire = text(form.questionnaire);
  if ('targetLevel' in form) {
    const level = text(form.targetLevel);
    if (level === '') changes.targetLevel = null;
    else if (LEVELS.includes(wholeNumber(level) ?? 0)) changes.targetLevel = Number(level);
    else problems.push({ path: message(lang, 'office.cycles.target'), message: message(lang, 'office.form.level') });
  }
  if ('deadline' in form) {
    const deadline = text(form.deadline);
    if (deadline === '' || isIsoDate(deadline)) changes.deadline = deadline || null;
    else problems.push({ path: message(lang, 'office.cycles.deadline'), message: message(lang, 'office.form.date') });
  }
  if (Object.keys(changes).length === 0) problems.push({ path: message(lang, 'office.cycles.edit'), message: message(lang, 'office.form.nothing') });
  if (year === null || problems.length > 0) throw badForm(lang, problems);
  return { year, changes };
}

function cyclesPage(app: FastifyInstance) {
  const show: Show = async (request, reply, extra = {}, status = 200) => {
    const actor = requireActor(request);
    const [cycles, questionnaires, assessments] = await Promise.all([app.services.cycles.list(), app.services.questionnaires.list(), app.services.assessments.list(actor, {})]);
    const versions = questionnaires.map((q) => `${q.id}@${q.version}`);
    const open = new Map(cycles.filter((c) => !c.closed).map((c) => [c.year, c.questionnaire]));
    // Drafts (those the office may move) of an open cycle, on an older version of the cycle's questionnaire.
    const behind = assessments
      .filter((a) => refuseEdit(actor, { state: a.status, assessorId: null }, 'move') === null && isOlderVersion(a.questionnaire, open.get(a.cycle) ?? ''))
      .map((a) => ({ ...a, to: open.get(a.cycle) }));
    return reply.page('office-cycles', 'office.cycles.title', { officePage: 'cycles', cycles: [...cycles].reverse(), versions, levels: LEVELS, behind, flash: doneFlash(request), ...extra }, status);
  };

  app.get('/office/cycles', officeRoute(), (request, reply) => show(request, reply));

  app.post('/office/cycles', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = formOf(request);
    const action = text(form.action);
    const editing = action === 'update' ? wholeNumber(text(form.year)) : null;
    return orRefusal(request, reply, (rq, rp, extra, status) => show(rq, rp, { ...extra, editing }, status), async () => {
      if (action === 'update') {
        const { year, changes } = cycleForm(lang, form);
        await app.services.cycles.update(actor, year, changes);
        return done(reply, '/office/cycles', 'office.cycles.saved');
      }
      if (action === 'move') {
        await app.services.assessments.moveQuestionnaire(actor, text(form.assessment), text(form.to));
        return done(reply, '/office/cycles', 'office.cycles.moved');
      }
      throw unknownAction(lang);
    });
  });
}

// ——— /office/assignments: each assessment's lead assessor; reopening an accepted one ———

function assignmentsPage(app: FastifyInstance) {
  const show: Show = async (request, reply, extra = {}, status = 200) => {
    const actor = requireActor(request);
    const cycles = await app.services.cycles.list();
    const asked = wholeNumber(text((request.query as Record<string, unknown>).cycle));
    const cycle = cycles.find((c) => c.year === asked)?.year ?? null;
    const assessments = (await app.services.assessments.list(actor, cycle === null ? {} : { cycle })).sort((a, b) => b.cycle - a.cycle || a.agency.localeCompare(b.agency));
    const subject = (status: AssessmentState) => ({ state: status, assessorId: null });
    const assignable = assessments.filter((a) => refuseEdit(actor, subject(a.status), 'assign') === null);
    const qualified = await app.services.assessors.qualifiedFor(assignable.map((a) => ({ agency: a.agency, cycle: a.cycle })));
    const choices = new Map(assignable.map((a, i) => [a.id, qualified[i] ?? []]));
    const rows = assessments.map((a) => ({ ...a, assignable: choices.has(a.id), assessors: choices.get(a.id) ?? [], reopenable: refuseTransition(actor, subject(a.status), 'reopen') === null }));
    return reply.page('office-assignments', 'office.assignments.title', { officePage: 'assignments', cycles: [...cycles].reverse(), filter: { cycle }, rows, reasonMax: ANSWER_TEXT_LIMITS.justification, flash: doneFlash(request), ...extra }, status);
  };

  app.get('/office/assignments', officeRoute(), (request, reply) => show(request, reply));

  app.post('/office/assignments', officeRoute(), async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const lang = request.lang;
    const form = formOf(request);
    const action = text(form.action);
    const assessment = text(form.assessment);
    // Back to the list as it was filtered.
    const cycle = wholeNumber(text(form.cycle));
    const back: Record<string, number> = cycle === null ? {} : { cycle };
    return orRefusal(request, reply, show, async () => {
      if (action === 'assign') {
        await app.services.reviews.assign(actor, assessment, text(form.assessor));
        return done(reply, '/office/assignments', 'office.assignments.assigned', back);
      }
      if (action === 'reopen') {
        // The reason as POST /api/assessments/:id/reopen takes it: some text, at most the justification limit.
        const reason = text(form.reason);
        const label = message(lang, 'office.assignments.reopen.reason');
        if (!hasText(reason)) throw badForm(lang, [{ path: label, message: message(lang, 'office.form.required') }]);
        if (reason.length > ANSWER_TEXT_LIMITS.justification) throw badForm(lang, [{ path: label, message: fill(message(lang, 'office.form.tooLong'), { max: ANSWER_TEXT_LIMITS.justification }) }]);
        await app.services.reviews.reopen(actor, assessment, reason);
        return done(reply, '/office/assignments', 'office.assignments.reopened', back);
      }
      throw unknownAction(lang);
    });
  });
}

// ——— /office/audit: the audit trail, filtered and paged as GET /api/audit ———

/** The filters as GET /api/audit takes them: text lengths, 1–1000 entries (100), and a `seq` to page back from. */
const AUDIT_LIMITS = { subject: 200, actor: 64, action: 64, defaultLimit: 100, maxLimit: 1000 };

function auditPage(app: FastifyInstance) {
  app.get('/office/audit', officeRoute(), async (request, reply) => {
    const lang = request.lang;
    const query = request.query as Record<string, unknown>;
    const filter = { subject: text(query.subject), actor: text(query.actor), action: text(query.action), limit: text(query.limit), before: text(query.before) };
    const limit = filter.limit === '' ? AUDIT_LIMITS.defaultLimit : wholeNumber(filter.limit);
    const before = filter.before === '' ? undefined : wholeNumber(filter.before);
    const problems: ProblemDetail[] = [];
    for (const name of ['subject', 'actor', 'action'] as const) {
      if (filter[name].length > AUDIT_LIMITS[name]) problems.push({ path: message(lang, `office.audit.${name}`), message: fill(message(lang, 'office.form.tooLong'), { max: AUDIT_LIMITS[name] }) });
    }
    if (limit === null || limit < 1 || limit > AUDIT_LIMITS.maxLimit) problems.push({ path: message(lang, 'office.audit.limit'), message: message(lang, 'office.form.limit') });
    if (before === null || before === 0) problems.push({ path: message(lang, 'office.audit.before'), message: message(lang, 'office.form.number') });
    const data = { officePage: 'audit', filter, actions: AUDIT_ACTIONS };
    if (problems.length > 0 || limit === null || before === null) {
      return reply.page('office-audit', 'office.audit.title', { ...data, rows: [], ...refusal(lang, badForm(lang, problems)) }, 400);
    }
    const entries = await app.services.audit.list({ subject: filter.subject || undefined, actor: filter.actor || undefined, action: filter.action || undefined, limit, ...(before === undefined ? {} : { before }) });
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value, null, 2));
    const rows = entries.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, before: json(e.before), after: json(e.after) }));
    const pageOf = (from: number | undefined) => {
      const params = new URLSearchParams(Object.entries({ ...filter, before: from === undefined ? '' : String(from) }).filter(([, v]) => v !== ''));
      return `/office/audit${params.size > 0 ? `?${params.toString()}` : ''}`;
    };
    const last = entries.at(-1);
    return reply.page('office-audit', 'office.audit.title', { ...data, rows, older: entries.length === limit && last ? pageOf(last.seq) : null, newest: before === undefined ? null : pageOf(undefined) });
  });
}

export default async function officePages(app: FastifyInstance) {
  await agenciesPage(app);
  usersPage(app);
  assessorsPage(app);
  cyclesPage(app);
  assignmentsPage(app);
  auditPage(app);
}
