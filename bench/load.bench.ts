// Load at national scale (issue 15), against the BUILT server (`npm run build`, `node dist/src/server.js`) in a
// process of its own on 127.0.0.1 over the 7,000-agency data set of seed-national (dashboard.bench.ts's cache),
// with the seed's agency users holding bearer tokens, each filling in its own open assessment of cycle 109:
//  (1) the deadline rush: LOAD_USERS (200) virtual users, closed loop, saving answers with the right revision and
//      now and then reading their whole assessment, for LOAD_SECONDS (60): throughput, p50/p99, errors, server RSS;
//  (2) each route's capacity (closed loop, LOAD_CONNECTIONS) and then an open loop at half of it
//      (bench/load-generator.ts: latency from each request's intended send time);
//  (3) the same for the bare stack (bench/bare-server.ts) on the same file in the same run: service ÷ bare;
//  (4) two instances of the built server on one PostgreSQL database against one (round-robin from the generator,
//      no proxy), on a data set of LOAD_PG_AGENCIES (700) seeded into a database of its own, dropped afterwards.
// `LOAD_PROFILE=1` (or `read,save`) adds a load on a server started with --cpu-prof and prints the top self-time
// functions (bench/cpuprofile-top.ts); `LOAD_STATEMENTS=save` (or `read,save`) times SQLite's statements on each
// stack under a route's load (bench/statement-timer.ts).
// Every duration and rate comes from the environment; `LOAD_BUILD=0` skips the build (dist/ must be current);
// `LOAD_BUILD_DIR` builds into another folder of the package instead of dist/ (the bench's own test does).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { runCli } from '../src/commands/index.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { packageRoot } from '../src/paths.js';
import { startServer, type ServerProcess } from '../test/helpers/server-process.js';
import { topSelfTime } from './cpuprofile-top.js';
import { seeded } from './dashboard.bench.js';
import { closedLoop, openLoop, type Call, type LoadResult } from './load-generator.js';
import type { StatementTimes } from './statement-timer.js';
import type { BenchRow } from './table.js';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};

const AGENCIES = num('LOAD_AGENCIES', 7000);
const USERS = num('LOAD_USERS', 200);
const RUSH_SECONDS = num('LOAD_SECONDS', 60);
/** In the rush, every LOAD_READ_EVERY-th call of a user reads the whole assessment; the others save an answer. */
const READ_EVERY = num('LOAD_READ_EVERY', 10);
const CONNECTIONS = num('LOAD_CONNECTIONS', 50);
const CAPACITY_SECONDS = num('LOAD_CAPACITY_SECONDS', 10);
/** The capacities of the service and the bare stack are taken in this many alternating windows each. */
const CAPACITY_ROUNDS = Math.max(1, Math.round(num('LOAD_CAPACITY_ROUNDS', 5)));
const OPEN_SECONDS = num('LOAD_OPEN_SECONDS', 20);
/**
 * Before a stack's capacity is measured it serves the same load, unmeasured, this long: a freshly started service
 * runs its code unoptimised for its first seconds (measured: about 10 s to its steady CPU per save), the bare stack's
 * few functions much sooner, and a server is measured as it runs for hours, not as it starts.
 */
const WARMUP_SECONDS = process.env.LOAD_WARMUP_SECONDS === '0' ? 0 : num('LOAD_WARMUP_SECONDS', 10);
/** The open loop's rate as a share of the measured capacity. */
const OPEN_SHARE = num('LOAD_OPEN_SHARE', 0.5);
/** A fixed open-loop rate (req/s) for both routes and both stacks instead of OPEN_SHARE of each one's capacity. */
const OPEN_RATE = process.env.LOAD_OPEN_RATE ? Number(process.env.LOAD_OPEN_RATE) : undefined;
const PG_AGENCIES = num('LOAD_PG_AGENCIES', 700);
const PG_CONNECTIONS = num('LOAD_PG_CONNECTIONS', 32);
const PG_SECONDS = num('LOAD_PG_SECONDS', CAPACITY_SECONDS);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PROFILE_SECONDS = num('LOAD_PROFILE_SECONDS', 20);
/** `LOAD_PROFILE=1` (the read route), or `read,save`. */
const PROFILE = (process.env.LOAD_PROFILE === '1' ? 'read' : (process.env.LOAD_PROFILE ?? '')).split(',').filter((r) => r === 'read' || r === 'save');
/** `LOAD_STATEMENTS=save` (or `read`, `read,save`): SQLite's own time per statement on each stack under the route's load. */
const STATEMENTS = (process.env.LOAD_STATEMENTS ?? '').split(',').filter((r) => r === 'read' || r === 'save');
/** `LOAD_PROFILE_STACK=bare` profiles the bare stack instead of the service, to hold the two profiles side by side. */
const PROFILE_BARE = process.env.LOAD_PROFILE_STACK === 'bare';
/** Which parts run: `rush`, `routes` (capacity, open loop and the bare stack), `pg`; all by default. */
const PARTS = new Set((process.env.LOAD_PARTS ?? 'rush,routes,pg').split(',').map((p) => p.trim()));
const SEED = 1;
const SESSION_SECRET = 'load-bench-secret-load-bench-secret!!';
/** Where the built server goes: dist/ as `npm run build` makes it, or LOAD_BUILD_DIR, a folder inside the package (so that it finds questionnaires/ and templates/ as dist/ does). */
const BUILD_DIR = process.env.LOAD_BUILD_DIR ? resolve(packageRoot, process.env.LOAD_BUILD_DIR) : join(packageRoot, 'dist');
if (relative(packageRoot, BUILD_DIR).startsWith('..')) throw new Error(`LOAD_BUILD_DIR must be a folder inside the package (${packageRoot})`);
const BUILT_SERVER = [join(BUILD_DIR, 'src/server.js')];

const thousands = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number): string => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const log = (text: string): void => void process.stderr.write(`[load] ${text}\n`);

/** A seeded agency user filling in its own open assessment: its token, the indicators and the revisions it last saw. */
export interface VirtualUser {
  username: string;
  token: string;
  id: string;
  answered: number;
  slots: { process: string; indicator: string }[];
  revisions: number[];
  next: number;
  calls: number;
}

/** Agency users of the seed with a draft or returned assessment of cycle 109 (returned first: every indicator answered), a token each. */
export async function prepareUsers(databaseUrl: string, count: number): Promise<VirtualUser[]> {
  const app = await buildApp(loadConfig({ DATABASE_URL: databaseUrl, DEMO: '0', LOG_LEVEL: 'silent', TWO_FACTOR: 'optional' }));
  try {
    const { db } = app.services.handle;
    const rows = await db
      .selectFrom('users')
      .innerJoin('assessments', 'assessments.agencyCode', 'users.agencyCode')
      .select(['users.id', 'users.username', 'users.agencyCode'])
      .select(['assessments.id as assessmentId', 'assessments.questionnaire', 'assessments.status'])
      .where('users.role', '=', 'agency')
      .where('assessments.cycleYear', '=', 109)
      .where('assessments.status', 'in', ['returned', 'draft'])
      .orderBy('assessments.status', 'desc')
      .orderBy('users.username')
      .limit(count)
      .execute();
    const users: VirtualUser[] = [];
    for (const row of rows) {
      const { token } = await app.services.accounts.createToken({ id: row.id, username: row.username, role: 'agency', agency: row.agencyCode, ministry: null }, 'load bench', 1);
      const index = await app.services.questionnaires.index(row.questionnaire);
      // Every indicator but NA-prone choices: the bench rates L or F with evidence, valid on any indicator.
      const slots = index.processes.flatMap((p) => p.attributes.flatMap((a) => a.indicators.map((i) => ({ process: p.id, indicator: i.id }))));
      const stored = await db.selectFrom('answers').select(['process', 'indicator', 'revision']).where('assessmentId', '=', row.assessmentId).execute();
      const revisionOf = new Map(stored.map((s) => [`${s.process}/${s.indicator}`, Number(s.revision)]));
      users.push({ username: row.username, token, id: row.assessmentId, answered: stored.length, slots, revisions: slots.map((s) => revisionOf.get(`${s.process}/${s.indicator}`) ?? 0), next: 0, calls: 0 });
    }
    return users;
  } finally {
    await app.close();
  }
}

/** The next save of a user: its next indicator in turn, at the revision it last saw; a 200 moves the revision on. */
export function saveCall(u: VirtualUser): Call {
  const slot = u.next++ % u.slots.length;
  const { process, indicator } = u.slots[slot]!;
  const revision = u.revisions[slot]!;
  return {
    kind: 'save',
    method: 'PUT',
    path: `/api/assessments/${u.id}/answers/${encodeURIComponent(process)}/${encodeURIComponent(indicator)}`,
    headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rating: revision % 2 ? 'F' : 'L', evidence: `效能測試 ${revision + 1}`, revision }),
    done: (status, body) => {
      if (status === 200) u.revisions[slot] = revision + 1;
      // Counted as an error by the generator; the revision taken so that one mistake does not repeat.
      else if (status === 409) u.revisions[slot] = (JSON.parse(body) as { current?: { revision: number } | null }).current?.revision ?? revision;
    },
  };
}

export const readCall = (u: VirtualUser): Call => ({ kind: 'read', method: 'GET', path: `/api/assessments/${u.id}`, headers: { authorization: `Bearer ${u.token}` } });

/** Starts a built server (or, with `args`, another entry) on `databaseUrl`: a free port, ready on /healthz. */
const startBuilt = (databaseUrl: string, nodeArgs: string[] = []): Promise<ServerProcess> =>
  startServer(databaseUrl, { args: [...nodeArgs, ...BUILT_SERVER], env: { LOG_LEVEL: 'warn', SESSION_SECRET } });

async function startBare(databaseUrl: string, nodeArgs: string[] = []): Promise<{ base: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, 'bench/bare-server.ts'], { cwd: packageRoot, env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.replace(/^listening /, '')));
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  return { base, child, stop: async () => void (child.kill('SIGTERM'), await exited) };
}

/** The resident set of a process now, in MiB (Linux). */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const cpuCount = availableParallelism();

/** CPU seconds a process has used so far (user + system), from /proc; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes on this machine (a local server is what the bench measures against). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Runs `work` and says how busy each party kept the machine's cores meanwhile, in % of one core: the app
 * instances, PostgreSQL (its processes at the start and those it started meanwhile, as far as they still run),
 * and this process, the load generator.
 */
async function withCpuShares<T>(instances: number[], work: () => Promise<T>): Promise<{ result: T; shares: string; busyCores: number }> {
  const pgBefore = new Map(postgresPids().map((pid) => [pid, cpuSecondsOf(pid)]));
  const before = instances.map(cpuSecondsOf);
  const self = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const pct = (cpu: number) => `${((cpu / seconds) * 100).toFixed(0)} %`;
  const pgCpu = postgresPids().reduce((sum, pid) => sum + cpuSecondsOf(pid) - (pgBefore.get(pid) ?? 0), 0);
  const generator = process.cpuUsage(self);
  const instanceCpu = instances.map((pid, k) => cpuSecondsOf(pid) - before[k]!);
  const busyCores = (instanceCpu.reduce((a, b) => a + b, 0) + pgCpu + (generator.user + generator.system) / 1e6) / seconds;
  const shares = `CPU (% of one core, ${cpuCount} cores): instance${instances.length > 1 ? 's' : ''} ${instanceCpu.map(pct).join(' + ')}, PostgreSQL ${pct(pgCpu)}, generator ${pct((generator.user + generator.system) / 1e6)}`;
  return { result, shares, busyCores };
}

/** Closed loop on one route: worker w takes the users w, w + n, w + 2n, … in turn, so that no two workers write one answer. */
function capacity(base: string, users: VirtualUser[], make: (u: VirtualUser) => Call, connections: number, seconds: number): Promise<LoadResult> {
  const turn = new Array<number>(connections).fill(0);
  const owned = (w: number) => Math.max(1, Math.ceil((users.length - w) / connections));
  return closedLoop([base], connections, seconds, (w) => make(users[(w + connections * (turn[w]!++ % owned(w))) % users.length]!));
}

const open = (base: string, users: VirtualUser[], make: (u: VirtualUser) => Call, rate: number, seconds: number): Promise<LoadResult> => openLoop([base], rate, seconds, (k) => make(users[k % users.length]!));

const describe = (r: LoadResult): string => `${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms`;
const errorsOf = (r: Pick<LoadResult, 'errors' | 'errorSamples'>): string => (r.errors === 0 ? '0 errors' : `${r.errors} ERRORS (${r.errorSamples[0] ?? ''})`);

function build(): void {
  if (process.env.LOAD_BUILD === '0') {
    if (!existsSync(BUILT_SERVER[0]!)) throw new Error(`LOAD_BUILD=0 but ${BUILT_SERVER[0]} is missing: run npm run build`);
    return;
  }
  // `npm run build`'s compiler run (build.test.ts holds the script to it), into BUILD_DIR.
  log(`npm run build, into ${relative(packageRoot, BUILD_DIR)}`);
  execFileSync(process.execPath, [join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: packageRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function sqliteRows(rows: BenchRow[]): Promise<void> {
  const { file } = await seeded(AGENCIES, false);
  const dir = join(tmpdir(), `bench-load-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const work = join(dir, 'national.db');
  copyFileSync(file, work);
  const url = `sqlite:${work}`;
  try {
    log(`tokens for ${USERS} agency users`);
    const users = await prepareUsers(url, USERS);
    if (users.length < USERS) log(`only ${users.length} agency users have an open assessment of cycle 109`);
    const meanAnswers = users.reduce((n, u) => n + u.answered, 0) / users.length;
    const subject = `SQLite, ${thousands(AGENCIES)} agencies`;
    const server = await startBuilt(url);
    const bare = await startBare(url);
    try {
      await sameDocument(server.base, bare.base, users[0]!);
      // (1) The deadline rush.
      if (PARTS.has('rush')) await rushRows(server, users, subject, rows);
      // (2)+(3) Capacity of each route, service then bare; then an open loop at OPEN_SHARE of each one's own capacity.
      if (PARTS.has('routes')) await routeRows({ base: server.base, pid: server.child.pid! }, { base: bare.base, pid: bare.child.pid! }, users, subject, meanAnswers, rows);
    } finally {
      await Promise.all([server.stop(), bare.stop()]);
    }
    for (const route of PROFILE) await profileRoute(url, users, route, rows);
    for (const route of STATEMENTS) await statementRoute(url, users, route, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The bare stack must do the same work: a save answers with the service's fields and headers, and afterwards its
 * whole assessment is the service's, value for value, and sent with the same headers.
 */
async function sameDocument(service: string, bareBase: string, u: VirtualUser): Promise<void> {
  // Headers that depend on the moment or the connection, not on the work.
  const transient = new Set(['date', 'connection', 'keep-alive', 'content-length']);
  const headerNames = (response: Response) => [...response.headers.keys()].filter((name) => !transient.has(name)).sort();
  const call = async (base: string, c: Call) => {
    const response = await fetch(`${base}${c.path}`, { method: c.method, headers: c.headers, ...(c.body === undefined ? {} : { body: c.body }) });
    const text = await response.text();
    c.done?.(response.status, text);
    if (response.status !== 200) throw new Error(`${c.method} ${base}${c.path}: ${response.status} ${text.slice(0, 200)}`);
    return { headers: headerNames(response), body: JSON.parse(text) as Record<string, unknown> };
  };
  const differs = (what: string) => new Error(`the bare stack's ${what} differs from the service's: the baseline would not do the same work`);
  const [ourSave, bareSave] = [await call(service, saveCall(u)), await call(bareBase, saveCall(u))];
  if (!isDeepStrictEqual(ourSave.headers, bareSave.headers)) throw differs(`save's headers (${bareSave.headers.join(', ')})`);
  if (!isDeepStrictEqual(Object.keys(ourSave.body), Object.keys(bareSave.body))) throw differs('saved answer');
  const [ours, bare] = await Promise.all([call(service, readCall(u)), call(bareBase, readCall(u))]);
  if (!isDeepStrictEqual(ours.headers, bare.headers)) throw differs(`whole assessment's headers (${bare.headers.join(', ')})`);
  if (!isDeepStrictEqual(ours.body, bare.body)) throw differs('whole assessment');
}

async function rushRows(server: ServerProcess, users: VirtualUser[], subject: string, rows: BenchRow[]): Promise<void> {
  log(`rush: ${users.length} users for ${RUSH_SECONDS} s`);
  const pid = server.child.pid!;
  const rssBefore = rssMiB(pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMiB(pid))), 250);
  // Each user's reads fall on another turn (calls start at w mod READ_EVERY), so reads are spread over the run.
  users.forEach((u, w) => (u.calls = w % READ_EVERY));
  const rush = await closedLoop([server.base], users.length, RUSH_SECONDS, (w) => {
    const u = users[w]!;
    return ++u.calls % READ_EVERY === 0 ? readCall(u) : saveCall(u);
  });
  clearInterval(sampler);
  const rssAfter = rssMiB(pid);
  const save = rush.byKind.save;
  const read = rush.byKind.read;
  rows.push({
    name: 'deadline rush (PUT answer + GET assessment)',
    subject: `${subject}; ${users.length} users, closed loop, 1 read in ${READ_EVERY}`,
    value: `${rush.rps.toFixed(0)} req/s; save p50/p99 ${ms(save?.p50 ?? NaN)}/${ms(save?.p99 ?? NaN)} ms; read p50/p99 ${ms(read?.p50 ?? NaN)}/${ms(read?.p99 ?? NaN)} ms`,
    runs: `${RUSH_SECONDS} s, ${thousands(rush.requests)} requests, ${errorsOf(rush)}`,
    goal: '0 errors',
    ok: rush.errors === 0,
  });
  rows.push({ name: 'deadline rush: server memory (VmRSS)', subject: 'built server, one process', value: `${rssBefore.toFixed(0)} → max ${rssMax.toFixed(0)} MiB (${rssAfter.toFixed(0)} at the end)`, runs: 'sampled every 250 ms', goal: '—', ok: null });
}

/** A closed loop on one server, with the CPU time the server process (all its threads) spent per request meanwhile. */
interface Capacity {
  requests: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  rps: number;
  bytes: number;
  /** The server's CPU seconds (all its threads) over the windows. */
  cpuSeconds: number;
  cpuMicros: number;
}

async function capacityWithCpu(server: { base: string; pid: number }, users: VirtualUser[], make: (u: VirtualUser) => Call, seconds: number): Promise<Capacity> {
  const before = cpuSecondsOf(server.pid);
  const r = await capacity(server.base, users, make, CONNECTIONS, seconds);
  const cpuSeconds = cpuSecondsOf(server.pid) - before;
  return { requests: r.requests, errors: r.errors, errorSamples: r.errorSamples, seconds: r.seconds, rps: r.rps, bytes: r.bytes, cpuSeconds, cpuMicros: (cpuSeconds / Math.max(1, r.requests)) * 1e6 };
}

function merged(parts: Capacity[]): Capacity {
  const sum = (f: (c: Capacity) => number) => parts.reduce((n, c) => n + f(c), 0);
  const requests = sum((c) => c.requests);
  const seconds = sum((c) => c.seconds);
  const cpuSeconds = sum((c) => c.cpuSeconds);
  return { requests, errors: sum((c) => c.errors), errorSamples: parts.flatMap((c) => c.errorSamples).slice(0, 5), seconds, rps: requests / seconds, bytes: sum((c) => c.bytes), cpuSeconds, cpuMicros: (cpuSeconds / Math.max(1, requests)) * 1e6 };
}

/**
 * The service's and the bare stack's capacity on one route, taken in CAPACITY_ROUNDS alternating windows
 * (service then bare, then bare then service, …) of CAPACITY_SECONDS ÷ rounds each, so that a machine whose
 * speed drifts during the run (this one is a shared VM) weighs on both alike. The totals, and each round's ratio.
 */
async function interleavedCapacity(serviceServer: { base: string; pid: number }, bareServer: { base: string; pid: number }, users: VirtualUser[], make: (u: VirtualUser) => Call): Promise<{ ours: Capacity; base: Capacity; ratios: number[] }> {
  const window = CAPACITY_SECONDS / CAPACITY_ROUNDS;
  if (WARMUP_SECONDS > 0) {
    log(`warm-up: ${WARMUP_SECONDS} s of the same load on each stack`);
    for (const server of [serviceServer, bareServer]) await capacity(server.base, users, make, CONNECTIONS, WARMUP_SECONDS);
  }
  const ours: Capacity[] = [];
  const base: Capacity[] = [];
  for (let k = 0; k < CAPACITY_ROUNDS; k++) {
    for (const stack of k % 2 === 0 ? (['service', 'bare'] as const) : (['bare', 'service'] as const)) {
      if (stack === 'service') ours.push(await capacityWithCpu(serviceServer, users, make, window));
      else base.push(await capacityWithCpu(bareServer, users, make, window));
    }
  }
  return { ours: merged(ours), base: merged(base), ratios: ours.map((o, k) => o.rps / base[k]!.rps) };
}

async function routeRows(serviceServer: { base: string; pid: number }, bareServer: { base: string; pid: number }, users: VirtualUser[], subject: string, meanAnswers: number, rows: BenchRow[]): Promise<void> {
  const service = serviceServer.base;
  const bareBase = bareServer.base;
  for (const [route, make, goalMs, what] of [
    ['save an answer (PUT)', saveCall, 20, 'save'],
    ['read a whole assessment (GET)', readCall, 50, 'read'],
  ] as const) {
    log(`capacity: ${what}`);
    const { ours, base, ratios } = await interleavedCapacity(serviceServer, bareServer, users, make);
    const ratio = ours.rps / base.rps;
    const sorted = [...ratios].sort((x, y) => x - y);
    const answers = what === 'read' ? `, ${meanAnswers.toFixed(0)} answers on average, ${(ours.bytes / Math.max(1, ours.requests) / 1024).toFixed(0)} KB` : '';
    rows.push({
      name: `${route}: service ÷ bare stack`,
      subject: `${subject}${answers}; closed loop ${CONNECTIONS} conn.: ${ours.rps.toFixed(0)} vs ${base.rps.toFixed(0)} req/s; server CPU per request ${ours.cpuMicros.toFixed(0)} vs ${base.cpuMicros.toFixed(0)} µs`,
      value: `${(ratio * 100).toFixed(0)} %`,
      runs: `${CAPACITY_SECONDS} s each in ${CAPACITY_ROUNDS} alternating windows (rounds' ratios ${(sorted[0]! * 100).toFixed(0)}–${(sorted[sorted.length - 1]! * 100).toFixed(0)} %); ${errorsOf(ours)} / ${base.errors}`,
      goal: '≥ 60 %',
      ok: ratio >= 0.6 && ours.errors === 0 && base.errors === 0,
    });
    for (const [who, target, cap] of [
      ['service', service, ours],
      ['bare stack', bareBase, base],
    ] as const) {
      const rate = OPEN_RATE ?? Math.max(1, Math.round(cap.rps * OPEN_SHARE));
      log(`open loop: ${what}, ${who}, ${rate} req/s`);
      const r = await open(target, users, make, rate, OPEN_SECONDS);
      rows.push({
        name: `${route}: open loop, ${who}`,
        subject: `${subject}; ${rate} req/s on a timer (${OPEN_RATE ? `LOAD_OPEN_RATE; capacity ${cap.rps.toFixed(0)}` : `${(OPEN_SHARE * 100).toFixed(0)} % of ${cap.rps.toFixed(0)}`})`,
        value: `p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms`,
        runs: `${OPEN_SECONDS} s, ${thousands(r.requests)} requests, ${errorsOf(r)}`,
        goal: who === 'service' ? `p99 < ${goalMs} ms` : '—',
        ok: who === 'service' ? r.p99 < goalMs && r.errors === 0 : null,
      });
    }
  }
}

const micros = (): bigint => process.hrtime.bigint() / 1000n;

/**
 * A closed-loop load of one route (`read` or `save`) on a server started with --cpu-prof; the top self-time
 * functions of the samples taken during the load (not the start) go to stderr, the top three into a row.
 */
async function profileRoute(url: string, users: VirtualUser[], route: string, rows: BenchRow[]): Promise<void> {
  const dir = join(tmpdir(), `bench-load-prof-${process.pid}-${route}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = await (PROFILE_BARE ? startBare : startBuilt)(url, ['--cpu-prof', '--cpu-prof-dir', dir]);
  let r: LoadResult;
  let window: { from: bigint; to: bigint };
  try {
    if (WARMUP_SECONDS > 0) await capacity(server.base, users, route === 'save' ? saveCall : readCall, CONNECTIONS, WARMUP_SECONDS);
    log(`profile: ${route} load for ${PROFILE_SECONDS} s`);
    const from = micros();
    r = await capacity(server.base, users, route === 'save' ? saveCall : readCall, CONNECTIONS, PROFILE_SECONDS);
    window = { from, to: micros() };
  } finally {
    await server.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const top = topSelfTime(join(dir, file), 15, window);
  process.stderr.write(`\nCPU profile of the ${PROFILE_BARE ? 'bare stack' : 'server'} under the ${route} load (${describe(r)}), top 15 by self time (${join(dir, file)}):\n${top.text}\n\n`);
  rows.push({ name: `${route === 'save' ? 'save an answer' : 'read a whole assessment'}: CPU profile of the ${PROFILE_BARE ? 'bare stack' : 'service'}, top self time`, subject: `${PROFILE_SECONDS} s closed loop, ${describe(r)}`, value: top.rows.slice(0, 3).map((t) => `${t.name} ${t.share.toFixed(0)} %`).join(', '), runs: '--cpu-prof', goal: '—', ok: null });
}

/**
 * SQLite's own time under one route's closed-loop load, on each stack in turn started with bench/statement-timer.ts:
 * after the warm-up, LOAD_PROFILE_SECONDS of load; each statement's mean time and how many of it a request runs go to
 * stderr, the total per request into a row.
 */
async function statementRoute(url: string, users: VirtualUser[], route: string, rows: BenchRow[]): Promise<void> {
  const dir = join(tmpdir(), `bench-load-statements-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.env.STATEMENT_TIMES_DIR = dir;
  const timer = ['--import', pathToFileURL(join(packageRoot, 'bench/statement-timer.ts')).href];
  const make = route === 'save' ? saveCall : readCall;
  const stacks = [
    ['service', () => startBuilt(url, ['--import', 'tsx', ...timer])],
    ['bare stack', () => startBare(url, timer)],
  ] as const;
  const measured: { stack: string; perRequest: number; statements: number; lines: string[] }[] = [];
  try {
    for (const [stack, start] of stacks) {
      const server = await start();
      try {
        if (WARMUP_SECONDS > 0) await capacity(server.base, users, make, CONNECTIONS, WARMUP_SECONDS);
        await statementTimes(server.child.pid!, dir); // the warm-up's, set aside
        log(`statements: ${route} load on the ${stack} for ${PROFILE_SECONDS} s`);
        const r = await capacity(server.base, users, make, CONNECTIONS, PROFILE_SECONDS);
        const times = Object.entries(await statementTimes(server.child.pid!, dir)).sort(([, a], [, b]) => b.ns - a.ns);
        const perRequest = times.reduce((n, [, t]) => n + t.ns, 0) / 1000 / r.requests;
        const statements = times.reduce((n, [, t]) => n + t.count, 0) / r.requests;
        const lines = times.map(([sql, t]) => `${(t.ns / 1000 / t.count).toFixed(1).padStart(8)} µs × ${(t.count / r.requests).toFixed(2)}  ${sql.replace(/"/g, '').slice(0, 90)}`);
        measured.push({ stack, perRequest, statements, lines });
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const m of measured) process.stderr.write(`\nSQLite's own time per statement, ${m.stack}, ${route} load (mean × per request, SQL):\n${m.lines.join('\n')}\n`);
  process.stderr.write('\n');
  rows.push({
    name: `${route === 'save' ? 'save an answer' : 'read a whole assessment'}: SQLite's own time per request`,
    subject: `${PROFILE_SECONDS} s closed loop ${CONNECTIONS} conn. on each stack, statements timed by bench/statement-timer.ts`,
    value: measured.map((m) => `${m.stack} ${m.perRequest.toFixed(0)} µs (${m.statements.toFixed(1)} statements)`).join(', '),
    runs: 'after the warm-up',
    goal: '—',
    ok: null,
  });
}

/** What the statement timer in `pid` gathered since its previous signal (it starts over). */
async function statementTimes(pid: number, dir: string): Promise<StatementTimes> {
  const file = join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (const deadline = Date.now() + 5000; !existsSync(file); ) {
    if (Date.now() > deadline) throw new Error(`the statement timer of process ${pid} wrote nothing`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as StatementTimes;
}

/**
 * Samples, every 100 ms while `work` runs, what the database's busy backends are doing (pg_stat_activity):
 * the three most frequent `wait event:state` pairs with their share of the samples.
 */
async function withWaitSamples<T>(admin: pg.Client, database: string, work: () => Promise<T>): Promise<{ result: T; waits: string }> {
  const counts = new Map<string, number>();
  let total = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { rows } = await admin.query<{ wait: string }>(
        "select coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' (' || state || ')' as wait from pg_stat_activity where datname = $1 and state <> 'idle' and pid <> pg_backend_pid()",
        [database],
      );
      for (const { wait } of rows) counts.set(wait, (counts.get(wait) ?? 0) + 1);
      total += rows.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    const result = await work();
    return { result, waits: `PostgreSQL backends busy: ${[...counts].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([w, n]) => `${w} ${((n / Math.max(1, total)) * 100).toFixed(0)} %`).join(', ')}` };
  } finally {
    running = false;
    await sampler;
  }
}

async function postgresRows(rows: BenchRow[]): Promise<void> {
  const name = `gsm_load_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    rows.push({ name: 'two instances on one PostgreSQL ÷ one', subject: POSTGRES_URL, value: `skipped: ${String(error)}`, runs: '—', goal: '≥ 1.6×', ok: null });
    return;
  }
  await admin.query(`create database ${name}`);
  const target = new URL(POSTGRES_URL);
  target.pathname = `/${name}`;
  const url = target.toString();
  try {
    log(`seed-national --agencies ${PG_AGENCIES} into PostgreSQL ${name}`);
    let stderr = '';
    const status = await runCli(['seed-national', '--agencies', String(PG_AGENCIES), '--seed', String(SEED)], { stdout: () => undefined, stderr: (t) => void (stderr += t) }, { ...process.env, DATABASE_URL: url });
    if (status !== 0) throw new Error(`seed-national on PostgreSQL failed: ${stderr}`);
    const users = await prepareUsers(url, PG_CONNECTIONS);
    const connections = users.length;
    const [a, b] = await Promise.all([startBuilt(url), startBuilt(url)]);
    try {
      const mix = (bases: string[], seconds = PG_SECONDS) =>
        closedLoop(bases, connections, seconds, (w) => {
          const u = users[w]!;
          return ++u.calls % READ_EVERY === 0 ? readCall(u) : saveCall(u);
        });
      if (WARMUP_SECONDS > 0) {
        log(`PostgreSQL: warm-up, ${WARMUP_SECONDS} s on the two instances`);
        await mix([a.base, b.base], WARMUP_SECONDS);
      }
      log('PostgreSQL: one instance');
      const { result: one, shares: oneShares, busyCores } = await withCpuShares([a.child.pid!], () => mix([a.base]));
      log('PostgreSQL: two instances');
      const { result: twoSampled, shares: twoShares } = await withCpuShares([a.child.pid!, b.child.pid!], () => withWaitSamples(admin, name, () => mix([a.base, b.base])));
      const { result: two, waits } = twoSampled;
      log(`one instance: ${oneShares}`);
      log(`two instances: ${twoShares}; ${waits}`);
      const ratio = two.rps / one.rps;
      // If every process's work grew with the throughput, the machine's cores would run out at this multiple of one instance's.
      const ceiling = cpuCount / busyCores;
      rows.push({
        name: 'two instances on one PostgreSQL ÷ one',
        subject: `${thousands(PG_AGENCIES)} agencies; ${connections} users (rush mix), round-robin by the generator, no proxy: ${two.rps.toFixed(0)} vs ${one.rps.toFixed(0)} req/s. One: ${oneShares}. Two: ${twoShares}; ${waits}`,
        value: `×${ratio.toFixed(2)}`,
        runs: `${PG_SECONDS} s each; this machine's CPU allows at most ×${ceiling.toFixed(2)} (${cpuCount} cores ÷ ${busyCores.toFixed(2)} busy with one instance); p99 ${ms(two.p99)} vs ${ms(one.p99)} ms; ${errorsOf(two)} / ${one.errors}`,
        goal: '≥ 1.6×',
        ok: ratio >= 1.6 && one.errors === 0 && two.errors === 0,
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export async function benchLoad(): Promise<BenchRow[]> {
  build();
  const rows: BenchRow[] = [];
  await sqliteRows(rows);
  if (PARTS.has('pg')) await postgresRows(rows);
  return rows;
}
