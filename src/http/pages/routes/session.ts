// Log-in (with its second step), log-out and the language switch's landing: the pages every visitor sees first.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SecretBox } from '../../../services/otp.js';
import { ServiceError } from '../../../services/errors.js';
import { clearSessionCookie, setSessionCookie } from '../../plugins/auth.js';
import { message } from '../i18n.js';
import { requireCsrf } from '../plugin.js';

const PENDING_COOKIE = 'gsm_pending';
const PENDING_SECONDS = 300;

/** Where to go after logging in: a path of this site only. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

interface LoginForm {
  username?: string;
  password?: string;
  otp?: string;
  next?: string;
  _csrf?: string;
}

export default async function sessionPages(app: FastifyInstance, options: { sessionSecret: string }) {
  // The first step's username and password wait, sealed, for the second step: never in the page.
  const pending = new SecretBox(options.sessionSecret, 'pending-login');
  const cookieOptions = (request: FastifyRequest) => ({ path: '/login', httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' && app.cookieSecure !== 'false', maxAge: PENDING_SECONDS });

  const showLogin = (reply: FastifyReply, data: Record<string, unknown>, status = 200) => reply.page('login', 'login.title', data, status);

  app.get('/login', { config: { access: 'public', page: true }, schema: { hide: true } }, async (request, reply) => {
    const query = request.query as { next?: string; out?: string };
    if (request.actor) return reply.redirect(safeNext(query.next), 303);
    return showLogin(reply, { next: safeNext(query.next), flash: query.out ? { kind: 'ok', text: message(request.lang, 'login.loggedOut') } : null });
  });

  app.post('/login', { config: { access: 'public', page: true }, schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as LoginForm;
    requireCsrf(request);
    const next = safeNext(form.next);
    let username = typeof form.username === 'string' ? form.username.trim() : '';
    let password = typeof form.password === 'string' ? form.password : '';
    const otp = typeof form.otp === 'string' && form.otp.trim() !== '' ? form.otp.trim() : undefined;
    const second = otp !== undefined || (username === '' && request.cookies[PENDING_COOKIE] !== undefined);
    if (second) {
      const opened = request.cookies[PENDING_COOKIE] ? pending.open(request.cookies[PENDING_COOKIE]) : null;
      const held = opened ? (JSON.parse(opened) as { u: string; p: string; until: number }) : null;
      if (!held || held.until < Date.now()) {
        void reply.clearCookie(PENDING_COOKIE, { path: '/login' });
        return showLogin(reply, { next, flash: { kind: 'error', text: message(request.lang, 'login.expired') } }, 401);
      }
      username = held.u;
      password = held.p;
    }
    try {
      const { sessionId, expiresAt } = await app.services.accounts.login(username.slice(0, 64), password.slice(0, 1024), request.ip, request.cookies.gsm_session, otp);
      void reply.clearCookie(PENDING_COOKIE, { path: '/login' });
      setSessionCookie(request, reply, sessionId, expiresAt);
      return reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.code === 'otp_required' || error.code === 'otp_invalid') {
        if (error.code === 'otp_required') void reply.setCookie(PENDING_COOKIE, pending.seal(JSON.stringify({ u: username, p: password, until: Date.now() + PENDING_SECONDS * 1000 })), cookieOptions(request));
        return showLogin(reply, { next, second: true, flash: error.code === 'otp_invalid' ? { kind: 'error', text: message(request.lang, 'login.otp.invalid') } : null }, error.code === 'otp_invalid' ? 401 : 200);
      }
      if (error.code === 'too_many_attempts') return showLogin(reply, { next, username, flash: { kind: 'error', text: message(request.lang, 'login.locked') } }, 429);
      if (error.code === 'invalid_credentials') return showLogin(reply, { next, username, flash: { kind: 'error', text: message(request.lang, 'login.failed') } }, 401);
      throw error;
    }
  });

  app.post('/logout', { config: { access: 'public', page: true }, schema: { hide: true } }, async (request, reply) => {
    requireCsrf(request);
    if (request.sessionId) await app.services.accounts.logout(request.sessionId);
    clearSessionCookie(request, reply);
    return reply.redirect('/login?out=1', 303);
  });
}
