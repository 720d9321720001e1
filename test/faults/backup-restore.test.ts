// `backup` while a stream of answer writes runs against the real server, then the copy restored (`restore`
// on SQLite, pg_restore on PostgreSQL): the copy verifies, its answers agree with its audit trail write for
// write, it holds every write acknowledged before the backup began, and its chain is a prefix of the live one.
// Also what `restore` refuses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { buildTestApp } from '../helpers/app.js';
import { answersAgainstAudit, prepareDraft, startAnswerStream } from '../helpers/answer-stream.js';
import { runCli } from '../helpers/cli.js';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { startServer } from '../helpers/server-process.js';

const pgDumpAvailable = spawnSync('pg_dump', ['--version']).status === 0 && spawnSync('pg_restore', ['--version']).status === 0;

/** The backup starts after this many 200s and the stream goes on until `AFTER` more came after it ended. */
const BEFORE = 30;
const AFTER = 10;

async function chainOf(url: string): Promise<{ seq: number; hash: string }[]> {
  const handle = openDatabase(url);
  try {
    return (await handle.db.selectFrom('auditEntries').select(['seq', 'hash']).orderBy('seq').execute()).map((e) => ({ seq: Number(e.seq), hash: e.hash }));
  } finally {
    await handle.close();
  }
}

describe.each(databaseKinds.filter((k) => k.name === 'sqlite' || pgDumpAvailable))('backup under load, then restore, on $name', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'gsm-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies a consistent prefix that restores and verifies', async () => {
    const live = await kind.create();
    let restored: TestDatabase | undefined;
    try {
      const prep = await buildTestApp(live);
      const { assessment, authorization, slots } = await prepareDraft(prep.app, 40);
      await prep.close();
      const server = await startServer(live.url);
      const file = join(dir, kind.name === 'sqlite' ? 'under-load.db' : 'under-load.dump');
      let backupStarted!: () => void;
      const started = new Promise<void>((resolve) => (backupStarted = resolve));
      let backupEnded = -1;
      const stream = startAnswerStream({
        base: server.base,
        assessment,
        authorization,
        slots,
        workers: 6,
        onAck: (n) => {
          if (n === BEFORE) backupStarted();
          if (backupEnded >= 0 && n >= backupEnded + AFTER) stream.stop();
        },
      });
      let made: Awaited<ReturnType<typeof runCli>>;
      let ackedBefore: typeof stream.writes;
      let inFlightAtStart: number;
      let backupMs: number;
      try {
        await started;
        ackedBefore = stream.writes.filter((w) => w.outcome === 200);
        inFlightAtStart = stream.inFlight();
        const t0 = performance.now();
        made = await runCli(['backup', file], { env: { DATABASE_URL: live.url } });
        backupMs = performance.now() - t0;
        backupEnded = stream.acknowledged();
        await stream.done;
      } finally {
        stream.stop();
        await stream.done;
        await server.stop();
      }
      expect(made.stderr).toBe('');
      expect(made.status).toBe(0);
      expect(stream.writes.every((w) => w.outcome === 200)).toBe(true);
      const during = backupEnded - ackedBefore.length;

      restored = await kind.create();
      if (kind.name === 'sqlite') {
        const run = await runCli(['restore', file], { env: { DATABASE_URL: restored.url } });
        expect(run.stderr).toBe('');
        expect(run.stdout).toMatch(new RegExp(`^restored ${file} into ${restored.url.slice('sqlite:'.length)}\naudit chain intact: \\d+ entries\nhead: [0-9a-f]{64}\n$`));
        expect(run.status).toBe(0);
      } else {
        const pgRestore = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored.url}`, file], { encoding: 'utf8' });
        expect(pgRestore.stderr).toBe('');
        expect(pgRestore.status).toBe(0);
      }
      const verified = await runCli(['audit-verify'], { env: { DATABASE_URL: restored.url } });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);

      const handle = openDatabase(restored.url);
      let copied: Awaited<ReturnType<typeof answersAgainstAudit>>;
      try {
        copied = await answersAgainstAudit(handle.db, assessment, stream.writes);
      } finally {
        await handle.close();
      }
      expect(copied.problems).toEqual([]);
      // Everything acknowledged before the backup began is in the copy…
      for (const w of ackedBefore) expect(copied.answers.get(`${w.slot.process}/${w.slot.indicator}`)?.revision ?? 0).toBeGreaterThanOrEqual(w.revision + 1);
      expect(copied.entries).toBeGreaterThanOrEqual(ackedBefore.length);
      // …and the copy's chain is the live chain cut at one point.
      const [copyChain, liveChain] = await Promise.all([chainOf(restored.url), chainOf(live.url)]);
      expect(copyChain.length).toBeLessThanOrEqual(liveChain.length);
      expect(copyChain).toEqual(liveChain.slice(0, copyChain.length));
      expect(liveChain.length - copyChain.length).toBeGreaterThanOrEqual(AFTER);
      console.info(
        `[faults] backup under load on ${kind.name}: ${inFlightAtStart} writes in flight and ${ackedBefore.length} acknowledged when it began, ${during} acknowledged while it ran (${Math.round(backupMs)} ms, ${statSync(file).size} bytes); the copy holds ${copied.entries} of ${stream.acknowledged()} answer writes`,
      );
    } finally {
      await restored?.drop();
      await live.drop();
    }
  }, 240_000);
});

describe('restore refuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsm-restore-'));
  let copy: string;
  let draft: Awaited<ReturnType<typeof prepareDraft>>;
  const restore = (args: string[], target: string) => runCli(['restore', ...args], { env: { DATABASE_URL: `sqlite:${target}` } });
  beforeAll(async () => {
    const source = databaseKinds.find((k) => k.name === 'sqlite')!;
    const db = await source.create();
    const t = await buildTestApp(db);
    draft = await prepareDraft(t.app, 1);
    copy = join(dir, 'copy.db');
    expect((await runCli(['backup', copy], { env: { DATABASE_URL: db.url } })).status).toBe(0);
    await t.close();
    await db.drop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('to overwrite a database that holds data unless --force, and replaces it with --force', async () => {
    const target = join(dir, 'full.db');
    expect((await restore([copy], target)).status).toBe(0);
    const again = await restore([copy], target);
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`${target} already holds a database; stop the service and give --force to replace it\n`);
    const forced = await restore(['--force', copy], target);
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    expect((await runCli(['audit-verify'], { env: { DATABASE_URL: `sqlite:${target}` } })).status).toBe(0);
  });

  it('a zero-byte target is empty, and a missing folder is made: restored without --force', async () => {
    const target = join(dir, 'zero.db');
    writeFileSync(target, '');
    expect((await restore([copy], target)).status).toBe(0);
    const nested = join(dir, 'new', 'folder', 'app.db');
    expect((await restore([copy], nested)).status).toBe(0);
    expect((await runCli(['audit-verify'], { env: { DATABASE_URL: `sqlite:${nested}` } })).stdout).toMatch(/^audit chain intact: /);
  });

  it('a copy whose audit chain is broken, leaving the target untouched', async () => {
    const tampered = join(dir, 'tampered.db');
    const target = join(dir, 'untouched.db');
    writeFileSync(tampered, '');
    expect((await restore([copy], tampered)).status).toBe(0);
    const raw = new SQLite(tampered);
    raw.prepare("update audit_entries set actor = 'mallory' where seq = 3").run();
    raw.close();
    const run = await restore([tampered], target);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${tampered}: its audit chain is broken at entry 3: its content does not match its hash (edited after it was written); nothing was restored\n`);
    expect(() => statSync(target)).toThrow();
  });

  it('files that are not SQLite copies, a missing file, a PostgreSQL target and wrong arguments', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'SQLite format 2\n\ud800 not a database');
    const target = join(dir, 'never.db');
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [[text], { DATABASE_URL: `sqlite:${target}` }, `${text} is not a SQLite database (a pg_dump file is restored with pg_restore)\n`],
      [[join(dir, 'missing.db')], { DATABASE_URL: `sqlite:${target}` }, `${join(dir, 'missing.db')}: no such file\n`],
      [[dir], { DATABASE_URL: `sqlite:${target}` }, `${dir}: no such file\n`],
      [[copy], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, 'restore writes SQLite databases only; for PostgreSQL use pg_restore on the pg_dump file (see the README, Operations)\n'],
      [[copy], { DATABASE_URL: `sqlite:${copy}` }, `${copy} is the target database itself\n`],
      [[], { DATABASE_URL: `sqlite:${target}` }, 'restore takes the SQLite copy to restore: restore [--force] <file>\n'],
      [[copy, copy], { DATABASE_URL: `sqlite:${target}` }, 'restore takes the SQLite copy to restore: restore [--force] <file>\n'],
      [['--overwrite', copy], { DATABASE_URL: `sqlite:${target}` }, "Unknown option '--overwrite'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--overwrite\"\n"],
    ];
    for (const [args, env, stderr] of cases) {
      const run = await runCli(['restore', ...args], { env });
      expect({ args, status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ args, status: 1, stdout: '', stderr });
    }
    expect(() => statSync(target)).toThrow();
  });

  it('(the check the fault tests rely on) catches an answer without its audit entry', async () => {
    const target = join(dir, 'half.db');
    expect((await restore([copy], target)).status).toBe(0);
    const [slot] = draft.slots;
    const raw = new SQLite(target);
    raw
      .prepare("insert into answers (assessment_id, process, indicator, rating, evidence, revision, unconfirmed, updated_at, updated_by) values (?, ?, ?, 'N', 'write 0', 1, 0, '2026-12-02T00:00:00.000Z', 'agency')")
      .run(draft.assessment, slot!.process, slot!.indicator);
    raw.close();
    const handle = openDatabase(`sqlite:${target}`);
    try {
      const write = { n: 0, slot: slot!, revision: 0, rating: 'N' as const, evidence: 'write 0' };
      const { problems } = await answersAgainstAudit(handle.db, draft.assessment, [write]);
      const key = `${slot!.process}/${slot!.indicator}`;
      expect(problems).toEqual([`${key} is at revision 1 but its audit entries hold revisions []`, `${key} holds N "write 0" but its last audit entry says nothing`]);
    } finally {
      await handle.close();
    }
  });
});
