// SQLite copies its write-ahead log back into the database file (a checkpoint) by default inside whichever
// commit takes the log past a thousand pages, and syncs the file to disk there: on a busy server that one
// request, and every request queued behind it on the one connection, waits for the disk (docs/performance.md).
// The server leaves checkpoints to a worker thread instead, with a connection of its own, which checkpoints
// passively (never waiting for or blocking a writer or a reader) every CHECKPOINT_INTERVAL_MS, and starts the
// log over once it has grown past RESTART_FRAMES.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_INTERVAL_MS = 100;
/** Past this many frames in the log (64 MB of 4 KB pages) the worker restarts it (see the script). */
export const RESTART_FRAMES = 16_384;

// A CommonJS script (`eval`), so that it runs the same under tsx, vitest and the built server.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
// How long a restart waits for the write lock and for readers of the log before it is tried again later.
db.pragma('busy_timeout = 200');
const checkpoint = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  // Under a steady stream of writes the log is never wholly copied at the moment a write begins, so SQLite never
  // starts it over and it would grow without end: past restartFrames, a restart copies what is left (a few
  // milliseconds' worth of writes) holding the write lock, and the next write starts the log from its beginning.
  if (result.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  return result;
};
const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  let last = null;
  try { last = checkpoint(); } catch {}
  db.close();
  parentPort.postMessage({ stopped: last });
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

export interface Checkpointer {
  /** Resolves once the worker has opened the file. */
  ready: Promise<void>;
  /** A last passive checkpoint, then the worker's connection closes and the thread ends. */
  stop(): Promise<void>;
}

/**
 * Starts the worker on `file` (already in WAL mode). `onProblem` hears of a checkpoint that failed (it is tried
 * again at the next interval) and, with `ended: true`, of a worker that could not start or ended on its own: the
 * caller then turns SQLite's own checkpoints back on.
 */
export function startCheckpointer(file: string, onProblem: (reason: string, ended: boolean) => void, { intervalMs = CHECKPOINT_INTERVAL_MS, restartFrames = RESTART_FRAMES } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SCRIPT, { eval: true, workerData: { file, driver, intervalMs, restartFrames } });
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
    worker.on('message', (message: { ready?: true; error?: string }) => {
      if (message.ready) resolve();
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
