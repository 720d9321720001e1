// Renders a findings report from a JSON input file in a process of its own, as a fresh server process
// would after a restart: `render-report.ts input.json <lang> <part> out.pdf`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderFindingsReport } from '../../src/reports/findings-report.js';
import type { ReportInput } from '../../src/reports/report-input.js';

const [input, lang, part, out] = process.argv.slice(2);
if (!input || (lang !== 'zh-TW' && lang !== 'en') || (part !== 'main' && part !== 'annex') || !out) {
  throw new Error('usage: render-report.ts input.json zh-TW|en main|annex out.pdf');
}
writeFileSync(out, await renderFindingsReport(JSON.parse(readFileSync(input, 'utf8')) as ReportInput, { lang, part }));
