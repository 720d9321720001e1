// The lead assessor's journey in the browser, on the demo's submitted 109 assessment of MOI-002: start the
// review, change a rating with a reason, return it with a comment (which the agency then sees, with the
// change); after the agency resubmits (through the services), accept it through the confirmation page
// that shows the validated level.
import { expect, it } from 'vitest';
import { axeCheck, describeBrowser, loads, shot } from '../helpers/browser.js';

const PROCESS = 'GOV-03';
const REASON = '抽查 109 年預算執行紀錄，資安經費未單獨列示';
const COMMENT = '請補充 GOV-03 資安經費編列之佐證，並說明未單獨列示之原因。';

describeBrowser('the assessor journey', (b) => {
  it('reviews, changes a rating with a reason, returns, and accepts the resubmission after confirming the validated level', async () => {
    const assessor = await b.actor('assessor');
    const id = (await b.app.services.assessments.list(assessor, { agency: 'MOI-002', cycle: 109 }))[0]!.id;
    expect((await b.app.services.assessments.get(assessor, id)).status).toBe('submitted');

    // My queue → the assessment → its review page.
    const page = await b.newPage();
    await b.login(page, 'assessor');
    await axeCheck(page);
    expect(await page.locator('main h2').first().innerText()).toBe('待審查');
    await shot(page, 'assessor-queue');
    await loads(page, () => page.locator(`main a[href="/assessments/${id}"]`).click());
    await axeCheck(page);
    await loads(page, () => page.getByRole('link', { name: '審查頁面' }).click());
    await axeCheck(page);
    await shot(page, 'review-submitted');

    // Start the review.
    await loads(page, () => page.getByRole('button', { name: '開始審查' }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe('審查中');
    expect((await b.app.services.assessments.get(assessor, id)).status).toBe('in_review');

    // Change GOV-03 BP2's rating, with a reason.
    await loads(page, () => page.getByRole('navigation', { name: '流程構面' }).getByRole('link', { name: PROCESS }).click());
    await axeCheck(page);
    const bp2 = page.locator('#ind-BP2');
    expect(await bp2.locator('dd').first().innerText()).toBe('F 完全達成');
    await bp2.getByLabel('評等').selectOption('P');
    await bp2.getByLabel('理由').fill(REASON);
    await loads(page, () => bp2.getByRole('button', { name: '儲存評等' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).search).toBe(`?process=${PROCESS}&done=saved`);
    expect(await page.locator('#ind-BP2').innerText()).toContain(`P（${REASON}）`);
    const rated = (await b.app.services.assessments.get(assessor, id)).answers.find((a) => a.process === PROCESS && a.indicator === 'BP2')!;
    expect(rated.assessor).toMatchObject({ rating: 'P', reason: REASON, stale: false });
    await shot(page, 'review-rated');

    // Return it with a comment.
    await page.getByLabel('退回說明').fill(COMMENT);
    await loads(page, () => page.getByRole('button', { name: '退回補正' }).click());
    await axeCheck(page);
    expect((await b.app.services.assessments.get(assessor, id)).status).toBe('returned');
    expect(await page.locator('main .state').first().innerText()).toBe('退回補正');

    // The agency sees the return, its comment and the assessor's change.
    await b.addUser({ username: 'moi2.staff', role: 'agency', agency: 'MOI-002', displayName: '填報人 張三' });
    const agencyPage = await b.newPage();
    await b.login(agencyPage, 'moi2.staff');
    await axeCheck(agencyPage);
    await loads(agencyPage, () => agencyPage.locator(`main a[href="/assessments/${id}"]`).click());
    await axeCheck(agencyPage);
    const returned = agencyPage.locator('section[aria-labelledby="returned-h"]');
    const said = await returned.innerText();
    expect(said).toContain(COMMENT);
    expect(said).toContain(`${PROCESS} BP2: F → P（${REASON}）`);
    await shot(agencyPage, 'agency-returned');

    // The agency resubmits (through the services: not this journey's point).
    const moi2Ciso = await b.actor('ciso.moi-002');
    await b.app.services.answers.comment(moi2Ciso, id, '已補充經費編列說明。');
    await b.app.services.assessments.submit(moi2Ciso, id, { statement: true });

    // The assessor reviews again and accepts, after the confirmation page with the validated level.
    await page.goto(`/assessments/${id}/review`);
    await axeCheck(page);
    await loads(page, () => page.getByRole('button', { name: '開始審查' }).click());
    await axeCheck(page);
    await loads(page, () => page.getByRole('link', { name: '核定…' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe(`/assessments/${id}/review/accept`);
    const result = await b.app.services.assessments.result(assessor, id);
    const summary = page.locator('section[aria-labelledby="sum-h"]');
    expect(await summary.locator('.level-big').innerText()).toBe(String(result.validated.level));
    expect(await summary.innerText()).toContain(`${PROCESS} BP2：F → P（${REASON}）`);
    await shot(page, 'review-accept');
    await page.getByLabel(/我已確認上述驗證結果/).check();
    await loads(page, () => page.getByRole('button', { name: '確認核定' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe(`/assessments/${id}`);
    const view = await b.app.services.assessments.get(assessor, id);
    expect(view.status).toBe('accepted');
    const code = (await b.app.services.assessments.result(assessor, id)).verificationCode;
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    const main = await page.locator('main').innerText();
    expect(main).toContain('已核定');
    expect(main).toContain(code!);
    expect(await page.locator('[data-result-level]').innerText()).toBe(String(result.validated.level));
    await shot(page, 'assessor-accepted');
  });
});
