#!/usr/bin/env node
// Process entry of the command line: runs one command and passes its exit status through.
import { runCli } from './commands/index.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
});
