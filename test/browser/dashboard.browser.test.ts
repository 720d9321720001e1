// The programme pages in the browser, on the demo data: the office reaches the dashboard from its navigation,
// reads cycle 109 (charts beside their tables), extends an overdue agency's deadline, reviews the figures to be
// sealed and closes the cycle, then reads the priority list, calibration and the trend; a ministry user
// reaches its own dashboard from its home; the English page. axe-core on every page, screenshots of each.
import { expect, it } from 'vitest';
import { axeCheck, describeBrowser, loads, shot } from '../helpers/browser.js';

describeBrowser('the programme pages', (b) => {
  it('shows the office a cycle’s figures and charts, extends a deadline, closes the cycle, and reads the analyses', async () => {
    const page = await b.newPage();
    await b.login(page, 'office');
    await axeCheck(page);
    await page.goto('/office/agencies');
    await axeCheck(page);
    await loads(page, () => page.getByRole('navigation', { name: /資安處/ }).getByRole('link', { name: '推動進度' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    await page.getByLabel('年度', { exact: true }).selectOption('109');
    await loads(page, () => page.getByRole('button', { name: '顯示' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).search).toBe('?cycle=109');
    // Each chart is an image with a name, beside a table of its figures.
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(4);
    for (const name of ['KPI 進度', '推動里程碑', '成熟度等級分布', '各部會達目標比例']) {
      await expect.poll(() => page.getByRole('img', { name: new RegExp(name) }).count()).toBeGreaterThan(0);
    }
    expect(await charts.locator('table.chart-figures').count()).toBe(4);
    expect(await page.locator('figure.chart-milestones table').innerText()).toContain('109 年');
    await shot(page, 'dashboard-109');

    // Extend the first overdue agency's deadline.
    const overdue = page.locator('section[aria-labelledby="overdue-heading"] tbody tr').first();
    const code = (await overdue.locator('td').first().locator('.muted').innerText()).trim();
    await overdue.locator('summary').click();
    await overdue.getByLabel('展延至').fill('2099-12-31');
    await overdue.getByLabel('展延理由').fill('採購延宕，經資安處同意');
    await shot(page, 'dashboard-extend-form');
    await loads(page, () => overdue.getByRole('button', { name: '展延', exact: true }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe(`已展延 ${code} 的截止日。`);
    const extensions = await b.app.services.cycles.extensions(109);
    expect(extensions.map((e) => [e.agency, e.until])).toEqual([[code, '2099-12-31']]);

    // Review the figures to be sealed, then close the cycle.
    await loads(page, () => page.getByRole('button', { name: '檢視將封存的數字' }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/dashboard/close');
    await shot(page, 'dashboard-close-confirm');
    await loads(page, () => page.getByRole('button', { name: '確認結案' }).click());
    await axeCheck(page);
    expect(await page.locator('.flash-ok').innerText()).toBe('民國 109 年度已結案，快照已封存。');
    const { sha256 } = await b.app.services.dashboard.snapshot(109);
    expect(await page.locator('section[aria-labelledby="snapshot-heading"]').innerText()).toContain(sha256);
    await shot(page, 'dashboard-109-closed');

    for (const [link, path, name] of [
      ['優先輔導名單', '/dashboard/priority', 'dashboard-priority'],
      ['評審校準', '/dashboard/calibration', 'dashboard-calibration'],
      ['歷年趨勢', '/dashboard/trend', 'dashboard-trend'],
    ] as const) {
      await loads(page, () => page.getByRole('navigation', { name: '推動進度' }).getByRole('link', { name: link }).click());
      await axeCheck(page);
      expect(new URL(page.url()).pathname).toBe(path);
      await shot(page, name);
    }
    // Drill into one agency on the trend.
    await page.getByLabel('機關', { exact: true }).selectOption('MOI-002');
    await loads(page, () => page.getByRole('button', { name: '顯示' }).click());
    await axeCheck(page);
    expect(await page.locator('#one-agency-heading').innerText()).toContain('MOI-002');
    await shot(page, 'dashboard-trend-agency');

    await page.goto('/dashboard?cycle=109&lang=en');
    await axeCheck(page);
    expect(await page.locator('h1').innerText()).toContain('Programme dashboard');
    await shot(page, 'dashboard-109-en');
  });

  it('leads a ministry user from its home to the dashboard of its own agencies', async () => {
    const page = await b.newPage();
    await b.login(page, 'ministry');
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/ministry');
    await loads(page, () => page.getByRole('link', { name: /推動進度儀表板/ }).click());
    await axeCheck(page);
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const text = await page.locator('main').innerText();
    expect(text).toContain('僅含內政部所屬機關');
    expect(text).not.toContain('經濟部');
    expect(await page.locator('form[action="/dashboard/close"]').count()).toBe(0);
    await shot(page, 'dashboard-ministry');
  });
});
