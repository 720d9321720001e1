// The lead assessor's review: opening it, assessor ratings, scope decisions, attribute overrides,
// findings, return and acceptance; the office's assignment of the assessor and its reopening.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANSWER_TEXT_LIMITS } from '../../../domain/answers.js';
import { requireActor } from '../../plugins/auth.js';
import { AnswerRating, Id, IdProcess, IdProcessAttribute, IdProcessIndicator, OptionalText, Rating, State, Text, TransitionResult, VerificationCode } from '../../schemas/assessment.js';
import { Nullable, errors } from '../../schemas/common.js';

const assessorOnly = ['assessor'] as const;
const Reason = Text(ANSWER_TEXT_LIMITS.justification);

const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reviews } = app.services;

  app.put(
    '/api/assignments',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['review'],
        operationId: 'assignAssessor',
        summary: 'Assign a qualified, independent lead assessor to an assessment',
        body: Type.Object({ assessment: Type.String({ minLength: 1, maxLength: 64 }), assessor: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ assessment: Type.String(), assessor: Type.String() }, { description: 'The assignment as stored' }), ...errors },
      },
    },
    (request) => reviews.assign(requireActor(request), request.body.assessment, request.body.assessor),
  );

  app.post(
    '/api/assessments/:id/review',
    {
      config: { access: assessorOnly },
      schema: { tags: ['review'], operationId: 'startReview', summary: 'Its assessor opens the review: submitted → in_review', params: Id, response: { 200: Type.With(TransitionResult, { description: 'In review' }), ...errors } },
    },
    (request) => reviews.review(requireActor(request), request.params.id),
  );

  app.put(
    '/api/assessments/:id/reviews/:process/:indicator',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        operationId: 'putAssessorRating',
        summary: 'Assessor rating of an indicator (a reason is required when it differs from the agency’s)',
        params: IdProcessIndicator,
        body: Type.Object({ rating: AnswerRating, reason: OptionalText(ANSWER_TEXT_LIMITS.justification) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ process: Type.String(), indicator: Type.String(), rating: AnswerRating, reason: Nullable(Type.String()), stale: Type.Boolean() }, { description: 'The assessor rating as stored' }),
          ...errors,
        },
      },
    },
    (request) => reviews.rate(requireActor(request), request.params.id, request.params.process, request.params.indicator, request.body),
  );

  app.delete(
    '/api/assessments/:id/reviews/:process/:indicator',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        operationId: 'withdrawAssessorRating',
        summary: 'Withdraw an assessor rating',
        params: IdProcessIndicator,
        response: { 200: Type.Object({ ok: Type.Boolean() }, { description: 'The assessor rating is withdrawn (the agency’s answer counts again)' }), ...errors },
      },
    },
    (request) => reviews.withdraw(requireActor(request), request.params.id, request.params.process, request.params.indicator),
  );

  app.put(
    '/api/assessments/:id/reviews/scope/:process',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        operationId: 'putScopeDecision',
        summary: 'Assessor scope decision, with its reason',
        params: IdProcess,
        body: Type.Object({ inScope: Type.Boolean(), reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), inScope: Type.Boolean(), reason: Type.String() }, { description: 'The scope decision as stored' }), ...errors },
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
        operationId: 'putAttributeOverride',
        summary: 'Assessor override of a process attribute’s rating, with its reason',
        params: IdProcessAttribute,
        body: Type.Object({ rating: Rating, reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), attribute: Type.String(), rating: Rating, reason: Type.String() }, { description: 'The override as stored' }), ...errors },
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
        operationId: 'putFindings',
        summary: 'Assessor findings for a process (`_` for the overall findings)',
        params: IdProcess,
        body: Type.Object({ text: Text(20_000) }, { additionalProperties: false }),
        response: { 200: Type.Object({ process: Type.String(), text: Type.String() }, { description: 'The findings as stored' }), ...errors },
      },
    },
    (request) => reviews.finding(requireActor(request), request.params.id, request.params.process, request.body.text),
  );

  app.post(
    '/api/assessments/:id/return',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        operationId: 'returnAssessment',
        summary: 'Return to the agency with a comment',
        params: Id,
        body: Type.Object({ comment: Text(10_000) }, { additionalProperties: false }),
        response: { 200: Type.With(TransitionResult, { description: 'Returned to the agency' }), ...errors },
      },
    },
    (request) => reviews.return(requireActor(request), request.params.id, request.body.comment),
  );

  app.post(
    '/api/assessments/:id/accept',
    {
      config: { access: assessorOnly },
      schema: {
        tags: ['review'],
        operationId: 'acceptAssessment',
        summary: 'Accept: freezes and stores the sealed record; answers its verification code',
        params: Id,
        response: {
          200: Type.Object({ id: Type.String(), status: State, verificationCode: VerificationCode, acceptedAt: Type.String() }, { description: 'Accepted and sealed: `verificationCode` verifies the sealed record at GET /api/reports/verify/{sha256}' }),
          ...errors,
        },
      },
    },
    (request) => reviews.accept(requireActor(request), request.params.id),
  );

  app.post(
    '/api/assessments/:id/reopen',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['review'],
        operationId: 'reopenAssessment',
        summary: 'Reopen an accepted assessment (accepted → in_review); its seal is revoked',
        params: Id,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.With(TransitionResult, { description: 'Back in review; the seal is revoked' }), ...errors },
      },
    },
    (request) => reviews.reopen(requireActor(request), request.params.id, request.body.reason),
  );
};

export default reviewRoutes;
