// The security office's pages (/office/…): each renders for the office in both languages with the office's
// navigation, is a 403 page for other roles and sends a visitor who is not signed in to /login; each form
// succeeds and shows its change, is refused without this browser's CSRF token, and shows a clear error on
// bad input. Run on every database kind, through inject() against a real database.
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/roles.js';
import { message, type MessageKey } from '../../src/http/pages/i18n.js';
import { actorOf } from '../../src/services/accounts.service.js';
import { otpCode } from '../../src/services/otp.js';
import { PASSWORD, createCycleWithCohort, loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { csrfFrom, follow, getPage, postFile, postForm, textOf } from '../helpers/pages.js';

const zh = (key: MessageKey) => message('zh-TW', key);
const filled = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));

const PAGES: [string, MessageKey][] = [
  ['/office/agencies', 'office.agencies.title'],
  ['/office/users', 'office.users.title'],
  ['/office/assessors', 'office.assessors.title'],
  ['/office/cycles', 'office.cycles.title'],
  ['/office/assignments', 'office.assignments.title'],
  ['/office/audit', 'office.audit.title'],
];
const FORMS = PAGES.map(([url]) => url).filter((url) => url !== '/office/audit');

const system: Actor = { id: 'system', username: 'system', role: 'office', agency: null, ministry: null };
const CSV_TYPE = 'text/csv';

/** A refused form's problem as a reader sees it: the field (or line), then what is wrong with it. */
const problem = (where: string, what: string) => `${where} ：${what}`;

/** The table row of a page that holds `needle` (an assessment id, a username…). */
const rowWith = (html: string, needle: string): string => html.split('<tr>').find((row) => row.includes(needle)) ?? '';

describe.each(databaseKinds)('office pages on $name', (kind) => {
  const t = useSeededApp(kind);

  /** The office signed in on a page: the Cookie header to post with, the page's CSRF token and the page. */
  const officeOn = async (url: string) => csrfFrom(t.app, url, await loginAs(t.app, 'office'));
  const actor = async (username: string) => actorOf(await t.app.services.accounts.getUser(username));

  it('renders every office page for the office, in Chinese and in English, under the office’s navigation, with no inline script or style', async () => {
    const session = await loginAs(t.app, 'office');
    for (const [url, title] of PAGES) {
      const page = await getPage(t.app, url, session);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<html lang="zh-TW">');
      const text = textOf(page.body);
      expect(text).toContain(zh(title));
      for (const [, label] of PAGES) expect(text).toContain(zh(label));
      expect(page.body).toMatch(new RegExp(`<a href="${url}" aria-current="page">`));
      expect(page.body.match(/<script\b[^>]*>/g)).toEqual(['<script src="/assets/app.js" defer>']);
      expect(page.body).not.toMatch(/\sstyle=|<style/);

      const english = await getPage(t.app, `${url}?lang=en`, session);
      expect(english.statusCode).toBe(200);
      expect(english.body).toContain('<html lang="en">');
      expect(textOf(english.body)).toContain(message('en', title));
    }
  });

  it('is a 403 page for an agency user, and sends a visitor who is not signed in to /login, for every page and form', async () => {
    const { cookie: agency, csrf } = await csrfFrom(t.app, '/', await loginAs(t.app, 'agency'));
    for (const [url] of PAGES) {
      const refused = await getPage(t.app, url, agency);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^text\/html/);
      expect(textOf(refused.body)).toContain(zh('error.403'));
      const visitor = await getPage(t.app, url);
      expect(visitor.statusCode).toBe(303);
      expect(visitor.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    for (const url of FORMS) {
      const refused = await postForm(t.app, url, agency, { _csrf: csrf, action: 'create', username: 'sneaky', role: 'office' });
      expect(refused.statusCode, url).toBe(403);
      expect(textOf(refused.body)).toContain(zh('error.403'));
      const visitor = await postForm(t.app, url, '', { action: 'create' });
      expect(visitor.statusCode).toBe(303);
      expect(visitor.headers.location).toMatch(/^\/login\?next=/);
    }
    expect((await t.app.services.accounts.listUsers()).map((u) => u.username)).not.toContain('sneaky');
  });

  it('refuses every office form without this browser’s CSRF token, changing nothing', async () => {
    const { cookie, csrf } = await officeOn('/office/users');
    const posts: [string, Record<string, string>][] = [
      ['/office/users', { action: 'create', username: 'no.token', role: 'assessor' }],
      ['/office/assessors', { username: 'assessor', certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: '' }],
      ['/office/cycles', { action: 'update', year: '109', deadline: '2099-01-01' }],
      ['/office/assignments', { action: 'assign', assessment: 'x', assessor: 'assessor' }],
      ['/office/agencies', { cycle: '109' }],
    ];
    for (const [url, fields] of posts) {
      for (const token of [undefined, 'x'.repeat(43), csrf.slice(0, -1)]) {
        const response = await postForm(t.app, url, cookie, token === undefined ? fields : { ...fields, _csrf: token });
        expect(response.statusCode, `${url} with ${String(token)}`).toBe(403);
        expect(textOf(response.body)).toContain(zh('error.csrf'));
      }
    }
    const upload = await postFile(t.app, '/office/agencies', cookie, { cycle: '109' }, { field: 'file', name: 'a.csv', type: CSV_TYPE, content: 'code,name,ministry,grade\nNO-TOKEN,無權杖機關,內政部,A\n' });
    expect(upload.statusCode).toBe(403);
    expect(textOf(upload.body)).toContain(zh('error.csrf'));

    expect((await t.app.services.accounts.listUsers()).map((u) => u.username)).not.toContain('no.token');
    await expect(t.app.services.assessors.get('assessor')).rejects.toThrow(/no qualification record/);
    expect((await t.app.services.cycles.get(109)).deadline).toBe('2020-11-30');
    expect((await t.app.services.agencies.list(system)).map((a) => a.code)).not.toContain('NO-TOKEN');
  });

  describe('agencies', () => {
    it('filters by grade for a cycle, by ministry and by assessment state', async () => {
      await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 109 });
      const session = await loginAs(t.app, 'office');
      const shown = async (query: string) => {
        const text = textOf((await getPage(t.app, `/office/agencies?${query}`, session)).body);
        return ['內政部甲機關', '經濟部乙機關'].filter((name) => text.includes(name));
      };
      expect(await shown('cycle=109')).toEqual(['內政部甲機關', '經濟部乙機關']);
      expect(await shown('cycle=109&grade=B')).toEqual(['經濟部乙機關']);
      expect(await shown('cycle=109&grade=A')).toEqual(['內政部甲機關']);
      expect(await shown('cycle=107&grade=A')).toEqual([]); // no grade in 107
      expect(await shown(`cycle=109&ministry=${encodeURIComponent('經濟部')}`)).toEqual(['經濟部乙機關']);
      expect(await shown('cycle=109&state=draft')).toEqual(['內政部甲機關']);
      expect(await shown('cycle=109&state=none')).toEqual(['經濟部乙機關']);
      expect(await shown('cycle=108&state=draft')).toEqual([]);
      const page = await getPage(t.app, '/office/agencies?cycle=109&state=draft', session);
      expect(page.body).toContain('<option value="draft" selected>');
      expect(rowWith(page.body, '內政部甲機關')).toContain('class="state state-draft"');
    });

    it('imports a CSV for a cycle and shows what it did', async () => {
      const { cookie, csrf } = await officeOn('/office/agencies');
      const csv = '\uFEFFcode,name,ministry,grade\nPAGE-1,頁面匯入機關,交通部,B\nMOEA-B,經濟部乙機關,經濟部,A\n';
      const imported = await postFile(t.app, '/office/agencies', cookie, { _csrf: csrf, cycle: '109' }, { field: 'file', name: 'agencies.csv', type: CSV_TYPE, content: csv });
      expect(imported.statusCode, imported.body).toBe(303);
      const page = await follow(t.app, imported, cookie);
      expect(page.statusCode).toBe(200);
      const text = textOf(page.body);
      expect(text).toContain(filled(zh('office.agencies.imported'), { rows: 2, created: 1, updated: 1 }));
      expect(text).toContain('頁面匯入機關');
      expect(rowWith(page.body, 'PAGE-1')).toContain('交通部');
      expect((await t.app.services.agencies.get(system, 'MOEA-B')).grades['109']).toBe('A');
    });

    it('shows each bad row of a refused CSV with its line, and imports nothing', async () => {
      const { cookie, csrf } = await officeOn('/office/agencies');
      const csv = 'code,name,ministry,grade\nGOOD-1,好機關,內政部,A\nBAD-1,壞機關,內政部,Z\n,無代碼機關,內政部,A\n';
      const refused = await postFile(t.app, '/office/agencies', cookie, { _csrf: csrf, cycle: '109' }, { field: 'file', name: 'bad.csv', type: CSV_TYPE, content: csv });
      expect(refused.statusCode).toBe(400);
      const text = textOf(refused.body);
      expect(text).toContain(zh('office.failed'));
      expect(text).toContain('第 3 行 · grade');
      expect(text).toContain('grade "Z" is not one of A, B, C, D, E');
      expect(text).toContain('第 4 行 · code');
      expect(text).toContain('code is empty');
      expect(text).not.toContain('第 2 行');
      const codes = (await t.app.services.agencies.list(system)).map((a) => a.code);
      expect(codes).not.toContain('GOOD-1');
      expect(codes).not.toContain('BAD-1');

      const english = await postFile(t.app, '/office/agencies?lang=en', cookie, { _csrf: csrf, cycle: '109' }, { field: 'file', name: 'bad.csv', type: CSV_TYPE, content: csv });
      expect(english.statusCode).toBe(400);
      expect(textOf(english.body)).toContain('Line 3 · grade');

      const latin1 = await postFile(t.app, '/office/agencies', cookie, { _csrf: csrf, cycle: '109' }, { field: 'file', name: 'latin1.csv', type: CSV_TYPE, content: Buffer.from('code,name,ministry,grade\nL-1,Caf\xe9,X,A\n', 'latin1') });
      expect(latin1.statusCode).toBe(400);
      expect(textOf(latin1.body)).toContain(zh('office.agencies.import.notUtf8'));
      expect(textOf(latin1.body)).toContain('第 2 行');

      const noCycle = await postFile(t.app, '/office/agencies', cookie, { _csrf: csrf, cycle: '999' }, { field: 'file', name: 'a.csv', type: CSV_TYPE, content: 'code,name,ministry,grade\nC-1,某機關,內政部,A\n' });
      expect(noCycle.statusCode).toBe(400);
      expect(textOf(noCycle.body)).toContain('no cycle 999');

      const noFile = await postForm(t.app, '/office/agencies', cookie, { _csrf: csrf, cycle: '109' });
      expect(noFile.statusCode).toBe(400);
      expect(textOf(noFile.body)).toContain(zh('office.agencies.import.noFile'));
    });
  });

  describe('users', () => {
    it('adds a user and shows the generated password once, escaped like every text the office typed', async () => {
      const { cookie, csrf } = await officeOn('/office/users');
      const created = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'create', username: 'page.user', role: 'agency', agency: 'MOI-A', ministry: '', displayName: '<b>新同仁</b>' });
      expect(created.statusCode).toBe(200);
      expect(textOf(created.body)).toContain(zh('office.users.password.created'));
      const password = /<code class="secret">([^<]+)<\/code>/.exec(created.body)?.[1];
      expect(password).toBeDefined();
      expect(created.body).toContain('&lt;b&gt;新同仁&lt;/b&gt;');
      expect(created.body).not.toContain('<b>新同仁</b>');
      expect(await loginAs(t.app, 'page.user', password)).toMatch(/^gsm_session=/);

      const list = await getPage(t.app, '/office/users', cookie);
      expect(rowWith(list.body, '<code>page.user</code>')).toContain('MOI-A');
      expect(list.body).not.toContain(password);
    });

    it('shows why a new user is refused, keeping what was typed', async () => {
      const { cookie, csrf } = await officeOn('/office/users');
      const noAgency = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'create', username: 'no.agency', role: 'ciso', agency: '', ministry: '', displayName: '王小明' });
      expect(noAgency.statusCode).toBe(400);
      const text = textOf(noAgency.body);
      expect(text).toContain(zh('office.failed'));
      expect(text).toContain('/agency');
      expect(text).toContain('a ciso user belongs to an agency');
      expect(noAgency.body).toContain('value="no.agency"');
      expect(noAgency.body).toContain('<option value="ciso" selected>');

      const taken = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'create', username: 'office', role: 'office' });
      expect(taken.statusCode).toBe(409);
      expect(textOf(taken.body)).toContain('user office already exists');

      const badName = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'create', username: 'Bad Name!', role: 'assessor' });
      expect(badName.statusCode).toBe(400);
      const long = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'create', username: 'long.name', role: 'assessor', displayName: '長'.repeat(101) });
      expect(long.statusCode).toBe(400);
      expect(textOf(long.body)).toContain(filled(zh('office.form.tooLong'), { max: 100 }));
      const unknown = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'promote', username: 'agency' });
      expect(unknown.statusCode).toBe(400);
      expect(textOf(unknown.body)).toContain(zh('office.form.action'));
      const nobody = await postForm(t.app, '/office/users', cookie, { _csrf: csrf, action: 'deactivate', username: 'nobody' });
      expect(nobody.statusCode).toBe(404);
      expect(textOf(nobody.body)).toContain('no user nobody');
      expect((await t.app.services.accounts.listUsers()).map((u) => u.username)).not.toContain('no.agency');
    });

    it('deactivates and reactivates a user, resets the password (shown once), the second factor and a lock-out', async () => {
      await t.app.services.accounts.createUser(null, { username: 'page.staff', role: 'agency', agency: 'MOEA-B', password: PASSWORD });
      const { cookie, csrf } = await officeOn('/office/users');
      const act = (action: string) => postForm(t.app, '/office/users', cookie, { _csrf: csrf, action, username: 'page.staff' });
      const row = async () => rowWith((await getPage(t.app, '/office/users', cookie)).body, '<code>page.staff</code>');
      const view = async () => (await t.app.services.accounts.listUsers()).find((u) => u.username === 'page.staff')!;

      const off = await act('deactivate');
      expect(off.headers.location).toBe('/office/users?done=office.users.deactivated');
      expect(textOf((await follow(t.app, off, cookie)).body)).toContain(zh('office.users.deactivated'));
      expect(textOf(await row())).toContain(zh('office.users.inactive'));
      await expect(loginAs(t.app, 'page.staff')).rejects.toThrow(/401/);
      const on = await act('activate');
      expect(textOf((await follow(t.app, on, cookie)).body)).toContain(zh('office.users.activated'));
      expect((await view()).active).toBe(true);

      const reset = await act('reset-password');
      expect(reset.statusCode).toBe(200);
      expect(textOf(reset.body)).toContain(zh('office.users.password.reset'));
      const password = /<code class="secret">([^<]+)<\/code>/.exec(reset.body)?.[1];
      await expect(loginAs(t.app, 'page.staff')).rejects.toThrow(/401/);
      const session = await loginAs(t.app, 'page.staff', password);

      // A confirmed second factor, reset by the office.
      const enrolled = await t.app.inject({ method: 'POST', url: '/api/me/otp', headers: { cookie: session } });
      const { secret } = enrolled.json<{ secret: string }>();
      expect((await t.app.inject({ method: 'POST', url: '/api/me/otp/confirm', headers: { cookie: session }, payload: { otp: otpCode(secret, new Date()) } })).statusCode).toBe(200);
      expect(await row()).toContain('value="reset-otp"');
      const otp = await act('reset-otp');
      expect(textOf((await follow(t.app, otp, cookie)).body)).toContain(zh('office.users.otpReset'));
      expect((await view()).otp).toBe(false);

      // A lock-out after too many wrong passwords, lifted by the office.
      for (let i = 0; i < 6; i++) await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'page.staff', password: 'wrong password!' } });
      expect((await view()).lockedUntil).not.toBeNull();
      expect(await row()).toContain('value="unlock"');
      const unlock = await act('unlock');
      expect(textOf((await follow(t.app, unlock, cookie)).body)).toContain(zh('office.users.unlocked'));
      expect((await view()).lockedUntil).toBeNull();
      expect(await loginAs(t.app, 'page.staff', password)).toMatch(/^gsm_session=/);
    });
  });

  describe('assessors', () => {
    it('sets an assessor’s qualification and affiliations, and shows them', async () => {
      const { cookie, csrf, response } = await officeOn('/office/assessors');
      expect(textOf(rowWith(response.body, '<code>assessor</code>'))).toContain(zh('office.assessors.noRecord'));
      const saved = await postForm(t.app, '/office/assessors', cookie, { _csrf: csrf, username: 'assessor', certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: 'MOEA-B, 108, 前任顧問\r\n\r\nMOI-A' });
      expect(saved.statusCode, saved.body).toBe(303);
      const page = await follow(t.app, saved, cookie);
      expect(textOf(page.body)).toContain(zh('office.assessors.saved'));
      expect(await t.app.services.assessors.get('assessor')).toEqual({
        username: 'assessor',
        certifiedOn: '2019-01-01',
        validUntil: '2099-12-31',
        affiliations: [{ agency: 'MOEA-B', cycle: 108, note: '前任顧問' }, { agency: 'MOI-A' }],
      });
      const row = rowWith(page.body, '<code>assessor</code>');
      expect(textOf(row)).toContain('民國 108 年 1 月 1 日');
      expect(textOf(row)).toContain('民國 188 年 12 月 31 日');
      expect(textOf(row)).toContain(zh('office.assessors.allCycles'));
      expect(row).toContain('MOEA-B, 108, 前任顧問\nMOI-A</textarea>');
    });

    it('shows why a qualification is refused, keeping what was typed', async () => {
      const { cookie, csrf } = await officeOn('/office/assessors');
      const post = (fields: Record<string, string>) => postForm(t.app, '/office/assessors', cookie, { _csrf: csrf, username: 'assessor', certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: '', ...fields });
      const reversed = await post({ certifiedOn: '2020-01-01', validUntil: '2019-01-01' });
      expect(reversed.statusCode).toBe(400);
      expect(textOf(reversed.body)).toContain('must not be before certifiedOn');
      const noDate = await post({ certifiedOn: '2020-02-30' });
      expect(noDate.statusCode).toBe(400);
      expect(textOf(noDate.body)).toContain(problem(zh('office.assessors.certifiedOn'), zh('office.form.date')));
      const badLine = await post({ affiliations: 'MOI-A\nMOEA-B, 一百零八' });
      expect(badLine.statusCode).toBe(400);
      expect(textOf(badLine.body)).toContain(`第 2 行 · ${zh('office.assessors.affiliations')}`);
      expect(badLine.body).toContain('MOI-A\nMOEA-B, 一百零八</textarea>');
      expect(rowWith(badLine.body, '<code>assessor</code>')).toContain('<details class="edit" open>');
      const unknown = await post({ affiliations: 'NOPE-9' });
      expect(unknown.statusCode).toBe(400);
      expect(textOf(unknown.body)).toContain('no agency NOPE-9');
      const notAssessor = await post({ username: 'agency' });
      expect(notAssessor.statusCode).toBe(400);
      expect(textOf(notAssessor.body)).toContain('agency is not an assessor');
    });
  });

  describe('cycles', () => {
    it('edits a cycle’s questionnaire version, target and deadline, and moves a draft left on an older version', async () => {
      await createCycleWithCohort(t.app, 150);
      const { id } = await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 150 });
      const { cookie, csrf, response } = await officeOn('/office/cycles');
      expect(rowWith(response.body, '<td>150</td>')).toContain('isgm-109@1.0.0');
      expect(textOf(response.body)).toContain(zh('office.cycles.drafts.none'));
      const update = (fields: Record<string, string>) => postForm(t.app, '/office/cycles', cookie, { _csrf: csrf, action: 'update', year: '150', ...fields });

      const unknown = await update({ questionnaire: 'isgm-109@9.9.9', targetLevel: '2', deadline: '' });
      expect(unknown.statusCode).toBe(400);
      expect(textOf(unknown.body)).toContain(zh('office.failed'));
      expect(textOf(unknown.body)).toContain('no questionnaire isgm-109@9.9.9 is stored');
      expect(rowWith(unknown.body, '<td>150</td>')).toContain('<details class="edit" open>');
      const badLevel = await update({ targetLevel: '7' });
      expect(badLevel.statusCode).toBe(400);
      expect(textOf(badLevel.body)).toContain(zh('office.form.level'));
      const badDate = await update({ deadline: '2061-13-01' });
      expect(badDate.statusCode).toBe(400);
      expect(textOf(badDate.body)).toContain(zh('office.form.date'));
      expect((await t.app.services.cycles.get(150)).questionnaire).toBe('isgm-109@1.0.0');

      const saved = await update({ questionnaire: 'isgm-109@1.1.0', targetLevel: '2', deadline: '2061-11-30' });
      expect(saved.statusCode, saved.body).toBe(303);
      const page = await follow(t.app, saved, cookie);
      expect(textOf(page.body)).toContain(zh('office.cycles.saved'));
      expect(textOf(rowWith(page.body, '<td>150</td>'))).toContain('民國 150 年 11 月 30 日');
      expect(await t.app.services.cycles.get(150)).toMatchObject({ questionnaire: 'isgm-109@1.1.0', targetLevel: 2, deadline: '2061-11-30' });
      // PATCH semantics: a form with only the deadline changes only the deadline.
      expect((await update({ deadline: '' })).statusCode).toBe(303);
      expect(await t.app.services.cycles.get(150)).toMatchObject({ questionnaire: 'isgm-109@1.1.0', targetLevel: 2, deadline: null });

      // The draft is now behind its cycle: one button moves it to the cycle's version.
      const behind = rowWith(page.body, `value="${id}"`);
      expect(behind).toContain('isgm-109@1.0.0');
      expect(textOf(behind)).toContain(`${zh('office.cycles.move')} isgm-109@1.1.0`);
      const wrong = await postForm(t.app, '/office/cycles', cookie, { _csrf: csrf, action: 'move', assessment: id, to: 'isgm-108@1.1.0' });
      expect(wrong.statusCode).toBe(422);
      expect(textOf(wrong.body)).toContain('moves only to another version of isgm-109');
      const moved = await postForm(t.app, '/office/cycles', cookie, { _csrf: csrf, action: 'move', assessment: id, to: 'isgm-109@1.1.0' });
      expect(moved.statusCode, moved.body).toBe(303);
      const after = await follow(t.app, moved, cookie);
      expect(textOf(after.body)).toContain(zh('office.cycles.moved'));
      expect(after.body).not.toContain(`value="${id}"`);
      expect((await t.app.services.assessments.list(system, { cycle: 150 }))[0]?.questionnaire).toBe('isgm-109@1.1.0');
    });
  });

  describe('assignments', () => {
    it('offers only qualified, independent assessors, assigns one, and refuses another with the reason', async () => {
      await createCycleWithCohort(t.app, 160);
      const own = await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 160 });
      const other = await t.app.services.assessments.create(system, { agency: 'MOEA-B', cycle: 160 });
      const assessors: [string, string, { agency: string; cycle?: number }[]][] = [
        ['free.assessor', '2099-12-31', []],
        ['tied.assessor', '2099-12-31', [{ agency: 'MOI-A' }]],
        ['lapsed.assessor', '2020-01-01', []],
      ];
      for (const [username, validUntil, affiliations] of assessors) {
        await t.app.services.accounts.createUser(null, { username, role: 'assessor', password: PASSWORD });
        await t.app.services.assessors.put(null, username, { certifiedOn: '2019-01-01', validUntil, affiliations });
      }
      const { cookie, csrf, response } = await officeOn('/office/assignments?cycle=160');
      const options = (html: string, id: string) => [...rowWith(html, `value="${id}"`).matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
      expect(options(response.body, own.id)).toContain('free.assessor');
      expect(options(response.body, own.id)).not.toContain('tied.assessor');
      expect(options(response.body, own.id)).not.toContain('lapsed.assessor');
      expect(options(response.body, other.id)).toEqual(expect.arrayContaining(['free.assessor', 'tied.assessor']));
      expect(options(response.body, other.id)).not.toContain('lapsed.assessor');

      const assign = (assessment: string, assessor: string) => postForm(t.app, '/office/assignments', cookie, { _csrf: csrf, action: 'assign', assessment, assessor });
      const tied = await assign(own.id, 'tied.assessor');
      expect(tied.statusCode).toBe(400);
      expect(textOf(tied.body)).toContain('tied.assessor is not independent of MOI-A');
      const lapsed = await assign(own.id, 'lapsed.assessor');
      expect(lapsed.statusCode).toBe(400);
      expect(textOf(lapsed.body)).toContain('lapsed.assessor is not qualified');
      const unknown = await assign('no-such-assessment', 'free.assessor');
      expect(unknown.statusCode).toBe(404);

      const assigned = await postForm(t.app, '/office/assignments', cookie, { _csrf: csrf, action: 'assign', assessment: own.id, assessor: 'free.assessor', cycle: '160' });
      expect(assigned.statusCode, assigned.body).toBe(303);
      // Back to the list as it was filtered.
      expect(assigned.headers.location).toBe('/office/assignments?cycle=160&done=office.assignments.assigned');
      const page = await follow(t.app, assigned, cookie);
      expect(textOf(page.body)).toContain(zh('office.assignments.assigned'));
      expect(rowWith(page.body, `value="${own.id}"`)).toContain('<code>free.assessor</code>');
      expect((await t.app.services.assessments.list(system, { cycle: 160, agency: 'MOI-A' }))[0]?.assessor).toBe('free.assessor');
    });

    it('reopens an accepted assessment with a reason, and asks for one', async () => {
      await createCycleWithCohort(t.app, 170);
      // A pilot cycle needs no answers: the CISO submits, the assessor reviews and accepts (sealed).
      const { id } = await t.app.services.assessments.create(system, { agency: 'MOI-A', cycle: 170 });
      await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
      await t.app.services.assessments.submit(await actor('ciso'), id, { statement: true });
      await t.app.services.reviews.assign(system, id, 'assessor');
      await t.app.services.reviews.review(await actor('assessor'), id);
      await t.app.services.reviews.accept(await actor('assessor'), id);

      const { cookie, csrf, response } = await officeOn('/office/assignments?cycle=170');
      const row = rowWith(response.body, `value="${id}"`);
      expect(row).toContain('value="reopen"');
      expect(row).not.toContain('value="assign"');
      const reopen = (reason: string) => postForm(t.app, '/office/assignments', cookie, { _csrf: csrf, action: 'reopen', assessment: id, reason });
      const empty = await reopen('   ');
      expect(empty.statusCode).toBe(400);
      expect(textOf(empty.body)).toContain(problem(zh('office.assignments.reopen.reason'), zh('office.form.required')));
      expect((await t.app.services.seals.current(id))).toBeDefined();

      const reopened = await reopen('機關申覆：TEC-02 已補正資料');
      expect(reopened.statusCode, reopened.body).toBe(303);
      const page = await follow(t.app, reopened, cookie);
      expect(textOf(page.body)).toContain(zh('office.assignments.reopened'));
      expect(rowWith(page.body, `value="${id}"`)).toContain('state-in_review');
      expect(await t.app.services.seals.current(id)).toBeUndefined();
      const again = await reopen('再一次');
      expect(again.statusCode).toBe(409);
      expect(textOf(again.body)).toContain(zh('office.failed'));
    });
  });

  describe('audit', () => {
    it('lists the audit trail with filters and pages back, as GET /api/audit does', async () => {
      const session = await loginAs(t.app, 'office');
      const all = await getPage(t.app, '/office/audit', session);
      expect(all.statusCode).toBe(200);
      expect(textOf(all.body)).toContain('user:office');

      const page = await getPage(t.app, '/office/audit?action=user.create&limit=2', session);
      expect(page.statusCode).toBe(200);
      const expected = (await t.app.services.audit.list({ action: 'user.create', limit: 3 })).map((e) => e.seq);
      const seqs = (html: string) => [...html.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
      expect(seqs(page.body)).toEqual(expected.slice(0, 2));
      expect(page.body).not.toContain('<code>agency.create</code>');
      const older = textOf(/<a href="([^"]+)">[^<]*<\/a>\s*<\/p>/.exec(page.body)?.[1] ?? '');
      expect(older).toBe(`/office/audit?action=user.create&limit=2&before=${expected[1]}`);
      const back = await getPage(t.app, older, session);
      expect(seqs(back.body)[0]).toBe(expected[2]);
      expect(textOf(back.body)).toContain(zh('office.audit.newest'));

      const bySubject = await getPage(t.app, '/office/audit?subject=agency%3AMOI-A', session);
      const ofMoiA = (await t.app.services.audit.list({ subject: 'agency:MOI-A', limit: 100 })).map((e) => e.seq);
      expect(ofMoiA.length).toBeGreaterThan(0);
      expect(seqs(bySubject.body)).toEqual(ofMoiA);
      const byActor = await getPage(t.app, '/office/audit?actor=nobody', session);
      expect(textOf(byActor.body)).toContain(zh('office.audit.empty'));
    });

    it('shows a clear error for a bad filter, and echoes what was typed escaped', async () => {
      const session = await loginAs(t.app, 'office');
      for (const query of ['limit=abc', 'limit=5000', 'limit=0', 'before=0', 'before=-3']) {
        const bad = await getPage(t.app, `/office/audit?${query}`, session);
        expect(bad.statusCode, query).toBe(400);
        expect(textOf(bad.body)).toContain(zh('office.form.invalid'));
      }
      expect(textOf((await getPage(t.app, '/office/audit?limit=abc', session)).body)).toContain(problem(zh('office.audit.limit'), zh('office.form.limit')));
      const hostile = await getPage(t.app, `/office/audit?subject=${encodeURIComponent('<script>alert(1)</script>')}`, session);
      expect(hostile.statusCode).toBe(200);
      expect(hostile.body).not.toContain('<script>alert(1)');
      expect(hostile.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    });
  });
});
