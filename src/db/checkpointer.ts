// SQLite copies its write-ahead log back into the database file (a checkpoint) by default inside whichever
// commit takes the log past a thousand pages, and syncs the file to disk there: on a busy server that one
// request, and every request queued behind it on the one connection, waits for the disk (docs/performance.md).
// The server leaves checkpoints to a worker thread instead, with a connection of its own, which checkpoints
// passively (never waiting for or blocking a writer or a reader) every CHECKPOINT_INTERVAL_MS.
//
// Under a steady stream of writes that is not enough: SQLite starts the log over only when a write begins with
// every frame of it copied, which a checkpoint running beside the writes never achieves, so the log would grow
// without end. Past LONG_LOG_FRAMES the worker says so, and the writing connection, at a moment when no
// transaction is open, copies what is left itself (a fraction of a second's writes): its next write starts the
// log over. Until the writer says it has had its turn (or WRITER_TURN_MS has passed) the worker checkpoints no
// more, since two checkpoints cannot run at once and the writer's would otherwise find the worker's in its way
// (on a busy machine, every time). Making the worker do that (a RESTART checkpoint) would hold the write lock through the disk sync,
// and the writer, waiting on it, would sleep with the event loop (stalls of up to a second, measured).
// SQLite syncs the database file only at the end of a checkpoint that copied the whole log, which only the writer's
// does; so before handing over, the worker syncs the file itself, and the writer's sync flushes only the few pages
// the writer copied (its checkpoint went from 13–16 ms to 3–5 ms at 1,700 saves/s, docs/performance.md).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 100;
/** Past this many frames in the log (64 MB of 4 KB pages) the writing connection finishes a checkpoint itself. */
export const LONG_LOG_FRAMES = 16_384;
/** How long the worker leaves checkpoints to the writer after saying the log is long, at most. */
export const WRITER_TURN_MS = 1000;
/** The log file is cut back to this size after it starts over (it otherwise keeps its largest size). */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

// A CommonJS script (`eval`), so that it runs the same under tsx, vitest and the built server.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fsyncSync, openSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
// The database file itself, only to sync it (an fsync flushes the file whatever descriptor asks).
const dbFile = openSync(workerData.file, 'r');
// While the writer has its turn (from saying the log is long until it answers 'done'), no checkpoint here.
let writerTurnUntil = 0;
const checkpoint = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  if (result.log > workerData.longLogFrames) {
    // The file synced here, so that the writer's sync has only its own pages to flush (see the top of the file).
    // If it fails, the writer's turn comes all the same (its own sync covers everything): only the failure is told.
    try {
      fsyncSync(dbFile);
    } catch (error) {
      parentPort.postMessage({ error: String(error && error.message || error) });
    }
    writerTurnUntil = Date.now() + workerData.writerTurnMs;
    parentPort.postMessage({ longLog: result.log });
  }
  return result;
};
const timer = setInterval(() => {
  if (Date.now() < writerTurnUntil) return;
  try {
    checkpoint();
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'done') writerTurnUntil = 0;
  if (message !== 'stop') return;
  clearInterval(timer);
  try { checkpoint(); } catch {}
  db.close();
  closeSync(dbFile);
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

const pendingOn = new WeakSet<SQLite.Database>();

/**
 * A passive checkpoint on the writing connection as soon as no transaction is open on it: it copies the frames
 * the worker has not yet copied, and the next write starts the log over; then `done()`, with the error if it
 * failed (never thrown: it runs outside any request). Several calls before it runs make one.
 */
export function checkpointWhenIdle(sqlite: SQLite.Database, done: (error?: unknown) => void = () => undefined): void {
  if (pendingOn.has(sqlite)) return;
  pendingOn.add(sqlite);
  const attempt = () => {
    if (!sqlite.open) return void pendingOn.delete(sqlite);
    // A transaction of some request is open between its statements: come back when it has ended.
    if (sqlite.inTransaction) return void setTimeout(attempt, 1);
    pendingOn.delete(sqlite);
    let failure: unknown;
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      failure = error;
    }
    done(failure);
  };
  setImmediate(attempt);
}
export interface Checkpointer {
  /** Resolves once the worker has opened the file. */
  ready: Promise<void>;
  /** A last passive checkpoint, then the worker's connection closes and the thread ends. */
  stop(): Promise<void>;
}

/**
 * Starts the worker on `file`, in WAL mode and written through `writer` (whose own checkpoints the caller has
 * turned off). `onProblem` hears of a checkpoint that failed (it is tried again at the next interval) and, with
 * `ended: true`, of a worker that could not start or ended on its own: the caller then turns SQLite's own
 * checkpoints back on.
 */
export function startCheckpointer(file: string, writer: SQLite.Database, onProblem: (reason: string, ended: boolean) => void, { intervalMs = CHECKPOINT_INTERVAL_MS, longLogFrames = LONG_LOG_FRAMES } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SCRIPT, { eval: true, workerData: { file, driver, intervalMs, longLogFrames, writerTurnMs: WRITER_TURN_MS } });
  // The thread must not keep a process alive that has nothing else to do.
  worker.unref();
  let stopping = false;
  let failed = false;
  const fail = (reason: string) => {
    if (stopping || failed) return;
    failed = true;
    onProblem(reason, true);
  };
  const ready = new Promise<void>((resolve) => {
    worker.on('message', (message: { ready?: true; error?: string; longLog?: number }) => {
      if (message.ready) resolve();
      if (message.longLog) {
        checkpointWhenIdle(writer, (error) => {
          if (error) onProblem(`checkpoint failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, false);
          if (!stopping) worker.postMessage('done');
        });
      }
      // A checkpoint that failed once (the disk full, say) is retried at the next interval; it is reported.
      if (message.error) onProblem(`checkpoint failed: ${message.error}`, false);
    });
    worker.once('error', (error) => {
      fail(`the checkpoint worker failed: ${error.message}`);
      resolve();
    });
    worker.once('exit', (code) => {
      fail(`the checkpoint worker ended (exit code ${code})`);
      resolve();
    });
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    ready,
    stop: async () => {
      if (stopping) return exited;
      stopping = true;
      await ready;
      if (failed) return;
      // Held until it has ended: a process waiting for nothing but this thread must not exit before it closes.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
