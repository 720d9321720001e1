// The database commands, run in-process as `npm run --silent cli` runs them (test/helpers/cli.ts), on a
// fresh database of each kind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';

describe.each(databaseKinds)('database commands on $name', (kind) => {
  let db: TestDatabase;
  let dir: string;
  const cli = (args: string[], input?: string) => runCli(args, { env: { DATABASE_URL: db.url }, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    db = await kind.create();
    dir = mkdtempSync(join(tmpdir(), 'cli-db-'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates on demand', async () => {
    const first = await cli(['migrate']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('applied 0001_accounts_agencies_cycles, 0002_assessments, 0003_two_factor, 0004_sign_off, 0005_reports, 0006_assessment_results, 0007_programme, 0008_audit_link_at_commit\n');
    expect((await cli(['migrate'])).stdout).toBe('the database is up to date\n');
  });

  it('imports agencies from CSV, refusing a bad file whole with line numbers', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'code,name,ministry,grade\nA-1,甲,內政部,A\nA-2,乙,內政部,F\n');
    const refused = await cli(['import-agencies', '--cycle', '109', bad]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${bad}:3: grade: grade "F" is not one of A, B, C, D, E`);
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.concat([Buffer.from('code,name,ministry,grade\nA-1,caf'), Buffer.from([0xe9]), Buffer.from(',M,A\n')]));
    const notUtf8 = await cli(['import-agencies', '--cycle', '109', latin1]);
    expect(notUtf8.status).toBe(1);
    expect(notUtf8.stdout).toBe('');
    expect(notUtf8.stderr).toBe(`${latin1}:2: is not valid UTF-8 (save the file as UTF-8); nothing was imported\n`);
    const good = join(dir, 'good.csv');
    writeFileSync(good, '\uFEFFcode,name,ministry,grade\nA-1,甲,內政部,A\nA-2,乙,內政部,B\n');
    const imported = await cli(['import-agencies', '--cycle', '109', good]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toBe('imported 2 agencies for cycle 109: 2 created, 0 updated\n');
  });

  it('creates users with a generated password shown once, or one read from stdin', async () => {
    const generated = await cli(['create-user', '--role', 'ciso', '--username', 'ciso1', '--agency', 'A-1']);
    expect(generated.status).toBe(0);
    expect(generated.stdout).toMatch(/^created user ciso1 \(ciso, agency A-1\)\npassword: [A-Za-z0-9]{20}\n$/);
    const given = await cli(['create-user', '--role', 'office', '--username', 'boss', '--password-stdin'], 'a long enough password\n');
    expect(given.stdout).toBe('created user boss (office)\n');
    const again = await cli(['create-user', '--role', 'office', '--username', 'boss']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/user boss already exists/);
    const badRole = await cli(['create-user', '--role', 'king', '--username', 'x']);
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toMatch(/--role must be one of/);
    const noAgency = await cli(['create-user', '--role', 'agency', '--username', 'lost']);
    expect(noAgency.status).toBe(1);
    expect(noAgency.stderr).toMatch(/agency/);
  });

  it('verifies the audit chain and prints its head', async () => {
    const ok = await cli(['audit-verify']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^audit chain intact: \d+ entries\nhead: [0-9a-f]{64}\n$/);
  });

  it('writes an online backup that restores with everything in it', async () => {
    const file = join(dir, kind.name === 'sqlite' ? 'backup.db' : 'backup.dump');
    const made = await cli(['backup', file]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect((await cli(['backup', file])).status).toBe(1);
    let users: string[];
    let agencies: string[];
    if (kind.name === 'sqlite') {
      const copy = new Database(file, { readonly: true });
      users = (copy.prepare('select username from users order by username').all() as { username: string }[]).map((r) => r.username);
      agencies = (copy.prepare('select code from agencies order by code').all() as { code: string }[]).map((r) => r.code);
      copy.close();
    } else {
      const target = new URL(db.url);
      const name = `${target.pathname.slice(1)}_restored`;
      const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      target.pathname = `/${name}`;
      const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${target.toString()}`, file], { encoding: 'utf8' });
      expect(restore.stderr).toBe('');
      const copy = new pg.Client({ connectionString: target.toString() });
      await copy.connect();
      users = (await copy.query<{ username: string }>('select username from users order by username')).rows.map((r) => r.username);
      agencies = (await copy.query<{ code: string }>('select code from agencies order by code')).rows.map((r) => r.code);
      await copy.end();
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    }
    expect(users).toEqual(['boss', 'ciso1']);
    expect(agencies).toEqual(['A-1', 'A-2']);
  });
});
