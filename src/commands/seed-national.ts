// `seed-national --agencies <n> --seed <n> [--results-only]`: fills an empty database with the national
// data set (services/national-seed.ts), with progress on stderr and a summary (and the users' password,
// once) on stdout.
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { isEmptyDatabase } from '../repositories/seed.repository.js';
import { createServices, prepareDatabase } from '../services/index.js';
import { seedClock, seedNational } from '../services/national-seed.js';
import { CliError, parse, type CliIo, type Command } from './shared.js';

export const MAX_SEED_AGENCIES = 100_000;
const USAGE = 'seed-national --agencies <n> --seed <n> [--results-only]';

function positive(name: string, value: string | undefined, max: number): number {
  if (value === undefined) throw new CliError([`--${name} is required: ${USAGE}`]);
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > max) throw new CliError([`--${name} must be a whole number from 1 to ${max}, not "${value}"`, USAGE]);
  return Number(value);
}

/** Progress on stderr: a bar redrawn in place on a terminal; otherwise a line when a step starts and at every tenth of it. */
function progressOn(io: CliIo): { step: (phase: string, done: number, total: number) => void; end: () => void } {
  let current = '';
  let lastTenth = -1;
  return {
    step: (phase, done, total) => {
      const share = total === 0 ? 1 : done / total;
      if (io.stderrIsTty) {
        const width = 30;
        const filled = Math.round(share * width);
        // A finished step keeps its line; the next one draws below it.
        if (phase !== current && current !== '') io.stderr('\n');
        current = phase;
        io.stderr(`\r\u001b[2K${phase.padEnd(18)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)} % ${done}/${total}`);
        return;
      }
      const tenth = Math.floor(share * 10);
      if (phase !== current) {
        current = phase;
        lastTenth = -1;
      }
      if (tenth > lastTenth) {
        lastTenth = tenth;
        io.stderr(`${phase}: ${tenth * 10} % (${done}/${total})\n`);
      }
    },
    end: () => {
      if (io.stderrIsTty && current !== '') io.stderr('\n');
    },
  };
}

export const seedNationalCommand: Command = async (args, io, env) => {
  const { values } = parse({ args, options: { agencies: { type: 'string' }, seed: { type: 'string' }, 'results-only': { type: 'boolean' } } });
  const agencies = positive('agencies', values.agencies, MAX_SEED_AGENCIES);
  const seed = positive('seed', values.seed, 2 ** 31 - 1);
  const config = loadConfig(env);
  const started = performance.now();
  const handle = openDatabase(config.databaseUrl);
  try {
    // Refuse before anything is written: not even a migration runs on a database that holds data.
    if (!(await isEmptyDatabase(handle.db))) throw new CliError([`the database (${handle.dialect}) already holds users or agencies: seed-national fills an empty database only; nothing was written`]);
    const clock = seedClock();
    const services = createServices(handle, config, clock);
    await prepareDatabase(services, { demo: false });
    const progress = progressOn(io);
    const report = await seedNational(services, clock, { agencies, seed, resultsOnly: values['results-only'] ?? false, passwordHashCost: config.passwordHashCost, progress: progress.step });
    progress.end();
    const seconds = (performance.now() - started) / 1000;
    const states = (cycle: string) =>
      Object.entries(report.assessments[cycle]!)
        .map(([state, n]) => `${state} ${n}`)
        .join(', ');
    const grades = (cycle: string) =>
      Object.entries(report.grades[cycle]!)
        .map(([g, n]) => `${g} ${n}`)
        .join(', ');
    io.stdout(
      [
        `seeded the national data set (seed ${seed}${report.resultsOnly ? ', results only' : ''}) in ${seconds.toFixed(1)} s`,
        `ministries ${report.ministries}, agencies ${report.agencies} (108: ${grades('108')}; 109: ${grades('109')}; ${report.gradeChanges} changed grade)`,
        `users ${report.users}`,
        `cycle 108: ${states('108')}`,
        `cycle 109: ${states('109')}`,
        `reopened ${report.reopened}, answers ${report.answers}, assessor ratings ${report.assessorRatings}, seals ${report.seals}, improvement plans ${report.improvementPlans}, audit entries ${report.auditEntries}`,
        `every seeded user's password: ${report.password}`,
        '',
      ].join('\n'),
    );
  } finally {
    // The file is complete when the command ends: nothing of it is left in SQLite's write-ahead log.
    if (handle.sqlite?.open) handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await handle.close();
  }
  return 0;
};
