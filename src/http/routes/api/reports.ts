// Reports: the findings report of an assessment, the national KPI report of a cycle (office), and
// verification of a sealed record by its verification code, open to anyone.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { REPORT_LANGUAGES, REPORT_PARTS } from '../../../services/report.service.js';
import { requireActor } from '../../plugins/auth.js';
import { Id, VerificationCode } from '../../schemas/assessment.js';
import { Nullable, Year, binaryResponse, errors } from '../../schemas/common.js';

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/assessments/:id/report.pdf',
    {
      config: { access: 'user' },
      schema: {
        tags: ['reports'],
        operationId: 'getFindingsReport',
        summary: 'The findings report (PDF): stored and sealed once accepted, a live DRAFT before; `part=annex` lists every answer. Every download is audited',
        params: Id,
        querystring: Type.Object(
          {
            lang: Type.Optional(Type.Enum(REPORT_LANGUAGES, { default: 'zh-TW', description: 'zh-TW (default) or en' })),
            part: Type.Optional(Type.Enum(REPORT_PARTS, { default: 'main', description: 'main (default) or annex' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: binaryResponse(['application/pdf'], 'The PDF; `X-Report-Sha256` is the SHA-256 of its bytes, which verification accepts once it is sealed', {
            'content-disposition': { description: 'attachment; filename="{agency}-{cycle}[-annex]-{lang}[-DRAFT].pdf"' },
            'x-report-sha256': { description: 'SHA-256 of the PDF' },
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const report = await app.services.reports.report(requireActor(request), request.params.id, { lang: request.query.lang ?? 'zh-TW', part: request.query.part ?? 'main' });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${report.fileName}"`)
        .header('x-report-sha256', report.sha256)
        .send(report.bytes);
    },
  );

  app.get(
    '/api/reports/national.pdf',
    {
      config: { access: ['office'] },
      schema: {
        tags: ['reports'],
        operationId: 'getNationalReport',
        summary: 'The national KPI report of a cycle (PDF): live and PROVISIONAL while the cycle is open; once closed, rendered from the snapshot sealed at closing, stored and served as stored. Every download is audited',
        querystring: Type.Object(
          {
            cycle: Year,
            lang: Type.Optional(Type.Enum(REPORT_LANGUAGES, { default: 'zh-TW', description: 'zh-TW (default) or en' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: binaryResponse(['application/pdf'], 'The PDF; `X-Report-Sha256` is the SHA-256 of its bytes; for a closed cycle (only), `X-Snapshot-Sha256` is the SHA-256 of the snapshot record it was rendered from', {
            'content-disposition': { description: 'attachment; filename="national-kpi-{year}-{lang}.pdf"' },
            'x-report-sha256': { description: 'SHA-256 of the PDF' },
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { cycle, lang = 'zh-TW' } = request.query;
      const report = await app.services.nationalReports.report(requireActor(request), cycle, lang);
      void reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="national-kpi-${cycle}-${lang}.pdf"`).header('x-report-sha256', report.sha256);
      if (report.snapshotSha256 !== null) void reply.header('x-snapshot-sha256', report.snapshotSha256);
      return reply.send(report.pdf);
    },
  );

  app.get(
    '/api/reports/verify/:sha256',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reports'],
        operationId: 'verifySeal',
        summary: 'What a verification code (the sealed record’s hash) or a stored report’s SHA-256 belongs to, and whether a reopening superseded it',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        response: {
          200: Type.Object(
            {
              agency: Type.String(),
              agencyName: Type.String(),
              cycle: Type.Integer(),
              questionnaire: Type.String({ description: 'The exact questionnaire version, `id@version`' }),
              level: Type.Integer({ minimum: 0, maximum: 5, description: 'The validated maturity level' }),
              targetLevel: Nullable(Type.Integer()),
              acceptedAt: Type.String(),
              status: Type.Enum(['valid', 'superseded']),
              revokedAt: Type.Optional(Type.String()),
              reason: Type.Optional(Nullable(Type.String())),
              supersededBy: Type.Optional(Nullable(VerificationCode)),
              document: Type.Optional(Type.Object({ lang: Type.Enum(REPORT_LANGUAGES), part: Type.Enum(REPORT_PARTS) }, { description: 'Present when the hash is a stored report’s: which one' })),
            },
            { description: 'The sealed record the code belongs to, and whether it is still valid' },
          ),
          ...errors,
        },
      },
    },
    (request) => app.services.seals.verify(request.params.sha256),
  );
};

export default reportRoutes;
