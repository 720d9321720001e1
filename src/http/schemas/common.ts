// JSON Schemas shared by several routes (TypeBox: one definition gives the schema and the type),
// and the helpers that describe non-JSON bodies (files, workbooks) to the OpenAPI document.
import { Type } from 'typebox';
import { AGENCY_CODE_PATTERN, GRADES, ROLES, USERNAME_PATTERN } from '../../domain/roles.js';

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(
        Type.Object({
          line: Type.Optional(Type.Integer()),
          column: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
          path: Type.Optional(Type.String()),
          message: Type.String(),
        }),
      ),
    ),
  }),
});

/** What each error status means (API.md's status rules), as the OpenAPI document's response descriptions. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input: `error.details` names each problem (`path`, or `line` and `column`)',
  401: 'Not logged in, or the session or bearer token sent is unknown, expired or revoked',
  403: 'Logged in, but this role may not do this (or a cookie-authenticated change came from another site)',
  404: 'No such thing, or not one this user may see',
  409: 'Wrong state for this action, already exists, or a stale revision',
  413: 'The body is larger than this operation accepts (1 MB for JSON bodies)',
  415: 'The body’s content type (or, for a file, its content) is not one this operation accepts',
  422: 'Well-formed, but not possible as the data stands: `error.code` says why',
  429: 'Too many failed log-ins: the `retry-after` header gives the seconds to wait',
  503: 'The database is not answering',
};

/** The error body, described for one status. */
export const errorResponse = (status: keyof typeof ERROR_DESCRIPTIONS) => Type.With(ErrorBody, { description: ERROR_DESCRIPTIONS[status] ?? `Error ${status}` });

/**
 * The error responses every authenticated route may give. 413 and 415 (fastify's body limit and
 * content types) are added to every operation that takes a body by the OpenAPI plugin.
 */
export const errors = { 400: errorResponse(400), 401: errorResponse(401), 403: errorResponse(403), 404: errorResponse(404), 409: errorResponse(409) };

const binary = () => ({ type: 'string', format: 'binary' }) as const;

/**
 * A response of raw bytes (a file, a workbook, a PDF) in one of `mediaTypes`, with optional response
 * headers, for the OpenAPI document. The route sends a Buffer, which fastify never serializes, so the
 * per-media-type schemas only describe it.
 */
export function binaryResponse(mediaTypes: readonly string[], description: string, headers: Record<string, { description: string; type?: 'string' | 'integer' }> = {}) {
  return Type.Unsafe<Buffer>({
    description,
    content: Object.fromEntries([...new Set(mediaTypes)].map((type) => [type, { schema: binary() }])),
    ...(Object.keys(headers).length > 0 ? { headers: Object.fromEntries(Object.entries(headers).map(([name, h]) => [name, { type: h.type ?? 'string', description: h.description }])) } : {}),
  });
}

/**
 * A request body of raw bytes in the media types of the route's `consumes`: fastify hands the route a
 * Buffer, which no JSON Schema type admits, so it is validated by the route itself; the OpenAPI plugin
 * documents it as `{type: string, format: binary}` (`contentEncoding: binary` marks it).
 */
export const binaryBody = (description: string) => Type.Unsafe<Buffer>({ description, contentEncoding: 'binary' });

/** A field of raw bytes, e.g. the file part of a multipart body (documented only: see `documentedBody` in src/http/plugins/openapi.ts). */
export const BinaryField = (description: string) => Type.Unsafe<Buffer>({ ...binary(), description });

// Unions come from the domain's own lists, so the API cannot drift from them.
export const Role = Type.Enum(ROLES);
export const Grade = Type.Enum(GRADES);
export const Username = Type.String({ pattern: USERNAME_PATTERN });
export const AgencyCode = Type.String({ pattern: AGENCY_CODE_PATTERN });
export const Year = Type.Integer({ minimum: 1, maximum: 999 });
export const IsoDate = Type.String({ format: 'date' });
export const LocalizedText = Type.Object({ 'zh-TW': Type.String(), en: Type.String() });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const UserSummary = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  agency: Nullable(Type.String()),
  ministry: Nullable(Type.String()),
});

export const UserBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  agency: Nullable(Type.String()),
  ministry: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String(),
  /** Whether a second factor is confirmed. */
  otp: Type.Boolean(),
  /** Until when the account is locked after failed log-ins, or null. */
  lockedUntil: Nullable(Type.String()),
});
