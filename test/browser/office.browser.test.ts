// The security office's journey in the browser: import agencies from a CSV (a file with a bad row is
// refused, showing the row and its problem; then a good file), start an imported agency's assessment,
// record an assessor's qualification, and assign a qualified assessor (only such are offered).
import { expect, it } from 'vitest';
import { axeCheck, describeBrowser, expectStatus, loads, shot } from '../helpers/browser.js';

const BAD_CSV = 'code,name,ministry,grade\nNDC-001,國家發展委員會示範處,國家發展委員會,B\nNDC-002,,國家發展委員會,Z\n';
const GOOD_CSV = 'code,name,ministry,grade\nNDC-001,國家發展委員會示範處,國家發展委員會,B\nNDC-002,國家發展委員會示範中心,國家發展委員會,C\n';

describeBrowser('the office journey', (b) => {
  it('imports agencies from a CSV, showing a bad row, then assigns a qualified assessor', async () => {
    const office = await b.actor('office');
    const page = await b.newPage();
    await b.login(page, 'office');
    await axeCheck(page);
    await loads(page, () => page.getByRole('link', { name: '資安處' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/office/agencies');
    await shot(page, 'office-agencies');

    // A file with a bad row: nothing is imported, and the page names the row and what is wrong with it.
    const form = page.locator('form[action="/office/agencies"][method="post"]');
    await form.getByLabel('等級所屬年度').selectOption('109');
    await form.locator('input[type=file]').setInputFiles({ name: 'agencies.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    expectStatus(page, 400, '/office/agencies');
    await loads(page, () => form.getByRole('button', { name: '匯入' }).click());
    await axeCheck(page);
    const problems = await page.locator('section[aria-labelledby="problems-heading"]').innerText();
    expect(problems).toContain('第 3 行 · name');
    expect(problems).toContain('第 3 行 · grade');
    expect(problems).not.toContain('第 2 行');
    expect(await page.locator('.flash-error').first().innerText()).toContain('未完成');
    expect((await b.app.services.agencies.list(office)).some((a) => a.code.startsWith('NDC-'))).toBe(false);
    await shot(page, 'office-import-refused');

    // The corrected file.
    await form.getByLabel('等級所屬年度').selectOption('109');
    await form.locator('input[type=file]').setInputFiles({ name: 'agencies.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await loads(page, () => form.getByRole('button', { name: '匯入' }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe('已匯入 2 個機關：新增 2 個，更新 0 個。');
    const table = await page.locator('main table').innerText();
    expect(table).toContain('國家發展委員會示範處');
    expect(table).toContain('國家發展委員會示範中心');
    expect((await b.app.services.agencies.get(office, 'NDC-001')).grades['109']).toBe('B');

    // The office starts NDC-001's 109 assessment from my work.
    await page.goto('/');
    await axeCheck(page);
    await page.getByLabel('機關', { exact: true }).selectOption('NDC-001');
    await page.getByLabel('年度', { exact: true }).selectOption('109');
    await loads(page, () => page.getByRole('button', { name: '建立評估' }).click());
    await axeCheck(page);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    expect((await b.app.services.assessments.get(office, id)).agency).toBe('NDC-001');

    // A new assessor, not yet qualified, and another who never will be in this test.
    await b.addUser({ username: 'assessor2', role: 'assessor', displayName: '評審員 李四' });
    await b.addUser({ username: 'assessor3', role: 'assessor', displayName: '評審員 王五' });
    await page.goto('/office/assignments?cycle=109');
    await axeCheck(page);
    const row = () => page.locator('main tbody tr', { hasText: 'NDC-001' });
    const offered = async () => row().locator('select option').allInnerTexts();
    expect(await offered()).not.toContain('assessor2');

    // Record assessor2's qualification, with an affiliation to NDC-002 (so not independent there).
    await loads(page, () => page.getByRole('navigation', { name: /資安處/ }).getByRole('link', { name: '評審員資格' }).click());
    await axeCheck(page);
    const today = b.app.services.clock.now();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const assessorRow = page.locator('main tbody tr', { hasText: 'assessor2' });
    await assessorRow.locator('summary', { hasText: '編輯資格' }).click();
    await assessorRow.getByLabel('資格取得日').fill(day(-30));
    await assessorRow.getByLabel('資格有效至').fill(day(365));
    await assessorRow.getByLabel(/所屬或曾服務機關/).fill('NDC-002, 109, 前任顧問');
    await shot(page, 'office-assessor-edit');
    await loads(page, () => assessorRow.getByRole('button', { name: '儲存' }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe('評審員資格已儲存。');
    expect(await page.locator('main tbody tr', { hasText: 'assessor2' }).innerText()).toContain('是');

    // Assign: the menu offers the qualified, independent assessors only.
    await page.goto('/office/assignments?cycle=109');
    await axeCheck(page);
    const choices = await offered();
    expect(choices).toContain('assessor2');
    expect(choices).toContain('assessor');
    expect(choices).not.toContain('assessor3');
    expect(await page.locator('main tbody tr', { hasText: 'NDC-002' }).count()).toBe(0);
    await row().locator('select').selectOption('assessor2');
    await loads(page, () => row().getByRole('button', { name: '指派' }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe('已指派評審員。');
    expect(await row().innerText()).toContain('assessor2');
    expect((await b.app.services.assessments.get(office, id)).assessor).toBe('assessor2');
    await shot(page, 'office-assignments');
  });
});
