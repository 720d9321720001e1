// Server time and weight of the two heaviest pages, for a full isgm-109@1.1.0 assessment (every
// indicator answered, every evidence text filled in): the overview and the largest process page.
// Measured in a warm process through fastify's inject (the whole request pipeline, no network).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import type { BenchRow } from './table.js';

const WARM = 20;
const RUNS = 100;
const GOAL_MS = 50;
const GOAL_KB = 300;

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

export async function benchPages(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pages-'));
  const app = await buildApp(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, DEMO: '0', LOG_LEVEL: 'silent' }));
  try {
    const s = app.services;
    const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
    await s.agencies.create(system, { code: 'BENCH-A', name: '效能測試機關', ministry: '測試部', grades: { '109': 'A' } });
    await s.accounts.createUser(null, { username: 'bench', role: 'agency', agency: 'BENCH-A', ministry: null, password: 'bench-password-1234' });
    const { id } = await s.assessments.create(system, { agency: 'BENCH-A', cycle: 109 });
    const agency = { id: (await s.accounts.getUser('bench')).id, username: 'bench', role: 'agency' as const, agency: 'BENCH-A', ministry: null };
    const index = await s.questionnaires.index((await s.assessments.get(system, id)).questionnaire);
    let answered = 0;
    for (const p of index.processes) {
      for (const attribute of p.attributes) {
        for (const i of attribute.indicators) {
          const evidence = `${p.id} ${i.id}：${'資通安全維護計畫第 3 版（文號 109-0123，109 年 2 月 1 日核定）；年度稽核報告；'.repeat(3)}`;
          await s.answers.put(agency, id, p.id, i.id, { rating: answered % 3 === 0 ? 'L' : 'F', evidence, revision: 0 });
          answered++;
        }
      }
    }
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'bench', password: 'bench-password-1234' } });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const largest = [...index.processes].sort((a, b) => b.indicatorById.size - a.indicatorById.size)[0]!;
    const assets = await Promise.all(['/assets/app.css', '/assets/app.js'].map((url) => app.inject({ method: 'GET', url })));
    const assetBytes = assets.reduce((n, r) => n + r.rawPayload.length, 0);

    const rows: BenchRow[] = [];
    for (const [name, url] of [
      ['overview page', `/assessments/${id}`],
      [`process page (${largest.id}, ${largest.indicatorById.size} indicators)`, `/assessments/${id}/processes/${largest.id}`],
    ] as const) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < WARM + RUNS; i++) {
        const started = performance.now();
        const response = await app.inject({ method: 'GET', url, headers: { cookie } });
        const elapsed = performance.now() - started;
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
        bytes = response.rawPayload.length;
        if (i >= WARM) times.push(elapsed);
      }
      const p50 = percentile(times, 0.5);
      const p95 = percentile(times, 0.95);
      rows.push({ name: `${name}, server time`, subject: `${answered} answers`, value: `p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`, runs: String(RUNS), goal: `< ${GOAL_MS} ms`, ok: p50 < GOAL_MS });
      const kb = (bytes + assetBytes) / 1024;
      rows.push({ name: `${name}, weight`, subject: 'HTML + CSS + JS', value: `${kb.toFixed(0)} KB (HTML ${(bytes / 1024).toFixed(0)} KB)`, runs: '1', goal: `< ${GOAL_KB} KB`, ok: kb < GOAL_KB });
    }
    return rows;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
