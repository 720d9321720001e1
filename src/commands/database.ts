// Commands that work on the service's database (DATABASE_URL): migrate, import-agencies, create-user,
// audit-verify, backup and restore.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { ROLES, type Role } from '../domain/roles.js';
import { decodeUtf8 } from '../domain/text.js';
import { backupDatabase, restoreSqlite } from '../services/backup.service.js';
import { verifyAudit } from '../services/audit.service.js';
import { ServiceError } from '../services/errors.js';
import { REPORT_LANGUAGES, REPORT_PARTS, type ReportLanguage, type ReportPart } from '../services/report.service.js';
import { createServices, prepareDatabase, type Services } from '../services/index.js';
import { CliError, parse, type Command } from './shared.js';

/** The process's standard input, whole (file descriptor 0). */
function readStandardInput(): string {
  return readFileSync(0, 'utf8');
}

/** Opens the database configured in `env`, brings it up to date (no demo data), runs `work`, closes it. */
async function withServices<T>(env: NodeJS.ProcessEnv, work: (services: Services, handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const handle = openDatabase(config.databaseUrl);
  try {
    const services = createServices(handle, config);
    await prepareDatabase(services, { demo: false });
    return await work(services, handle);
  } catch (error) {
    if (error instanceof ServiceError) {
      throw new CliError([error.message, ...(error.details ?? []).map((d) => `  ${[d.line !== undefined ? `line ${d.line}` : '', d.column ?? '', d.path ?? ''].filter(Boolean).join(', ')}: ${d.message}`)]);
    }
    throw error;
  } finally {
    await handle.close();
  }
}

export const migrate: Command = async (args, io, env) => {
  parse({ args, options: {} });
  const config = loadConfig(env);
  const handle = openDatabase(config.databaseUrl);
  try {
    const services = createServices(handle, config);
    const report = await prepareDatabase(services, { demo: false });
    io.stdout(report.migrations.length > 0 ? `applied ${report.migrations.join(', ')}\n` : 'the database is up to date\n');
    for (const year of report.cyclesMoved) io.stdout(`cycle ${year} now uses ${(await services.cycles.get(year)).questionnaire}\n`);
  } finally {
    await handle.close();
  }
  return 0;
};

export const importAgencies: Command = async (args, io, env) => {
  const { values, positionals } = parse({ args, allowPositionals: true, options: { cycle: { type: 'string' } } });
  if (!values.cycle || !/^\d{1,3}$/.test(values.cycle)) throw new CliError(['--cycle <ROC year> is required, e.g. --cycle 109']);
  if (positionals.length !== 1) throw new CliError(['import-agencies takes one CSV file: import-agencies --cycle <year> <file.csv>']);
  const file = positionals[0]!;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CliError([`${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const decoded = decodeUtf8(bytes);
  if (!('text' in decoded)) throw new CliError([`${file}:${decoded.line}: ${decoded.message}; nothing was imported`]);
  const { text } = decoded;
  const report = await withServices(env, async (services) => {
    try {
      return await services.agencies.importCsv(null, Number(values.cycle), text);
    } catch (error) {
      if (error instanceof ServiceError && error.details) {
        throw new CliError([`${file}: ${error.message}`, ...error.details.map((d) => `${file}:${d.line ?? '-'}: ${d.column ? `${d.column}: ` : ''}${d.message}`)]);
      }
      throw error;
    }
  });
  io.stdout(`imported ${report.rows} agencies for cycle ${report.cycle}: ${report.created} created, ${report.updated} updated\n`);
  return 0;
};

export const createUser: Command = async (args, io, env) => {
  const { values } = parse({
    args,
    options: { role: { type: 'string' }, username: { type: 'string' }, agency: { type: 'string' }, ministry: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  if (!values.role || !ROLES.includes(values.role as Role)) throw new CliError([`--role must be one of ${ROLES.join(', ')}`]);
  if (!values.username) throw new CliError(['--username is required']);
  let password: string | undefined;
  if (values['password-stdin']) {
    password = (io.stdin ?? readStandardInput)().split(/\r?\n/)[0] ?? '';
    if (password === '') throw new CliError(['--password-stdin: no password on the first line of stdin']);
  }
  const created = await withServices(env, (services) =>
    services.accounts.createUser(null, { username: values.username!, role: values.role as Role, agency: values.agency ?? null, ministry: values.ministry ?? null, ...(password ? { password } : {}) }),
  );
  const scope = created.user.agency ? `, agency ${created.user.agency}` : created.user.ministry ? `, ministry ${created.user.ministry}` : '';
  io.stdout(`created user ${created.user.username} (${created.user.role}${scope})\n${created.password ? `password: ${created.password}\n` : ''}`);
  return 0;
};

export const auditVerify: Command = async (args, io, env) => {
  parse({ args, options: {} });
  const result = await withServices(env, (services) => verifyAudit(services.handle.db));
  if (!result.ok) {
    throw new CliError([`audit chain broken at entry ${result.firstBad!.seq}: ${result.firstBad!.reason}`, `last good head: ${result.head}`]);
  }
  io.stdout(`audit chain intact: ${result.entries} entries\nhead: ${result.head}\n`);
  return 0;
};

export const backup: Command = async (args, io, env) => {
  const { positionals } = parse({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new CliError(['backup takes the file to write: backup <file>']);
  const result = await withServices(env, (_services, handle) => backupDatabase(handle, positionals[0]!));
  io.stdout(`backup written to ${result.file} (${result.bytes} bytes, ${result.format})\n`);
  return 0;
};

/** `restore [--force] <file>`: a SQLite copy into DATABASE_URL, refused unless its audit chain verifies. */
export const restore: Command = async (args, io, env) => {
  const { values, positionals } = parse({ args, allowPositionals: true, options: { force: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new CliError(['restore takes the SQLite copy to restore: restore [--force] <file>']);
  const config = loadConfig(env);
  let result: Awaited<ReturnType<typeof restoreSqlite>>;
  try {
    result = await restoreSqlite(positionals[0]!, config.databaseUrl, { force: values.force === true });
  } catch (error) {
    if (error instanceof ServiceError) throw new CliError([error.message]);
    throw error;
  }
  io.stdout(`restored ${positionals[0]} into ${result.file}\naudit chain intact: ${result.entries} entries\nhead: ${result.head}\n`);
  return 0;
};

/** The command line acts as the office (its audit entries name `cli`): whoever runs it holds the database. */
const CLI_ACTOR = { id: 'cli', username: 'cli', role: 'office', agency: null, ministry: null } as const;

export const moveQuestionnaire: Command = async (args, io, env) => {
  const { values } = parse({ args, options: { assessment: { type: 'string' }, to: { type: 'string' } } });
  if (!values.assessment || !values.to) throw new CliError(['move-questionnaire --assessment <id> --to <id@version>']);
  const moved = await withServices(env, (services) => services.assessments.moveQuestionnaire(CLI_ACTOR, values.assessment!, values.to!));
  const unconfirmed = moved.answers.filter((x) => x.unconfirmed).length;
  io.stdout(`moved assessment ${moved.id} to ${moved.questionnaire}: ${moved.answers.length} answers carried, ${unconfirmed} of them to confirm\n`);
  return 0;
};

/**
 * `report --assessment <id> [--lang en] [--part annex] -o <file.pdf>`: the findings report as the office
 * gets it (stored once accepted, a live DRAFT before), written to a file; the download is audited.
 */
export const report: Command = async (args, io, env) => {
  const { values } = parse({ args, options: { assessment: { type: 'string' }, lang: { type: 'string' }, part: { type: 'string' }, output: { type: 'string', short: 'o' } } });
  const usage = 'report --assessment <id> [--lang zh-TW|en] [--part main|annex] -o <file.pdf>';
  if (!values.assessment || !values.output) throw new CliError([usage]);
  const lang = values.lang ?? 'zh-TW';
  const part = values.part ?? 'main';
  if (!(REPORT_LANGUAGES as readonly string[]).includes(lang)) throw new CliError([`--lang must be one of ${REPORT_LANGUAGES.join(', ')}, not "${lang}"`, usage]);
  if (!(REPORT_PARTS as readonly string[]).includes(part)) throw new CliError([`--part must be one of ${REPORT_PARTS.join(', ')}, not "${part}"`, usage]);
  const made = await withServices(env, async (services) => {
    const r = await services.reports.report(CLI_ACTOR, values.assessment!, { lang: lang as ReportLanguage, part: part as ReportPart });
    await services.reports.settled();
    return r;
  });
  writeFileSync(values.output, made.bytes);
  io.stdout(`wrote ${values.output}: ${made.sealed ? 'sealed' : 'DRAFT'} ${part} report in ${lang}, ${made.bytes.length} bytes, SHA-256 ${made.sha256}\n`);
  return 0;
};
