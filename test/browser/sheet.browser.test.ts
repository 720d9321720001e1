// The spreadsheet round trip in the browser: download the assessment's workbook through the overview's
// link, change a rating in it (exceljs, as a person would in a spreadsheet program), upload it through
// the overview's form (a workbook with a bad row first, refused with the row named), and see the change.
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { answerWith, axeCheck, describeBrowser, expectStatus, loads, processName, shot } from '../helpers/browser.js';

const PROCESS = 'GOV-05';

/** The workbook with the ratings of `process`'s indicators changed as `ratings` says (indicator → rating). */
async function withRatings(bytes: Buffer, process: string, ratings: Record<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('Answers 填答')!;
  const left = new Set(Object.keys(ratings));
  sheet.eachRow((row) => {
    const indicator = row.getCell(2).value;
    if (row.getCell(1).value === process && typeof indicator === 'string' && left.delete(indicator)) row.getCell(6).value = ratings[indicator]!;
  });
  if (left.size > 0) throw new Error(`no row for ${process} ${[...left].join(', ')}`);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describeBrowser('the spreadsheet round trip', (b) => {
  it('downloads the sheet, changes a rating in it, uploads it and shows the change', async () => {
    const agency = await b.actor('agency');
    const id = (await b.app.services.assessments.list(agency, { agency: 'MOI-001', cycle: 109 }))[0]!.id;
    await answerWith(b.app, agency, id, (process, _indicator, level) => (process === PROCESS && level <= 3 ? { rating: 'F', evidence: `${process} 風險評鑑報告及處理計畫` } : undefined));
    const levelOf = async () => (await b.app.services.assessments.result(agency, id)).self.processes.find((p) => p.id === PROCESS)!.level;
    expect(await levelOf()).toBe(3);
    const name = (await processName(b.app, (await b.app.services.assessments.get(agency, id)).questionnaire, PROCESS))['zh-TW'];

    const page = await b.newPage();
    await b.login(page, 'agency');
    await axeCheck(page);
    await page.goto(`/assessments/${id}`);
    await axeCheck(page);
    const processRow = () => page.locator('main tr', { has: page.getByRole('link', { name: `${PROCESS} ${name}` }) });
    expect(await processRow().locator('td').nth(2).innerText()).toBe('3');

    // Download through the page's link.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下載試算表' }).click()]);
    expect(download.suggestedFilename()).toBe(`assessment-${id}.xlsx`);
    const original = await readFile(await download.path());

    // A workbook with a rating the questionnaire does not have: refused, with its row.
    const form = page.locator(`form[action^="/assessments/${id}/sheet"]`);
    await form.getByLabel('上傳填好的試算表').setInputFiles({ name: 'sheet.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await withRatings(original, PROCESS, { BP1: 'X' }) });
    expectStatus(page, 422, `/assessments/${id}/sheet`);
    await loads(page, () => form.getByRole('button', { name: '上傳', exact: true }).click());
    await axeCheck(page);
    const problems = await page.locator('section[aria-labelledby="sheet-h"] ul.problems').innerText();
    expect(problems).toMatch(/rating/);
    expect(await levelOf()).toBe(3);
    await shot(page, 'sheet-refused');

    // BP1 and BP2 not achieved: the process drops to level 1.
    await form.getByLabel('上傳填好的試算表').setInputFiles({ name: 'sheet.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await withRatings(original, PROCESS, { BP1: 'N', BP2: 'N' }) });
    await loads(page, () => form.getByRole('button', { name: '上傳', exact: true }).click());
    await axeCheck(page);
    expect(new URL(page.url()).search).toBe('?done=uploaded');
    expect(await page.locator('.flash-ok').innerText()).toBe('已儲存');
    const now = await levelOf();
    expect(now).toBe(1);
    expect(await processRow().locator('td').nth(2).innerText()).toBe(String(now));
    await shot(page, 'sheet-uploaded');

    await loads(page, () => page.getByRole('link', { name: `${PROCESS} ${name}` }).click());
    await axeCheck(page);
    for (const indicator of ['BP1', 'BP2']) expect(await page.locator(`#ind-${indicator}`).getByLabel('N 未達成').isChecked()).toBe(true);
    expect(await page.locator('aside[data-result-panel] [data-result-process]').innerText()).toBe('1');
  });
});
