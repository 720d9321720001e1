import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { chromium } from 'playwright-core';
import { buildTestApp } from './helpers/app.js';
import { databaseKinds } from './helpers/databases.js';
it('probe', async () => {
  const db = await databaseKinds[0]!.create();
  const t = await buildTestApp(db, { DEMO: '1', TWO_FACTOR: 'optional' });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  let t0 = Date.now();
  const browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'] });
  console.log('launch', Date.now() - t0);
  const axe = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  for (const js of [true, false]) {
    const ctx = await browser.newContext({ javaScriptEnabled: js });
    const page = await ctx.newPage();
    page.on('console', (m) => console.log('console', m.type(), m.text(), m.location().url));
    page.on('pageerror', (e) => console.log('pageerror', e.message));
    const r = await page.goto(base + '/login');
    console.log(r?.status(), await page.title());
    t0 = Date.now();
    try { await page.evaluate(axe); const res = await page.evaluate(() => (globalThis as any).axe.run(document, { resultTypes: ['violations'] })) as any; console.log('axe', js, Date.now() - t0, res.violations.map((v: any) => v.id + ':' + v.impact)); } catch (e) { console.log('axe failed', js, (e as Error).message.slice(0, 300)); }
    const r2 = await page.goto(base + '/nope');
    console.log(r2?.status(), page.url());
    await ctx.close();
  }
  await browser.close();
  await t.close(); await db.drop();
}, 120000);
