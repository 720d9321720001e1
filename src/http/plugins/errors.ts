// One error handler: service errors and validation errors to API.md's shape; 4xx logged at warn, 5xx at error.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { ServiceError, type ProblemDetail } from '../../services/errors.js';

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

export default fp(
  (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof ServiceError) {
        request.log.warn({ code: error.code, status: error.status }, error.message);
        const retryAfter = error.extra?.retryAfter;
        if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
        // `extra.errorFields` join the error object; `extra.body` stands beside it (e.g. `completeness`, `current`).
        const errorFields = error.extra?.errorFields as object | undefined;
        return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}), ...errorFields }, ...(error.extra?.body as object | undefined) });
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
