// Two browser sessions edit the same answer: the first saves; the second's autosave is refused with
// 409, says so plainly, and keeps what was typed; after a reload it shows the first one's answer.
import { expect, it } from 'vitest';
import { answerWith, axeCheck, describeBrowser, expectStatus, shot } from '../helpers/browser.js';

const PROCESS = 'GOV-04';

describeBrowser('a conflict between two browser sessions', (b) => {
  it('refuses the second save with a clear message and keeps its typed text', async () => {
    const agency = await b.actor('agency');
    const id = (await b.app.services.assessments.list(agency, { agency: 'MOI-001', cycle: 109 }))[0]!.id;
    await answerWith(b.app, agency, id, (process, indicator) => (process === PROCESS && indicator === 'BP1' ? { rating: 'L', evidence: '法規鑑別清單（108 年版）' } : undefined));
    const stored = async () => (await b.app.services.assessments.get(agency, id)).answers.find((a) => a.process === PROCESS && a.indicator === 'BP1')!;
    const url = `/assessments/${id}/processes/${PROCESS}`;

    // Both open the page while the answer is at the same revision.
    const first = await b.newPage();
    await b.login(first, 'agency');
    await axeCheck(first);
    await first.goto(url);
    await axeCheck(first);
    const second = await b.newPage();
    await b.login(second, 'ciso');
    await axeCheck(second);
    await second.goto(url);
    await axeCheck(second);

    // The first saves a new evidence text.
    await first.locator('#ind-BP1').getByLabel(/佐證說明/).fill('法規鑑別清單（109 年 2 月 3 日修訂版）');
    await expect.poll(async () => (await stored()).evidence, { timeout: 10_000 }).toBe('法規鑑別清單（109 年 2 月 3 日修訂版）');
    await expect.poll(() => first.locator('#ind-BP1 .save-state').innerText()).toBe('已儲存');

    // The second, still at the old revision, types its own: refused with 409, said plainly, nothing lost.
    expectStatus(second, 409, `/api/assessments/${id}/answers/${PROCESS}/BP1`);
    const typed = '法規鑑別清單及個資保護法遵檢核表（109 年 1 月）';
    const evidence = second.locator('#ind-BP1').getByLabel(/佐證說明/);
    await evidence.fill(typed);
    const state = second.locator('#ind-BP1 .save-state');
    await expect.poll(() => state.innerText(), { timeout: 10_000 }).toContain('這個答案已在其他地方被更新');
    expect(await state.getAttribute('class')).toContain('error');
    expect(await evidence.inputValue()).toBe(typed);
    expect((await stored()).evidence).toBe('法規鑑別清單（109 年 2 月 3 日修訂版）');
    await shot(second, 'conflict');

    // A reload shows the answer as it stands.
    await second.reload();
    await axeCheck(second);
    expect(await second.locator('#ind-BP1').getByLabel(/佐證說明/).inputValue()).toBe('法規鑑別清單（109 年 2 月 3 日修訂版）');
  });
});
