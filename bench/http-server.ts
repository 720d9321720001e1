// The server side of `npm run bench`'s HTTP runs, in a process of its own so that the load generator
// does not share its event loop: the service on one port and, on another, baseline routes that issue
// the same SQL statements directly on the same database, with no schemas, access checks or service
// layers. Prints one JSON line with the addresses, the assessment, the token and the indicators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/types.js';
import { buildApp } from '../src/http/app.js';
import { sha256 } from '../src/services/accounts.service.js';


/** The token lookup both routes make, as the service makes it (expiry included). */
const tokenUser = (db: Kysely<Database>, token: string) =>
  db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .selectAll('users')
    .select('apiTokens.id as tokenId')
    .where('apiTokens.tokenHash', '=', sha256(token))
    .where((eb) => eb.or([eb('apiTokens.expiresAt', 'is', null), eb('apiTokens.expiresAt', '>', new Date().toISOString())]))
    .executeTakeFirst();

/** The assessment read both routes make: the row with its agency's ministry (who sees it). */
const assessmentRow = (db: Kysely<Database>, id: string) =>
  db.selectFrom('assessments').innerJoin('agencies', 'agencies.code', 'assessments.agencyCode').selectAll('assessments').select('agencies.ministry').where('assessments.id', '=', id).executeTakeFirst();

/** The statements the answer route issues, in its order: token, assessment, answer, then one transaction that checks the state on the row first. */
async function baselineSave(db: Kysely<Database>, token: string, id: string, process: string, indicator: string, body: { rating: string; evidence: string; revision: number }) {
  const user = await tokenUser(db, token);
  const a = await assessmentRow(db, id);
  if (!user || !a) return { status: 404, revision: 0 };
  const current = await db.selectFrom('answers').selectAll().where('assessmentId', '=', id).where('process', '=', process).where('indicator', '=', indicator).executeTakeFirst();
  if ((current?.revision ?? 0) !== body.revision) return { status: 409, revision: current?.revision ?? 0 };
  return db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    const held = await trx.updateTable('assessments').set({ updatedAt: at }).where('id', '=', id).where('status', 'in', ['draft', 'returned']).executeTakeFirst();
    if (Number(held.numUpdatedRows) !== 1) return { status: 409, revision: 0 };
    const written = await trx
      .updateTable('answers')
      .set({ rating: body.rating, evidence: body.evidence, note: null, justification: null, revision: body.revision + 1, unconfirmed: 0, updatedAt: at, updatedBy: user.username })
      .where('assessmentId', '=', id)
      .where('process', '=', process)
      .where('indicator', '=', indicator)
      .where('revision', '=', body.revision)
      .executeTakeFirst();
    if (Number(written.numUpdatedRows) !== 1) return { status: 409, revision: body.revision + 1 };
    const head = await trx.updateTable('auditHead').set((eb) => ({ seq: eb('seq', '+', 1) })).where('id', '=', 1).returning(['seq', 'hash']).executeTakeFirstOrThrow();
    await trx.insertInto('auditEntries').values({ seq: head.seq, at, actor: user.username, action: 'answer.put', subject: `assessment:${id}`, before: JSON.stringify(current ?? null), after: JSON.stringify(body), prevHash: head.hash, hash: sha256(head.hash + JSON.stringify(body)) }).execute();
    await trx.updateTable('auditHead').set({ hash: sha256(head.hash + at) }).where('id', '=', 1).execute();
    return { status: 200, revision: body.revision + 1 };
  });
}

/** The statements the read route issues, run directly. */
async function baselineRead(db: Kysely<Database>, token: string, id: string) {
  const user = await tokenUser(db, token);
  const a = await assessmentRow(db, id);
  if (!user || !a) return undefined;
  const [answers, scope, ratings, decisions, overrides, findings, comments, history, evidence] = await Promise.all([
    db.selectFrom('answers').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('scope').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('assessorRatings').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('scopeDecisions').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('attributeOverrides').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('findings').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('comments').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('stateChanges').selectAll().where('assessmentId', '=', id).execute(),
    db.selectFrom('evidenceFiles').select(['id', 'process', 'indicator', 'name', 'type', 'size', 'sha256']).where('assessmentId', '=', id).execute(),
  ]);
  await db.transaction().execute(async (trx) => {
    const head = await trx.updateTable('auditHead').set((eb) => ({ seq: eb('seq', '+', 1) })).where('id', '=', 1).returning(['seq', 'hash']).executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    await trx.insertInto('auditEntries').values({ seq: head.seq, at, actor: user.username, action: 'assessment.read', subject: `assessment:${id}`, before: null, after: null, prevHash: head.hash, hash: sha256(head.hash + at) }).execute();
    await trx.updateTable('auditHead').set({ hash: sha256(head.hash + at) }).where('id', '=', 1).execute();
  });
  return { ...a, answers, scope, ratings, decisions, overrides, findings, comments, history, evidence };
}

const dir = mkdtempSync(join(tmpdir(), 'gsm-bench-'));
const app = await buildApp(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, DEMO: '1', LOG_LEVEL: 'silent', TWO_FACTOR: 'optional' }));
const { db } = app.services.handle;
// The demo's draft assessment of MOI-001, every indicator answered by its CISO; a bearer token for the CISO.
const ciso = await app.services.accounts.getUser('ciso');
const actor = { id: ciso.id, username: ciso.username, role: 'ciso' as const, agency: ciso.agencyCode, ministry: null };
const { token } = await app.services.accounts.createToken(actor, 'bench', 1);
const { id, questionnaire } = (await app.services.assessments.list(actor, { cycle: 109 }))[0]!;
// Every indicator of the questionnaire the assessment is on (cycle 109's version, whichever that is now).
const index = await app.services.questionnaires.index(questionnaire);
const slots = index.processes.flatMap((p) => p.attributes.flatMap((a) => a.indicators.map((i) => ({ process: p.id, indicator: i.id }))));
for (const s of slots) {
  const existing = await db.selectFrom('answers').select('revision').where('assessmentId', '=', id).where('process', '=', s.process).where('indicator', '=', s.indicator).executeTakeFirst();
  if (!existing) await app.services.answers.put(actor, id, s.process, s.indicator, { rating: 'L', evidence: '基準資料', revision: 0 });
}
const address = await app.listen({ host: '127.0.0.1', port: 0 });

const baseline = Fastify();
baseline.put<{ Params: { process: string; indicator: string }; Body: { rating: string; evidence: string; revision: number } }>('/baseline/answers/:process/:indicator', async (request, reply) => {
  const { status, revision } = await baselineSave(db, String(request.headers.authorization).slice(7), id, request.params.process, request.params.indicator, request.body);
  return reply.status(status).send(status === 200 ? { revision } : { error: status, current: { revision } });
});
baseline.get('/baseline/assessment', async (request) => baselineRead(db, String(request.headers.authorization).slice(7), id));
const baselineAddress = await baseline.listen({ host: '127.0.0.1', port: 0 });

const revisions = await db.selectFrom('answers').select(['process', 'indicator', 'revision']).where('assessmentId', '=', id).execute();
process.stdout.write(JSON.stringify({ address, baselineAddress, id, token, slots, revisions }) + '\n');

process.on('SIGTERM', () => {
  void Promise.all([app.close(), baseline.close()]).then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
