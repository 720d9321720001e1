// The agency's fill-in: answers, confirmation of pre-filled answers, scope, evidence files, the
// comment thread, and the CISO's submission.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANSWER_TEXT_LIMITS } from '../../../domain/answers.js';
import { invalid } from '../../../services/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { AnswerBody, AnswerView, Comment, CurrentAnswer, EvidenceFile, Id, IdProcess, IdProcessIndicator, OptionalText, SubmitBody, Text, TransitionResult } from '../../schemas/assessment.js';
import { ACCEPTED_TYPES } from '../../../services/evidence-types.js';
import { BinaryField, ErrorBody, Nullable, binaryResponse, errorResponse, errors } from '../../schemas/common.js';
import { ScoreResultSchema } from '../../schemas/result.js';

const agencyStaff = ['agency', 'ciso'] as const;

const answerRoutes: FastifyPluginAsyncTypebox<{ uploadMaxMb: number }> = async (app, { uploadMaxMb }) => {
  const { answers, assessments, evidence } = app.services;

  app.put(
    '/api/assessments/:id/answers/:process/:indicator',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['answers'],
        operationId: 'putAnswer',
        summary: 'Answer one indicator; `revision` is the answer’s revision last seen (0 for a new one) — a stale one gets 409 and changes nothing',
        params: IdProcessIndicator,
        body: AnswerBody,
        response: {
          200: Type.With(AnswerView, { description: 'The answer as stored, with its new revision' }),
          ...errors,
          409: Type.Object(
            { error: ErrorBody.properties.error, current: Type.Optional(Nullable(CurrentAnswer)) },
            { description: 'Not in draft or returned, or a stale revision (`error.code` `stale_revision`): `current` is the answer as it stands' },
          ),
        },
      },
    },
    (request) => answers.put(requireActor(request), request.params.id, request.params.process, request.params.indicator, request.body),
  );

  app.post(
    '/api/assessments/:id/confirm/:process/:indicator',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['answers'],
        operationId: 'confirmAnswer',
        summary: 'Confirm a pre-filled answer as it stands',
        params: IdProcessIndicator,
        response: { 200: Type.With(AnswerView, { description: 'The answer, confirmed' }), ...errors },
      },
    },
    (request) => answers.confirm(requireActor(request), request.params.id, request.params.process, request.params.indicator),
  );

  app.put(
    '/api/assessments/:id/scope/:process',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['answers'],
        operationId: 'putScope',
        summary: 'Declare a process in or out of scope (out of scope needs a justification)',
        params: IdProcess,
        body: Type.Object({ inScope: Type.Boolean(), justification: OptionalText(ANSWER_TEXT_LIMITS.justification) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), inScope: Type.Boolean(), justification: Nullable(Type.String()) }, { description: 'The scope declaration as stored' }), ...errors },
      },
    },
    (request) => answers.putScope(requireActor(request), request.params.id, request.params.process, request.body),
  );

  app.post(
    '/api/assessments/:id/comments',
    {
      config: { access: ['agency', 'ciso', 'assessor', 'office', 'ministry'] },
      schema: {
        tags: ['answers'],
        operationId: 'addComment',
        summary: 'Add to the comment thread (the agency, its assessor, the office)',
        params: Id,
        body: Type.Object({ text: Text(10_000) }, { additionalProperties: false }),
        response: { 201: Type.With(Comment, { description: 'The comment added' }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await answers.comment(requireActor(request), request.params.id, request.body.text)),
  );

  app.post(
    '/api/assessments/:id/submit',
    {
      config: { access: agencyStaff },
      schema: {
        tags: ['answers'],
        operationId: 'submitAssessment',
        summary: 'The CISO signs off (`{statement: true}` confirms the statement; the sign-off is stored and sealed) and submits; 422 with `completeness` when incomplete',
        params: Id,
        body: SubmitBody,
        response: {
          200: Type.With(TransitionResult, { description: 'Submitted' }),
          ...errors,
          422: Type.Object(
            { error: Type.Object({ ...ErrorBody.properties.error.properties, completeness: ScoreResultSchema.properties.completeness }), completeness: ScoreResultSchema.properties.completeness },
            { description: 'Incomplete: `completeness` lists the answers and evidence texts missing' },
          ),
        },
      },
    },
    (request) => assessments.submit(requireActor(request), request.params.id, request.body),
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
          tags: ['answers'],
          operationId: 'uploadEvidence',
          summary: 'Upload an evidence file (multipart/form-data: process, indicator, file); PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT or CSV, recognised by content',
          consumes: ['multipart/form-data'],
          params: Id,
          // The route reads the parts itself: the form is documented, not validated by fastify.
          documentedBody: {
            'multipart/form-data': Type.Object({
              process: Type.String({ description: 'the process id, e.g. GOV-01' }),
              indicator: Type.String({ description: 'the indicator id, e.g. BP1' }),
              file: BinaryField(`the file (at most UPLOAD_MAX_MB, 20 MB by default): ${Object.values(ACCEPTED_TYPES).join(', ')}, recognised by content`),
            }),
          },
          response: {
            201: Type.With(EvidenceFile, { description: 'The file stored: its id (for GET /api/evidence/{id}), SHA-256, size and recognised type' }),
            ...errors,
            413: Type.With(errorResponse(413), { description: 'The file is larger than UPLOAD_MAX_MB (20 MB by default)' }),
            415: Type.With(errorResponse(415), { description: 'The file’s content is none of the accepted types (whatever its name says), or the body’s content type is not one fastify parses' }),
          },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        if (!request.isMultipart()) throw invalid('send multipart/form-data with the fields process, indicator and file');
        const fields: Record<string, string> = {};
        let file: { name: string; bytes: Buffer } | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') file = { name: part.filename, bytes: await part.toBuffer() };
            else fields[part.fieldname] = String(part.value);
          }
        } catch (error) {
          // Too large stays 413; a body that is not well-formed multipart (no boundary, cut short) is the client's: 400.
          if ((error as { statusCode?: number }).statusCode === 413) throw error;
          throw invalid('the body is not well-formed multipart/form-data', [{ message: (error as Error).message }]);
        }
        const details = [];
        if (!fields.process) details.push({ path: '/process', message: 'is required' });
        if (!fields.indicator) details.push({ path: '/indicator', message: 'is required' });
        if (!file) details.push({ path: '/file', message: 'is required' });
        if (details.length > 0 || !file) throw invalid('invalid upload', details);
        const stored = await evidence.add(actor, request.params.id, { process: fields.process!, indicator: fields.indicator!, name: file.name, bytes: file.bytes });
        return reply.status(201).send(stored);
      },
    );
  });

  app.get(
    '/api/evidence/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['answers'],
        operationId: 'downloadEvidence',
        summary: 'Download an evidence file (access-checked like its assessment; audited)',
        params: Id,
        response: {
          200: binaryResponse(['application/octet-stream', ...Object.values(ACCEPTED_TYPES)], 'The file as uploaded, in the content type recognised at upload', {
            'content-disposition': { description: "attachment; filename*=UTF-8''{the uploaded name}" },
            'x-evidence-sha256': { description: 'SHA-256 of the file, hex' },
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const file = await evidence.file(requireActor(request), request.params.id);
      return reply
        .header('content-type', file.type)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('x-evidence-sha256', file.sha256)
        .send(Buffer.from(file.content));
    },
  );
};

export default answerRoutes;
