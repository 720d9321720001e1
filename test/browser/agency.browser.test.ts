// The agency's journey in the browser, on the demo's 109 draft of MOI-001: the agency staff member answers
// an indicator (autosaved; the provisional level on the page follows) and uploads a file; the CISO tries
// to submit with an evidence text missing, follows the completeness link to it, fills it in, and submits
// with the sign-off statement. The other answers are given through the services beforehand.
import { expect, it } from 'vitest';
import { answerWith, axeCheck, describeBrowser, expectStatus, loads, processName, shot } from '../helpers/browser.js';

const PROCESS = 'GOV-02';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describeBrowser('the agency journey', (b) => {
  it('answers, sees the provisional level change, uploads evidence, and the CISO submits once complete', async () => {
    const ciso = await b.actor('ciso');
    const id = (await b.app.services.assessments.list(ciso, { agency: 'MOI-001', cycle: 109 }))[0]!.id;
    // Everything up to the target (3) fully achieved with evidence, except in GOV-02: BP1 not achieved
    // (the agency answers it in the browser) and BP2 largely achieved without its evidence text.
    await answerWith(b.app, ciso, id, (process, indicator, level) => {
      if (level > 3) return undefined;
      if (process === PROCESS && indicator === 'BP1') return { rating: 'N' };
      if (process === PROCESS && indicator === 'BP2') return { rating: 'L' };
      return { rating: 'F', evidence: `${process} ${indicator}：核定文件及執行紀錄` };
    });
    const selfOf = async () => (await b.app.services.assessments.result(ciso, id)).self;
    const before = await selfOf();
    const name = await processName(b.app, (await b.app.services.assessments.get(ciso, id)).questionnaire, PROCESS);

    // The agency staff member: my work → the assessment → the process.
    const page = await b.newPage();
    await b.login(page, 'agency');
    await axeCheck(page);
    await shot(page, 'agency-home');
    await loads(page, () => page.locator(`main a[href="/assessments/${id}"]`).click());
    await axeCheck(page);
    expect(await page.locator('main').innerText()).toContain('僅資通安全長可送出評估');
    await shot(page, 'agency-overview');
    await loads(page, () => page.getByRole('link', { name: `${PROCESS} ${name['zh-TW']}` }).click());
    await axeCheck(page);
    await shot(page, 'agency-process');
    const panel = page.locator('aside[data-result-panel]');
    const processLevel = panel.locator('[data-result-process]');
    const level = panel.locator('[data-result-level]');
    expect(await processLevel.innerText()).toBe(String(before.processes.find((p) => p.id === PROCESS)!.level));
    expect(await level.innerText()).toBe(String(before.level));

    // Answer BP1: the rating saves at once, the evidence text as it is typed.
    const bp1 = page.locator('#ind-BP1');
    await bp1.getByLabel('F 完全達成').check();
    await bp1.getByLabel(/佐證說明/).fill('資安組織設置要點（109 年 1 月 10 日核定）及資安長指派函');
    await expect.poll(async () => (await b.app.services.assessments.get(ciso, id)).answers.find((a) => a.process === PROCESS && a.indicator === 'BP1'), { timeout: 10_000 }).toMatchObject({ rating: 'F', evidence: '資安組織設置要點（109 年 1 月 10 日核定）及資安長指派函' });
    await expect.poll(() => bp1.locator('.save-state').innerText()).toBe('已儲存');
    const after = await selfOf();
    const processAfter = after.processes.find((p) => p.id === PROCESS)!.level;
    expect(processAfter).not.toBe(before.processes.find((p) => p.id === PROCESS)!.level);
    expect(after.level).not.toBe(before.level);
    // The live result on the page follows the save, without a reload.
    await expect.poll(() => processLevel.innerText()).toBe(String(processAfter));
    await expect.poll(() => level.innerText()).toBe(String(after.level));
    await shot(page, 'agency-process-saved');

    // Upload a file for BP1 (a plain multipart form).
    await bp1.locator('input[type=file]').setInputFiles({ name: '資安組織設置要點.pdf', mimeType: 'application/pdf', buffer: PDF });
    await loads(page, () => bp1.locator('button[type=submit]', { hasText: '上傳檔案' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).hash).toBe('#ind-BP1');
    expect(await page.locator('.flash-ok').innerText()).toBe('已儲存');
    expect(await page.locator('#ind-BP1').getByRole('link', { name: '資安組織設置要點.pdf' }).count()).toBe(1);
    expect((await b.app.services.assessments.get(ciso, id)).evidence.some((e) => e.process === PROCESS && e.indicator === 'BP1' && e.name === '資安組織設置要點.pdf')).toBe(true);

    // The CISO tries to submit: BP2 has no evidence text, so the submission is refused and says so.
    const cisoPage = await b.newPage();
    await b.login(cisoPage, 'ciso');
    await axeCheck(cisoPage);
    await cisoPage.goto(`/assessments/${id}`);
    await axeCheck(cisoPage);
    const completeness = cisoPage.locator('section[aria-labelledby="complete-h"]');
    expect(await completeness.innerText()).toContain('缺少佐證說明（1）');
    await cisoPage.getByLabel('我確認上述聲明').check();
    expectStatus(cisoPage, 422, `/assessments/${id}/submit`);
    await loads(cisoPage, () => cisoPage.getByRole('button', { name: '送出評估' }).click());
    await axeCheck(cisoPage);
    expect(await cisoPage.locator('.flash-error').innerText()).toBe('尚未送出：仍有 0 項未填答、1 項缺少佐證說明，請依「送出前尚需完成」清單補齊。');
    expect((await b.app.services.assessments.get(ciso, id)).status).toBe('draft');
    await shot(cisoPage, 'ciso-submit-refused');

    // The completeness list links to the place: the process page, scrolled to BP2.
    await loads(cisoPage, () => completeness.getByRole('link', { name: `${PROCESS} BP2` }).click());
    expect(new URL(cisoPage.url()).pathname).toBe(`/assessments/${id}/processes/${PROCESS}`);
    expect(new URL(cisoPage.url()).hash).toBe('#ind-BP2');
    const bp2 = cisoPage.locator('#ind-BP2');
    // (Before axe-core, which scrolls as it checks contrast.)
    const top = (await bp2.boundingBox())?.y;
    expect(top, 'BP2 is scrolled into view').toBeGreaterThan(-2);
    expect(top).toBeLessThan(cisoPage.viewportSize()!.height / 2);
    await axeCheck(cisoPage);
    expect(await bp2.getByLabel('L 大部分達成').isChecked()).toBe(true);
    await bp2.getByLabel(/佐證說明/).fill('資安推動委員會 109 年第 1 次會議紀錄（109 年 3 月 5 日）');
    await expect.poll(async () => (await b.app.services.assessments.get(ciso, id)).answers.find((a) => a.process === PROCESS && a.indicator === 'BP2')?.evidence, { timeout: 10_000 }).toBe('資安推動委員會 109 年第 1 次會議紀錄（109 年 3 月 5 日）');
    await expect.poll(() => bp2.locator('.save-state').innerText()).toBe('已儲存');

    // Back on the overview, nothing is missing: the CISO confirms the statement and submits.
    await loads(cisoPage, () => cisoPage.locator('aside[data-result-panel]').getByRole('link', { name: '返回' }).click());
    await axeCheck(cisoPage);
    expect(await completeness.innerText()).toContain('所有必要項目均已填答');
    await shot(cisoPage, 'ciso-overview-complete');
    await cisoPage.getByLabel('我確認上述聲明').check();
    await loads(cisoPage, () => cisoPage.getByRole('button', { name: '送出評估' }).click());
    await axeCheck(cisoPage);
    expect(new URL(cisoPage.url()).search).toBe('?done=submitted');
    const main = await cisoPage.locator('main').innerText();
    expect(main).toContain('已送出');
    expect(main).toContain('資安長 王大明（ciso）');
    await shot(cisoPage, 'ciso-submitted');
    const submitted = await b.app.services.assessments.get(ciso, id);
    expect(submitted.status).toBe('submitted');
    expect(submitted.signOff).toMatchObject({ username: 'ciso', name: '資安長 王大明' });
  });
});
