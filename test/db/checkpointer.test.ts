// The server's SQLite checkpoints run in a worker thread: a commit never copies the log into the database file
// itself, the worker does it shortly after, and a worker that cannot run is reported and replaced by SQLite's own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointWhenIdle, startCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const fresh = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gsm-checkpoint-'));
  dirs.push(dir);
  return join(dir, 'app.db');
};

/** A fresh file in WAL mode with a table `t`, on a connection of the test's own. */
function walFile(columns: string): { file: string; main: Sqlite.Database } {
  const file = fresh();
  const main = new Sqlite(file);
  main.pragma('journal_mode = WAL');
  main.exec(`create table t (${columns})`);
  return { file, main };
}

/** About 8 MB of rows (over 2,000 pages, twice SQLite's own checkpoint mark) in one transaction. */
async function writeALot(handle: DatabaseHandle): Promise<void> {
  const text = 'x'.repeat(4000);
  await handle.db.transaction().execute(async (trx) => {
    for (let k = 0; k < 2000; k++) {
      await trx.insertInto('agencies').values({ code: `C${k}`, name: text, ministry: 'M', createdAt: '2026-01-01', updatedAt: '2026-01-01' }).execute();
    }
  });
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('background checkpoints (SQLite)', () => {
  it('leave commits to the log, and the worker copies it into the database file shortly after', async () => {
    const file = fresh();
    const problems: string[] = [];
    const handle = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { onProblem: (m) => problems.push(m) } });
    handles.push(handle);
    await migrateToLatest(handle.db);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = statSync(file).size;
    await writeALot(handle);
    // SQLite's own checkpoint would have run inside that commit (past 1,000 pages) and grown the file there.
    const right = statSync(file).size;
    expect(right).toBe(before);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(8_000_000);
    expect(await until(() => statSync(file).size > before + 8_000_000, 5000)).toBe(true);
    expect(problems).toEqual([]);
    // The data is whole, read through the main connection.
    expect((await handle.db.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toBe(2000);
  });

  it('without them (the commands), the commit that fills the log checkpoints it itself', async () => {
    const file = fresh();
    const handle = openDatabase(`sqlite:${file}`);
    handles.push(handle);
    await migrateToLatest(handle.db);
    const before = statSync(file).size;
    await writeALot(handle);
    expect(statSync(file).size).toBeGreaterThan(before + 8_000_000);
  });

  it('stop at close: the connection and the thread end, and the file opens again with everything in it', async () => {
    const file = fresh();
    const handle = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { onProblem: () => undefined } });
    await migrateToLatest(handle.db);
    await writeALot(handle);
    await handle.close();
    const again = openDatabase(`sqlite:${file}`);
    handles.push(again);
    expect((await again.db.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toBe(2000);
    expect(again.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a worker that cannot open its file is reported as ended', async () => {
    const problems: { message: string; ended: boolean }[] = [];
    const writer = new Sqlite(':memory:');
    const checkpointer = startCheckpointer(join(fresh(), 'missing', 'none.db'), writer, (message, ended) => problems.push({ message, ended }));
    await checkpointer.ready;
    await checkpointer.stop();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.ended).toBe(true);
    expect(problems[0]!.message).toMatch(/checkpoint worker/);
  });
});

describe('a process whose last work is closing the database', () => {
  it('waits for the checkpoint worker to end rather than exiting with the close unsettled', async () => {
    const file = fresh();
    const script = `const { openDatabase } = await import(${JSON.stringify(new URL('../../src/db/database.ts', import.meta.url).href)});
const h = openDatabase(${JSON.stringify(`sqlite:${file}`)}, { backgroundCheckpoints: { onProblem: () => {} } });
await new Promise((r) => setTimeout(r, 200));
await h.close();
console.log('closed');`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.trim()).toBe('closed');
  });
});

describe('a log written to without a pause', () => {
  /** Writes small transactions back to back for `ms` on a connection of its own; returns the most frames the log held. */
  async function writeWithoutPause(restartFrames: number, ms: number): Promise<{ frames: number; written: number }> {
    const { file, main } = walFile('k integer primary key, v text');
    main.pragma('wal_autocheckpoint = 0');
    main.pragma('busy_timeout = 5000');
    const checkpointer = startCheckpointer(file, main, () => undefined, { intervalMs: 20, longLogFrames: restartFrames });
    await checkpointer.ready;
    const insert = main.prepare('insert into t (v) values (?)');
    let written = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      insert.run('y'.repeat(3000));
      written++;
      // Let the worker's messages through now and then; the writes themselves never pause.
      if (written % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // The log file keeps its largest size (no size limit on this connection): how far it ever grew, in frames.
    const frames = Math.round(statSync(`${file}-wal`).size / (4096 + 24));
    await checkpointer.stop();
    main.close();
    return { frames, written };
  }

  it('is started over once past its limit (the writer finishing the worker\'s checkpoint between its transactions), so it stays small', async () => {
    const unlimited = await writeWithoutPause(1e9, 1200);
    const limited = await writeWithoutPause(200, 1200);
    // Without the writer's part the log only grows: every frame ever written is still in it.
    expect(unlimited.frames).toBeGreaterThan(10_000);
    expect(limited.written).toBeGreaterThan(2000);
    expect(limited.frames).toBeLessThan(unlimited.frames / 3);
  });

  it('leaves the writer its turn: the writer\'s checkpoint waits for its transaction to end, and a failing one is handed back, not thrown', async () => {
    const { main } = walFile('k integer primary key');
    main.exec('begin');
    main.exec('insert into t default values');
    const ran: unknown[] = [];
    checkpointWhenIdle(main, (error) => ran.push(error ?? 'ok'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Not during the open transaction.
    expect(ran).toEqual([]);
    main.exec('commit');
    expect(await until(() => ran.length === 1, 2000)).toBe(true);
    expect(ran).toEqual(['ok']);
    // A checkpoint that fails (the disk gone, say) reaches `done` with its error; nothing escapes into the event loop.
    const broken = new Sqlite(fresh());
    broken.pragma = () => {
      throw new Error('disk I/O error');
    };
    const failures: unknown[] = [];
    checkpointWhenIdle(broken, (error) => failures.push(error));
    expect(await until(() => failures.length === 1, 2000)).toBe(true);
    expect(String(failures[0])).toContain('disk I/O error');
    broken.close();
    main.close();
  });
});
