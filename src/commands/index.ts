// The commands of the command line (docs/api.md): thin shells over the questionnaire loader, scoring and services.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ConfigError } from '../config.js';
import { QuestionnaireChangedError } from '../services/questionnaire.service.js';
import { checkAnswersDocument, scoringInputOf, type AnswersDocument } from '../domain/answers.js';
import { score } from '../domain/scoring.js';
import {
  QuestionnaireFileError,
  formatProblem,
  resolveQuestionnaire,
  validateFiles,
  validateFolder,
} from '../questionnaires/loader.js';
import { checkAnswersDocumentShape } from '../questionnaires/validator.js';
import { auditVerify, backup, createUser, importAgencies, migrate, moveQuestionnaire, report, restore } from './database.js';
import { seedNationalCommand } from './seed-national.js';
import { CliError, parse, type CliIo, type Command } from './shared.js';

export type { CliIo } from './shared.js';

export const HELP = `govsec-maturity — security-governance maturity assessments (資安治理成熟度評估)

Usage: govsec-maturity <command> [options]
       npm run --silent cli -- <command> [options]

Commands:
  validate [files…]                     validate questionnaire and crosswalk files
                                        (default: every file in questionnaires/)
  score --questionnaire <id@version|path> [--target N|none] <answers.json>
                                        score an answers document (basis self) and print
                                        the result JSON
  migrate                               bring the database (DATABASE_URL) to the latest schema
  import-agencies --cycle <year> <file.csv>
                                        create or update agencies and their grade for a cycle
                                        (columns code,name,ministry,grade; UTF-8, BOM or not)
  create-user --role <role> --username <u> [--agency <code>] [--ministry <name>] [--password-stdin]
                                        create a user; prints a generated password once
  audit-verify                          check the audit chain; prints its head hash
  backup <file>                         an online, consistent copy of the database
  restore [--force] <file>              a SQLite copy from backup into DATABASE_URL (SQLite);
                                        checks its audit chain first; --force replaces a
                                        database that holds data (stop the service first)
  move-questionnaire --assessment <id> --to <id@version>
                                        move a draft to another version of its questionnaire
                                        through the crosswalks
  report --assessment <id> [--lang en] [--part annex] -o <file.pdf>
                                        the findings report (stored once accepted, a DRAFT before)
  seed-national --agencies <n> --seed <n> [--results-only]
                                        fill an empty database with a deterministic national
                                        data set (A ≈ 5 %, B ≈ 15 % of the agencies; cycles 108
                                        and 109); --results-only writes no answers or history
  help                                  this text

Roles: agency, ciso, assessor, ministry, office.
Database: DATABASE_URL (default sqlite:./data/app.db; postgres://… for PostgreSQL).

Exit status: 0 success; 1 invalid input, each problem named on stderr.
`;

const validate: Command = (args, io) => {
  const { positionals } = parse({ args, allowPositionals: true, options: {} });
  const report = positionals.length > 0 ? validateFiles(positionals) : validateFolder();
  if (report.problems.length > 0) throw new CliError(report.problems.map(formatProblem));
  const lines = [
    ...report.questionnaires.map((q) => {
      const processes = q.processes.length;
      const indicators = q.processes.reduce((n, p) => n + p.indicatorById.size, 0);
      return `ok ${relative(process.cwd(), q.file)}: ${q.ref}, ${q.aspects.length} aspects, ${processes} processes, ${indicators} process indicators`;
    }),
    ...report.crosswalks.map((c) => `ok ${relative(process.cwd(), c.file)}: crosswalk ${c.crosswalk.from} → ${c.crosswalk.to}, ${c.crosswalk.indicators.length} indicator mappings`),
  ];
  if (lines.length === 0) throw new CliError(['no questionnaire or crosswalk files to validate']);
  io.stdout(lines.join('\n') + '\n');
  return 0;
};

function parseTarget(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!/^[1-5]$/.test(value)) throw new CliError([`--target must be a level from 1 to 5 (or "none"), not "${value}"`]);
  return Number(value);
}

function readAnswers(file: string): AnswersDocument {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError([`${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError([`${file}: not valid JSON: ${(error as Error).message}`]);
  }
  const shape = checkAnswersDocumentShape(doc);
  if (shape.length > 0) throw new CliError(shape.map((p) => `${file}: ${p.pointer}: ${p.message}`));
  return doc as AnswersDocument;
}

const scoreCommand: Command = (args, io) => {
  const { values, positionals } = parse({
    args,
    allowPositionals: true,
    options: { questionnaire: { type: 'string', short: 'q' }, target: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new CliError(['score takes exactly one answers document: score --questionnaire <id@version|path> [--target N] <answers.json>']);
  const file = positionals[0]!;
  const target = parseTarget(values.target);
  const doc = readAnswers(file);
  const spec = values.questionnaire ?? doc.questionnaire;
  if (!spec) throw new CliError([`${file}: no questionnaire: give --questionnaire or the document's "questionnaire" field`]);
  const index = resolveQuestionnaire(spec);
  const problems = checkAnswersDocument(index, doc);
  if (problems.length > 0) {
    throw new CliError(
      problems.map((p) => {
        const where = [p.process, p.indicator].filter(Boolean).join(' ');
        return `${file}: ${p.pointer}: ${where ? `${where}: ` : ''}${p.message}`;
      }),
    );
  }
  const result = score(index, { ...scoringInputOf(doc), target, basis: 'self' });
  io.stdout(JSON.stringify(result, null, 2) + '\n');
  return 0;
};

const commands: Record<string, Command> = {
  validate,
  score: scoreCommand,
  migrate,
  'import-agencies': importAgencies,
  'create-user': createUser,
  'audit-verify': auditVerify,
  backup,
  restore,
  'move-questionnaire': moveQuestionnaire,
  report,
  'seed-national': seedNationalCommand,
  help: (_args, io) => {
    io.stdout(HELP);
    return 0;
  },
};

/** Runs one command; `env` is where the database commands read their configuration (DATABASE_URL, …). */
export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout(HELP);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`unknown command "${name}"\n\n${HELP}`);
    return 1;
  }
  try {
    return await command(args, io, env);
  } catch (error) {
    if (error instanceof CliError) io.stderr(error.lines.join('\n') + '\n');
    else if (error instanceof QuestionnaireFileError) io.stderr(error.problems.map(formatProblem).join('\n') + '\n');
    else if (error instanceof ConfigError) io.stderr(`invalid configuration: ${error.message}\n`);
    else if (error instanceof QuestionnaireChangedError) io.stderr(`${error.message}\n`);
    else throw error;
    return 1;
  }
}

