// The built server (issue 15): `npm run build`'s compiler run, into a folder of its own inside the package (so that
// the package root, and with it questionnaires/, templates/ and the migrations, is found from the built files as
// from dist/), then `node <out>/src/server.js` on a fresh database: it migrates, answers 200 on /healthz and, on
// SIGTERM, closes and exits 0.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { databaseKinds } from '../helpers/databases.js';
import { startServer } from '../helpers/server-process.js';

const out = join(packageRoot, `.build-test-${process.pid}`);

beforeAll(() => {
  // The compiler run `npm run build` makes (package.json says so: checked below), with another outDir.
  const scripts = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.build).toBe('tsc -p tsconfig.build.json');
  execFileSync(process.execPath, [join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each(databaseKinds)('the built server on $name', (kind) => {
  it('starts from the compiled files alone, migrates, answers /healthz and exits 0 on SIGTERM', async () => {
    expect(existsSync(join(out, 'src/server.js'))).toBe(true);
    expect(existsSync(join(out, 'migrations/index.js'))).toBe(true);
    // The questionnaires' reference ids are JSON imported by the code: the build must carry them.
    expect(existsSync(join(out, 'src/questionnaires/reference-ids.json'))).toBe(true);
    const db = await kind.create();
    try {
      const server = await startServer(db.url, { args: [join(out, 'src/server.js')], env: { LOG_LEVEL: 'info' } });
      try {
        const health = await fetch(`${server.base}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok', database: kind.name });
        // Not tsx: the process runs the compiled entry with no loader.
        expect(server.child.spawnargs).toEqual([process.execPath, join(out, 'src/server.js')]);
        const log = server.output();
        expect(log).toContain('"msg":"database migrated"');
        expect(log).toContain('0008_audit_link_at_commit');
        // A page drawn from templates/ (found from the built files): the sign-in page.
        const page = await fetch(`${server.base}/login`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<form');
      } finally {
        await server.stop();
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('"msg":"shutting down"');
    } finally {
      await db.drop();
    }
  }, 180_000);
});
