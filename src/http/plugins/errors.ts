// One error handler: service errors and validation errors to the error shape of docs/api.md, through
// one table from error code to HTTP status; 4xx logged at warn, 5xx at error, internals never sent.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../../db/database.js';
import { ServiceError, type ErrorCode, type ProblemDetail } from '../../services/errors.js';

/** The HTTP status of every service error code. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  otp_required: 401,
  otp_invalid: 401,
  otp_enrolment_required: 403,
  invalid_password: 422,
  invalid_token: 401,
  forbidden: 403,
  cross_origin: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  stale_revision: 409,
  exists: 409,
  too_large: 413,
  unsupported_media_type: 415,
  incomplete: 422,
  invalid_prefill: 422,
  invalid_move: 422,
  not_in_cohort: 422,
  sheet_too_large: 413,
  too_many_attempts: 429,
  backup_failed: 500,
  database_unavailable: 503,
};

interface ValidationIssue {
  instancePath: string;
  schemaPath?: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

const listValues = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** One validation issue as a problem detail: the field it names and what is wrong with it, in words. */
function detailOf(issue: ValidationIssue): ProblemDetail & { path: string } {
  if (issue.keyword === 'required') return { path: `${issue.instancePath}/${String(issue.params.missingProperty)}`, message: 'is required' };
  if (issue.keyword === 'additionalProperties') return { path: `${issue.instancePath}/${String(issue.params.additionalProperty)}`, message: 'is not a known field' };
  const path = issue.instancePath || '/';
  if (issue.keyword === 'enum') return { path, message: `must be one of ${listValues(issue.params.allowedValues as unknown[])}` };
  if (issue.keyword === 'const') return { path, message: `must be ${JSON.stringify(issue.params.allowedValue)}` };
  return { path, message: issue.message ?? 'is invalid' };
}

const TYPE_WORDS: Record<string, string> = { null: 'null', integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array' };

/** What one alternative of a union accepts, when the value failed it on its kind (a value list, a constant, a type); undefined when it failed one of the alternative's other rules. */
function acceptedBy(issue: ValidationIssue): { values: string[] } | { words: string[] } | undefined {
  if (issue.keyword === 'enum') return { values: (issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)) };
  if (issue.keyword === 'const') return { values: [JSON.stringify(issue.params.allowedValue)] };
  if (issue.keyword === 'type') {
    const types = String(issue.params.type).split(',');
    return types.every((t) => t === 'null') ? { values: ['null'] } : { words: types.map((t) => TYPE_WORDS[t] ?? t) };
  }
  return undefined;
}

/** The alternative of a union an issue belongs to: its schema path up to the innermost `anyOf/<n>` below the union. */
function alternativeOf(relativeSchemaPath: string): string {
  const segments = relativeSchemaPath.split('/');
  let end = 1;
  for (let i = 1; i < segments.length - 1; i++) if (segments[i] === 'anyOf' && /^\d+$/.test(segments[i + 1]!)) end = i + 2;
  return segments.slice(0, end).join('/');
}

/**
 * A failed union (`anyOf`: TypeBox's `Nullable` and unions) comes from Ajv as one issue per
 * alternative plus "must match a schema in anyOf"; a client gets one detail instead. When the value
 * had the kind of some alternative but broke one of its rules (too long, below a minimum, a field of
 * an object), that alternative's own problems; otherwise "must be one of …" naming what each
 * alternative accepts.
 */
function unionDetails(union: ValidationIssue, members: ValidationIssue[]): (ProblemDetail & { path: string })[] {
  const alternatives = new Map<string, ValidationIssue[]>();
  for (const member of members) {
    if (member.keyword === 'anyOf') continue;
    const key = alternativeOf(member.schemaPath!.slice(union.schemaPath!.length + 1));
    alternatives.set(key, [...(alternatives.get(key) ?? []), member]);
  }
  const nearMisses = [...alternatives.values()].filter((issues) => issues.some((i) => i.instancePath !== union.instancePath || acceptedBy(i) === undefined));
  if (nearMisses.length > 0) return nearMisses.flat().filter((i) => i.instancePath !== union.instancePath || acceptedBy(i) === undefined).map(detailOf);
  const accepted = [...alternatives.values()].flat().map(acceptedBy);
  const values = [...new Set(accepted.flatMap((a) => (a && 'values' in a ? a.values : [])))];
  const words = [...new Set(accepted.flatMap((a) => (a && 'words' in a ? a.words : [])))];
  const path = union.instancePath || '/';
  if (words.length === 0) return [{ path, message: `must be one of ${values.join(', ')}` }];
  const all = [...words, ...values];
  return [{ path, message: `must be ${all.length === 1 ? all[0] : `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`}` }];
}

/** Ajv's issues as problem details: one per field and problem, a failed union as one. */
export function validationDetails(issues: readonly ValidationIssue[], context: string | undefined): ProblemDetail[] {
  const replaced = new Map<ValidationIssue, (ProblemDetail & { path: string })[]>();
  const consumed = new Set<ValidationIssue>();
  // Outermost unions first: their members include any union nested in them.
  const unions = issues.filter((i) => i.keyword === 'anyOf' && i.schemaPath !== undefined).sort((a, b) => a.schemaPath!.length - b.schemaPath!.length);
  for (const union of unions) {
    if (consumed.has(union)) continue;
    const members = issues.filter((i) => i !== union && i.schemaPath?.startsWith(`${union.schemaPath}/`));
    for (const member of members) consumed.add(member);
    replaced.set(union, unionDetails(union, members));
  }
  const details = issues.flatMap((issue) => (consumed.has(issue) ? [] : (replaced.get(issue) ?? [detailOf(issue)])));
  const seen = new Set<string>();
  return details
    .filter((d) => !seen.has(`${d.path}\n${d.message}`) && seen.add(`${d.path}\n${d.message}`))
    .map((d) => ({ path: context && context !== 'body' ? `${context}:${d.path}` : d.path, message: d.message }));
}

/** The body of a service error: data that a client acts on stands beside `error` (and, for completeness, also inside it). */
function sendServiceError(reply: FastifyReply, error: ServiceError): FastifyReply {
  const body: Record<string, unknown> = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  if (error.code === 'stale_revision') Object.assign(body, error.data as object);
  if (error.code === 'incomplete') {
    Object.assign(body, error.data as object);
    Object.assign(body.error as object, error.data as object);
  }
  if (error.code === 'too_many_attempts') void reply.header('retry-after', String((error.data as { retryAfterSeconds: number }).retryAfterSeconds));
  if (error.code === 'database_unavailable') void reply.header('retry-after', RETRY_AFTER_UNAVAILABLE);
  return reply.status(STATUS_OF[error.code]).send(body);
}

const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;

/** How long a client should wait before trying again when the database is not answering. */
export const RETRY_AFTER_UNAVAILABLE = '5';
/** The service error a request gets when its database cannot be reached. */
export const databaseUnavailable = (): ServiceError => new ServiceError('database_unavailable', 'the database is not answering; try again in a few seconds');

/** A thrown error as the service error it stands for: a database that cannot be reached becomes `database_unavailable`. */
export function asServiceError(e: unknown): ServiceError | undefined {
  if (isServiceError(e)) return e;
  return isDatabaseUnavailable(e) ? databaseUnavailable() : undefined;
}

export default fp(
  (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const thrown = asServiceError(error);
      if (thrown) {
        const status = STATUS_OF[thrown.code];
        if (status >= 500) request.log.error({ code: thrown.code }, thrown.message);
        else request.log.warn({ code: thrown.code, status }, thrown.message);
        return sendServiceError(reply, thrown);
      }
      if (error.validation) {
        const details = validationDetails(error.validation, error.validationContext);
        request.log.warn({ details }, 'invalid input');
        return reply.status(400).send({ error: { code: 'invalid_input', message: `invalid ${error.validationContext ?? 'input'}`, details } });
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.status(status).send({ error: { code: 'internal', message: 'something went wrong on our side; the error was logged' } });
      }
      request.log.warn({ code: error.code }, error.message);
      const code = status === 415 ? 'unsupported_media_type' : status === 413 ? 'too_large' : 'bad_request';
      return reply.status(status).send({ error: { code, message: error.message } });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
    );
  },
  { name: 'errors' },
);
