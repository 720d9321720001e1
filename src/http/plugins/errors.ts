// One error handler: service errors and validation errors to the error shape of docs/api.md, through
// one table from error code to HTTP status; 4xx logged at warn, 5xx at error, internals never sent.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { ServiceError, type ErrorCode, type ProblemDetail } from '../../services/errors.js';

/** The HTTP status of every service error code. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  forbidden: 403,
  cross_origin: 403,
  not_found: 404,
  conflict: 409,
  stale_revision: 409,
  exists: 409,
  too_large: 413,
  unsupported_media_type: 415,
  incomplete: 422,
  too_many_attempts: 429,
  backup_failed: 500,
};

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function validationDetails(issues: ValidationIssue[], context: string | undefined): ProblemDetail[] {
  return issues.map((issue) => {
    let path = issue.instancePath || '/';
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') {
      path = `${issue.instancePath}/${String(issue.params.missingProperty)}`;
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties') {
      path = `${issue.instancePath}/${String(issue.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (issue.keyword === 'enum' || issue.keyword === 'const' || issue.keyword === 'anyOf') {
      const allowed = issue.params.allowedValues as unknown[] | undefined;
      if (allowed) message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { path: context && context !== 'body' ? `${context}:${path}` : path, message };
  });
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
  return reply.status(STATUS_OF[error.code]).send(body);
}

const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;

export default fp(
  (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const thrown: unknown = error;
      if (isServiceError(thrown)) {
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
