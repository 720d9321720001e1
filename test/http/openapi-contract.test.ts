// The served OpenAPI document against the service itself. The document must be valid, and for every
// operation in it real requests through app.inject get at least one 2xx and one 4xx; every response
// met on the way must have its status documented for its operation, a content type among the
// documented media types, the documented response headers, and (JSON) a body that validates against
// the documented schema (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). An operation of the document
// with no exercised 2xx or 4xx fails the last test: a new route needs its cases here.
//
// SQLite only: the document and the HTTP layer are the same on both databases, and the routes'
// behaviour on PostgreSQL is covered by the suites that run on `databaseKinds`.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { InjectOptions, Response } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { deriveOperationId } from '../../src/http/plugins/openapi.js';
import { THROTTLE } from '../../src/services/accounts.service.js';
import { otpCode } from '../../src/services/otp.js';
import { PASSWORD, addFixtureVersion, buildTestApp, loginAs, seedPeople, testConfig, tokenFor, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

const sqlite = databaseKinds.find((k) => k.name === 'sqlite')!;
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface MediaObject {
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  operationId?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, MediaObject> };
  responses: Record<string, ResponseObject>;
}
interface Document {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, OperationObject>>;
}
interface Operation {
  /** `GET /api/assessments/{id}` */
  key: string;
  method: string;
  pattern: RegExp;
  /** Literal path segments: the most literal template wins, as in fastify's router (`…/reviews/scope/{process}`). */
  literals: number;
  op: OperationObject;
}

type Who = 'anonymous' | 'agency' | 'ciso' | 'assessor' | 'ministry' | 'office';

interface Call {
  method: InjectOptions['method'];
  url: string;
  who?: Who;
  /** A Cookie header instead of `who`'s bearer token. */
  cookie?: string;
  payload?: InjectOptions['payload'];
  headers?: Record<string, string>;
  remoteAddress?: string;
  /** Another app on the same database (the health check of a closed database). */
  app?: FastifyInstance;
}

const boundary = 'contractboundary';
function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }): Buffer {
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}
const MULTIPART = `multipart/form-data; boundary=${boundary}`;

describe('OpenAPI contract on sqlite', () => {
  let t: TestApp;
  let doc: Document;
  let operations: Operation[];
  const auth = new Map<Who, string>();
  const validators = new Map<string, ValidateFunction>();
  /** Every status met per operation key. */
  const exercised = new Map<string, Set<number>>();
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addFormat('binary', true);

  beforeAll(async () => {
    t = await buildTestApp(await sqlite.create(), { UPLOAD_MAX_MB: '1' });
    await seedPeople(t.app);
    await addFixtureVersion(t.app);
    for (const username of ['bystander', 'locked', 'contract.me']) await t.app.services.accounts.createUser(null, { username, role: 'agency', agency: 'MOEA-B', password: PASSWORD });
    await t.app.services.accounts.createUser(null, { username: 'assessor2', role: 'assessor', password: PASSWORD });
    for (const who of ['agency', 'ciso', 'assessor', 'ministry', 'office'] as const) auth.set(who, await tokenFor(t.app, who));
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Document>();
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
        literals: path.split('/').filter((s) => s && !s.startsWith('{')).length,
        op,
      })),
    );
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  function operationOf(method: string, url: string): Operation {
    const path = url.split('?')[0]!;
    const matches = operations.filter((o) => o.method === method && o.pattern.test(path)).sort((a, b) => b.literals - a.literals);
    expect(matches.length, `${method} ${path} is an operation of the document`).toBeGreaterThan(0);
    return matches[0]!;
  }

  function validatorOf(operation: Operation, status: string, mediaType: string, schema: Record<string, unknown>): ValidateFunction {
    const key = `${operation.key} ${status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(schema)));
    return validate;
  }

  /** The response checked against the operation's documentation. */
  function checkContract(method: string, url: string, response: Response): void {
    const operation = operationOf(method, url);
    const status = String(response.statusCode);
    const what = `${operation.key} → ${status}`;
    const documented = operation.op.responses[status];
    expect(documented, `${what} is a documented status (${Object.keys(operation.op.responses).join(', ')})`).toBeDefined();
    expect(documented!.description, `${what} has a description`).not.toMatch(/^(Default Response)?$/);
    const mediaType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const content = documented!.content ?? {};
    const media = content[mediaType] ?? content[`${mediaType.split('/')[0]}/*`] ?? content['*/*'];
    expect(media, `${what}: ${mediaType} is a documented media type (${Object.keys(content).join(', ')})`).toBeDefined();
    for (const header of Object.keys(documented!.headers ?? {})) expect(response.headers[header], `${what} sends the documented header ${header}`).toBeDefined();
    const schema = media!.schema ?? {};
    if (mediaType === 'application/json') {
      const validate = validatorOf(operation, status, mediaType, schema);
      const body: unknown = response.json();
      expect(validate(body) ? [] : validate.errors, `${what}: the body matches the documented schema\n${response.body.slice(0, 800)}`).toEqual([]);
    } else {
      expect(schema, `${what}: ${mediaType} is documented as binary`).toMatchObject({ type: 'string', format: 'binary' });
      expect(response.rawPayload.length, `${what} sends bytes`).toBeGreaterThan(0);
    }
    const seen = exercised.get(operation.key) ?? new Set<number>();
    exercised.set(operation.key, seen.add(response.statusCode));
  }

  /** One real request: its status must be `expected`, and the response must match the document. */
  async function call(expected: number, request: Call): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    const token = request.who && request.who !== 'anonymous' ? auth.get(request.who) : undefined;
    if (request.cookie) headers.cookie = request.cookie;
    else if (token) headers.authorization = token;
    const response = await (request.app ?? t.app).inject({
      method: request.method,
      url: request.url,
      headers,
      ...(request.payload === undefined ? {} : { payload: request.payload }),
      ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
    });
    expect(response.statusCode, `${request.method} ${request.url} as ${request.who ?? 'cookie'}: ${response.body.slice(0, 800)}`).toBe(expected);
    checkContract(String(request.method), request.url, response);
    return response;
  }
  const detailsOf = (response: Response) => response.json<{ error: { details?: { path?: string; message: string }[] } }>().error.details;

  // ——— the document itself ———

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    // Every JSON Schema in it compiles (Ajv 2020-12, strict).
    const strict = addFormats(new Ajv2020({ strict: true, allErrors: true }));
    strict.addFormat('binary', true);
    strict.addVocabulary(['example']);
    for (const operation of operations) {
      const bodies = Object.values(operation.op.requestBody?.content ?? {});
      const responses = Object.values(operation.op.responses).flatMap((r) => Object.values(r.content ?? {}));
      for (const media of [...bodies, ...responses]) expect(() => strict.compile(media.schema ?? {}), operation.key).not.toThrow();
    }
  });

  it('names every operation with a unique camelCase operationId and describes every response', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // A route that names none gets one from its method and path.
    expect(deriveOperationId('GET', '/api/assessments/:id/sheet')).toBe('getAssessmentsByIdSheet');
    const undescribed = operations.flatMap((o) => Object.entries(o.op.responses).filter(([, r]) => !r.description || r.description === 'Default Response').map(([s]) => `${o.key} ${s}`));
    expect(undescribed).toEqual([]);
  });

  it('marks exactly the public routes `security: []` and leaves the others to the session or bearer token', () => {
    expect(doc.security).toEqual([{ session: [] }, { bearer: [] }]);
    const open = operations.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => o.key);
    expect(open.sort()).toEqual(['GET /api/reports/verify/{sha256}', 'GET /healthz', 'POST /api/session']);
    expect(operations.filter((o) => o.op.security !== undefined && !open.includes(o.key))).toEqual([]);
  });

  it('describes files and workbooks as binary, the CSV import as text/csv and the evidence upload as a multipart form', () => {
    const op = (key: string) => operations.find((o) => o.key === key)!.op;
    const binary = { type: 'string', format: 'binary' };
    expect(op('GET /api/assessments/{id}/sheet').responses['200']!.content).toEqual({ [XLSX]: { schema: binary } });
    const evidence = op('GET /api/evidence/{id}').responses['200']!.content!;
    for (const type of ['application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv', XLSX, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet']) {
      expect(evidence[type], type).toEqual({ schema: binary });
    }
    expect(op('PUT /api/assessments/{id}/sheet').requestBody!.content[XLSX]!.schema).toMatchObject(binary);
    expect(Object.keys(op('POST /api/agencies/import').requestBody!.content)).toEqual(['text/csv', 'application/csv', 'text/plain']);
    expect(op('POST /api/agencies/import').requestBody!.content['text/csv']!.schema).toMatchObject({ type: 'string' });
    const form = op('POST /api/assessments/{id}/evidence').requestBody!.content;
    expect(Object.keys(form)).toEqual(['multipart/form-data']);
    expect(form['multipart/form-data']!.schema).toMatchObject({ type: 'object', required: ['process', 'indicator', 'file'], properties: { process: { type: 'string' }, indicator: { type: 'string' }, file: binary } });
    // Every operation that takes a body documents 413 and 415; login 429; submit 422.
    const withBody = operations.filter((o) => o.op.requestBody);
    expect(withBody.filter((o) => !o.op.responses['413'] || !o.op.responses['415']).map((o) => o.key)).toEqual([]);
    expect(op('POST /api/session').responses['429']!.headers).toHaveProperty('retry-after');
    expect(op('POST /api/assessments/{id}/submit').responses['422']!.content!['application/json']!.schema).toMatchObject({ required: ['error', 'completeness'] });
  });

  it('describes the result in the score result’s shape', () => {
    const schema = operations.find((o) => o.key === 'GET /api/assessments/{id}/result')!.op.responses['200']!.content!['application/json']!.schema as { properties: Record<string, { required?: string[] }> };
    for (const basis of ['self', 'validated']) {
      expect(schema.properties[basis]!.required).toEqual(['questionnaire', 'targetLevel', 'basis', 'level', 'score', 'meetsTarget', 'aspects', 'processes', 'gaps', 'completeness']);
    }
  });

  // ——— every operation, driven ———

  it('health: up, a bad bearer token, and a database that is gone', async () => {
    await call(200, { method: 'GET', url: '/healthz' });
    await call(401, { method: 'GET', url: '/healthz', headers: { authorization: 'Bearer not-a-token' } });
    const other = await buildApp(testConfig(t.db.url));
    try {
      await other.services.handle.close();
      await call(503, { app: other, method: 'GET', url: '/healthz' });
    } finally {
      await other.close();
    }
  });

  it('session: log in and out, who am I, tokens', async () => {
    await call(200, { method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } });
    await call(401, { method: 'POST', url: '/api/session', payload: { username: 'office', password: 'wrong password' } });
    const missing = await call(400, { method: 'POST', url: '/api/session', payload: { username: 'office' } });
    expect(detailsOf(missing)).toEqual([{ path: '/password', message: 'is required' }]);
    await call(415, { method: 'POST', url: '/api/session', payload: 'username=office&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call(413, { method: 'POST', url: '/api/session', payload: { username: 'office', password: 'x'.repeat(2 * 1024 * 1024) } });
    for (let i = 0; i < THROTTLE.accountFailures; i++) await call(401, { method: 'POST', url: '/api/session', payload: { username: 'locked', password: `guess ${i}` }, remoteAddress: `198.51.100.${i + 1}` });
    await call(429, { method: 'POST', url: '/api/session', payload: { username: 'locked', password: PASSWORD }, remoteAddress: '198.51.100.99' });

    const cookie = await loginAs(t.app, 'agency');
    await call(200, { method: 'GET', url: '/api/me', cookie });
    await call(200, { method: 'GET', url: '/api/me', who: 'ciso' });
    await call(401, { method: 'GET', url: '/api/me' });
    await call(200, { method: 'DELETE', url: '/api/session', cookie });
    await call(401, { method: 'DELETE', url: '/api/session', cookie });
    const bystander = await loginAs(t.app, 'bystander');
    await call(200, { method: 'DELETE', url: '/api/sessions', cookie: bystander });
    await call(401, { method: 'DELETE', url: '/api/sessions', cookie: bystander });

    await call(201, { method: 'POST', url: '/api/tokens', who: 'agency', payload: { name: 'script', expiresInDays: 30 } });
    // The body is optional (`requestBody.required: false`): `curl -X POST` gets a token too.
    expect(operationOf('POST', '/api/tokens').op.requestBody).toMatchObject({ required: false });
    await call(201, { method: 'POST', url: '/api/tokens', who: 'agency' });
    await call(400, { method: 'POST', url: '/api/tokens', who: 'agency', payload: { expiresInDays: 0 } });
    await call(401, { method: 'POST', url: '/api/tokens', payload: {} });
    const tokens = (await call(200, { method: 'GET', url: '/api/tokens', who: 'agency' })).json<{ id: string; name: string }[]>();
    await call(401, { method: 'GET', url: '/api/tokens' });
    const script = tokens.find((x) => x.name === 'script')!;
    await call(200, { method: 'DELETE', url: `/api/tokens/${script.id}`, who: 'agency' });
    await call(404, { method: 'DELETE', url: `/api/tokens/${script.id}`, who: 'agency' });

    // The own second factor and password, on a user of their own.
    const me = await loginAs(t.app, 'contract.me');
    const enrolment = (await call(200, { method: 'POST', url: '/api/me/otp', cookie: me })).json<{ secret: string }>();
    await call(400, { method: 'POST', url: '/api/me/otp/confirm', cookie: me, payload: { otp: 'abcdef' } });
    await call(200, { method: 'POST', url: '/api/me/otp/confirm', cookie: me, payload: { otp: otpCode(enrolment.secret, new Date()) } });
    await call(409, { method: 'POST', url: '/api/me/otp', cookie: me });
    await call(422, { method: 'POST', url: '/api/me/password', cookie: me, payload: { current: PASSWORD, new: 'short' } });
    await call(401, { method: 'POST', url: '/api/me/password', cookie: me, payload: { current: 'not the password', new: 'a new long passphrase' } });
    await call(200, { method: 'POST', url: '/api/me/password', cookie: me, payload: { current: PASSWORD, new: 'a new long passphrase' } });
  });

  it('users', async () => {
    await call(200, { method: 'GET', url: '/api/users', who: 'office' });
    await call(403, { method: 'GET', url: '/api/users', who: 'agency' });
    await call(201, { method: 'POST', url: '/api/users', who: 'office', payload: { username: 'newcomer', role: 'ministry', ministry: '內政部' } });
    await call(409, { method: 'POST', url: '/api/users', who: 'office', payload: { username: 'newcomer', role: 'ministry', ministry: '內政部' } });
    const badRole = await call(400, { method: 'POST', url: '/api/users', who: 'office', payload: { username: 'another', role: 'king' } });
    expect(detailsOf(badRole)).toEqual([{ path: '/role', message: 'must be one of "agency", "ciso", "assessor", "ministry", "office"' }]);
    await call(403, { method: 'POST', url: '/api/users', who: 'ciso', payload: { username: 'another', role: 'agency' } });
    await call(200, { method: 'PATCH', url: '/api/users/newcomer', who: 'office', payload: { displayName: 'Newcomer', resetPassword: true } });
    await call(404, { method: 'PATCH', url: '/api/users/nobody', who: 'office', payload: { displayName: 'Nobody' } });
    await call(400, { method: 'PATCH', url: '/api/users/newcomer', who: 'office', payload: {} });
  });

  it('questionnaires', async () => {
    await call(200, { method: 'GET', url: '/api/questionnaires', who: 'agency' });
    await call(401, { method: 'GET', url: '/api/questionnaires' });
    await call(200, { method: 'GET', url: '/api/questionnaires/isgm-109?version=1.0.0', who: 'assessor' });
    await call(404, { method: 'GET', url: '/api/questionnaires/isgm-108?version=9.9.9', who: 'assessor' });
    await call(400, { method: 'GET', url: '/api/questionnaires/isgm-109?version=latest', who: 'assessor' });
  });

  it('agencies, and their CSV import', async () => {
    await call(200, { method: 'GET', url: '/api/agencies', who: 'ministry' });
    await call(401, { method: 'GET', url: '/api/agencies' });
    await call(201, { method: 'POST', url: '/api/agencies', who: 'office', payload: { code: 'MOJ-C', name: '法務部丙機關', ministry: '法務部', grades: { '109': 'C' } } });
    await call(409, { method: 'POST', url: '/api/agencies', who: 'office', payload: { code: 'MOJ-C', name: '法務部丙機關', ministry: '法務部' } });
    await call(400, { method: 'POST', url: '/api/agencies', who: 'office', payload: { code: 'MOJ-D', name: ' ', ministry: '法務部' } });
    await call(403, { method: 'POST', url: '/api/agencies', who: 'agency', payload: { code: 'MOJ-D', name: '法務部丁機關', ministry: '法務部' } });
    await call(200, { method: 'GET', url: '/api/agencies/MOI-A', who: 'agency' });
    await call(404, { method: 'GET', url: '/api/agencies/MOEA-B', who: 'agency' });
    await call(200, { method: 'PATCH', url: '/api/agencies/MOI-A', who: 'office', payload: { name: '內政部甲機關' } });
    const badGrade = await call(400, { method: 'PATCH', url: '/api/agencies/MOI-A', who: 'office', payload: { grades: { '109': 'Z' } } });
    expect(detailsOf(badGrade)).toEqual([{ path: '/grades/109', message: 'must be one of "A", "B", "C", "D", "E", null' }]);
    await call(404, { method: 'PATCH', url: '/api/agencies/NOPE-1', who: 'office', payload: { name: '無此機關' } });

    const csv = 'code,name,ministry,grade\nMOJ-E,法務部戊機關,法務部,B\n';
    await call(200, { method: 'POST', url: '/api/agencies/import?cycle=109', who: 'office', payload: csv, headers: { 'content-type': 'text/csv' } });
    await call(200, { method: 'POST', url: '/api/agencies/import?cycle=109', who: 'office', payload: csv, headers: { 'content-type': 'application/csv' } });
    const bad = await call(400, { method: 'POST', url: '/api/agencies/import?cycle=109', who: 'office', payload: 'code,name,ministry,grade\n,無代碼,法務部,Z\n', headers: { 'content-type': 'text/csv' } });
    expect(detailsOf(bad)!.every((d) => 'line' in d)).toBe(true);
    await call(415, { method: 'POST', url: '/api/agencies/import?cycle=109', who: 'office', payload: '<agencies/>', headers: { 'content-type': 'application/xml' } });
    await call(403, { method: 'POST', url: '/api/agencies/import?cycle=109', who: 'ministry', payload: csv, headers: { 'content-type': 'text/csv' } });
  });

  it('cycles', async () => {
    await call(200, { method: 'GET', url: '/api/cycles', who: 'agency' });
    await call(401, { method: 'GET', url: '/api/cycles' });
    for (const year of [401, 402, 403, 404]) await call(201, { method: 'POST', url: '/api/cycles', who: 'office', payload: { year, questionnaire: 'isgm-109@1.0.0', targetLevel: null } });
    // The pilot cycles of the workflow below assess MOI-A too.
    await call(200, { method: 'PATCH', url: '/api/agencies/MOI-A', who: 'office', payload: { grades: { '401': 'A', '402': 'A', '403': 'A', '404': 'A' } } });
    await call(409, { method: 'POST', url: '/api/cycles', who: 'office', payload: { year: 401, questionnaire: 'isgm-109@1.0.0' } });
    await call(400, { method: 'POST', url: '/api/cycles', who: 'office', payload: { year: 405, questionnaire: 'isgm-999@1.0.0' } });
    await call(200, { method: 'GET', url: '/api/cycles/109', who: 'ministry' });
    await call(404, { method: 'GET', url: '/api/cycles/998', who: 'ministry' });
    await call(200, { method: 'PATCH', url: '/api/cycles/401', who: 'office', payload: { deadline: '2099-12-31', kpi: { basis: 'validated' } } });
    const badBasis = await call(400, { method: 'PATCH', url: '/api/cycles/401', who: 'office', payload: { kpi: { basis: 'guessed' } } });
    expect(detailsOf(badBasis)).toEqual([{ path: '/kpi/basis', message: 'must be one of "self", "validated"' }]);
    await call(404, { method: 'PATCH', url: '/api/cycles/998', who: 'office', payload: { deadline: '2099-12-31' } });
    await call(200, { method: 'PUT', url: '/api/cycles/401/extensions/MOI-A', who: 'office', payload: { until: '2100-01-15', reason: 'a fire in the server room' } });
    await call(400, { method: 'PUT', url: '/api/cycles/401/extensions/MOI-A', who: 'office', payload: { until: '2099-12-31', reason: 'not later' } });
    await call(200, { method: 'GET', url: '/api/cycles/401/extensions', who: 'office' });
    await call(404, { method: 'GET', url: '/api/cycles/998/extensions', who: 'office' });
    await call(201, { method: 'POST', url: '/api/cycles', who: 'office', payload: { year: 406, questionnaire: 'isgm-109@1.0.0', targetLevel: 3 } });
    await call(404, { method: 'GET', url: '/api/cycles/406/snapshot', who: 'office' });
    await call(200, { method: 'POST', url: '/api/cycles/406/close', who: 'office' });
    await call(409, { method: 'POST', url: '/api/cycles/406/close', who: 'office' });
    await call(200, { method: 'GET', url: '/api/cycles/406/snapshot', who: 'office' });
  });

  it('the assessor register', async () => {
    await call(200, { method: 'PUT', url: '/api/assessors/assessor', who: 'office', payload: { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] } });
    await call(400, { method: 'PUT', url: '/api/assessors/assessor', who: 'office', payload: { certifiedOn: 'last year', validUntil: '2099-12-31', affiliations: [] } });
    await call(200, { method: 'GET', url: '/api/assessors/assessor', who: 'office' });
    await call(403, { method: 'GET', url: '/api/assessors/assessor', who: 'agency' });
  });

  /** Assessments of MOI-A: the workflow runs through them in the tests below. */
  const ids = { draft: '', reviewed: '', returned: '', prefilled: '', target: '' };
  let evidenceId = '';
  const evidenceBytes = Buffer.from('minutes of the security committee, 2020-03-01\n');

  it('assessments: creation, lists, the whole assessment, its result', async () => {
    ids.draft = (await call(201, { method: 'POST', url: '/api/assessments', who: 'agency', payload: { agency: 'MOI-A', cycle: 401 } })).json<{ id: string }>().id;
    ids.reviewed = (await call(201, { method: 'POST', url: '/api/assessments', who: 'office', payload: { agency: 'MOI-A', cycle: 402 } })).json<{ id: string }>().id;
    ids.returned = (await call(201, { method: 'POST', url: '/api/assessments', who: 'ciso', payload: { agency: 'MOI-A', cycle: 404 } })).json<{ id: string }>().id;
    ids.target = (await call(201, { method: 'POST', url: '/api/assessments', who: 'agency', payload: { agency: 'MOI-A', cycle: 109 } })).json<{ id: string }>().id;
    await call(409, { method: 'POST', url: '/api/assessments', who: 'agency', payload: { agency: 'MOI-A', cycle: 401 } });
    await call(400, { method: 'POST', url: '/api/assessments', who: 'office', payload: { agency: 'MOI-A' } });
    await call(403, { method: 'POST', url: '/api/assessments', who: 'assessor', payload: { agency: 'MOI-A', cycle: 403 } });
    const notInCohort = await call(422, { method: 'POST', url: '/api/assessments', who: 'office', payload: { agency: 'MOEA-B', cycle: 401 } });
    expect(notInCohort.json()).toMatchObject({ error: { code: 'not_in_cohort' } });

    await call(200, { method: 'GET', url: '/api/assessments?cycle=401', who: 'ministry' });
    const badStatus = await call(400, { method: 'GET', url: '/api/assessments?status=bogus', who: 'office' });
    expect(detailsOf(badStatus)).toEqual([{ path: 'querystring:/status', message: 'must be one of "draft", "submitted", "in_review", "returned", "accepted"' }]);
    await call(401, { method: 'GET', url: '/api/assessments' });
    await call(200, { method: 'GET', url: `/api/assessments/${ids.draft}`, who: 'office' });
    await call(404, { method: 'GET', url: `/api/assessments/${ids.draft}`, who: 'assessor' });
    await call(200, { method: 'GET', url: `/api/assessments/${ids.target}/result`, who: 'ciso' });
    await call(404, { method: 'GET', url: '/api/assessments/no-such-assessment/result', who: 'office' });

    // Moving a draft of MOEA-B to the fixture version isgm-109@1.2.0.
    const moving = (await call(201, { method: 'POST', url: '/api/assessments', who: 'office', payload: { agency: 'MOEA-B', cycle: 109 } })).json<{ id: string }>().id;
    await call(403, { method: 'POST', url: `/api/assessments/${moving}/questionnaire`, who: 'agency', payload: { questionnaire: 'isgm-109@1.2.0' } });
    await call(422, { method: 'POST', url: `/api/assessments/${moving}/questionnaire`, who: 'office', payload: { questionnaire: 'isgm-108@1.0.0' } });
    await call(200, { method: 'POST', url: `/api/assessments/${moving}/questionnaire`, who: 'office', payload: { questionnaire: 'isgm-109@1.2.0' } });
  });

  it('the fill-in: answers, scope, comments, evidence files', async () => {
    const answer = (revision: number, rating = 'L') => ({ rating, evidence: '資安政策', revision });
    await call(200, { method: 'PUT', url: `/api/assessments/${ids.draft}/answers/GOV-01/BP1`, who: 'agency', payload: answer(0) });
    const stale = await call(409, { method: 'PUT', url: `/api/assessments/${ids.draft}/answers/GOV-01/BP1`, who: 'ciso', payload: answer(0, 'F') });
    expect(stale.json()).toMatchObject({ error: { code: 'stale_revision' }, current: { rating: 'L', revision: 1 } });
    const badRating = await call(400, { method: 'PUT', url: `/api/assessments/${ids.draft}/answers/GOV-01/BP2`, who: 'agency', payload: answer(0, 'X') });
    expect(detailsOf(badRating)).toEqual([{ path: '/rating', message: 'must be one of "N", "P", "L", "F", "NA"' }]);
    await call(403, { method: 'PUT', url: `/api/assessments/${ids.draft}/answers/GOV-01/BP2`, who: 'assessor', payload: answer(0) });
    await call(415, { method: 'PUT', url: `/api/assessments/${ids.draft}/answers/GOV-01/BP2`, who: 'agency', payload: 'rating=L', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    await call(200, { method: 'PUT', url: `/api/assessments/${ids.draft}/scope/TEC-03`, who: 'ciso', payload: { inScope: false, justification: '無自行開發系統' } });
    await call(400, { method: 'PUT', url: `/api/assessments/${ids.draft}/scope/TEC-03`, who: 'ciso', payload: { inScope: false } });

    await call(201, { method: 'POST', url: `/api/assessments/${ids.draft}/comments`, who: 'agency', payload: { text: '請協助確認範圍' } });
    await call(201, { method: 'POST', url: `/api/assessments/${ids.draft}/comments`, who: 'office', payload: { text: '已確認' } });
    await call(403, { method: 'POST', url: `/api/assessments/${ids.draft}/comments`, who: 'ministry', payload: { text: 'a remark' } });
    await call(413, { method: 'POST', url: `/api/assessments/${ids.draft}/comments`, who: 'agency', payload: { text: 'x'.repeat(2 * 1024 * 1024) } });

    const upload = (file?: { name: string; type: string; bytes: Buffer }, fields = { process: 'GOV-01', indicator: 'BP1' }) => ({
      method: 'POST' as const,
      url: `/api/assessments/${ids.draft}/evidence`,
      who: 'agency' as const,
      payload: multipart(fields, file),
      headers: { 'content-type': MULTIPART },
    });
    const stored = await call(201, upload({ name: '會議紀錄.txt', type: 'text/plain', bytes: evidenceBytes }));
    evidenceId = stored.json<{ id: string }>().id;
    const incomplete = await call(400, upload(undefined, { process: 'GOV-01', indicator: '' }));
    expect(detailsOf(incomplete)).toEqual([
      { path: '/indicator', message: 'is required' },
      { path: '/file', message: 'is required' },
    ]);
    await call(400, { method: 'POST', url: `/api/assessments/${ids.draft}/evidence`, who: 'agency', payload: { process: 'GOV-01' } });
    await call(415, upload({ name: 'picture.pdf', type: 'application/pdf', bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary') }));
    await call(413, upload({ name: 'big.txt', type: 'text/plain', bytes: Buffer.alloc(1024 * 1024 + 10, 'a') }));
    await call(403, { ...upload({ name: 'a.txt', type: 'text/plain', bytes: evidenceBytes }), who: 'ministry' });

    const file = await call(200, { method: 'GET', url: `/api/evidence/${evidenceId}`, who: 'ministry' });
    expect(file.headers['content-type']).toBe('text/plain');
    expect(file.rawPayload.equals(evidenceBytes)).toBe(true);
    await call(404, { method: 'GET', url: `/api/evidence/${evidenceId}`, who: 'assessor' });
    await call(401, { method: 'GET', url: `/api/evidence/${evidenceId}` });
  });

  it('the offline sheet: download and upload', async () => {
    // The findings report: a live DRAFT of an open assessment, as a PDF.
    const report = await call(200, { method: 'GET', url: `/api/assessments/${ids.draft}/report.pdf?lang=en&part=main`, who: 'agency' });
    expect(report.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    await call(400, { method: 'GET', url: `/api/assessments/${ids.draft}/report.pdf?lang=fr`, who: 'agency' });
    await call(404, { method: 'GET', url: `/api/assessments/${ids.draft}/report.pdf`, who: 'assessor' });
    const sheet = await call(200, { method: 'GET', url: `/api/assessments/${ids.draft}/sheet`, who: 'agency' });
    expect(sheet.headers['content-type']).toBe(XLSX);
    expect(sheet.rawPayload.subarray(0, 2).toString()).toBe('PK');
    await call(404, { method: 'GET', url: `/api/assessments/${ids.draft}/sheet`, who: 'assessor' });
    expect((await call(200, { method: 'PUT', url: `/api/assessments/${ids.draft}/sheet`, who: 'ciso', payload: sheet.rawPayload, headers: { 'content-type': XLSX } })).json()).toEqual({ answers: 0, scope: 0 });
    await call(200, { method: 'PUT', url: `/api/assessments/${ids.draft}/sheet`, who: 'ciso', payload: sheet.rawPayload, headers: { 'content-type': 'application/octet-stream' } });
    await call(400, { method: 'PUT', url: `/api/assessments/${ids.draft}/sheet`, who: 'ciso', payload: Buffer.from('not a workbook'), headers: { 'content-type': XLSX } });
    await call(415, { method: 'PUT', url: `/api/assessments/${ids.draft}/sheet`, who: 'ciso', payload: '<workbook/>', headers: { 'content-type': 'application/xml' } });
    await call(403, { method: 'PUT', url: `/api/assessments/${ids.draft}/sheet`, who: 'office', payload: sheet.rawPayload, headers: { 'content-type': XLSX } });
  });

  it('submission: incomplete against a target level, complete without one', async () => {
    const incomplete = await call(422, { method: 'POST', url: `/api/assessments/${ids.target}/submit`, who: 'ciso', payload: { statement: true } });
    expect(incomplete.json<{ completeness: { missing: unknown[] } }>().completeness.missing.length).toBeGreaterThan(0);
    await call(403, { method: 'POST', url: `/api/assessments/${ids.reviewed}/submit`, who: 'agency', payload: { statement: true } });
    await call(200, { method: 'PUT', url: `/api/assessments/${ids.reviewed}/answers/GOV-01/BP1`, who: 'agency', payload: { rating: 'F', evidence: '資安政策', revision: 0 } });
    await call(200, { method: 'POST', url: `/api/assessments/${ids.reviewed}/submit`, who: 'ciso', payload: { statement: true } });
    await call(200, { method: 'POST', url: `/api/assessments/${ids.returned}/submit`, who: 'ciso', payload: { statement: true } });
    await call(409, { method: 'POST', url: `/api/assessments/${ids.returned}/submit`, who: 'ciso', payload: { statement: true } });
  });

  it('the review: assignment, ratings, decisions, findings, return, acceptance, reopening, verification', async () => {
    await call(400, { method: 'PUT', url: '/api/assignments', who: 'office', payload: { assessment: ids.reviewed, assessor: 'assessor2' } });
    await call(404, { method: 'PUT', url: '/api/assignments', who: 'office', payload: { assessment: 'no-such-assessment', assessor: 'assessor' } });
    await call(403, { method: 'PUT', url: '/api/assignments', who: 'agency', payload: { assessment: ids.reviewed, assessor: 'assessor' } });
    for (const id of [ids.reviewed, ids.returned]) await call(200, { method: 'PUT', url: '/api/assignments', who: 'office', payload: { assessment: id, assessor: 'assessor' } });

    await call(404, { method: 'POST', url: `/api/assessments/${ids.draft}/review`, who: 'assessor' });
    await call(200, { method: 'POST', url: `/api/assessments/${ids.reviewed}/review`, who: 'assessor' });
    await call(409, { method: 'POST', url: `/api/assessments/${ids.reviewed}/review`, who: 'assessor' });
    await call(200, { method: 'POST', url: `/api/assessments/${ids.returned}/review`, who: 'assessor' });

    const base = `/api/assessments/${ids.reviewed}`;
    await call(200, { method: 'PUT', url: `${base}/reviews/GOV-01/BP1`, who: 'assessor', payload: { rating: 'P', reason: '證據不足' } });
    await call(400, { method: 'PUT', url: `${base}/reviews/GOV-01/BP1`, who: 'assessor', payload: { rating: 'L' } });
    await call(200, { method: 'DELETE', url: `${base}/reviews/GOV-01/BP1`, who: 'assessor' });
    await call(404, { method: 'DELETE', url: `${base}/reviews/GOV-01/BP1`, who: 'assessor' });
    await call(200, { method: 'PUT', url: `${base}/reviews/scope/TEC-03`, who: 'assessor', payload: { inScope: true, reason: '自行開發網站' } });
    await call(400, { method: 'PUT', url: `${base}/reviews/scope/TEC-03`, who: 'assessor', payload: { inScope: false } });
    await call(200, { method: 'PUT', url: `${base}/overrides/GOV-01/PA2.1`, who: 'assessor', payload: { rating: 'P', reason: '計畫未監控' } });
    await call(404, { method: 'PUT', url: `${base}/overrides/GOV-01/PA9.9`, who: 'assessor', payload: { rating: 'P', reason: '計畫未監控' } });
    const badOverride = await call(400, { method: 'PUT', url: `${base}/overrides/GOV-01/PA2.1`, who: 'assessor', payload: { rating: 'NA', reason: 'x' } });
    expect(detailsOf(badOverride)).toEqual([{ path: '/rating', message: 'must be one of "N", "P", "L", "F"' }]);
    await call(200, { method: 'PUT', url: `${base}/findings/_`, who: 'assessor', payload: { text: '整體良好' } });
    await call(400, { method: 'PUT', url: `${base}/findings/_`, who: 'assessor', payload: { text: '   ' } });

    await call(200, { method: 'POST', url: `/api/assessments/${ids.returned}/return`, who: 'assessor', payload: { comment: '請補充證據' } });
    await call(409, { method: 'POST', url: `/api/assessments/${ids.returned}/return`, who: 'assessor', payload: { comment: '請補充證據' } });

    const accepted = await call(200, { method: 'POST', url: `${base}/accept`, who: 'assessor' });
    const code = accepted.json<{ verificationCode: string }>().verificationCode;
    await call(409, { method: 'POST', url: `${base}/accept`, who: 'assessor' });
    await call(200, { method: 'GET', url: `/api/assessments/${ids.reviewed}/result`, who: 'ministry' });
    expect((await call(200, { method: 'GET', url: `/api/reports/verify/${code}` })).json()).toMatchObject({ status: 'valid', questionnaire: expect.stringMatching(/^isgm-109@\d+\.\d+\.\d+$/) as string, level: expect.any(Number) as number });
    await call(404, { method: 'GET', url: `/api/reports/verify/${'0'.repeat(64)}` });
    await call(400, { method: 'GET', url: '/api/reports/verify/not-a-hash' });

    await call(400, { method: 'POST', url: `${base}/reopen`, who: 'office', payload: {} });
    await call(409, { method: 'POST', url: `/api/assessments/${ids.draft}/reopen`, who: 'office', payload: { reason: '申覆成立' } });
    await call(200, { method: 'POST', url: `${base}/reopen`, who: 'office', payload: { reason: '申覆成立' } });
    expect((await call(200, { method: 'GET', url: `/api/reports/verify/${code}` })).json()).toMatchObject({ status: 'superseded' });
    await call(200, { method: 'POST', url: `${base}/accept`, who: 'assessor' });
  });

  it('pre-filled answers: confirmed as they stand, once', async () => {
    ids.prefilled = (await call(201, { method: 'POST', url: '/api/assessments', who: 'agency', payload: { agency: 'MOI-A', cycle: 403, prefillFrom: 402 } })).json<{ id: string }>().id;
    const url = `/api/assessments/${ids.prefilled}/confirm/GOV-01/BP1`;
    expect((await call(200, { method: 'POST', url, who: 'ciso' })).json()).toMatchObject({ rating: 'F', unconfirmed: false });
    await call(409, { method: 'POST', url, who: 'ciso' });
    await call(404, { method: 'POST', url: `/api/assessments/${ids.prefilled}/confirm/GOV-99/BP1`, who: 'ciso' });
  });

  it('the dashboard', async () => {
    const dashboard = await call(200, { method: 'GET', url: '/api/dashboard?cycle=402', who: 'office' });
    expect(dashboard.json()).toMatchObject({ cycle: 402, byGrade: { A: { inScope: 1, reached: { accepted: 1 } } } });
    await call(200, { method: 'GET', url: '/api/dashboard?cycle=109', who: 'ministry' });
    await call(403, { method: 'GET', url: '/api/dashboard?cycle=109', who: 'agency' });
    await call(404, { method: 'GET', url: '/api/dashboard?cycle=998', who: 'office' });
    await call(400, { method: 'GET', url: '/api/dashboard', who: 'office' });
    await call(200, { method: 'GET', url: '/api/dashboard?cycle=402&format=csv&table=ministries', who: 'office' });
    await call(200, { method: 'GET', url: '/api/dashboard?cycle=402&format=xlsx&lang=en', who: 'ministry' });
    await call(400, { method: 'GET', url: '/api/dashboard?cycle=402&format=csv&table=agencies', who: 'office' });
    for (const view of ['priority', 'calibration']) {
      await call(200, { method: 'GET', url: `/api/dashboard/${view}?cycle=402`, who: 'office' });
      await call(200, { method: 'GET', url: `/api/dashboard/${view}?cycle=109&format=csv`, who: 'ministry' });
      await call(200, { method: 'GET', url: `/api/dashboard/${view}?cycle=402&format=xlsx`, who: 'office' });
      await call(400, { method: 'GET', url: `/api/dashboard/${view}`, who: 'office' });
      await call(403, { method: 'GET', url: `/api/dashboard/${view}?cycle=109`, who: 'assessor' });
      await call(404, { method: 'GET', url: `/api/dashboard/${view}?cycle=998`, who: 'office' });
    }
    const trend = await call(200, { method: 'GET', url: '/api/dashboard/trend', who: 'office' });
    expect(trend.json<{ cycles: { cycle: number }[] }>().cycles.map((c) => c.cycle)).toContain(402);
    await call(200, { method: 'GET', url: '/api/dashboard/trend?format=csv&table=agencies&lang=en', who: 'ministry' });
    await call(200, { method: 'GET', url: '/api/dashboard/trend?format=xlsx', who: 'office' });
    await call(400, { method: 'GET', url: '/api/dashboard/trend?format=pdf', who: 'office' });
    await call(403, { method: 'GET', url: '/api/dashboard/trend', who: 'ciso' });
    await call(404, { method: 'GET', url: '/api/dashboard/trend?agency=NOPE-1', who: 'office' });
  });

  it('notifications', async () => {
    // After the review above, MOI-A's staff have a return and the assessor assignments.
    const list = await call(200, { method: 'GET', url: '/api/notifications', who: 'agency' });
    const returned = list.json<{ items: { id: string; kind: string }[] }>().items.find((n) => n.kind === 'return');
    expect(returned).toBeDefined();
    await call(200, { method: 'GET', url: '/api/notifications?unread=true', who: 'assessor' });
    await call(400, { method: 'GET', url: '/api/notifications?unread=yes', who: 'agency' });
    await call(401, { method: 'GET', url: '/api/notifications' });
    await call(200, { method: 'POST', url: `/api/notifications/${returned!.id}/read`, who: 'agency' });
    await call(404, { method: 'POST', url: `/api/notifications/${returned!.id}/read`, who: 'office' });
    await call(400, { method: 'POST', url: '/api/notifications/not-an-id/read', who: 'agency' });
    await call(200, { method: 'POST', url: '/api/notifications/read-all', who: 'ciso' });
    await call(401, { method: 'POST', url: '/api/notifications/read-all' });
  });

  it('improvement plans', async () => {
    // The pilot cycle's accepted assessment has no gap: give its stored validated result one to plan for.
    const db = t.app.services.handle.db;
    const stored = await db.selectFrom('assessmentResults').select('validatedResult').where('assessmentId', '=', ids.reviewed).executeTakeFirstOrThrow();
    const gap = { process: 'GOV-01', attribute: 'PA2.1', required: 'L', rating: 'P', achievement: 0.5, indicators: ['GP2.1.1'] };
    await db.updateTable('assessmentResults').set({ validatedResult: JSON.stringify({ ...(JSON.parse(stored.validatedResult) as object), gaps: [gap] }) }).where('assessmentId', '=', ids.reviewed).execute();
    const body = { assessment: ids.reviewed, process: 'GOV-01', attribute: 'PA2.1', action: '訂定資安目標並每季檢討', owner: '資訊室', due: '2031-06-30' };
    const plan = (await call(201, { method: 'POST', url: '/api/improvements', who: 'ciso', payload: body })).json<{ id: string }>();
    await call(400, { method: 'POST', url: '/api/improvements', who: 'ciso', payload: { ...body, attribute: 'PA1.1' } });
    await call(403, { method: 'POST', url: '/api/improvements', who: 'office', payload: body });
    await call(404, { method: 'POST', url: '/api/improvements', who: 'ciso', payload: { ...body, assessment: 'no-such-assessment' } });
    await call(409, { method: 'POST', url: '/api/improvements', who: 'ciso', payload: { ...body, assessment: ids.draft } });
    await call(401, { method: 'POST', url: '/api/improvements', payload: body });
    await call(200, { method: 'PATCH', url: `/api/improvements/${plan.id}`, who: 'agency', payload: { status: 'in_progress' } });
    await call(400, { method: 'PATCH', url: `/api/improvements/${plan.id}`, who: 'agency', payload: {} });
    await call(403, { method: 'PATCH', url: `/api/improvements/${plan.id}`, who: 'ministry', payload: { status: 'done' } });
    await call(404, { method: 'PATCH', url: '/api/improvements/no-such-plan', who: 'agency', payload: { status: 'done' } });
    expect((await call(200, { method: 'GET', url: `/api/improvements?assessment=${ids.reviewed}`, who: 'ministry' })).json()).toMatchObject([{ id: plan.id, status: 'in_progress' }]);
    await call(400, { method: 'GET', url: '/api/improvements?status=closed', who: 'office' });
    await call(401, { method: 'GET', url: '/api/improvements' });
  });

  it('the national KPI report', async () => {
    const open = await call(200, { method: 'GET', url: '/api/reports/national.pdf?cycle=402&lang=en', who: 'office' });
    expect(open.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(open.headers['x-snapshot-sha256']).toBeUndefined();
    const closed = await call(200, { method: 'GET', url: '/api/reports/national.pdf?cycle=406', who: 'office' });
    expect(closed.headers['x-snapshot-sha256']).toMatch(/^[0-9a-f]{64}$/);
    await call(403, { method: 'GET', url: '/api/reports/national.pdf?cycle=402', who: 'ministry' });
    await call(404, { method: 'GET', url: '/api/reports/national.pdf?cycle=998', who: 'office' });
    await call(400, { method: 'GET', url: '/api/reports/national.pdf?cycle=402&lang=fr', who: 'office' });
    await call(401, { method: 'GET', url: '/api/reports/national.pdf?cycle=402' });
  });

  it('the audit trail', async () => {
    await call(200, { method: 'GET', url: '/api/audit?limit=20&action=login', who: 'office' });
    await call(403, { method: 'GET', url: '/api/audit', who: 'assessor' });
    const unknown = await call(400, { method: 'GET', url: '/api/audit?limit=0&cachebuster=1', who: 'office' });
    expect(detailsOf(unknown)).toEqual(expect.arrayContaining([{ path: 'querystring:/cachebuster', message: 'is not a known field' }]));
  });

  it('exercised a 2xx and a 4xx of every operation in the document, and each matched the document', () => {
    const lacking = operations
      .map((o) => ({ key: o.key, statuses: [...(exercised.get(o.key) ?? [])].sort() }))
      .filter(({ statuses }) => !statuses.some((s) => s >= 200 && s < 300) || !statuses.some((s) => s >= 400 && s < 500))
      .map(({ key, statuses }) => `${key} (exercised: ${statuses.join(', ') || 'nothing'})`);
    expect(lacking).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(47);
  });
});
