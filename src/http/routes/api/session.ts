// Log-in (with the second factor), log-out, who am I, the user's own second factor and password, and
// bearer tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '../../../domain/roles.js';
import { actorOf } from '../../../services/accounts.service.js';
import { clearSessionCookie, requireActor, setSessionCookie } from '../../plugins/auth.js';
import { Nullable, UserSummary, errorResponse, errors } from '../../schemas/common.js';

const summary = (a: { id: string; username: string; role: Role; agency: string | null; ministry: string | null }) => ({
  id: a.id,
  username: a.username,
  role: a.role,
  agency: a.agency,
  ministry: a.ministry,
});

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        operationId: 'logIn',
        summary: 'Log in; sets the HttpOnly session cookie',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }), otp: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ user: UserSummary, mustEnrolOtp: Type.Optional(Type.Literal(true)) }, { description: 'Logged in: the `gsm_session` cookie is set (HttpOnly, SameSite=Lax). `mustEnrolOtp`: this account must enrol a second factor before anything else' }),
          400: errorResponse(400),
          401: Type.With(errorResponse(401), { description: 'Wrong username or password (or a deactivated account), `otp_required` without a code, `otp_invalid` with a wrong, used or old one; also an unknown bearer token sent along' }),
          429: errorResponse(429),
        },
      },
    },
    async (request, reply) => {
      const { username, password, otp } = request.body;
      const { sessionId, user, expiresAt, mustEnrolOtp } = await app.services.accounts.login(username, password, request.ip, request.cookies.gsm_session, otp);
      setSessionCookie(request, reply, sessionId, expiresAt);
      return { user: summary(actorOf(user)), ...(mustEnrolOtp ? { mustEnrolOtp: true as const } : {}) };
    },
  );

  app.delete(
    '/api/session',
    { config: { access: 'user', duringOtpEnrolment: true }, schema: { tags: ['session'], operationId: 'logOut', summary: 'Log out (ends this session)', response: { 200: Type.Object({ ok: Type.Boolean() }, { description: 'Logged out: this session has ended and its cookie is cleared' }), ...errors } } },
    async (request, reply) => {
      if (request.sessionId) await app.services.accounts.logout(request.sessionId);
      clearSessionCookie(request, reply);
      return { ok: true };
    },
  );

  app.delete(
    '/api/sessions',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        operationId: 'logOutEverywhere',
        summary: 'Log out everywhere (ends every session and every bearer token of this user)',
        response: { 200: Type.Object({ ended: Type.Integer(), tokens: Type.Integer() }, { description: 'Every session and token of this user has ended; `ended` counts the sessions, `tokens` the tokens' }), ...errors },
      },
    },
    async (request, reply) => {
      const ended = await app.services.accounts.logoutEverywhere(requireActor(request));
      clearSessionCookie(request, reply);
      return ended;
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: 'user', duringOtpEnrolment: true },
      schema: { tags: ['session'], operationId: 'getMe', summary: 'Who am I', response: { 200: Type.Object({ user: UserSummary, mustEnrolOtp: Type.Boolean() }, { description: 'The logged-in user, and whether they must enrol a second factor first' }), ...errors } },
    },
    (request) => ({ user: summary(requireActor(request)), mustEnrolOtp: request.mustEnrolOtp }),
  );

  app.post(
    '/api/me/otp',
    {
      config: { access: 'user', duringOtpEnrolment: true },
      schema: {
        tags: ['session'],
        operationId: 'enrolOtp',
        summary: 'Start two-factor enrolment: a TOTP secret (base32), its otpauth:// URI and ten single-use recovery codes, shown this once',
        response: { 200: Type.Object({ secret: Type.String(), uri: Type.String(), recoveryCodes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }) }, { description: 'Add the secret to an authenticator app, keep the recovery codes, then confirm with a code' }), ...errors },
      },
    },
    (request) => app.services.accounts.enrolOtp(requireActor(request)),
  );

  app.post(
    '/api/me/otp/confirm',
    {
      config: { access: 'user', duringOtpEnrolment: true },
      schema: {
        tags: ['session'],
        operationId: 'confirmOtp',
        summary: 'Confirm two-factor enrolment with the code the app shows now; from then on every log-in asks for one',
        body: Type.Object({ otp: Type.String({ pattern: '^\\d{6}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ confirmed: Type.Literal(true) }, { description: 'The second factor is confirmed' }), ...errors },
      },
    },
    (request) => app.services.accounts.confirmOtp(requireActor(request), request.body.otp),
  );

  app.post(
    '/api/me/password',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        operationId: 'changeOwnPassword',
        summary: 'Change the own password: the current one is checked (a wrong one counts toward the log-in throttle); every other session and every token of the user ends',
        body: Type.Object({ current: Type.String({ minLength: 1, maxLength: 1024 }), new: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ok: Type.Literal(true) }, { description: 'Changed; this session goes on' }), ...errors, 422: errorResponse(422), 429: errorResponse(429) },
      },
    },
    (request) => app.services.accounts.changePassword(requireActor(request), request.body.current, request.body.new, request.sessionId),
  );

  app.get(
    '/api/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        operationId: 'listTokens',
        summary: 'The caller’s own bearer tokens (never their secrets)',
        response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), expiresAt: Nullable(Type.String()), lastUsedAt: Nullable(Type.String()) }), { description: 'The tokens, oldest first' }), ...errors },
      },
    },
    (request) => app.services.accounts.listTokens(requireActor(request)),
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { access: 'user' },
      schema: { tags: ['session'], operationId: 'revokeToken', summary: 'Revoke one of the caller’s own tokens', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Type.Object({ ok: Type.Literal(true) }, { description: 'Revoked' }), ...errors } },
    },
    (request) => app.services.accounts.revokeToken(requireActor(request), request.params.id),
  );

  app.post(
    '/api/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        operationId: 'createToken',
        summary: 'A bearer token for scripts, shown once; it ends after TOKEN_TTL_DAYS (90 by default), or sooner with `expiresInDays`',
        // Nullable: fastify validates a missing body as null, so a bodyless POST is accepted too.
        body: Nullable(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false })),
        response: {
          201: Type.Object({ id: Type.String(), token: Type.String(), name: Type.String(), expiresAt: Type.String() }, { description: 'The token, shown this once: send it as `Authorization: Bearer <token>`' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const token = await app.services.accounts.createToken(requireActor(request), body.name ?? 'api', body.expiresInDays);
      return reply.status(201).send(token);
    },
  );
};

export default sessionRoutes;
