// `npm run bench` end to end at toy sizes: every benchmark runs, on today's questionnaires and data, and prints its
// rows. A benchmark is code that only runs when someone measures, so it rots unseen (one kept saving an indicator a
// questionnaire revision had removed). No timing is asserted here: the goals are the bench's to judge, at full size.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { runProcess } from '../helpers/cli.js';

const postgresUrl = process.env.TEST_POSTGRES_URL;
// Seeded data sets of their own; the load bench's build goes to a folder of its own inside the package (as
// build.test.ts's does), so that it neither races that test nor replaces dist/.
const cache = join(tmpdir(), `govsec-maturity-bench-test-${process.pid}`);
const buildDir = `.build-test-bench-${process.pid}`;

afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(join(packageRoot, buildDir), { recursive: true, force: true });
});

/** The table's rows as cells: benchmark, subject, result, runs, goal, met. */
const tableRows = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| benchmark '))
    .map((line) => line.slice(2, -2).split(' | ').map((cell) => cell.trim()));

it('runs every benchmark at toy sizes and prints a row for each', async () => {
  const env = {
    BENCH_SECONDS: '1',
    BENCH_NATIONAL_SIZES: '30',
    BENCH_NATIONAL_CACHE: cache,
    LOAD_AGENCIES: '30',
    LOAD_USERS: '4',
    LOAD_SECONDS: '1',
    LOAD_CONNECTIONS: '2',
    LOAD_CAPACITY_SECONDS: '1',
    LOAD_CAPACITY_ROUNDS: '1',
    LOAD_OPEN_SECONDS: '1',
    LOAD_WARMUP_SECONDS: '0',
    LOAD_PG_AGENCIES: '20',
    LOAD_PG_CONNECTIONS: '2',
    LOAD_PARTS: postgresUrl ? 'rush,routes,pg' : 'rush,routes',
    LOAD_BUILD_DIR: buildDir,
  };
  // The README's command, as a newcomer runs it.
  const { status, stdout, stderr } = await runProcess('npm', ['run', '--silent', 'bench'], { env, timeout: 590_000 });
  expect(status, stderr.slice(-2000)).toBe(0);
  const rows = tableRows(stdout);
  const names = rows.map((r) => r[0]!);
  for (const expected of [
    /^score one assessment \(median\)$/,
    /^overview page, server time$/,
    /^findings report \(annex\), render time$/,
    /^national KPI report \(en\), render time and size$/,
    /^save an answer \(PUT, \d+ connections\): throughput vs baseline$/,
    /^seed-national \(SQLite\)$/,
    /^national report \(GET \/api\/reports\/national\.pdf\)$/,
    /^deadline rush \(PUT answer \+ GET assessment\)$/,
    /^save an answer \(PUT\): service ÷ bare stack$/,
    /^read a whole assessment \(GET\): open loop, service$/,
    ...(postgresUrl ? [/^two instances on one PostgreSQL ÷ one$/] : []),
  ]) {
    expect(names.some((n) => expected.test(n)), `a row ${String(expected)} among ${names.join('; ')}`).toBe(true);
  }
  // A part that could not run says so in its row instead of a figure.
  for (const row of rows) expect(row[2], row[0]).not.toMatch(/^skipped|^status \d/);
  // Every row has all six cells, and the load's runs had no errors at all.
  for (const row of rows) expect(row).toHaveLength(6);
  for (const row of rows.filter((r) => /errors/.test(r[3]!))) expect(row[3], row[0]).toMatch(/\b0 errors\b/);
}, 600_000);
