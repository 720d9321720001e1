// `npm run bench`: every benchmark of the project (scoring, the heaviest pages, the findings and national reports, the hottest
// API routes, the programme's reads at national scale), printed as one table. `BENCH_SECONDS` sets the length of each HTTP
// run (10 s by default); `BENCH_ONLY=dashboard,report` runs only the benchmarks named (scoring, pages, report, http, dashboard, load);
// the load bench's own settings (LOAD_SECONDS, LOAD_USERS, …) are listed at the top of bench/load.bench.ts.
import { benchDashboard } from './dashboard.bench.js';
import { benchHttp } from './http.bench.js';
import { benchLoad } from './load.bench.js';
import { benchPages } from './pages.bench.js';
import { benchReport } from './report.bench.js';
import { benchScoring } from './scoring.bench.js';
import { printTable, type BenchRow } from './table.js';

const BENCHES: Record<string, () => BenchRow[] | Promise<BenchRow[]>> = { scoring: benchScoring, pages: benchPages, report: benchReport, http: benchHttp, dashboard: benchDashboard, load: benchLoad };
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = (only ?? []).filter((name) => !(name in BENCHES));
if (unknown.length > 0) throw new Error(`BENCH_ONLY names no benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
const rows: BenchRow[] = [];
for (const [name, bench] of Object.entries(BENCHES)) if (!only || only.includes(name)) rows.push(...(await bench()));
printTable(rows);
