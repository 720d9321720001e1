// The account pages (issue 12): /me (password, two-factor enrolment with the server-drawn QR code,
// bearer tokens, logging out everywhere), the public /verify and the ministry's /ministry, driven as
// a browser would (form posts with the CSRF token) on each database, under TWO_FACTOR=staff.
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { message, formatDate, type MessageKey } from '../../src/http/pages/i18n.js';
import { checkedSvg } from '../../src/http/pages/routes/account.js';
import { actorOf } from '../../src/services/accounts.service.js';
import { otpCode } from '../../src/services/otp.js';
import { PASSWORD, createCycleWithCohort, loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';
import { csrfFrom, getPage, postFile, postForm, textOf } from '../helpers/pages.js';

const zh = (key: MessageKey) => message('zh-TW', key);
const NEW_PASSWORD = 'a much longer passphrase 2020';

describe('the QR code’s SVG check', () => {
  it('lets through what qrcode draws, and refuses style attributes, scripts, handlers, links and text', async () => {
    const drawn = await QRCode.toString('otpauth://totp/govsec-maturity:office?secret=JBSWY3DPEHPK3PXP&issuer=govsec-maturity', { type: 'svg' });
    expect(drawn).not.toMatch(/style\s*=/i);
    expect(checkedSvg(drawn)).toBe(drawn.trim());
    const path = '<path fill="#ffffff" d="M0 0h49v49H0z"/>';
    for (const bad of [
      `<svg xmlns="http://www.w3.org/2000/svg" style="background:red">${path}</svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><path style="fill:red" d="M0 0"/></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">${path}</svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">${path}</a></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg">text${path}</svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><style>path{fill:red}</style>${path}</svg>`,
      `<div>${path}</div>`,
    ]) {
      expect(checkedSvg(bad), bad).toBeNull();
    }
  });
});

describe.each(databaseKinds)('account pages on $name', (kind) => {
  const t = useSeededApp(kind, { TWO_FACTOR: 'staff' });

  /** A signed-in browser on /me: its Cookie header (session and CSRF cookie) and the forms' token. */
  async function browserOf(username: string, password = PASSWORD, otp?: string) {
    const session = await loginAs(t.app, username, password, otp);
    const { cookie, csrf, response } = await csrfFrom(t.app, '/me', session);
    return { cookie, csrf, page: response.body };
  }
  const post = (cookie: string, url: string, fields: Record<string, string>) => postForm(t.app, url, cookie, fields);
  const get = (cookie: string, url: string) => getPage(t.app, url, cookie);
  const actor = async (username: string) => actorOf(await t.app.services.accounts.getUser(username));
  const bearer = (token: string) => t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

  it('refuses every form post of these pages without this browser’s CSRF token, changing nothing', async () => {
    const { cookie, csrf } = await browserOf('agency');
    const posts: [string, Record<string, string>][] = [
      ['/me/password', { current: PASSWORD, new: NEW_PASSWORD, repeat: NEW_PASSWORD }],
      ['/me/otp', {}],
      ['/me/otp/confirm', { otp: '123456' }],
      ['/me/tokens', { name: 'sneaky', days: '7' }],
      ['/me/tokens/00000000-0000-0000-0000-000000000000/revoke', {}],
      ['/me/logout-everywhere', {}],
    ];
    for (const [url, fields] of posts) {
      for (const token of [undefined, 'x'.repeat(43), csrf.slice(0, -1)]) {
        const response = await post(cookie, url, token === undefined ? fields : { ...fields, _csrf: token });
        expect(response.statusCode, `${url} with ${String(token)}`).toBe(403);
        expect(textOf(response.body)).toContain(zh('error.csrf'));
      }
    }
    // Nothing happened: the session lives, the password is the old one, no token, no enrolment.
    const me = await get(cookie, '/me');
    expect(me.statusCode).toBe(200);
    expect(textOf(me.body)).toContain(zh('me.token.none'));
    expect(textOf(me.body)).toContain(zh('me.otp.off'));
    expect(await loginAs(t.app, 'agency')).toMatch(/^gsm_session=/);
  });

  it('changes my password: a wrong current one is shown as such; after a change the other sessions end, this one goes on, and the new one logs in', async () => {
    const other = await loginAs(t.app, 'agency');
    const { cookie, csrf } = await browserOf('agency');

    const wrong = await post(cookie, '/me/password', { _csrf: csrf, current: 'not my password', new: NEW_PASSWORD, repeat: NEW_PASSWORD });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^text\/html/);
    expect(textOf(wrong.body)).toContain(zh('me.password.wrong'));
    expect(wrong.body).toContain('class="flash flash-error"');

    const short = await post(cookie, '/me/password', { _csrf: csrf, current: PASSWORD, new: 'short', repeat: 'short' });
    expect(short.statusCode).toBe(422);
    expect(textOf(short.body)).toContain(zh('me.password.short'));
    const mismatch = await post(cookie, '/me/password', { _csrf: csrf, current: PASSWORD, new: NEW_PASSWORD, repeat: `${NEW_PASSWORD}!` });
    expect(mismatch.statusCode).toBe(422);
    expect(textOf(mismatch.body)).toContain(zh('me.password.mismatch'));
    // None of those changed it.
    expect(await loginAs(t.app, 'agency')).toMatch(/^gsm_session=/);

    const changed = await post(cookie, '/me/password', { _csrf: csrf, current: PASSWORD, new: NEW_PASSWORD, repeat: NEW_PASSWORD });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/me?done=password');
    const after = await get(cookie, '/me?done=password');
    expect(after.statusCode).toBe(200);
    expect(textOf(after.body)).toContain(zh('me.password.changed'));
    const ended = await get(other, '/me');
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe('/login?next=%2Fme');
    await expect(loginAs(t.app, 'agency')).rejects.toThrow(/401/);
    expect(await loginAs(t.app, 'agency', NEW_PASSWORD)).toMatch(/^gsm_session=/);
  });

  it('holds a staff account that must enrol to /me, and enrols it end to end: QR code without style, secret, recovery codes, confirmation', async () => {
    const { cookie, csrf, page } = await browserOf('office');
    // A clear message, only the second factor on the page, and every other page sends the user back here.
    expect(textOf(page)).toContain(zh('me.otp.required'));
    expect(page).not.toContain('action="/me/password"');
    expect(page).not.toContain('action="/me/tokens"');
    const home = await get(cookie, '/');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/me');
    const token = await post(cookie, '/me/tokens', { _csrf: csrf, name: 'early', days: '1' });
    expect(token.statusCode).toBe(303);
    expect(token.headers.location).toBe('/me');

    const started = await post(cookie, '/me/otp', { _csrf: csrf });
    expect(started.statusCode).toBe(200);
    const html = started.body;
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0];
    expect(svg).toBeDefined();
    expect(svg).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(html).toMatch(/<div class="qr" role="img" aria-label="[^"]+"><svg /);
    const secret = /<code class="secret" id="otp-secret">([A-Z2-7]+)<\/code>/.exec(html)?.[1];
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(html).toContain(`secret&#x3D;${secret}`);
    const codes = [...(/<ol class="recovery-codes"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '').matchAll(/<code>([a-z2-7]{5}-[a-z2-7]{5})<\/code>/g)].map((m) => m[1]!);
    expect(new Set(codes).size).toBe(10);
    // The secret is in no form field: the service keeps it, sealed, for the second step.
    expect(html).not.toMatch(new RegExp(`<input[^>]*${secret}`));
    expect(html).toContain('action="/me/otp/confirm"');

    // Between the two steps, /me shows the confirmation form and "start again", never the secret again.
    const waiting = await get(cookie, '/me');
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).not.toContain(secret);
    expect(waiting.body).not.toContain('<svg');
    expect(waiting.body).toContain('action="/me/otp/confirm"');
    expect(textOf(waiting.body)).toContain(zh('me.otp.pending'));

    const wrong = await post(cookie, '/me/otp/confirm', { _csrf: csrf, otp: otpCode(secret!, new Date(Date.now() - 10 * 60_000)) });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain(zh('me.otp.wrong'));
    const malformed = await post(cookie, '/me/otp/confirm', { _csrf: csrf, otp: '12ab' });
    expect(malformed.statusCode).toBe(400);
    expect(textOf(malformed.body)).toContain(zh('me.otp.wrong'));

    const confirmed = await post(cookie, '/me/otp/confirm', { _csrf: csrf, otp: otpCode(secret!, new Date()) });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/me?done=otp');
    const on = await get(cookie, '/me?done=otp');
    expect(textOf(on.body)).toContain(zh('me.otp.done'));
    expect(textOf(on.body)).toContain(zh('me.otp.on'));
    expect(on.body).toContain('action="/me/password"');
    expect((await get(cookie, '/')).statusCode).toBe(200);
    const again = await post(cookie, '/me/otp', { _csrf: csrf });
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain(zh('me.otp.already'));

    // From now on a log-in asks for a code: the app's next one, or a recovery code.
    const withoutCode = await t.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'office', password: PASSWORD } });
    expect(withoutCode.json()).toMatchObject({ error: { code: 'otp_required' } });
    expect(await loginAs(t.app, 'office', PASSWORD, otpCode(secret!, new Date(Date.now() + 30_000)))).toMatch(/^gsm_session=/);
    expect(await loginAs(t.app, 'office', PASSWORD, codes[0])).toMatch(/^gsm_session=/);
  });

  it('creates my bearer tokens (shown once), lists and revokes them', async () => {
    const { cookie, csrf } = await browserOf('ciso');
    const created = await post(cookie, '/me/tokens', { _csrf: csrf, name: '<b>nightly</b> export', days: '7' });
    expect(created.statusCode).toBe(200);
    const token = /<code class="secret" id="new-token">(gsm_[A-Za-z0-9_-]+)<\/code>/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    expect(created.body).toContain('&lt;b&gt;nightly&lt;/b&gt; export');
    expect(created.body).not.toContain('<b>nightly</b>');
    expect(textOf(created.body)).toContain(zh('me.token.copy'));
    expect((await bearer(token!)).statusCode).toBe(200);
    const listed = await t.app.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token}` } });
    const expiresAt = listed.json<{ expiresAt: string }[]>()[0]!.expiresAt;
    expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);

    // Listed afterwards, never shown again.
    const me = await get(cookie, '/me');
    expect(me.body).toContain('&lt;b&gt;nightly&lt;/b&gt; export');
    expect(me.body).not.toContain(token);
    expect(textOf(me.body)).toContain(formatDate(expiresAt, 'zh-TW', true));
    const id = /action="\/me\/tokens\/([0-9a-f-]+)\/revoke"/.exec(me.body)?.[1];
    expect(id).toBeDefined();

    // Refusals keep what was typed and name the problem.
    const tooLong = await post(cookie, '/me/tokens', { _csrf: csrf, name: 'long-lived', days: '365' });
    expect(tooLong.statusCode).toBe(400);
    expect(textOf(tooLong.body)).toContain(zh('me.token.badDays'));
    expect(tooLong.body).toContain('value="long-lived"');
    const noName = await post(cookie, '/me/tokens', { _csrf: csrf, name: '  ', days: '' });
    expect(noName.statusCode).toBe(400);
    expect(textOf(noName.body)).toContain(zh('me.token.badName'));
    const notDays = await post(cookie, '/me/tokens', { _csrf: csrf, name: 'x', days: '1.5' });
    expect(notDays.statusCode).toBe(400);

    const revoked = await post(cookie, `/me/tokens/${id}/revoke`, { _csrf: csrf });
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/me?done=revoked');
    expect((await bearer(token!)).statusCode).toBe(401);
    const after = await get(cookie, '/me?done=revoked');
    expect(textOf(after.body)).toContain(zh('me.token.revoked'));
    expect(textOf(after.body)).toContain(zh('me.token.none'));
    const unknown = await post(cookie, `/me/tokens/${id}/revoke`, { _csrf: csrf });
    expect(unknown.statusCode).toBe(404);
    expect(textOf(unknown.body)).toContain(zh('me.token.notFound'));
  });

  it('logs out everywhere: every session and token ends, and the browser goes to /login', async () => {
    await t.app.services.accounts.createUser(null, { username: 'leaver', role: 'agency', agency: 'MOI-A', password: PASSWORD });
    const elsewhere = await loginAs(t.app, 'leaver');
    const token = (await t.app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: elsewhere }, payload: { name: 'script' } })).json<{ token: string }>().token;
    const { cookie, csrf } = await browserOf('leaver');
    const out = await post(cookie, '/me/logout-everywhere', { _csrf: csrf });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?out=1');
    expect(out.cookies.find((c) => c.name === 'gsm_session')).toMatchObject({ value: '' });
    for (const session of [cookie, elsewhere]) {
      const me = await get(session, '/me');
      expect(me.statusCode).toBe(303);
      expect(me.headers.location).toBe('/login?next=%2Fme');
    }
    expect((await bearer(token)).statusCode).toBe(401);
  });

  describe('an accepted record', () => {
    const YEAR = 150;
    const state: { id?: string; code?: string } = {};

    it('is verified by its code: valid, with its agency, cycle and acceptance; unknown and malformed codes are told apart', async () => {
      await createCycleWithCohort(t.app, YEAR);
      const [office, ciso, assessor] = await Promise.all(['office', 'ciso', 'assessor'].map(actor));
      await t.app.services.assessors.put(null, 'assessor', { certifiedOn: '2019-01-01', validUntil: '2099-12-31', affiliations: [] });
      const { id } = await t.app.services.assessments.create(office!, { agency: 'MOI-A', cycle: YEAR });
      await t.app.services.reviews.assign(office!, id, 'assessor');
      await t.app.services.assessments.submit(ciso!, id, { statement: true });
      await t.app.services.reviews.review(assessor!, id);
      const { verificationCode, acceptedAt } = await t.app.services.reviews.accept(assessor!, id);
      Object.assign(state, { id, code: verificationCode });

      const empty = await getPage(t.app, '/verify');
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain('action="/verify"');
      expect(empty.body).not.toContain('verify-result');

      for (const asked of [verificationCode, verificationCode.toUpperCase(), ` ${verificationCode} `]) {
        const valid = await getPage(t.app, `/verify?code=${encodeURIComponent(asked)}`);
        expect(valid.statusCode, asked).toBe(200);
        const text = textOf(valid.body);
        expect(text).toContain(zh('verify.valid'));
        expect(text).toContain('內政部甲機關');
        expect(text).toContain('MOI-A');
        expect(text).toContain(String(YEAR));
        expect(text).toContain(formatDate(acceptedAt, 'zh-TW', true));
        expect(text).toContain(verificationCode);
      }
      // Nobody needs to be signed in; in English too.
      const english = await getPage(t.app, `/verify?code=${verificationCode}&lang=en`);
      expect(english.body).toContain('<html lang="en">');
      expect(textOf(english.body)).toContain(message('en', 'verify.valid'));

      const unknown = await getPage(t.app, `/verify?code=${'0'.repeat(64)}`);
      expect(unknown.statusCode).toBe(404);
      expect(textOf(unknown.body)).toContain(zh('verify.unknown'));
      expect(textOf(unknown.body)).not.toContain(zh('verify.valid'));

      // The report's PDF itself, chosen on the page, is hashed on the server and verified by that hash.
      await t.app.services.reports.settled();
      const pdf = (await t.app.services.reports.report(office!, id, { lang: 'zh-TW', part: 'main' })).bytes;
      const form = await getPage(t.app, '/verify');
      const csrf = form.cookies.find((c) => c.name === 'gsm_csrf')!.value;
      expect(form.body).toContain(`action="/verify?_csrf=${csrf}"`);
      const cookie = `gsm_csrf=${csrf}`;
      const byFile = await postFile(t.app, `/verify?_csrf=${csrf}`, cookie, {}, { field: 'file', name: '成果報告.pdf', type: 'application/pdf', content: pdf });
      expect(byFile.statusCode).toBe(200);
      expect(textOf(byFile.body)).toContain(zh('verify.valid'));
      expect(textOf(byFile.body)).toContain('成果報告.pdf');
      const notOurs = await postFile(t.app, `/verify?_csrf=${csrf}`, cookie, {}, { field: 'file', name: 'other.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4 not ours') });
      expect(notOurs.statusCode).toBe(404);
      expect((await postFile(t.app, '/verify', cookie, {}, { field: 'file', name: 'x.pdf', type: 'application/pdf', content: pdf })).statusCode).toBe(403);

      for (const bad of ['<script>alert(1)</script>', verificationCode.slice(1), `${verificationCode}0`, `${verificationCode.slice(1)}g`]) {
        const malformed = await getPage(t.app, `/verify?code=${encodeURIComponent(bad)}`);
        expect(malformed.statusCode, bad).toBe(400);
        expect(textOf(malformed.body)).toContain(zh('verify.malformed'));
        expect(malformed.body).not.toContain('<script>alert');
      }
    });

    it('shows a revoked record with when and why, and the record that replaced it', async () => {
      const office = await actor('office');
      const assessor = await actor('assessor');
      await t.app.services.reviews.reopen(office, state.id!, '申訴成立 <重新審查>');
      const revoked = await getPage(t.app, `/verify?code=${state.code}`);
      expect(revoked.statusCode).toBe(200);
      const text = textOf(revoked.body);
      expect(text).toContain(zh('verify.revoked'));
      expect(text).not.toContain(zh('verify.valid'));
      expect(text).toContain('申訴成立 <重新審查>');
      expect(revoked.body).toContain('申訴成立 &lt;重新審查&gt;');
      expect(text).toContain(zh('verify.revokedAt'));

      const { verificationCode } = await t.app.services.reviews.accept(assessor, state.id!);
      const replaced = await getPage(t.app, `/verify?code=${state.code}`);
      expect(replaced.body).toContain(`href="/verify?code=${verificationCode}"`);
      expect(textOf((await getPage(t.app, `/verify?code=${verificationCode}`)).body)).toContain(zh('verify.valid'));
    });

    it('shows a ministry user only the agencies under the ministry, with each cycle’s state, level and target', async () => {
      const office = await actor('office');
      await t.app.services.assessments.create(office, { agency: 'MOEA-B', cycle: YEAR });
      const session = await loginAs(t.app, 'ministry');
      const page = await get(session, '/ministry');
      expect(page.statusCode).toBe(200);
      const text = textOf(page.body);
      expect(text).toContain('內政部甲機關');
      expect(text).not.toContain('經濟部乙機關');
      expect(text).not.toContain('MOEA-B');
      // The accepted pilot-cycle assessment: its state and validated level, no target; 109 not started.
      const section = /<section class="card" aria-labelledby="cycle-150">([\s\S]*?)<\/section>/.exec(page.body)?.[1] ?? '';
      expect(section).toContain(`href="/assessments/${state.id}"`);
      expect(textOf(section)).toContain(zh('state.accepted'));
      const cycle109 = /<section class="card" aria-labelledby="cycle-109">([\s\S]*?)<\/section>/.exec(page.body)?.[1] ?? '';
      expect(textOf(cycle109)).toContain(zh('ministry.notStarted'));
      expect(page.body).not.toMatch(/\sstyle\s*=/i);

      // Only for ministry users; a visitor goes to log in.
      const agency = await get(await loginAs(t.app, 'ciso'), '/ministry');
      expect(agency.statusCode).toBe(403);
      const anonymous = await getPage(t.app, '/ministry');
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/login?next=%2Fministry');
    });
  });
});
