// The server process: starts with demo data on an embedded database, serves, and stops gracefully.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; listening: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: packageRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, output: () => output, listening };
}

describe('server', () => {
  it('starts on a fresh SQLite file with demo users printed once, serves, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'server-'));
    const server = start({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'app.db')}`, DEMO: '1', LOG_LEVEL: 'info' });
    const base = await server.listening;
    expect(server.output()).toMatch(/Demo users \(shown once; keep them\):/);
    expect(server.output()).toMatch(/office\s+office\s+[A-Za-z0-9]{20}/);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/shutting down/);

    // A second start on the same file prints no passwords.
    const again = start({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'app.db')}`, DEMO: '1' });
    await again.listening;
    expect(again.output()).not.toMatch(/Demo users/);
    const stopped = new Promise((resolve) => again.child.on('exit', resolve));
    again.child.kill('SIGTERM');
    await stopped;
    // Two real processes, each compiling with tsx and the first seeding the demo: slow on a busy two-core machine.
  }, 90_000);

  it('refuses to start with invalid configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: packageRoot, env: { ...process.env, PORT: 'http' }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('invalid configuration: PORT: must be a whole number from 0 to 65535, not "http"\n');
  });
});
