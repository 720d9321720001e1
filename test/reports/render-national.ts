// Renders a national report from a JSON input file in a process of its own, as a fresh server process
// would: `render-national.ts input.json <lang> out.pdf`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderNationalReport, type NationalReportInput } from '../../src/reports/national-report.js';

const [input, lang, out] = process.argv.slice(2);
if (!input || (lang !== 'zh-TW' && lang !== 'en') || !out) throw new Error('usage: render-national.ts input.json zh-TW|en out.pdf');
writeFileSync(out, await renderNationalReport(JSON.parse(readFileSync(input, 'utf8')) as NationalReportInput, { lang }));
