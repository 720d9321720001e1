// Who is asking (session cookie or bearer token) and whether the route lets them in: 401 without a
// user, 403 for a role the route does not serve. Per-thing scoping (404) is the services' job.
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSecure } from '../../config.js';
import type { Actor, Role } from '../../domain/roles.js';
import { actorOf } from '../../services/accounts.service.js';
import { ServiceError, forbidden, unauthorized } from '../../services/errors.js';

export const SESSION_COOKIE = 'gsm_session';

/** `public`: anyone; `user`: any logged-in user; a list: those roles only. */
export type Access = 'public' | 'user' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** One of the few routes open to a user who must enrol a second factor first. */
    duringOtpEnrolment?: boolean;
  }
  interface FastifyInstance {
    cookieSecure: CookieSecure;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
    /** The user must enrol a second factor before anything but enrolment, `GET /api/me` and log-out. */
    mustEnrolOtp: boolean;
  }
}

/** The actor of a route that requires one (the access hook ran before the handler). */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

/** COOKIE_SECURE: `auto` marks the cookie Secure when the request came over HTTPS (X-Forwarded-Proto counts only with TRUST_PROXY). */
const secure = (request: FastifyRequest): boolean => (request.server.cookieSecure === 'auto' ? request.protocol === 'https' : request.server.cookieSecure === 'true');

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string, expires: Date): void {
  void reply.setCookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request), expires });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request) });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether an Origin or Referer names this host (default ports compared as such); false when it is `null` or not a URL. */
function namesHost(value: string, host: string | undefined): boolean {
  try {
    const url = new URL(value);
    return url.host !== '' && host !== undefined && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/**
 * Whether a cookie-authenticated change comes from this site: an Origin naming this host; without an
 * Origin, a Referer naming it, or neither, as long as the browser does not say the request is
 * cross-site (Sec-Fetch-Site). A malformed or `null` Origin is foreign.
 */
export function comesFromThisSite(request: FastifyRequest): boolean {
  const { origin, referer, host } = request.headers;
  if (origin !== undefined) return namesHost(origin, host);
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  if (referer !== undefined) return namesHost(referer, host);
  return true;
}

export default fp<{ cookieSecure: CookieSecure }>(
  async (app, { cookieSecure }) => {
    app.decorate('cookieSecure', cookieSecure);
    await app.register(cookie);
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);
    app.decorateRequest('mustEnrolOtp', false);

    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api') && route.config?.access === undefined) {
        throw new Error(`route ${String(route.method)} ${route.url} declares no access rule`);
      }
    });

    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        const user = await app.services.accounts.tokenActor(header.slice('Bearer '.length).trim());
        if (!user) throw unauthorized('the bearer token is unknown, expired or revoked', 'invalid_token');
        request.actor = actorOf(user);
        request.mustEnrolOtp = app.services.accounts.mustEnrolOtp(user);
        return;
      }
      const sessionId = request.cookies[SESSION_COOKIE];
      if (!sessionId) return;
      const user = await app.services.accounts.sessionActor(sessionId);
      if (!user) return;
      request.actor = actorOf(user);
      request.sessionId = sessionId;
      request.mustEnrolOtp = app.services.accounts.mustEnrolOtp(user);
      // A cookie-authenticated change must come from our own origin (SameSite=Lax already keeps
      // cross-site POSTs cookieless; this also covers same-site hosts).
      if (UNSAFE.has(request.method) && !comesFromThisSite(request)) {
        throw new ServiceError('cross_origin', 'a change with a session cookie must come from this site');
      }
    });

    // A callback hook (no promise): it runs on every request and waits for nothing.
    app.addHook('preHandler', (request, _reply, done) => {
      const access = request.routeOptions.config.access;
      if (access === undefined || access === 'public') return done();
      if (!request.actor) return done(unauthorized());
      if (request.mustEnrolOtp && !request.routeOptions.config.duringOtpEnrolment) {
        return done(new ServiceError('otp_enrolment_required', 'enrol a second factor first: POST /api/me/otp, then POST /api/me/otp/confirm'));
      }
      if (access !== 'user' && !access.includes(request.actor.role)) return done(forbidden(`this is for ${access.join(', ')} users`));
      done();
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
