// An .xlsx bomb (one entry inflating to 256 MiB, about 250 KB uploaded) is refused with 413 while the
// server's peak memory grows by a few tens of MB at most: measured in a child process of its own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

describe('an .xlsx decompression bomb', () => {
  it('is refused with 413 sheet_too_large, and the peak memory grows by less than 64 MB', () => {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/fixtures/sheet-bomb.ts'], { cwd: packageRoot, encoding: 'utf8', timeout: 120_000 });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { status: number; code: string; uploadBytes: number; peakKbBefore: number; peakKbAfter: number };
    expect(result).toMatchObject({ status: 413, code: 'sheet_too_large' });
    expect(result.uploadBytes).toBeLessThan(2 * 1024 * 1024);
    expect((result.peakKbAfter - result.peakKbBefore) / 1024).toBeLessThan(64);
  }, 150_000);
});
