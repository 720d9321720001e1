// Workflow rules on the server: state guards (409), concurrent edits of one answer, upload limits.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createCycleWithCohort, loginAs, seedPeople, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { SIGN_OFF_STATEMENT } from '../../src/domain/workflow.js';

describe.each(databaseKinds)('workflow rules on $name', (kind) => {
  const t = useSeededApp(kind, { UPLOAD_MAX_MB: '1' });
  let agency: string;
  let ciso: string;
  let assessor: string;
  let office: string;
  let id: string;
  beforeAll(async () => {
    await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    agency = await loginAs(t.app, 'agency');
    ciso = await loginAs(t.app, 'ciso');
    assessor = await loginAs(t.app, 'assessor');
    office = await loginAs(t.app, 'office');
    await createCycleWithCohort(t.app, 120);
    id = (await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: agency }, payload: { agency: 'MOI-A', cycle: 120 } })).json<{ id: string }>().id;
    await t.app.inject({ method: 'PUT', url: '/api/assignments', headers: { cookie: office }, payload: { assessment: id, assessor: 'assessor' } });
  });

  const put = (cookie: string, url: string, payload: object) => t.app.inject({ method: 'PUT', url, headers: { cookie }, payload });
  const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
  const post = (cookie: string, url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });

  it('lets one of two simultaneous edits of an answer win and refuses the other with 409', async () => {
    const url = `/api/assessments/${id}/answers/GOV-03/BP1`;
    const [a, b] = await Promise.all([put(agency, url, { rating: 'F', evidence: '預算書', revision: 0 }), put(ciso, url, { rating: 'P', evidence: '部分預算', revision: 0 })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? 'F' : 'P';
    const view = (await t.app.inject({ method: 'GET', url: `/api/assessments/${id}`, headers: { cookie: agency } })).json<{ answers: { process: string; indicator: string; rating: string; revision: number }[] }>();
    expect(view.answers.find((x) => x.process === 'GOV-03' && x.indicator === 'BP1')).toMatchObject({ rating: winner, revision: 1 });
  });

  it('refuses NA beyond half of a process’s base practices, NA on a generic practice, and unknown indicators', async () => {
    // GOV-03 has 5 base practices in isgm-109: two NA are allowed, a third is not.
    for (const bp of ['BP2', 'BP3']) expect((await put(agency, `/api/assessments/${id}/answers/GOV-03/${bp}`, { rating: 'NA', justification: '無此業務', revision: 0 })).statusCode).toBe(200);
    const third = await put(agency, `/api/assessments/${id}/answers/GOV-03/BP4`, { rating: 'NA', justification: '無此業務', revision: 0 });
    expect(third.statusCode).toBe(400);
    expect(third.json()).toMatchObject({ error: { details: [{ path: '/rating' }] } });
    expect(third.json()).toMatchObject({ error: { details: [{ path: '/rating', message: '3 of 5 base practices are NA; at most half may be NA — declare the process out of scope with a justification instead' }] } });
    // Each refusal names its own rule: a generic practice's NA is refused as such (and is never counted
    // toward the base practices' limit), an NA without a justification as that.
    const onGeneric = await put(agency, `/api/assessments/${id}/answers/GOV-03/GP2.1.1`, { rating: 'NA', justification: 'x', revision: 0 });
    expect(onGeneric.statusCode).toBe(400);
    expect(onGeneric.json<{ error: { details: unknown[] } }>().error.details).toEqual([{ path: '/rating', message: 'NA is allowed on base practices only, not on a generic practice' }]);
    const unjustified = await put(agency, `/api/assessments/${id}/answers/GOV-04/BP1`, { rating: 'NA', revision: 0 });
    expect(unjustified.statusCode).toBe(400);
    expect(unjustified.json<{ error: { details: unknown[] } }>().error.details).toEqual([{ path: '/justification', message: 'NA without a justification' }]);
    const tooLong = await put(agency, `/api/assessments/${id}/answers/GOV-04/BP1`, { rating: 'F', evidence: 'x'.repeat(20_001), revision: 0 });
    expect(tooLong.statusCode).toBe(400);
    expect((await put(agency, `/api/assessments/${id}/answers/GOV-99/BP1`, { rating: 'F', revision: 0 })).statusCode).toBe(404);
    expect((await put(agency, `/api/assessments/${id}/answers/GOV-03/BP1`, { rating: 'Q', revision: 1 })).statusCode).toBe(400);
  });

  it('refuses an upload over UPLOAD_MAX_MB and one of an unaccepted type', async () => {
    const boundary = 'b0undary';
    const body = (bytes: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="process"\r\n\r\nGOV-03\r\n--${boundary}\r\ncontent-disposition: form-data; name="indicator"\r\n\r\nBP1\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\ncontent-type: text/plain\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const big = await t.app.inject({ method: 'POST', url: `/api/assessments/${id}/evidence`, headers: { cookie: agency, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body(Buffer.alloc(1024 * 1024 + 10, 'a')) });
    expect(big.statusCode).toBe(413);
    const gif = await t.app.inject({ method: 'POST', url: `/api/assessments/${id}/evidence`, headers: { cookie: agency, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary')) });
    expect(gif.statusCode).toBe(415);
    const none = await t.app.inject({ method: 'GET', url: `/api/assessments/${id}`, headers: { cookie: agency } });
    expect(none.json<{ evidence: unknown[] }>().evidence).toEqual([]);
  });

  it('enforces the states: no review before submission, no agency edits in review, reopen only when accepted', async () => {
    expect((await post(assessor, `/api/assessments/${id}/review`)).statusCode).toBe(409);
    expect((await put(assessor, `/api/assessments/${id}/reviews/GOV-03/BP1`, { rating: 'P', reason: 'x' })).statusCode).toBe(409);
    expect((await post(office, `/api/assessments/${id}/reopen`, { reason: 'x' })).statusCode).toBe(409);
    // The CISO must confirm the statement: no body, false or a string are refused and change nothing.
    for (const body of [undefined, { statement: false }, { statement: 'true' }, { statement: true, extra: 1 }]) {
      const refused = await post(ciso, `/api/assessments/${id}/submit`, body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await get(ciso, `/api/assessments/${id}`)).json()).toMatchObject({ status: 'draft', signOff: null });
    expect((await post(ciso, `/api/assessments/${id}/submit`, { statement: true })).statusCode).toBe(200);
    const signed = (await get(ciso, `/api/assessments/${id}`)).json<{ signOff: { name: string; username: string; at: string; statement: { 'zh-TW': string; en: string } } }>();
    expect(signed.signOff).toEqual({ name: 'ciso', username: 'ciso', at: expect.stringMatching(/^\d{4}-/) as string, statement: SIGN_OFF_STATEMENT });
    expect((await post(ciso, `/api/assessments/${id}/submit`, { statement: true })).statusCode).toBe(409);
    expect((await put(agency, `/api/assessments/${id}/scope/GOV-01`, { inScope: false, justification: 'x' })).statusCode).toBe(409);
    expect((await post(assessor, `/api/assessments/${id}/accept`)).statusCode).toBe(409);
    expect((await post(assessor, `/api/assessments/${id}/review`)).statusCode).toBe(200);
    expect((await put(agency, `/api/assessments/${id}/answers/GOV-03/BP1`, { rating: 'F', evidence: 'x', revision: 1 })).statusCode).toBe(409);
    const noReason = await put(assessor, `/api/assessments/${id}/overrides/GOV-03/PA1.1`, { rating: 'P' });
    expect(noReason.statusCode).toBe(400);
    expect((await put(assessor, `/api/assessments/${id}/reviews/scope/GOV-02`, { inScope: false })).statusCode).toBe(400);
    expect((await post(assessor, `/api/assessments/${id}/accept`)).statusCode).toBe(200);
    // The sign-off is part of the sealed record.
    const seal = await t.app.services.seals.current(id);
    expect(seal!.record.signOff).toEqual(signed.signOff);
    expect((await post(assessor, `/api/assessments/${id}/return`, { comment: 'x' })).statusCode).toBe(409);
    expect((await put(office, '/api/assignments', { assessment: id, assessor: 'assessor' })).statusCode).toBe(409);
  });
});

describe('one injected clock', () => {
  it('stamps every record and audit entry with the time the app is given', async () => {
    const pinned = new Date('2020-03-31T01:02:03.000Z');
    const t = await buildTestApp(await databaseKinds[0]!.create(), {}, { now: () => pinned });
    try {
      await seedPeople(t.app);
      const agency = await loginAs(t.app, 'agency');
      const created = (await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: agency }, payload: { agency: 'MOI-A', cycle: 109 } })).json<{ id: string; history: { at: string }[] }>();
      expect(created.history[0]!.at).toBe(pinned.toISOString());
      const token = (await t.app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: agency }, payload: { expiresInDays: 1 } })).json<{ expiresAt: string }>();
      expect(token.expiresAt).toBe('2020-04-01T01:02:03.000Z');
      const entries = await t.app.services.audit.list({ limit: 1000 });
      expect(new Set(entries.map((e) => e.at))).toEqual(new Set([pinned.toISOString()]));
    } finally {
      await t.close();
      await t.db.drop();
    }
  });
});
