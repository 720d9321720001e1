// Online, consistent backups: SQLite's backup API (a snapshot while the service runs) or pg_dump; and the
// restore of a SQLite copy, checked (integrity, audit chain) before it takes the database file's place.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase, sqlitePath, type DatabaseHandle } from '../db/database.js';
import { verifyAudit } from './audit.service.js';
import { ServiceError, invalid } from './errors.js';

export async function backupDatabase(handle: DatabaseHandle, file: string): Promise<{ file: string; bytes: number; format: string }> {
  if (existsSync(file)) throw new ServiceError('exists', `${file} already exists; choose a new file name`);
  if (handle.sqlite) {
    await handle.sqlite.backup(file);
    return { file, bytes: statSync(file).size, format: 'sqlite' };
  }
  // pg_dump takes one consistent snapshot of the whole database without stopping writers.
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${handle.url}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new ServiceError('backup_failed', `pg_dump could not run: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new ServiceError('backup_failed', `pg_dump failed: ${stderr.trim()}`))));
  });
  return { file, bytes: statSync(file).size, format: 'pg_dump custom (restore with pg_restore)' };
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Whether a file starts with SQLite's 16-byte header. */
function isSqliteFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

/** Whether a SQLite file holds anything at all (a table, an index); a missing or zero-byte file holds nothing. */
function holdsData(file: string): boolean {
  if (!existsSync(file) || statSync(file).size === 0) return false;
  if (!isSqliteFile(file)) return true;
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('select count(*) as n from sqlite_master').get() as { n: number }).n > 0;
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  file: string;
  entries: number;
  head: string;
}

/**
 * Restores a SQLite copy written by `backup` into the SQLite database of `targetUrl`. The copy is taken
 * with SQLite's backup API into a file beside the target, checked there (integrity check, then the whole
 * audit chain) and only then renamed over the target, so a refused copy leaves the target as it was.
 * A target that holds anything is replaced only with `force`: the service must be stopped first, since it
 * would keep writing to the file it had open.
 */
export async function restoreSqlite(source: string, targetUrl: string, options: { force: boolean }): Promise<RestoreResult> {
  if (!targetUrl.startsWith('sqlite:')) {
    throw invalid('restore writes SQLite databases only; for PostgreSQL use pg_restore on the pg_dump file (see the README, Operations)');
  }
  if (!existsSync(source) || !statSync(source).isFile()) throw invalid(`${source}: no such file`);
  if (!isSqliteFile(source)) throw invalid(`${source} is not a SQLite database (a pg_dump file is restored with pg_restore)`);
  const target = sqlitePath(targetUrl);
  if (target === sqlitePath(`sqlite:${source}`)) throw invalid(`${source} is the target database itself`);
  if (holdsData(target) && !options.force) {
    throw new ServiceError('exists', `${target} already holds a database; stop the service and give --force to replace it`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = `${target}.restoring-${process.pid}`;
  const removeStaging = () => {
    for (const f of [staging, `${staging}-wal`, `${staging}-shm`, `${staging}-journal`]) rmSync(f, { force: true });
  };
  removeStaging();
  try {
    const copy = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw invalid(`${source} is damaged (integrity check: ${String(integrity)}); nothing was restored`);
      await copy.backup(staging);
    } finally {
      copy.close();
    }
    const handle = openDatabase(`sqlite:${staging}`);
    let verified: Awaited<ReturnType<typeof verifyAudit>>;
    try {
      verified = await verifyAudit(handle.db);
    } catch (error) {
      throw invalid(`${source} is not a govsec-maturity database (${(error as Error).message}); nothing was restored`);
    } finally {
      await handle.close();
    }
    if (!verified.ok) {
      throw invalid(`${source}: its audit chain is broken at entry ${verified.firstBad!.seq}: ${verified.firstBad!.reason}; nothing was restored`);
    }
    // A write-ahead log left beside the old file would be replayed onto the restored one: remove it first.
    for (const f of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(f, { force: true });
    renameSync(staging, target);
    return { file: target, entries: verified.entries, head: verified.head };
  } finally {
    removeStaging();
  }
}
