// The databases every database test runs on: a fresh SQLite file always, and a fresh PostgreSQL
// database when TEST_POSTGRES_URL is set (required under CI=true). Each test database is dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const postgresUrl = process.env.TEST_POSTGRES_URL;
if (process.env.CI === 'true' && !postgresUrl) {
  throw new Error('CI=true but TEST_POSTGRES_URL is not set: the suite must also run on PostgreSQL');
}

const sqlite: DatabaseKind = {
  name: 'sqlite',
  create: () => {
    const dir = mkdtempSync(join(tmpdir(), 'gsm-test-'));
    return Promise.resolve({ url: `sqlite:${join(dir, 'app.db')}`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) });
  },
};

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const postgres: DatabaseKind = {
  name: 'postgres',
  create: async () => {
    const name = `gsm_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return {
      url: withDatabase(postgresUrl!, name),
      drop: async () => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  },
};

export const databaseKinds: DatabaseKind[] = postgresUrl ? [sqlite, postgres] : [sqlite];
