// The pages without JavaScript (a browser context with it turned off): logging in, answering through the
// plain form post, and a refused post (409) that shows the page again with what was typed.
import { expect, it } from 'vitest';
import { answerWith, axeCheck, describeBrowser, expectStatus, loads, shot } from '../helpers/browser.js';

describeBrowser('the pages without JavaScript', (b) => {
  it('answers through the plain form post and shows it saved', async () => {
    const agency = await b.actor('agency');
    const id = (await b.app.services.assessments.list(agency, { agency: 'MOI-001', cycle: 109 }))[0]!.id;
    const page = await b.newPage({ javaScriptEnabled: false });
    await b.login(page, 'agency');
    await axeCheck(page);
    await loads(page, () => page.locator(`main a[href="/assessments/${id}"]`).click());
    await axeCheck(page);
    await page.goto(`/assessments/${id}/processes/DET-01`);
    await axeCheck(page);

    const bp1 = page.locator('#ind-BP1');
    await bp1.getByLabel('F 完全達成').check();
    await bp1.getByLabel(/佐證說明/).fill('資安監控中心（SOC）委外服務契約及 109 年 1 至 3 月監控月報');
    await bp1.getByLabel('備註').fill('月報由資訊室每月檢閱');
    // Without JavaScript the save button posts the form: the page comes back from the server.
    await loads(page, () => bp1.getByRole('button', { name: '儲存', exact: true }).click());
    await axeCheck(page);
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/assessments/${id}/processes/DET-01`);
    expect(url.search).toBe('?done=saved');
    expect(url.hash).toBe('#ind-BP1');
    expect(await page.locator('.flash-ok').innerText()).toBe('已儲存');
    const after = page.locator('#ind-BP1');
    expect(await after.getByLabel('F 完全達成').isChecked()).toBe(true);
    expect(await after.getByLabel(/佐證說明/).inputValue()).toBe('資安監控中心（SOC）委外服務契約及 109 年 1 至 3 月監控月報');
    expect((await b.app.services.assessments.get(agency, id)).answers.find((a) => a.process === 'DET-01' && a.indicator === 'BP1')).toMatchObject({
      rating: 'F',
      evidence: '資安監控中心（SOC）委外服務契約及 109 年 1 至 3 月監控月報',
      note: '月報由資訊室每月檢閱',
      unconfirmed: false,
    });
    await shot(page, 'nojs-saved');
  });

  it('shows a refused post (409) again with what was typed', async () => {
    const agency = await b.actor('agency');
    const id = (await b.app.services.assessments.list(agency, { agency: 'MOI-001', cycle: 109 }))[0]!.id;
    await answerWith(b.app, agency, id, (process, indicator) => (process === 'DET-02' && indicator === 'BP1' ? { rating: 'L', evidence: '事件通報程序書第 2 版' } : undefined));
    const page = await b.newPage({ javaScriptEnabled: false });
    await b.login(page, 'agency');
    await axeCheck(page);
    await page.goto(`/assessments/${id}/processes/DET-02`);
    await axeCheck(page);

    // Someone else saves first.
    await answerWith(b.app, await b.actor('ciso'), id, (process, indicator) => (process === 'DET-02' && indicator === 'BP1' ? { rating: 'F', evidence: '事件通報程序書第 3 版及演練紀錄' } : undefined));

    const typed = '事件通報程序書第 2 版及 109 年通報紀錄';
    await page.locator('#ind-BP1').getByLabel(/佐證說明/).fill(typed);
    expectStatus(page, 409, `/assessments/${id}/processes/DET-02/answers/BP1`);
    await loads(page, () => page.locator('#ind-BP1').getByRole('button', { name: '儲存', exact: true }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-error').innerText()).toContain('這個答案已在其他地方被更新');
    expect(await page.locator('#ind-BP1').getByLabel(/佐證說明/).inputValue()).toBe(typed);
    expect((await b.app.services.assessments.get(agency, id)).answers.find((a) => a.process === 'DET-02' && a.indicator === 'BP1')!.evidence).toBe('事件通報程序書第 3 版及演練紀錄');
    await shot(page, 'nojs-conflict');
  });
});
