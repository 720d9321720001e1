// Assessment routes: creation, reading, the agency's fill-in, the assessor's review, and the result.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invalid } from '../../../services/errors.js';
import { XLSX_TYPE } from '../../../services/sheet.service.js';
import { requireActor } from '../../plugins/auth.js';
import { Nullable, Year, errors } from '../../schemas.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IdProcess = Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }) });
const IdProcessIndicator = Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }), indicator: Type.String({ maxLength: 32 }) });
const AnswerRating = Type.Union([Type.Literal('N'), Type.Literal('P'), Type.Literal('L'), Type.Literal('F'), Type.Literal('NA')]);
const Rating = Type.Union([Type.Literal('N'), Type.Literal('P'), Type.Literal('L'), Type.Literal('F')]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const Status = Type.Union([Type.Literal('draft'), Type.Literal('submitted'), Type.Literal('in_review'), Type.Literal('returned'), Type.Literal('accepted')]);
const Transition = Type.Object({ id: Type.String(), status: Status });
const Any = Type.Object({}, { additionalProperties: true });

const AnswerView = Type.Object({
  process: Type.String(),
  indicator: Type.String(),
  rating: Nullable(AnswerRating),
  evidence: Nullable(Type.String()),
  note: Nullable(Type.String()),
  justification: Nullable(Type.String()),
  revision: Type.Integer(),
  unconfirmed: Type.Boolean(),
  assessor: Nullable(Type.Object({ rating: AnswerRating, reason: Nullable(Type.String()), stale: Type.Boolean() })),
});

const Summary = Type.Object({
  id: Type.String(),
  agency: Type.String(),
  agencyName: Type.String(),
  ministry: Type.String(),
  cycle: Type.Integer(),
  questionnaire: Type.String(),
  status: Status,
  assessor: Nullable(Type.String()),
  submittedAt: Nullable(Type.String()),
  acceptedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
});

const Assessment = Type.Object({
  id: Type.String(),
  agency: Type.String(),
  cycle: Type.Integer(),
  questionnaire: Type.String(),
  status: Status,
  assessor: Nullable(Type.String()),
  prefilledFrom: Nullable(Type.Integer()),
  submittedAt: Nullable(Type.String()),
  submittedBy: Nullable(Type.String()),
  acceptedAt: Nullable(Type.String()),
  answers: Type.Array(AnswerView),
  scope: Type.Array(Type.Object({ process: Type.String(), inScope: Type.Boolean(), justification: Nullable(Type.String()) })),
  scopeDecisions: Type.Array(Type.Object({ process: Type.String(), inScope: Type.Boolean(), reason: Type.String(), by: Type.String() })),
  overrides: Type.Array(Type.Object({ process: Type.String(), attribute: Type.String(), rating: Rating, reason: Type.String(), by: Type.String() })),
  findings: Type.Array(Type.Object({ process: Type.String(), text: Type.String(), by: Type.String(), at: Type.String() })),
  comments: Type.Array(Type.Object({ id: Type.String(), author: Type.String(), role: Type.String(), text: Type.String(), createdAt: Type.String() })),
  evidence: Type.Array(Type.Object({ id: Type.String(), process: Type.String(), indicator: Type.String(), name: Type.String(), size: Type.Integer(), type: Type.String(), sha256: Type.String(), uploadedBy: Type.String(), createdAt: Type.String() })),
  history: Type.Array(Type.Object({ from: Nullable(Type.String()), to: Type.String(), by: Type.String(), at: Type.String(), comment: Nullable(Type.String()) })),
});

const Evidence = Type.Object({ id: Type.String(), sha256: Type.String(), name: Type.String(), size: Type.Integer(), type: Type.String(), process: Type.String(), indicator: Type.String() });
const agencyStaff = ['agency', 'ciso'] as const;
const assessorOnly = ['assessor'] as const;

const assessmentRoutes: FastifyPluginAsyncTypebox<{ uploadMaxMb: number }> = async (app, { uploadMaxMb }) => {
  const { assessments, reviews, sheets } = app.services;
  app.addContentTypeParser([XLSX_TYPE, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: uploadMaxMb * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.get(
    '/api/assessments/:id/sheet',
    { config: { access: 'user' }, schema: { tags: ['assessments'], summary: 'The assessment as an .xlsx workbook for offline fill-in', params: Id, response: { 200: Type.Unsafe<Buffer>({ description: 'an .xlsx workbook' }), ...errors } } },
    async (request, reply) => {
      const bytes = await sheets.export(requireActor(request), request.params.id);
      return reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="assessment-${request.params.id}.xlsx"`).send(bytes);
    },
  );

  app.put(
    '/api/assessments/:id/sheet',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['assessments'],
        summary: 'Apply a filled-in workbook: every bad row is reported with its sheet, row and column, and nothing is applied unless all are valid',
        consumes: [XLSX_TYPE],
        params: Id,
        body: Type.Unsafe<Buffer>({ description: 'the .xlsx workbook exported by GET …/sheet' }),
        response: { 200: Type.Object({ answers: Type.Integer(), scope: Type.Integer() }), ...errors, 415: errors[400] },
      },
    },
    (request) => sheets.import(requireActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/assessments',
    {
      config: { access: ['office', 'agency', 'ciso'] },
      schema: {
        tags: ['assessments'],
        summary: 'Create the assessment of an agency for a cycle (pinned to the cycle’s questionnaire); optionally pre-filled from its accepted assessment of an earlier cycle',
        body: Type.Object({ agency: Type.String({ minLength: 1, maxLength: 64 }), cycle: Year, prefillFrom: Type.Optional(Year) }, { additionalProperties: false }),
        response: { 201: Assessment, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { id } = await assessments.create(actor, request.body);
      return reply.status(201).send(await assessments.view(await assessments.visible(actor, id)));
    },
  );

  app.get(
    '/api/assessments',
    {
      config: { access: 'user' },
      schema: {
        tags: ['assessments'],
        summary: 'The assessments this user sees',
        querystring: Type.Object({ cycle: Type.Optional(Year), agency: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(Status) }, { additionalProperties: false }),
        response: { 200: Type.Array(Summary), ...errors },
      },
    },
    (request) => assessments.list(requireActor(request), request.query),
  );

  app.get(
    '/api/assessments/:id',
    { config: { access: 'user' }, schema: { tags: ['assessments'], summary: 'One whole assessment (the read is audited)', params: Id, response: { 200: Assessment, ...errors } } },
    (request) => assessments.get(requireActor(request), request.params.id),
  );

  app.put(
    '/api/assessments/:id/answers/:process/:indicator',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['assessments'],
        summary: 'Answer one indicator; `revision` is the answer’s revision last seen (0 for a new one) — a stale one gets 409 and changes nothing',
        params: IdProcessIndicator,
        body: Type.Object({ rating: AnswerRating, evidence: OptionalText(20_000), note: OptionalText(20_000), justification: OptionalText(5_000), revision: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 200: AnswerView, ...errors, 409: Type.Object({ error: errors[409].properties.error, current: Type.Optional(Nullable(Any)) }) },
      },
    },
    (request) => assessments.putAnswer(requireActor(request), request.params.id, request.params.process, request.params.indicator, request.body),
  );

  app.put(
    '/api/assessments/:id/scope/:process',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['assessments'],
        summary: 'Declare a process in or out of scope (out of scope needs a justification)',
        params: IdProcess,
        body: Type.Object({ inScope: Type.Boolean(), justification: OptionalText(5_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), inScope: Type.Boolean(), justification: Nullable(Type.String()) }), ...errors },
      },
    },
    (request) => assessments.putScope(requireActor(request), request.params.id, request.params.process, request.body),
  );

  app.post(
    '/api/assessments/:id/comments',
    {
      config: { access: ['agency', 'ciso', 'assessor', 'office', 'ministry'] },
      schema: {
        tags: ['assessments'],
        summary: 'Add to the comment thread (the agency, its assessor, the office)',
        params: Id,
        body: Type.Object({ text: Text(10_000) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), author: Type.String(), role: Type.String(), text: Type.String(), createdAt: Type.String() }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await assessments.comment(requireActor(request), request.params.id, request.body.text)),
  );

  // Multipart parsing (and its per-request hooks) only where a file is uploaded.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, { limits: { fileSize: uploadMaxMb * 1024 * 1024, files: 1, fields: 10, fieldSize: 1024 } });
    scope.post(
      '/api/assessments/:id/evidence',
      {
        config: { access: agencyStaff },
        schema: {
          tags: ['assessments'],
          summary: 'Upload an evidence file (multipart/form-data: process, indicator, file); PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT or CSV, recognised by content',
          consumes: ['multipart/form-data'],
          params: Id,
          response: { 201: Evidence, ...errors, 413: errors[400], 415: errors[400] },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        if (!request.isMultipart()) throw invalid('send multipart/form-data with the fields process, indicator and file');
        const fields: Record<string, string> = {};
        let file: { name: string; bytes: Buffer } | undefined;
        for await (const part of request.parts()) {
          if (part.type === 'file') file = { name: part.filename, bytes: await part.toBuffer() };
          else fields[part.fieldname] = String(part.value);
        }
        const details = [];
        if (!fields.process) details.push({ path: '/process', message: 'is required' });
        if (!fields.indicator) details.push({ path: '/indicator', message: 'is required' });
        if (!file) details.push({ path: '/file', message: 'is required' });
        if (details.length > 0 || !file) throw invalid('invalid upload', details);
        const stored = await assessments.addEvidence(actor, request.params.id, { process: fields.process!, indicator: fields.indicator!, name: file.name, bytes: file.bytes });
        return reply.status(201).send(stored);
      },
    );
  });

  app.get(
    '/api/evidence/:id',
    { config: { access: 'user' }, schema: { tags: ['assessments'], summary: 'Download an evidence file (access-checked like its assessment; audited)', params: Id, response: { 200: Type.Unsafe<Buffer>({ description: 'the file as uploaded' }), ...errors } } },
    async (request, reply) => {
      const file = await assessments.evidenceFile(requireActor(request), request.params.id);
      return reply
        .header('content-type', file.type)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('x-evidence-sha256', file.sha256)
        .send(Buffer.from(file.content));
    },
  );

  app.post(
    '/api/assessments/:id/confirm/:process/:indicator',
    { config: { access: agencyStaff }, schema: { tags: ['assessments'], summary: 'Confirm a pre-filled answer as it stands', params: IdProcessIndicator, response: { 200: AnswerView, ...errors } } },
    (request) => assessments.confirm(requireActor(request), request.params.id, request.params.process, request.params.indicator),
  );

  app.post(
    '/api/assessments/:id/submit',
    {
      config: { access: ['agency', 'ciso'] },
      schema: { tags: ['assessments'], summary: 'The CISO signs off and submits; 422 with `completeness` when incomplete', params: Id, response: { 200: Transition, ...errors, 422: Type.Object({ error: Any, completeness: Any }, { additionalProperties: true }) } },
    },
    (request) => assessments.submit(requireActor(request), request.params.id),
  );

  app.post(
    '/api/assessments/:id/review',
    { config: { access: assessorOnly }, schema: { tags: ['review'], summary: 'Its assessor opens the review: submitted → in_review', params: Id, response: { 200: Transition, ...errors } } },
    (request) => reviews.review(requireActor(request), request.params.id),
  );

  app.put(
    '/api/assessments/:id/reviews/:process/:indicator',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        summary: 'Assessor rating of an indicator (a reason is required when it differs from the agency’s)',
        params: IdProcessIndicator,
        body: Type.Object({ rating: AnswerRating, reason: OptionalText(5_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), indicator: Type.String(), rating: AnswerRating, reason: Nullable(Type.String()), stale: Type.Boolean() }), ...errors },
      },
    },
    (request) => reviews.rate(requireActor(request), request.params.id, request.params.process, request.params.indicator, request.body),
  );

  app.delete(
    '/api/assessments/:id/reviews/:process/:indicator',
    { config: { access: assessorOnly }, schema: { tags: ['review'], summary: 'Withdraw an assessor rating', params: IdProcessIndicator, response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors } } },
    (request) => reviews.withdraw(requireActor(request), request.params.id, request.params.process, request.params.indicator),
  );

  app.put(
    '/api/assessments/:id/reviews/scope/:process',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        summary: 'Assessor scope decision, with its reason',
        params: IdProcess,
        body: Type.Object({ inScope: Type.Boolean(), reason: Text(5_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), inScope: Type.Boolean(), reason: Type.String() }), ...errors },
      },
    },
    (request) => reviews.decideScope(requireActor(request), request.params.id, request.params.process, request.body),
  );

  app.put(
    '/api/assessments/:id/overrides/:process/:attribute',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        summary: 'Assessor override of a process attribute’s rating, with its reason',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }), attribute: Type.String({ maxLength: 16 }) }),
        body: Type.Object({ rating: Rating, reason: Text(5_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), attribute: Type.String(), rating: Rating, reason: Type.String() }), ...errors },
      },
    },
    (request) => reviews.override(requireActor(request), request.params.id, request.params.process, request.params.attribute, request.body),
  );

  app.put(
    '/api/assessments/:id/findings/:process',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        summary: 'Assessor findings for a process (`_` for the overall findings)',
        params: IdProcess,
        body: Type.Object({ text: Text(20_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), text: Type.String() }), ...errors },
      },
    },
    (request) => reviews.finding(requireActor(request), request.params.id, request.params.process, request.body.text),
  );

  app.post(
    '/api/assessments/:id/return',
    {
      config: { access: assessorOnly },
      schema: { tags: ['review'], summary: 'Return to the agency with a comment', params: Id, body: Type.Object({ comment: Text(10_000) }, { additionalProperties: false }), response: { 200: Transition, ...errors } },
    },
    (request) => reviews.return(requireActor(request), request.params.id, request.body.comment),
  );

  app.post(
    '/api/assessments/:id/accept',
    {
      config: { access: assessorOnly },
      schema: { tags: ['review'], summary: 'Accept: freezes and stores the sealed record', params: Id, response: { 200: Type.Object({ id: Type.String(), status: Status, seal: Type.String(), acceptedAt: Type.String() }), ...errors } },
    },
    (request) => reviews.accept(requireActor(request), request.params.id),
  );

  app.post(
    '/api/assessments/:id/reopen',
    {
      config: { access: ['office'] },
      schema: { tags: ['review'], summary: 'Reopen an accepted assessment (accepted → in_review); its seal is revoked', params: Id, body: Type.Object({ reason: Text(5_000) }, { additionalProperties: false }), response: { 200: Transition, ...errors } },
    },
    (request) => reviews.reopen(requireActor(request), request.params.id, request.body.reason),
  );

  app.get(
    '/api/assessments/:id/result',
    {
      config: { access: 'user' },
      schema: { tags: ['assessments'], summary: '`{self, validated}` as DOMAIN.md §3 describes; as sealed once accepted', params: Id, response: { 200: Type.Object({ self: Any, validated: Any, sealed: Nullable(Type.String()) }), ...errors } },
    },
    (request) => reviews.result(requireActor(request), request.params.id),
  );

  app.put(
    '/api/assignments',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['review'],
        summary: 'Assign a qualified, independent lead assessor to an assessment',
        body: Type.Object({ assessment: Type.String({ minLength: 1, maxLength: 64 }), assessor: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ assessment: Type.String(), assessor: Type.String() }), ...errors },
      },
    },
    (request) => reviews.assign(requireActor(request), request.body.assessment, request.body.assessor),
  );

  app.get(
    '/api/reports/verify/:sha256',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reports'],
        summary: 'What a verification code belongs to, and whether a reopening superseded it',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        response: {
          200: Type.Object({ agency: Type.String(), agencyName: Type.String(), cycle: Type.Integer(), acceptedAt: Type.String(), status: Type.Union([Type.Literal('valid'), Type.Literal('superseded')]), revokedAt: Type.Optional(Type.String()), reason: Type.Optional(Nullable(Type.String())), supersededBy: Type.Optional(Nullable(Type.String())) }),
          ...errors,
        },
      },
    },
    (request) => reviews.verify(request.params.sha256),
  );
};

export default assessmentRoutes;
