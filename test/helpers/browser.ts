// Browser tests: the app in-process on 127.0.0.1 (a fresh SQLite database with the demo data), driven
// through Debian's Chromium by playwright-core (never a downloaded browser; MACHINE.md). Each page a test
// opens is watched: a console error, an uncaught page error, a request to another origin, or a page
// loaded and never checked with axe-core fails the test. `axeCheck` fails on any serious or critical
// violation; `shot` saves a screenshot at a laptop's and a tablet's size under test-results/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { AnswerRating } from '../../src/domain/questionnaire.js';
import type { Actor, Role } from '../../src/domain/roles.js';
import { actorOf } from '../../src/services/accounts.service.js';
import { PASSWORD, buildTestApp, type TestApp } from './app.js';
import type { TestDatabase } from './databases.js';

/** Debian's Chromium (`apt-get install -y chromium fonts-noto-cjk`). */
export const CHROMIUM = '/usr/lib/chromium/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Where screenshots go (git-ignored), for a person to look at. */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
/** The two sizes every screenshot is taken at: a laptop and a tablet held upright. */
export const SCREEN_SIZES = [
  { width: 1366, height: 768 },
  { width: 768, height: 1024 },
] as const;
/** A full-page screenshot stops here: a process page runs to many screens, and the top tells enough. */
const SHOT_MAX_HEIGHT = 4000;

/** A browser test may take a while: whole journeys, with axe-core on every page. */
export const BROWSER_TEST_TIMEOUT = 180_000;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Credentials {
  username: string;
  password: string;
  role: Role;
  /** Recovery codes of an account enrolled in two-factor sign-in (each signs in once). */
  recoveryCodes: string[];
}

/** What a browser test works with, filled in when its describe block starts. */
export interface Browsing {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The demo accounts by username (office, ministry, ciso, agency, assessor) and those added. */
  users: Map<string, Credentials>;
  /** A new page in a browser context of its own (its own cookies), watched; closed after the test. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Signs `username` in through the log-in form (and its second step, with a recovery code). */
  login(page: Page, username: string): Promise<void>;
  /** Adds an account through the services, with the tests' password. */
  addUser(input: { username: string; role: Role; agency?: string; ministry?: string; displayName?: string }): Promise<Credentials>;
  /** The account as the services take it. */
  actor(username: string): Promise<Actor>;
}

// ——— watching pages ———

interface Watch {
  /** Whether the page's context runs JavaScript. */
  javaScript: boolean;
  context: BrowserContext;
  problems: string[];
  /** 4xx responses the test expects, whose "Failed to load resource" console error is then no fault. */
  expected: { status: number; path: string }[];
  /** The document loaded last and whether axe-core has checked it. */
  current: { url: string; checked: boolean } | null;
  /** Documents loaded and left without an axe check. */
  unchecked: string[];
}

const watches = new WeakMap<Page, Watch>();

function watchOf(page: Page): Watch {
  const watch = watches.get(page);
  if (!watch) throw new Error('not a page of the browser harness: open pages with newPage()');
  return watch;
}

function watch(page: Page, context: BrowserContext, base: string, javaScript: boolean): void {
  const w: Watch = { javaScript, context, problems: [], expected: [], current: null, unchecked: [] };
  watches.set(page, w);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location().url;
    const status = Number(/status of (\d{3})/.exec(text)?.[1]);
    const path = url ? new URL(url).pathname : '';
    if (text.startsWith('Failed to load resource') && w.expected.some((e) => e.status === status && path.startsWith(e.path))) return;
    w.problems.push(`console error on ${page.url()}: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => w.problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) w.problems.push(`request to another origin: ${url}`);
  });
  page.on('domcontentloaded', () => {
    if (w.current && !w.current.checked) w.unchecked.push(w.current.url);
    w.current = { url: page.url(), checked: false };
  });
}

/**
 * Says that the test expects a response of `status` for a path starting with `path` (a refused form
 * shown again with 409 or 422, a save refused with 409): Chromium's "Failed to load resource" console
 * error for it is then no fault.
 */
export function expectStatus(page: Page, status: number, path: string): void {
  if (status < 400 || status > 499) throw new Error(`only a 4xx response can be expected, not ${status}`);
  watchOf(page).expected.push({ status, path });
}

/** The problems of a page so far, and (unless the test failed before it could check them) the documents it loaded without an axe check. */
function faultsOf(page: Page, testFailed: boolean): string[] {
  const w = watchOf(page);
  const unchecked = testFailed ? [] : [...w.unchecked, ...(w.current && !w.current.checked ? [w.current.url] : [])];
  return [...w.problems, ...unchecked.map((url) => `a page was not checked with axe-core: ${url}`)];
}

/** Does `action` (a click on a link or a form's button) and waits until the document it leads to has loaded. */
export async function loads(page: Page, action: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('domcontentloaded');
  // Should the action fail, its error is the one to report, not the wait's.
  loaded.catch(() => undefined);
  await action();
  await loaded;
  await page.waitForLoadState('load');
}

// ——— accessibility and screenshots ———

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The violations that fail a page. */
const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/**
 * axe-core's serious and critical violations on the document `page` shows (injected with page.evaluate:
 * the CSP allows no inline script). The first run leaves out each node's CSS selector, which halves
 * its time on a long process page; only a page that fails is checked again to name the elements.
 */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const run = (selectors: boolean) =>
    page.evaluate(async (selectors) => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'], selectors, ancestry: false });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
    }, selectors);
  return serious(await run(false)).length === 0 ? [] : serious(await run(true));
}

/**
 * Runs axe-core on the page and fails on any violation of impact serious or critical, listing each.
 * A page without JavaScript cannot run axe-core itself: its document, exactly as loaded, is checked in
 * a page of a second context that runs scripts (the same URL answered with the same HTML).
 */
export async function axeCheck(page: Page): Promise<void> {
  const w = watchOf(page);
  await page.waitForLoadState('load');
  let violations: AxeViolation[];
  if (w.javaScript) {
    violations = await axeViolations(page);
  } else {
    const html = await page.content();
    const url = page.url();
    const browser = w.context.browser()!;
    const mirror = await browser.newContext({ viewport: page.viewportSize() });
    try {
      const other = await mirror.newPage();
      await other.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      await other.goto(url);
      violations = await axeViolations(other);
    } finally {
      await mirror.close();
    }
  }
  if (w.current) w.current.checked = true;
  if (violations.length > 0) {
    const lines = violations.map((v) => `- ${v.id} (${v.impact}): ${v.help} ${v.helpUrl}\n${v.nodes.slice(0, 8).map((n) => `    ${n.target.map(String).join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('\n')}`);
    throw new Error(`axe-core: ${violations.length} serious or critical violation${violations.length === 1 ? '' : 's'} on ${page.url()}\n${lines.join('\n')}`);
  }
}

/** Saves `<name>-1366x768.png` and `<name>-768x1024.png` (the whole page, up to a few screens) under test-results/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  try {
    for (const size of SCREEN_SIZES) {
      await page.setViewportSize(size);
      const box = await page.locator('body').boundingBox();
      const height = Math.min(Math.ceil(box ? box.y + box.height : size.height), SHOT_MAX_HEIGHT);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}x${size.height}.png`), fullPage: true, clip: { x: 0, y: 0, width: size.width, height: Math.max(height, size.height) } });
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

// ——— data the journeys start from ———

/**
 * Answers through the services what a journey does not do in the browser: each indicator of each
 * in-scope process for which `choose(process, indicator, level)` gives an answer (at its current revision).
 */
export async function answerWith(app: FastifyInstance, actor: Actor, id: string, choose: (process: string, indicator: string, level: number) => { rating: AnswerRating; evidence?: string | null } | undefined): Promise<void> {
  const view = await app.services.assessments.get(actor, id);
  const index = await app.services.questionnaires.index(view.questionnaire);
  const outOfScope = new Set(view.scope.filter((s) => !s.inScope).map((s) => s.process));
  const revisions = new Map(view.answers.map((a) => [`${a.process}/${a.indicator}`, a.revision]));
  for (const p of index.processes) {
    if (outOfScope.has(p.id)) continue;
    for (const attribute of p.attributes) {
      for (const i of attribute.indicators) {
        const answer = choose(p.id, i.id, attribute.level);
        if (answer) await app.services.answers.put(actor, id, p.id, i.id, { rating: answer.rating, evidence: answer.evidence ?? null, revision: revisions.get(`${p.id}/${i.id}`) ?? 0 });
      }
    }
  }
}

/** A process's names in both languages. */
export async function processName(app: FastifyInstance, questionnaire: string, process: string): Promise<{ 'zh-TW': string; en: string }> {
  const index = await app.services.questionnaires.index(questionnaire);
  const found = index.questionnaire.aspects.flatMap((a) => a.processes).find((p) => p.id === process);
  if (!found) throw new Error(`no process ${process} in ${questionnaire}`);
  return found.name;
}

// ——— the app, the browser, and the describe block ———

const chromiumFound = existsSync(CHROMIUM);

/**
 * A fresh SQLite file, dropped after. (Not `databaseKinds`: the pages are the same on either database,
 * and the browser tests need no PostgreSQL, under CI=true either.)
 */
function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'gsm-browser-'));
  return { url: `sqlite:${join(dir, 'app.db')}`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
}

/**
 * A describe block of browser tests with the app and Chromium (see `Browsing`). Without Chromium the
 * block is skipped, saying why; under CI=true it runs and fails instead: there, nothing may skip.
 */
export function describeBrowser(title: string, body: (b: Browsing) => void): void {
  if (!chromiumFound && process.env.CI !== 'true') {
    describe.skip(`${title} (skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium fonts-noto-cjk)`, () => body({} as Browsing));
    return;
  }
  describe(title, { timeout: BROWSER_TEST_TIMEOUT }, () => body(useBrowsing()));
}

function useBrowsing(): Browsing {
  const b = {} as Browsing;
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let opened: Page[] = [];
  /** The log-in form's two steps are the same page every time: axe-core checks each once a file. */
  const loginChecked = new Set<'password' | 'otp'>();
  const checkLogin = async (page: Page, step: 'password' | 'otp') => {
    if (!loginChecked.has(step)) await axeCheck(page);
    else watchOf(page).current!.checked = true;
    loginChecked.add(step);
  };

  // Under CI=true without Chromium, each test fails (rather than being skipped, as after a failed beforeAll).
  const missing = `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium fonts-noto-cjk; .ci/run does). Under CI=true the browser tests must run.`;
  beforeEach(() => {
    if (!existsSync(CHROMIUM)) throw new Error(missing);
  });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return;
    // Both at once; whichever started is closed after, even if the other failed.
    const [started, launched] = await Promise.allSettled([buildTestApp(sqliteDatabase(), { DEMO: '1', TWO_FACTOR: 'optional' }), chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })]);
    if (started.status === 'fulfilled') t = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    const app = t!.app;
    const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
    const users = new Map<string, Credentials>((app.startup.demoUsers ?? []).map((u) => [u.username, { username: u.username, password: u.password, role: u.role, recoveryCodes: [...(u.otp?.recoveryCodes ?? [])] }]));
    if (users.size === 0) throw new Error('the app started without its demo data');
    const chromiumBrowser = browser!;
    Object.assign(b, {
      app,
      base,
      users,
      async newPage(options: BrowserContextOptions = {}) {
        const context = await chromiumBrowser.newContext({ viewport: SCREEN_SIZES[0], locale: 'zh-TW', timezoneId: 'Asia/Taipei', baseURL: base, ...options });
        const page = await context.newPage();
        watch(page, context, base, options.javaScriptEnabled !== false);
        opened.push(page);
        return page;
      },
      async login(page: Page, username: string) {
        const who = users.get(username);
        if (!who) throw new Error(`no account ${username} in this test`);
        await page.goto('/login');
        await checkLogin(page, 'password');
        await page.locator('#username').fill(who.username);
        await page.locator('#password').fill(who.password);
        await loads(page, () => page.locator('main form button[type=submit]').click());
        if (new URL(page.url()).pathname === '/login' && (await page.locator('#otp').count()) > 0) {
          await checkLogin(page, 'otp');
          const code = who.recoveryCodes.shift();
          if (!code) throw new Error(`${username} has no recovery code left`);
          await page.locator('#otp').fill(code);
          await loads(page, () => page.locator('main form button[type=submit]').click());
        }
        if (new URL(page.url()).pathname === '/login') throw new Error(`${username} could not log in: ${await page.locator('main').innerText()}`);
      },
      async addUser(input: { username: string; role: Role; agency?: string; ministry?: string; displayName?: string }) {
        await app.services.accounts.createUser(null, { username: input.username, role: input.role, agency: input.agency ?? null, ministry: input.ministry ?? null, displayName: input.displayName ?? null, password: PASSWORD });
        const credentials = { username: input.username, password: PASSWORD, role: input.role, recoveryCodes: [] };
        users.set(input.username, credentials);
        return credentials;
      },
      async actor(username: string) {
        return actorOf(await app.services.accounts.getUser(username));
      },
    } satisfies Browsing);
  }, BROWSER_TEST_TIMEOUT);

  afterEach(async (context) => {
    const pages = opened;
    opened = [];
    const failed = context.task.result?.state === 'fail' || (context.task.result?.errors?.length ?? 0) > 0;
    const faults = pages.flatMap((page) => faultsOf(page, failed));
    await Promise.all(pages.map((page) => watchOf(page).context.close()));
    if (faults.length > 0) throw new Error(`the pages of this test had ${faults.length} fault${faults.length === 1 ? '' : 's'}:\n${faults.map((f) => `- ${f}`).join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await t?.db.drop();
  });

  return b;
}
