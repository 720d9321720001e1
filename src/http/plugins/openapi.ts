// The OpenAPI 3.1 document, generated from the routes' own JSON Schemas and served at /api/openapi.json.
// The route schemas are what fastify validates and serializes; `documentOperation` adds, per
// operation, what only the document needs, so that a future route gets it without asking:
// an operationId, `security: []` for public routes (`config.access: 'public'`), request bodies that
// fastify must not validate (multipart, raw bytes), 401 everywhere (a bad bearer token is refused on
// every route), 503 everywhere (the database may not answer), 413 and 415 wherever a body is taken, and a description for every response;
// `finishDocument` marks a request body that admits null (a missing body) as not required.
import fp from 'fastify-plugin';
import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { ERROR_DESCRIPTIONS, errorResponse } from '../schemas/common.js';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * A request body that only the OpenAPI document sees, by media type: for bodies the route reads
     * itself (multipart/form-data parts), which fastify must not validate against a JSON Schema.
     */
    documentedBody?: Readonly<Record<string, unknown>>;
  }
}

/** `GET /api/assessments/:id/sheet` → `getAssessmentsByIdSheet`: the fallback for a route that names no operationId. */
export function deriveOperationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'api')
    .map((segment) => (segment.startsWith(':') ? `by ${segment.slice(1)}` : segment))
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

type Schemaish = Record<string, unknown>;

/** A raw-bytes body (`binaryBody` in src/http/schemas/common.ts): fastify validates nothing of it, the document says binary. */
const isBinaryBody = (body: unknown): body is Schemaish => typeof body === 'object' && body !== null && (body as Schemaish).contentEncoding === 'binary' && (body as Schemaish).type === undefined;

/** The route's schema as the OpenAPI document shows it (fastify keeps using the route's own). */
export function documentOperation(schema: FastifySchema | undefined, route: Pick<RouteOptions, 'method' | 'url' | 'config'>): FastifySchema | undefined {
  if (!schema || schema.hide) return schema;
  const doc: FastifySchema & Schemaish = { ...schema };
  const method = [route.method].flat()[0]!;
  doc.operationId ??= deriveOperationId(method, route.url);

  if (schema.documentedBody) {
    doc.body = { content: Object.fromEntries(Object.entries(schema.documentedBody).map(([mediaType, body]) => [mediaType, { schema: body }])) };
    delete doc.documentedBody;
  } else if (isBinaryBody(schema.body)) {
    // @fastify/swagger turns `contentEncoding: binary` into `format: binary`.
    doc.body = { ...schema.body, type: 'string' };
  }

  const response: Record<string, object> = { ...(schema.response as Record<string, object> | undefined) };
  const isPublic = (route.config as { access?: unknown } | undefined)?.access === 'public';
  if (isPublic) doc.security = [];
  // The bearer token is checked on every route, public ones too.
  response['401'] ??= isPublic ? Type.With(errorResponse(401), { description: 'A bearer token was sent and is unknown, expired or revoked (none is needed here)' }) : errorResponse(401);
  // Any route may find its database not answering (the health check documents its own 503).
  response['503'] ??= errorResponse(503);
  if (doc.body !== undefined) {
    response['413'] ??= errorResponse(413);
    response['415'] ??= errorResponse(415);
  }
  for (const [status, described] of Object.entries(response)) {
    const own = (described as { description?: unknown }).description;
    const description = typeof own === 'string' ? own : (ERROR_DESCRIPTIONS[Number(status)] ?? schema.summary ?? `HTTP ${status}`);
    response[status] = { ...described, description };
    if (status === '429' || status === '503') response[status] = { ...response[status], headers: { 'retry-after': { type: 'integer', minimum: 1, description: 'seconds until the next attempt may succeed' } } };
  }
  doc.response = response;
  return doc;
}

/** Whether a JSON Schema admits null: fastify validates a missing body as null, so such a body is optional. */
function admitsNull(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const { type, anyOf } = schema as { type?: unknown; anyOf?: unknown };
  return type === 'null' || (Array.isArray(type) && type.includes('null')) || (Array.isArray(anyOf) && anyOf.some(admitsNull));
}

interface DocumentPaths {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> } }> | undefined>;
}

/** The whole document's last touches: a request body whose schema admits null is not required (@fastify/swagger marks every body required). */
function finishDocument<D extends DocumentPaths>(document: D): D {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      const body = operation.requestBody;
      if (body && Object.values(body.content ?? {}).some((media) => admitsNull(media.schema))) body.required = false;
    }
  }
  return document;
}

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'govsec-maturity',
          version: '0.1.0',
          description: [
            'Security-governance maturity assessments of Taiwan government agencies (資安治理成熟度評估).',
            'Errors: `{ error: { code, message, details? } }`; `details` items carry `path` (prefixed `querystring:` or `params:` outside the body) or `line`/`column`, and `message`.',
            'Query parameters an operation does not list are refused with 400.',
          ].join('\n\n'),
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'gsm_session' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
        security: [{ session: [] }, { bearer: [] }],
      },
      transform: ({ schema, url, route }) => ({ schema: documentOperation(schema, route) as FastifySchema, url }),
      transformObject: (documentObject) => finishDocument((documentObject as { openapiObject: DocumentPaths }).openapiObject) as ReturnType<SwaggerTransformObject>,
    });
    app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, () => app.swagger());
  },
  { name: 'openapi' },
);
