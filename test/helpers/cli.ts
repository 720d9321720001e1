// Runs the command line as a newcomer does: `npm run --silent cli -- …`, capturing both streams and the exit status.
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../src/paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runNpmCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync('npm', ['run', '--silent', 'cli', '--', ...args], {
    cwd: packageRoot,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
