// The whole journey of one assessment over HTTP, on each database: set-up by the office, fill-in,
// submission, return, resubmission, review, acceptance with the sealed record, reopening, re-acceptance.
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rating } from '../../src/domain/questionnaire.js';
import type { AnswerView } from '../../src/services/assessment.service.js';
import { score, type ScoreResult } from '../../src/domain/scoring.js';
import { verifyAudit } from '../../src/services/audit.service.js';
import { PASSWORD, buildTestApp, loginAs, seedPeople, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

interface AssessmentView {
  id: string;
  questionnaire: string;
  status: string;
  answers: AnswerView[];
  scope: { process: string; inScope: boolean }[];
  scopeDecisions: { process: string; inScope: boolean }[];
  overrides: { process: string; attribute: string; rating: Rating }[];
  comments: { author: string; text: string }[];
  evidence: { id: string; sha256: string }[];
  history: { from: string | null; to: string }[];
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

function multipart(fields: Record<string, string>, file: { name: string; bytes: Buffer; type: string }) {
  const boundary = '----gsm' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(databaseKinds)('assessment journey on $name', (kind) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const as = async (who: string, options: InjectOptions) => {
    const cookie = cookies[who];
    return t.app.inject({ ...options, headers: { ...(options.headers ?? {}), ...(cookie ? { cookie } : {}) } });
  };
  const ok = async <T>(who: string, options: InjectOptions, status = 200): Promise<T> => {
    const response = await as(who, options);
    expect(response.statusCode, `${String(options.method)} ${JSON.stringify(options.url)}: ${response.body}`).toBe(status);
    return response.json<T>();
  };

  /** The stored bytes of a sealed record, read straight from the database. */
  const sealBytes = async (verificationCode: string) =>
    (await t.app.services.handle.db.selectFrom('sealedRecords').select('record').where('recordSha256', '=', verificationCode).executeTakeFirstOrThrow()).record;

  beforeAll(async () => {
    t = await buildTestApp(await kind.create());
    await seedPeople(t.app);
    cookies.office = await loginAs(t.app, 'office');
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('runs from set-up to a sealed, reopened and re-accepted assessment', async () => {
    // The office sets up the agency, its people and the assessor.
    await ok('office', { method: 'POST', url: '/api/agencies', payload: { code: 'E2E-1', name: '端到端測試署', ministry: '內政部', grades: { '109': 'A' } } }, 201);
    for (const [username, role] of [['e2e.agency', 'agency'], ['e2e.ciso', 'ciso']] as const) {
      await ok('office', { method: 'POST', url: '/api/users', payload: { username, role, agency: 'E2E-1', password: PASSWORD } }, 201);
    }
    await ok('office', { method: 'POST', url: '/api/users', payload: { username: 'e2e.assessor', role: 'assessor', password: PASSWORD, displayName: '主導評審員 測試' } }, 201);
    await ok('office', { method: 'PUT', url: '/api/assessors/e2e.assessor', payload: { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [{ agency: 'MOI-A', cycle: 109 }] } });
    for (const who of ['e2e.agency', 'e2e.ciso', 'e2e.assessor']) cookies[who] = await loginAs(t.app, who);

    // The agency creates its assessment; the office assigns the assessor (refusing a non-independent one).
    const created = await ok<AssessmentView>('e2e.agency', { method: 'POST', url: '/api/assessments', payload: { agency: 'E2E-1', cycle: 109 } }, 201);
    expect(created.status).toBe('draft');
    const id = created.id;
    expect((await as('e2e.agency', { method: 'POST', url: '/api/assessments', payload: { agency: 'E2E-1', cycle: 109 } })).statusCode).toBe(409);
    const moiA = await ok<{ id: string }>('office', { method: 'POST', url: '/api/assessments', payload: { agency: 'MOI-A', cycle: 109 } }, 201);
    const notIndependent = await as('office', { method: 'PUT', url: '/api/assignments', payload: { assessment: moiA.id, assessor: 'e2e.assessor' } });
    expect(notIndependent.statusCode).toBe(400);
    expect(notIndependent.json()).toMatchObject({ error: { message: 'e2e.assessor is not independent of MOI-A' } });
    const unqualified = await as('office', { method: 'PUT', url: '/api/assignments', payload: { assessment: id, assessor: 'assessor' } });
    expect(unqualified.statusCode).toBe(400);
    await ok('office', { method: 'PUT', url: '/api/assignments', payload: { assessment: id, assessor: 'e2e.assessor' } });

    // The agency fills in: TEC-03 out of scope, an NA, levels 1–3 answered, one uploaded file.
    const questionnaire = await ok<{ aspects: { processes: { id: string; indicators: { id: string }[] }[] }[]; attributes: { level: number; indicators: { id: string }[] }[] }>('e2e.agency', { method: 'GET', url: '/api/questionnaires/isgm-109?version=1.1.0' });
    await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/scope/TEC-03`, payload: { inScope: false, justification: '本署無自行或委外開發之資通系統' } });
    const processes = questionnaire.aspects.flatMap((a) => a.processes).filter((p) => p.id !== 'TEC-03');
    const generic = questionnaire.attributes.filter((a) => a.level >= 2 && a.level <= 3).flatMap((a) => a.indicators.map((i) => i.id));
    for (const p of processes) {
      for (const indicator of [...p.indicators.map((i) => i.id), ...generic]) {
        const payload =
          p.id === 'DET-04' && indicator === 'BP5'
            ? { rating: 'NA', justification: '本署無所屬機關', revision: 0 }
            : { rating: indicator === 'GP3.2.1' && p.id === 'GOV-01' ? 'L' : 'F', evidence: `${p.id} ${indicator} 佐證`, revision: 0 };
        await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/${p.id}/${indicator}`, payload });
      }
    }
    const upload = await as('e2e.agency', { method: 'POST', url: `/api/assessments/${id}/evidence`, ...multipart({ process: 'GOV-01', indicator: 'BP1' }, { name: '資安政策.pdf', bytes: PDF, type: 'application/pdf' }) });
    expect(upload.statusCode, upload.body).toBe(201);
    const file = upload.json<{ id: string; sha256: string; type: string; size: number }>();
    expect(file).toMatchObject({ type: 'application/pdf', size: PDF.length });
    const renamed = await as('e2e.agency', { method: 'POST', url: `/api/assessments/${id}/evidence`, ...multipart({ process: 'GOV-01', indicator: 'BP1' }, { name: 'policy.pdf', bytes: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0]), type: 'application/pdf' }) });
    expect(renamed.statusCode).toBe(415);
    const download = await as('e2e.ciso', { method: 'GET', url: `/api/evidence/${file.id}` });
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect((await as('ciso', { method: 'GET', url: `/api/evidence/${file.id}` })).statusCode).toBe(401);
    cookies.ciso = await loginAs(t.app, 'ciso');
    expect((await as('ciso', { method: 'GET', url: `/api/evidence/${file.id}` })).statusCode).toBe(404);

    // A write from a stale revision changes nothing.
    const stale = await as('e2e.ciso', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, payload: { rating: 'P', evidence: 'x', revision: 0 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'stale_revision' }, current: { rating: 'F', revision: 1 } });

    // Only the CISO submits, and only when complete.
    await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-02/BP2`, payload: { rating: 'F', evidence: '', revision: 1 } });
    expect((await as('e2e.agency', { method: 'POST', url: `/api/assessments/${id}/submit`, payload: { statement: true } })).statusCode).toBe(403);
    const incomplete = await as('e2e.ciso', { method: 'POST', url: `/api/assessments/${id}/submit`, payload: { statement: true } });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json()).toMatchObject({ error: { code: 'incomplete', completeness: { missing: [] } }, completeness: { missing: [], missingEvidence: [{ process: 'GOV-02', indicator: 'BP2' }] } });
    await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-02/BP2`, payload: { rating: 'F', evidence: '人員配置表', revision: 2 } });
    expect(await ok('e2e.ciso', { method: 'POST', url: `/api/assessments/${id}/submit`, payload: { statement: true } })).toEqual({ id, status: 'submitted' });
    expect((await as('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, payload: { rating: 'P', evidence: 'x', revision: 1 } })).statusCode).toBe(409);

    // The assessor opens the review, rates one answer, and returns the assessment with a comment.
    await ok('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/review` });
    const noReason = await as('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/GOV-02/BP1`, payload: { rating: 'L' } });
    expect(noReason.statusCode).toBe(400);
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/GOV-02/BP1`, payload: { rating: 'L', reason: '代理人指定未涵蓋全部職務' } });
    await ok('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/return`, payload: { comment: '請補充 GOV-02 代理人指定及 MGT-03 訓練時數佐證' } });

    // The agency answers in the thread, fixes two answers (one the assessor had rated: now stale) and resubmits.
    await ok('e2e.agency', { method: 'POST', url: `/api/assessments/${id}/comments`, payload: { text: '已補充代理人名冊' } }, 201);
    let view = await ok<AssessmentView>('e2e.agency', { method: 'GET', url: `/api/assessments/${id}` });
    expect(view.status).toBe('returned');
    const revisionOf = (p: string, i: string) => view.answers.find((a) => a.process === p && a.indicator === i)!.revision;
    await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-02/BP1`, payload: { rating: 'F', evidence: '代理人名冊 109-05', revision: revisionOf('GOV-02', 'BP1') } });
    await ok('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/MGT-03/BP2`, payload: { rating: 'L', evidence: '訓練時數統計：1 人未滿 12 小時', revision: revisionOf('MGT-03', 'BP2') } });
    view = await ok<AssessmentView>('e2e.agency', { method: 'GET', url: `/api/assessments/${id}` });
    expect(view.answers.find((a) => a.process === 'GOV-02' && a.indicator === 'BP1')!.assessor).toEqual({ rating: 'L', reason: '代理人指定未涵蓋全部職務', stale: true });
    expect(view.comments.map((c) => c.author)).toEqual(['e2e.assessor', 'e2e.agency']);
    await ok('e2e.ciso', { method: 'POST', url: `/api/assessments/${id}/submit`, payload: { statement: true } });

    // The assessor changes two ratings and overrides one attribute, with reasons, writes findings, accepts.
    await ok('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/review` });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/GOV-02/BP1`, payload: { rating: 'F', reason: '補件後已涵蓋' } });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/DET-02/BP2`, payload: { rating: 'P', reason: '兩件事件逾 1 小時通報' } });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/MGT-01/GP3.1.1`, payload: { rating: 'L', reason: '標準程序未涵蓋雲端資產' } });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/overrides/DET-01/PA3.2`, payload: { rating: 'P', reason: '監控程序僅於總部實施' } });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/findings/DET-02`, payload: { text: '通報時效待改善' } });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/findings/_`, payload: { text: '整體達第 2 級，偵測與應變面向待加強' } });
    expect((await as('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/findings/_`, payload: { text: 'x' } })).statusCode).toBe(403);
    const accepted = await ok<{ status: string; verificationCode: string }>('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/accept` });
    expect(accepted.status).toBe('accepted');
    expect(accepted.verificationCode).toMatch(/^[0-9a-f]{64}$/);

    // The frozen validated result equals the scoring module's, on the effective inputs.
    view = await ok<AssessmentView>('office', { method: 'GET', url: `/api/assessments/${id}` });
    const index = await t.app.services.questionnaires.index(view.questionnaire);
    const inputs = {
      answers: view.answers.filter((a) => a.rating !== null).map((a) => ({ process: a.process, indicator: a.indicator, rating: a.rating!, evidence: a.evidence, unconfirmed: a.unconfirmed })),
      outOfScope: view.scope.filter((s) => !s.inScope).map((s) => s.process),
      target: 3,
    };
    const assessor = {
      ratings: view.answers.filter((a) => a.assessor).map((a) => ({ process: a.process, indicator: a.indicator, rating: a.assessor!.rating, stale: a.assessor!.stale })),
      scope: view.scopeDecisions.map((d) => ({ process: d.process, inScope: d.inScope })),
      overrides: view.overrides.map((o) => ({ process: o.process, attribute: o.attribute, rating: o.rating })),
    };
    const result = await ok<{ self: ScoreResult; validated: ScoreResult; verificationCode: string }>('e2e.ciso', { method: 'GET', url: `/api/assessments/${id}/result` });
    expect(result.verificationCode).toBe(accepted.verificationCode);
    expect(result.validated).toEqual(score(index, { ...inputs, basis: 'validated', assessor }));
    expect(result.self).toEqual(score(index, { ...inputs, basis: 'self' }));
    expect(result.self.level).toBe(3);
    expect(result.validated.level).toBeLessThan(3);
    expect(result.validated.processes.find((p) => p.id === 'DET-01')!.attributes.find((a) => a.id === 'PA3.2')).toMatchObject({ rating: 'P', computedRating: 'F' });
    expect(result.validated.processes.find((p) => p.id === 'TEC-03')).toEqual({ id: 'TEC-03', inScope: false, level: null, attributes: [] });

    // The sealed record never changes afterwards; the verification code says what it belongs to.
    const record = await t.app.services.seals.current(id);
    const firstSealBytes = await sealBytes(accepted.verificationCode);
    expect(record!.record).toMatchObject({ agency: { code: 'E2E-1', grade: 'A', ministry: '內政部' }, cycle: 109, ciso: { username: 'e2e.ciso' }, assessor: { username: 'e2e.assessor' } });
    expect(record!.record.assessorChanges.ratings.map((r) => `${r.process}/${r.indicator}:${r.agencyRating}→${r.rating}`).sort()).toEqual(['DET-02/BP2:F→P', 'GOV-02/BP1:F→F', 'MGT-01/GP3.1.1:F→L']);
    expect(await ok('anonymous', { method: 'GET', url: `/api/reports/verify/${accepted.verificationCode}` })).toMatchObject({ agency: 'E2E-1', cycle: 109, status: 'valid' });
    expect((await as('e2e.agency', { method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, payload: { rating: 'P', evidence: 'x', revision: 1 } })).statusCode).toBe(409);

    // Reopen (office, with a reason) and re-accept: the first seal is superseded by the second.
    expect((await as('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/reopen`, payload: { reason: 'x' } })).statusCode).toBe(403);
    await ok('office', { method: 'POST', url: `/api/assessments/${id}/reopen`, payload: { reason: '申訴：DET-02 通報紀錄補正' } });
    expect(await ok('anonymous', { method: 'GET', url: `/api/reports/verify/${accepted.verificationCode}` })).toMatchObject({ status: 'superseded' });
    await ok('e2e.assessor', { method: 'PUT', url: `/api/assessments/${id}/reviews/DET-02/BP2`, payload: { rating: 'L', reason: '補正後一件逾時' } });
    const again = await ok<{ verificationCode: string }>('e2e.assessor', { method: 'POST', url: `/api/assessments/${id}/accept` });
    expect(again.verificationCode).not.toBe(accepted.verificationCode);
    expect(await ok('anonymous', { method: 'GET', url: `/api/reports/verify/${accepted.verificationCode}` })).toMatchObject({ status: 'superseded', supersededBy: again.verificationCode });
    expect(await ok('anonymous', { method: 'GET', url: `/api/reports/verify/${again.verificationCode}` })).toMatchObject({ status: 'valid' });
    // The first record is byte for byte what it was at its acceptance, though the assessment changed since.
    expect(await sealBytes(accepted.verificationCode)).toBe(firstSealBytes);
    expect(createHash('sha256').update(firstSealBytes).digest('hex')).toBe(accepted.verificationCode);
    view = await ok<AssessmentView>('office', { method: 'GET', url: `/api/assessments/${id}` });
    expect(view.history.map((h) => h.to)).toEqual(['draft', 'submitted', 'in_review', 'returned', 'submitted', 'in_review', 'accepted', 'in_review', 'accepted']);

    // Every change and read is in one intact chain.
    const audit = await verifyAudit(t.app.services.handle.db);
    expect(audit.ok).toBe(true);
    const actions = await t.app.services.handle.db.selectFrom('auditEntries').select('action').where('subject', '=', `assessment:${id}`).execute();
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set(['assessment.create', 'assignment.put', 'scope.put', 'answer.put', 'evidence.add', 'evidence.read', 'assessment.read', 'assessment.submit', 'assessment.review', 'assessor-rating.put', 'assessment.return', 'comment.add', 'override.put', 'finding.put', 'assessment.accept', 'assessment.reopen', 'result.read']),
    );
  });
});
