// What every page shares: the view engine, the language, the CSRF token of forms, form bodies, the
// app's own assets, and errors shown as pages (a visitor who is not signed in is sent to /login).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { templatesDir } from '../../paths.js';
import { ServiceError, type ErrorCode } from '../../services/errors.js';
import { RETRY_AFTER_UNAVAILABLE, STATUS_OF, asServiceError } from '../plugins/errors.js';
import { isMessageKey, message, pickLanguage, type Language, type MessageKey } from './i18n.js';
import { Views, type PageContext } from './view.js';

export const CSRF_COOKIE = 'gsm_csrf';
export const CSRF_FIELD = '_csrf';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page: errors are shown as pages, a visitor who is not signed in goes to /login. */
    page?: boolean;
  }
  interface FastifyRequest {
    lang: Language;
  }
  interface FastifyReply {
    /** Renders `templates/pages/<name>.hbs` in the layout, in the request's language; `title` is a message key or a text. */
    page(name: string, title: string, data?: Record<string, unknown>, status?: number): Promise<FastifyReply>;
  }
}

/** The CSRF token of this browser (double-submit: a cookie, and the same value in every form). */
function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  void reply.setCookie(CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' && request.server.cookieSecure !== 'false' });
  request.cookies[CSRF_COOKIE] = token;
  return token;
}

/** Whether a form post carries this browser's CSRF token (in the form, a header, or the URL for file uploads). */
export function csrfHolds(request: FastifyRequest, fromForm?: string): boolean {
  const cookie = request.cookies[CSRF_COOKIE];
  const body = request.body as Record<string, unknown> | undefined;
  const fromBody = body?.[CSRF_FIELD];
  const fromHeader = request.headers['x-csrf-token'];
  const fromQuery = (request.query as Record<string, unknown>)[CSRF_FIELD];
  const sent = fromForm ?? (typeof fromBody === 'string' ? fromBody : undefined) ?? (typeof fromHeader === 'string' ? fromHeader : undefined) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  if (!cookie || !sent || cookie.length !== sent.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(sent));
}

/** The error as a ServiceError with one of `codes` (one the page shows in place), or null (one to pass on). */
export function expected(error: unknown, codes: readonly ErrorCode[]): ServiceError | null {
  if (!(error instanceof ServiceError)) return null;
  const code = error.code as ErrorCode;
  return codes.includes(code) ? (error as ServiceError) : null;
}

/** Refuses a form post without this browser's CSRF token. */
export function requireCsrf(request: FastifyRequest, fromForm?: string): void {
  if (!csrfHolds(request, fromForm)) throw new ServiceError('csrf', 'the form’s CSRF token is missing or wrong');
}

/**
 * A urlencoded form body, decoded strictly: a percent-encoding that is not well-formed UTF-8 is refused
 * (400) rather than kept as literal `%ED%A0%80` text. A name given twice becomes a list, which no page
 * accepts where it wants one value.
 */
export function parseForm(body: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' '));
      value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' '));
    } catch {
      throw Object.assign(new Error('the form body is not well-formed UTF-8'), { statusCode: 400 });
    }
    const before = form[name];
    form[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return form;
}

/** The assets the pages load, served by the app itself (no CDN). */
const ASSETS: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'favicon.svg': 'image/svg+xml' };

export default fp(
  async (app) => {
    const views = new Views();
    await app.register(formbody, { bodyLimit: 1024 * 1024, parser: parseForm });
    app.decorateRequest('lang', 'zh-TW');

    const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(join(templatesDir, 'assets', name)) }]));
    app.get('/assets/:name', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const asset = assets.get((request.params as { name: string }).name);
      if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('not found');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    });

    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config.page) request.lang = pickLanguage(request, reply);
    });

    app.decorateReply('page', async function (this: FastifyReply, name: string, title: string, data: Record<string, unknown> = {}, status = 200) {
      const request = this.request;
      const lang = request.lang;
      const actor = request.actor;
      const user = actor ? await app.services.accounts.findById(actor.id) : undefined;
      const url = new URL(request.url, 'http://x');
      url.searchParams.delete('lang');
      const context: PageContext = {
        lang,
        otherLang: lang === 'zh-TW' ? 'en' : 'zh-TW',
        title: isMessageKey(title) ? message(lang, title) : title,
        csrf: csrfToken(request, this),
        user: actor ? { username: actor.username, displayName: user?.displayName ?? null, role: actor.role } : null,
        path: `${url.pathname}${url.search}`,
        switchHref: `${url.pathname}?${new URLSearchParams([...url.searchParams, ['lang', lang === 'zh-TW' ? 'en' : 'zh-TW']]).toString()}`,
        isOffice: actor?.role === 'office',
        isMinistry: actor?.role === 'ministry',
        // The header's link to /notifications with the unread count: signed-in users only, not while they must enrol a second factor.
        notificationsNav: actor && !request.mustEnrolOtp ? { unread: await app.services.notifications.unreadCount(actor) } : null,
        ...data,
      };
      return this.status(status).type('text/html; charset=utf-8').send(views.render(name, context));
    });
  },
  { name: 'pages', dependencies: ['auth'] },
);

/** Errors on pages: a page in the reader's language, or the log-in page for a visitor not signed in. */
export async function pageError(error: FastifyError | ServiceError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!request.lang) request.lang = pickLanguage(request, reply);
  const service = asServiceError(error);
  const code = service?.code;
  if (code === 'unauthorized') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  if (code === 'otp_enrolment_required') return reply.redirect('/me', 303);
  const status = code === 'csrf' ? 403 : code ? (STATUS_OF[code] ?? 500) : ((error as FastifyError).statusCode ?? 500);
  if (status >= 500) request.log.error({ err: error }, 'page failed');
  const key = (code === 'csrf' ? 'error.csrf' : `error.${[401, 403, 404, 409, 413, 422, 429, 503].includes(status) ? status : 500}`) as MessageKey;
  if (code === 'database_unavailable') void reply.header('retry-after', RETRY_AFTER_UNAVAILABLE);
  return reply.page('error', 'error.title', { status, text: message(request.lang, key), detail: status < 500 && service ? service.message : null }, status);
}
