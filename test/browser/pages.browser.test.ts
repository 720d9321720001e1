// Every page not already on a journey, as each role reaches it: the ministry's agencies, my account (with
// a second factor's enrolment and its QR code), the office's users, cycles and audit log, the public
// verification of a sealed record, an error page, and logging out. axe-core checks each; screenshots of each.
import { expect, it } from 'vitest';
import { axeCheck, describeBrowser, expectStatus, loads, shot } from '../helpers/browser.js';

describeBrowser('the other pages', (b) => {
  it('shows the ministry its agencies', async () => {
    const page = await b.newPage();
    await b.login(page, 'ministry');
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/ministry');
    const main = await page.locator('main').innerText();
    expect(main).toContain('內政部資訊中心（示範）');
    expect(main).not.toContain('經濟部能源示範署');
    await shot(page, 'ministry');
  });

  it('shows my account, and enrols a second factor with a QR code drawn on the server', async () => {
    const page = await b.newPage();
    await b.login(page, 'agency');
    await axeCheck(page);
    await loads(page, () => page.getByRole('link', { name: '我的帳號' }).click());
    await axeCheck(page);
    await shot(page, 'me');
    await loads(page, () => page.getByRole('button', { name: '啟用兩步驟驗證' }).click());
    await axeCheck(page);
    expect(await page.locator('.qr svg').count()).toBe(1);
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await shot(page, 'me-otp-enrolment');
    await page.locator('#token-name').fill('報表匯出');
    await loads(page, () => page.getByRole('button', { name: '建立權杖' }).click());
    await axeCheck(page);
    expect(await page.locator('#new-token').innerText()).toMatch(/^\S{20,}$/);
  });

  it('shows the office its users, cycles and audit log', async () => {
    const page = await b.newPage();
    await b.login(page, 'office');
    await axeCheck(page);
    await shot(page, 'office-home');
    for (const [path, name] of [
      ['/office/users', 'office-users'],
      ['/office/cycles', 'office-cycles'],
      ['/office/audit', 'office-audit'],
      ['/office/assessors', 'office-assessors'],
    ] as const) {
      await page.goto(path);
      await axeCheck(page);
      await shot(page, name);
    }
    await page.goto('/office/audit?action=assessment.accept');
    await axeCheck(page);
    expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
  });

  it('verifies a sealed record for anyone, and says so of an unknown code', async () => {
    const office = await b.actor('office');
    const accepted = (await b.app.services.assessments.list(office, { status: 'accepted', cycle: 109 }))[0]!;
    const code = (await b.app.services.assessments.result(office, accepted.id)).verificationCode!;
    const page = await b.newPage();
    await page.goto('/verify');
    await axeCheck(page);
    await page.getByLabel('驗證碼').fill(code);
    await loads(page, () => page.locator('form[method="get"] button[type="submit"]').click());
    await axeCheck(page);
    expect(await page.locator('.verdict').innerText()).toContain('此驗證碼對應一份有效的核定紀錄');
    await shot(page, 'verify');
    // The report's PDF itself, chosen on the page, hashed on the server.
    await b.app.services.reports.settled();
    const pdf = (await b.app.services.reports.report(office, accepted.id, { lang: 'zh-TW', part: 'main' })).bytes;
    await page.goto('/verify');
    await axeCheck(page);
    await page.locator('#verify-file').setInputFiles({ name: '成果報告.pdf', mimeType: 'application/pdf', buffer: pdf });
    await loads(page, () => page.locator('form.verify-file button[type="submit"]').click());
    await axeCheck(page);
    expect(await page.locator('.verdict').innerText()).toContain('此驗證碼對應一份有效的核定紀錄');
    expect(await page.locator('main').innerText()).toContain('成果報告.pdf');
    expectStatus(page, 404, '/verify');
    await page.goto(`/verify?code=${'0'.repeat(64)}`);
    await axeCheck(page);
    expect(await page.locator('.verdict').count()).toBe(1);
  });

  it('shows an error page, and logs out', async () => {
    const page = await b.newPage();
    await b.login(page, 'agency');
    await axeCheck(page);
    expectStatus(page, 404, '/assessments/');
    const response = await page.goto('/assessments/00000000-0000-4000-8000-000000000000');
    expect(response?.status()).toBe(404);
    await axeCheck(page);
    expect(await page.locator('h1').innerText()).toContain('發生錯誤');
    await shot(page, 'error-404');
    await loads(page, () => page.getByRole('button', { name: '登出' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('.flash-ok').innerText()).toBe('您已登出。');
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/login');
    await axeCheck(page);
  });
});
