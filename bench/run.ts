// `npm run bench`: every benchmark of the project (scoring, the heaviest pages, the findings and national reports, the hottest API routes, the programme's reads at national scale), printed as one table. `BENCH_SECONDS` sets the
// length of each HTTP run (10 s by default).
import { benchDashboard } from './dashboard.bench.js';
import { benchHttp } from './http.bench.js';
import { benchPages } from './pages.bench.js';
import { benchReport } from './report.bench.js';
import { benchScoring } from './scoring.bench.js';
import { printTable } from './table.js';

printTable([...benchScoring(), ...(await benchPages()), ...(await benchReport()), ...(await benchHttp()), ...(await benchDashboard())]);
