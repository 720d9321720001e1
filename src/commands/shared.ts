// Shared pieces of the commands: the I/O they write to, refusals, and argument parsing.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of standard input, for the commands that read it (create-user --password-stdin); the process's own by default. */
  stdin?: () => string;
  /** Whether stderr is a terminal (progress is then redrawn in place; otherwise a line per step). */
  stderrIsTty?: boolean;
}

/** A refusal: its lines go to stderr, nothing to stdout, exit 1. */
export class CliError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** A command: its arguments, where it reads and writes, and the environment it takes its configuration from. */
export type Command = (args: string[], io: CliIo, env: NodeJS.ProcessEnv) => number | Promise<number>;

export function parse<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new CliError([(error as Error).message]);
  }
}

