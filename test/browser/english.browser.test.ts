// The pages in English: `?lang=en` on any page sets the page's language, every label follows, and the
// choice is remembered; the switch leads back to Traditional Chinese.
import { expect, it } from 'vitest';
import { axeCheck, describeBrowser, loads, shot } from '../helpers/browser.js';

describeBrowser('the pages in English', (b) => {
  it('shows log-in, my work, the overview and a process page in English, remembered until switched back', async () => {
    const page = await b.newPage();
    await page.goto('/login?lang=en');
    await axeCheck(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.title()).toContain('Log in');
    expect(await page.getByLabel('Username').count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    await shot(page, 'en-login');

    const agency = b.users.get('agency')!;
    await page.getByLabel('Username').fill(agency.username);
    await page.getByLabel('Password').fill(agency.password);
    await loads(page, () => page.getByRole('button', { name: 'Log in' }).click());
    await axeCheck(page);
    // Remembered: no ?lang= on this page, still English.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').innerText()).toBe('My work');
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    await shot(page, 'en-home');

    const id = (await b.app.services.assessments.list(await b.actor('agency'), { cycle: 109 }))[0]!.id;
    await loads(page, () => page.locator(`a[href="/assessments/${id}"]`).click());
    await axeCheck(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const main = await page.locator('main').innerText();
    for (const label of ['Provisional result', 'Progress', 'Processes', 'Comments']) expect(main).toContain(label);
    expect(main).not.toMatch(/填答進度|流程構面|意見往來/);
    await shot(page, 'en-overview');

    const index = await b.app.services.questionnaires.index((await b.app.services.assessments.get(await b.actor('agency'), id)).questionnaire);
    const gov01 = index.questionnaire.aspects.flatMap((a) => a.processes).find((p) => p.id === 'GOV-01')!;
    await loads(page, () => page.getByRole('link', { name: `GOV-01 ${gov01.name.en}` }).click());
    await axeCheck(page);
    const process = await page.locator('main').innerText();
    // Labels and the questionnaire's own texts in English.
    for (const label of ['Rating', 'Evidence', 'Assessor guidance', 'Evidence files']) expect(process).toContain(label);
    expect(await page.locator('h1').innerText()).toContain(gov01.name.en);
    await shot(page, 'en-process');

    // The switch leads back to Traditional Chinese, and that is remembered too.
    await loads(page, () => page.locator('a[hreflang="zh-TW"]').click());
    await axeCheck(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-TW');
    expect(await page.locator('h1').innerText()).toContain(gov01.name['zh-TW']);
    await page.goto('/');
    await axeCheck(page);
    expect(await page.locator('h1').innerText()).toBe('我的工作');
  });
});
