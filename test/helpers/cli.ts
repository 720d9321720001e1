// Runs the command line for tests: in-process through `runCli` (fast; what nearly every test uses), or
// as a newcomer does, `npm run --silent cli -- …` in a real process (the one smoke test), capturing
// both streams and the exit status either way; `runProcess` runs any other npm script or command so.
import { spawn } from 'node:child_process';
import { runCli as runCommand } from '../../src/commands/index.js';
import { packageRoot } from '../../src/paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Standard input, whole; empty when not given (as `spawnSync` with `input: ''`). */
  input?: string;
  /** Added to the test process's environment, as for a child process. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One command run in this process, as `npm run --silent cli -- …args` would run it: same output, same
 * exit status. An unexpected error (a crash of the real process) comes back as status 1 with its stack
 * on stderr, as Node prints it.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
    stdin: () => options.input ?? '',
  };
  let status: number;
  try {
    status = await runCommand(args, io, { ...process.env, ...options.env });
  } catch (error) {
    stderr += `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    status = 1;
  }
  return { status, stdout, stderr };
}

/** One command through `npm run --silent cli -- …args` in a child process, from the package root. */
export function runNpmCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return runProcess('npm', ['run', '--silent', 'cli', '--', ...args], { timeout: 60_000, ...options });
}

/** A child process run from the package root, both streams captured, with its exit status; killed after `timeout` ms. */
export function runProcess(command: string, args: string[], options: CliOptions & { timeout: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: packageRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeout,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
