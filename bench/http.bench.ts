// HTTP speed of the two hottest routes — saving an answer and reading a whole assessment — measured
// with autocannon against a server on 127.0.0.1 (bench/http-server.ts, in a process of its own), each
// beside a baseline route that issues the same SQL statements directly.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { packageRoot } from '../src/paths.js';
import type { BenchRow } from './table.js';

const CONNECTIONS = 50;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
/** Ours and the baseline alternate this many times; the medians are reported, so drift hits both alike. */
const ROUNDS = 3;

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function run(url: string, request: autocannon.Request): Promise<Measured> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: [request] });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs ours and the baseline in turn, ROUNDS times, and takes the median of each figure. */
async function alternate(ours: () => Promise<Measured>, baseline: () => Promise<Measured>): Promise<[Measured, Measured]> {
  const a: Measured[] = [];
  const b: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await ours());
    b.push(await baseline());
  }
  const combine = (m: Measured[]): Measured => ({ rps: median(m.map((x) => x.rps)), p50: median(m.map((x) => x.p50)), p99: median(m.map((x) => x.p99)), non2xx: m.reduce((n, x) => n + x.non2xx, 0) });
  return [combine(a), combine(b)];
}

interface Setup {
  address: string;
  baselineAddress: string;
  id: string;
  token: string;
  slots: { process: string; indicator: string }[];
  revisions: { process: string; indicator: string; revision: number }[];
}

export async function benchHttp(): Promise<BenchRow[]> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/http-server.ts'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const setup = await new Promise<Setup>((resolve, reject) => {
    createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line) as Setup));
    server.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const { address, baselineAddress, id, token, slots } = setup;
  try {
    /**
     * Each connection owns every 50th indicator (its own residue), cycles through them and keeps their
     * revisions, so that writes never collide and every save is a real one (200).
     */
    const revisionOf = new Map(setup.revisions.map((r) => [`${r.process}/${r.indicator}`, r.revision]));
    /** Shared by both runs: the baseline writes the same rows and bumps the same revisions. */
    const revisions = slots.map((s) => revisionOf.get(`${s.process}/${s.indicator}`) ?? 0);
    const saveRequest = (prefix: string): autocannon.Request => {
      let connections = 0;
      interface Own {
        residue: number;
        step: number;
        slot: number;
      }
      return {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const ctx = context as { own?: Own };
          ctx.own ??= { residue: connections++ % CONNECTIONS, step: -1, slot: 0 };
          const own = ctx.own;
          own.step = (own.step + 1) % Math.ceil((slots.length - own.residue) / CONNECTIONS);
          own.slot = own.residue + own.step * CONNECTIONS;
          const s = slots[ctx.own.slot]!;
          return { ...req, path: `${prefix}/${s.process}/${s.indicator}`, body: JSON.stringify({ rating: revisions[ctx.own.slot]! % 2 ? 'F' : 'L', evidence: '效能測試', revision: revisions[ctx.own.slot] }) };
        },
        onResponse: (status, body, context) => {
          const slot = (context as { own: Own }).own.slot;
          if (status === 200) revisions[slot]! += 1;
          // A write that completed after the previous run stopped listening: take the revision it reports.
          else if (status === 409) revisions[slot] = (JSON.parse(body) as { current?: { revision: number } | null }).current?.revision ?? revisions[slot]!;
        },
      };
    };

    const rows: BenchRow[] = [];
    const [save, saveBase] = await alternate(
      () => run(address, saveRequest(`/api/assessments/${id}/answers`)),
      () => run(baselineAddress, saveRequest('/baseline/answers')),
    );
    const [read, readBase] = await alternate(
      () => run(address, { method: 'GET', path: `/api/assessments/${id}`, headers: { authorization: `Bearer ${token}` } }),
      () => run(baselineAddress, { method: 'GET', path: '/baseline/assessment', headers: { authorization: `Bearer ${token}` } }),
    );
    const answers = slots.length;
    for (const [name, ours, base] of [
      [`save an answer (PUT, ${CONNECTIONS} connections)`, save, saveBase],
      [`read a whole assessment (GET, ${answers} answers)`, read, readBase],
    ] as const) {
      const ratio = ours.rps / base.rps;
      rows.push({ name: `${name}: throughput vs baseline`, subject: `${ours.rps.toFixed(0)} vs ${base.rps.toFixed(0)} req/s`, value: `${(ratio * 100).toFixed(0)} %`, runs: `${ROUNDS} × ${DURATION} s, alternating`, goal: '≥ 75 %', ok: ratio >= 0.75 });
      rows.push({ name: `${name}: latency p50 / p99`, subject: `baseline ${base.p50} / ${base.p99} ms`, value: `${ours.p50} / ${ours.p99} ms`, runs: `non-2xx ${ours.non2xx} / ${base.non2xx}`, goal: 'reported (closed loop; the load bench\'s open loops hold the goal)', ok: null });
    }
    return rows;
  } finally {
    server.kill('SIGTERM');
  }
}
