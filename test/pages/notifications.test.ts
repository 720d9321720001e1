// The notifications page and the header's link to it, driven as a browser would (form posts with the
// CSRF token, no JavaScript) on each database, under a pinned clock: 1 December 2020 in Taiwan, the
// day after cycle 130's deadline of 30 November.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message, type MessageKey } from '../../src/http/pages/i18n.js';
import { actorOf } from '../../src/services/accounts.service.js';
import { PASSWORD, buildTestApp, loginAs, seedPeople, type TestApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { csrfFrom, follow, getPage, postForm, textOf } from '../helpers/pages.js';

const zh = (key: MessageKey) => message('zh-TW', key);
const en = (key: MessageKey) => message('en', key);
const CYCLE = 130;
const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
const COMMENT = '請補充 <script>alert(1)</script> 的證據';

describe.each(databaseKinds)('the notifications page on $name', (kind) => {
  let t: TestApp;
  const now = new Date('2020-11-30T16:00:00Z');
  let assessment = '';

  /** A signed-in browser: its Cookie header (session and CSRF cookie), the forms' token, and the page it opened. */
  async function browserOf(username: string, url = '/notifications') {
    const session = await loginAs(t.app, username);
    const { cookie, csrf, response } = await csrfFrom(t.app, url, session);
    return { cookie, csrf, page: response };
  }
  const headerLink = (html: string) => textOf(/<a href="\/notifications" id="nav-notifications">[^<]*<\/a>/.exec(html)?.[0] ?? '').trim();

  beforeAll(async () => {
    t = await buildTestApp(await kind.create(), {}, { now: () => new Date(now.getTime()) });
    const s = t.app.services;
    await seedPeople(t.app);
    await s.accounts.createUser(null, { username: 'agency.b', role: 'agency', agency: 'MOEA-B', ministry: null, password: PASSWORD });
    await s.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
    await s.handle.db.updateTable('cycles').set({ closedAt: '2020-10-01T00:00:00.000Z' }).execute();
    await s.cycles.create(null, { year: CYCLE, questionnaire: 'isgm-109@1.1.0', targetLevel: null, grades: ['A', 'B'], deadline: '2020-11-30' });
    await s.agencies.update(system, 'MOI-A', { grades: { [String(CYCLE)]: 'A' } });
    await s.agencies.update(system, 'MOEA-B', { grades: { [String(CYCLE)]: 'B' } });
    // MOI-A submits and is returned; MOEA-B has not started, so it has the three deadline notices.
    const office = actorOf(await s.accounts.getUser('office'));
    const assessor = actorOf(await s.accounts.getUser('assessor'));
    assessment = (await s.assessments.create(office, { agency: 'MOI-A', cycle: CYCLE })).id;
    await s.assessments.submit(actorOf(await s.accounts.getUser('ciso')), assessment, { statement: true });
    await s.reviews.assign(office, assessment, 'assessor');
    await s.reviews.review(assessor, assessment);
    await s.reviews.return(assessor, assessment, COMMENT);
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.drop();
  });

  it('sends a visitor who is not signed in to log in', async () => {
    const response = await getPage(t.app, '/notifications');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fnotifications');
  });

  it('lists an agency’s deadline notices in Chinese and in English, with the unread count in the header', async () => {
    const { page, cookie } = await browserOf('agency.b');
    expect(page.statusCode).toBe(200);
    expect(headerLink(page.body)).toBe('通知（3 則未讀）');
    const text = textOf(page.body);
    expect(text).toContain(zh('notifications.deadline-passed'));
    expect(text).toContain(zh('notifications.deadline-3'));
    expect(text).toContain(zh('notifications.deadline-14'));
    expect(text).toContain('填報期限：民國 109 年 11 月 30 日（已逾期 1 天）');
    expect(text).toContain('民國 109 年 12 月 1 日 00:00'); // the passed notice's day, in Taiwan time
    expect(page.body).toContain(`<a href="/">${zh('notifications.start')}</a>`);
    const english = await getPage(t.app, '/notifications?lang=en', cookie);
    expect(headerLink(english.body)).toBe('Notifications (3 unread)');
    expect(textOf(english.body)).toContain(en('notifications.deadline-passed'));
    expect(textOf(english.body)).toContain('Deadline: 30 November 2020 (1 days overdue)');
  });

  it('shows a return with the assessor’s comment, escaped, linking to the assessment; the assessor’s assignment links to the review', async () => {
    const { page } = await browserOf('ciso');
    expect(headerLink(page.body)).toBe('通知（1 則未讀）');
    expect(textOf(page.body)).toContain(`${zh('notifications.return')} ${zh('notifications.comment')}： ${COMMENT}`);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain(`<a href="/assessments/${assessment}">${zh('notifications.open')}</a>`);
    const reviewer = await browserOf('assessor');
    expect(textOf(reviewer.page.body)).toContain(zh('notifications.assignment'));
    expect(reviewer.page.body).toContain(`<a href="/assessments/${assessment}/review">${zh('notifications.review')}</a>`);
  });

  it('marks one read by its form (303 back, with a note), per user, and refuses the form without the CSRF token', async () => {
    const { cookie, csrf } = await browserOf('agency.b');
    const id = 'deadline-130-MOEA-B-3-2020-11-30';
    for (const token of [undefined, 'x'.repeat(43)]) {
      const refused = await postForm(t.app, `/notifications/${id}/read`, cookie, token === undefined ? {} : { _csrf: token });
      expect(refused.statusCode).toBe(403);
      expect(textOf(refused.body)).toContain(zh('error.csrf'));
    }
    expect(headerLink((await getPage(t.app, '/notifications', cookie)).body)).toBe('通知（3 則未讀）');
    const marked = await postForm(t.app, `/notifications/${id}/read`, cookie, { _csrf: csrf });
    expect(marked.statusCode).toBe(303);
    expect(marked.headers.location).toBe('/notifications?done=read');
    const back = await follow(t.app, marked, cookie);
    expect(textOf(back.body)).toContain(zh('notifications.done'));
    expect(headerLink(back.body)).toBe('通知（2 則未讀）');
    // Its row now says read and has no form; the two others keep theirs.
    expect(back.body).not.toContain(`action="/notifications/${id}/read"`);
    expect(back.body).toContain('action="/notifications/deadline-130-MOEA-B-14-2020-11-30/read"');
    // Another agency's notice, or one that does not exist, is not found.
    for (const other of ['deadline-130-MOI-A-3-2020-11-30', 'nothing-here']) {
      const response = await postForm(t.app, `/notifications/${other}/read`, cookie, { _csrf: csrf });
      expect(response.statusCode).toBe(404);
      expect(textOf(response.body)).toContain(zh('error.404'));
    }
  });

  it('marks all read, after which the header shows no count and the page has no forms left', async () => {
    const { cookie, csrf } = await browserOf('agency.b');
    const marked = await postForm(t.app, '/notifications/read-all', cookie, { _csrf: csrf });
    expect(marked.statusCode).toBe(303);
    const back = await follow(t.app, marked, cookie);
    expect(headerLink(back.body)).toBe('通知');
    expect(back.body).not.toContain('/read"');
    expect(back.body.split(`<span class="muted">${zh('notifications.read')}</span>`).length - 1).toBe(3);
    // A user of the same agency has not read them.
    await t.app.services.accounts.createUser(null, { username: 'ciso.b', role: 'ciso', agency: 'MOEA-B', ministry: null, password: PASSWORD });
    expect(headerLink((await browserOf('ciso.b', '/')).page.body)).toBe('通知（3 則未讀）');
  });

  it('has nothing for the office or a ministry user, and shows the link without a count on other pages', async () => {
    for (const username of ['office', 'ministry']) {
      const { page } = await browserOf(username);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain(zh('notifications.none'));
      expect(headerLink(page.body)).toBe('通知');
    }
    const me = await browserOf('agency', '/me');
    expect(headerLink(me.page.body)).toBe('通知（1 則未讀）');
  });
});
