// Agencies: everyone lists what they see; the office creates, edits and imports from CSV.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decodeUtf8 } from '../../../domain/text.js';
import { invalid } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { AgencyCode, Grade, Nullable, Year, errors } from '../../schemas/common.js';

/** The media types a CSV import is accepted in (the first is the one to use). */
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

const Agency = Type.Object({ code: Type.String(), name: Type.String(), ministry: Type.String(), grades: Type.Record(Type.String(), Grade) });
const Grades = Type.Record(Type.String({ pattern: '^\\d{2,3}$' }), Grade);
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

const agencyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // CSV arrives as bytes and is decoded strictly: a byte sequence that is not UTF-8 (or a NUL) is refused with its line, never replaced.
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => {
    const decoded = decodeUtf8(body as Buffer);
    if ('text' in decoded) done(null, decoded.text);
    else done(invalid('the file is not UTF-8 text', [{ line: decoded.line, message: `line ${decoded.line} ${decoded.message}` }]));
  });

  app.get(
    '/api/agencies',
    {
      config: { access: 'user' },
      schema: { tags: ['agencies'], operationId: 'listAgencies', summary: 'The agencies this user sees', response: { 200: Type.Array(Agency, { description: 'The agencies this user sees, with their grade per cycle' }), ...errors } },
    },
    (request) => app.services.agencies.list(requireActor(request)),
  );

  app.post(
    '/api/agencies',
    {
      config: { access: 'user' },
      schema: {
        tags: ['agencies'],
        operationId: 'createAgency',
        summary: 'Create an agency (office)',
        body: Type.Object({ code: AgencyCode, name: Name, ministry: Name, grades: Type.Optional(Grades) }, { additionalProperties: false }),
        response: { 201: Type.With(Agency, { description: 'The agency created' }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.agencies.create(requireActor(request), request.body)),
  );

  app.get(
    '/api/agencies/:code',
    {
      config: { access: 'user' },
      schema: { tags: ['agencies'], operationId: 'getAgency', summary: 'One agency', params: Type.Object({ code: Type.String({ maxLength: 64 }) }), response: { 200: Type.With(Agency, { description: 'The agency, with its grade per cycle' }), ...errors } },
    },
    (request) => app.services.agencies.get(requireActor(request), request.params.code),
  );

  app.patch(
    '/api/agencies/:code',
    {
      config: { access: 'user' },
      schema: {
        tags: ['agencies'],
        operationId: 'updateAgency',
        summary: 'Edit an agency and its grades per cycle (office); a null grade removes it',
        params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ name: Type.Optional(Name), ministry: Type.Optional(Name), grades: Type.Optional(Type.Record(Type.String({ pattern: '^\\d{2,3}$' }), Nullable(Grade))) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Type.With(Agency, { description: 'The agency as changed' }), ...errors },
      },
    },
    (request) => app.services.agencies.update(requireActor(request), request.params.code, request.body),
  );

  app.post(
    '/api/agencies/import',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['agencies'],
        operationId: 'importAgencies',
        summary: 'Import agencies and their grade for a cycle from CSV (code,name,ministry,grade); nothing is imported unless every row is valid',
        consumes: CSV_TYPES,
        querystring: Type.Object({ cycle: Year }, { additionalProperties: false }),
        body: Type.String({ description: 'CSV with the columns code,name,ministry,grade; UTF-8 with or without BOM; the header row is line 1' }),
        response: {
          200: Type.Object({ cycle: Type.Integer(), rows: Type.Integer(), created: Type.Integer(), updated: Type.Integer() }, { description: 'Every row imported: how many agencies were created and updated' }),
          ...errors,
        },
      },
    },
    (request) => app.services.agencies.importCsv(requireActor(request), request.query.cycle, request.body),
  );
};

export default agencyRoutes;
