// Online, consistent backups: SQLite's backup API (a snapshot while the service runs) or pg_dump.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { DatabaseHandle } from '../db/database.js';
import { ServiceError } from './errors.js';

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
