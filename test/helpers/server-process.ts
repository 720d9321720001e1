// The real server as a child process (`node --import tsx src/server.ts`) on a database a test prepared, for
// tests that kill it, restart it or write to it from outside: a free port, readiness by polling /healthz.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { packageRoot } from '../../src/paths.js';

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Milliseconds from the spawn to the first 200 from /healthz. */
  readyAfterMs: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null) and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hook runs, open transactions die with the process. */
  kill(): Promise<void>;
  /** SIGTERM, the graceful stop. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Test settings shared by every start: no demo data, warnings only, a fixed session secret so sessions survive a restart. */
const SERVER_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO: '0', TWO_FACTOR: 'optional', SESSION_SECRET: 'fault-test-secret-fault-test-secret!' };

/**
 * Starts the server on `databaseUrl` and waits (up to `timeoutMs`) until /healthz answers 200. The default
 * is generous: tsx transpiles the whole service on each start, 3–5 s on an idle machine, 30–60 s on a
 * shared one under heavy load.
 */
export async function startServer(databaseUrl: string, options: { port?: number; timeoutMs?: number; args?: string[]; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // `args`: another entry, e.g. the built server (`dist/src/server.js`) of the build test and the load bench.
  const child = spawn(process.execPath, options.args ?? ['--import', 'tsx', 'src/server.ts'], {
    cwd: packageRoot,
    env: { ...process.env, ...SERVER_ENV, ...options.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = started + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (ended) throw new Error(`the server exited before answering: ${output}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within ${options.timeoutMs ?? 120_000} ms: ${output}`);
    }
    try {
      const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (health.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const readyAfterMs = performance.now() - started;
  return {
    base,
    child,
    readyAfterMs,
    output: () => output,
    exited,
    kill: async () => {
      if (!ended) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!ended) child.kill('SIGTERM');
      await exited;
    },
  };
}
