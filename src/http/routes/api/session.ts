// Log-in, log-out, who am I, and bearer tokens.
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
          200: Type.Object({ user: UserSummary }, { description: 'Logged in: the `gsm_session` cookie is set (HttpOnly, SameSite=Lax)' }),
          400: errorResponse(400),
          401: Type.With(errorResponse(401), { description: 'Wrong username or password (or a deactivated account); also an unknown bearer token sent along' }),
          429: errorResponse(429),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const { sessionId, user, expiresAt } = await app.services.accounts.login(username, password, request.ip, request.cookies.gsm_session);
      setSessionCookie(request, reply, sessionId, expiresAt);
      return { user: summary(actorOf(user)) };
    },
  );

  app.delete(
    '/api/session',
    { config: { access: 'user' }, schema: { tags: ['session'], operationId: 'logOut', summary: 'Log out (ends this session)', response: { 200: Type.Object({ ok: Type.Boolean() }, { description: 'Logged out: this session has ended and its cookie is cleared' }), ...errors } } },
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
        summary: 'Log out everywhere (ends every session of this user)',
        response: { 200: Type.Object({ ended: Type.Integer() }, { description: 'Every session of this user has ended; `ended` counts them' }), ...errors },
      },
    },
    async (request, reply) => {
      const ended = await app.services.accounts.logoutEverywhere(requireActor(request));
      clearSessionCookie(request, reply);
      return { ended };
    },
  );

  app.get(
    '/api/me',
    { config: { access: 'user' }, schema: { tags: ['session'], operationId: 'getMe', summary: 'Who am I', response: { 200: Type.Object({ user: UserSummary }, { description: 'The logged-in user' }), ...errors } } },
    (request) => ({ user: summary(requireActor(request)) }),
  );

  app.post(
    '/api/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        operationId: 'createToken',
        summary: 'A bearer token for scripts, shown once',
        // Nullable: fastify validates a missing body as null, so a bodyless POST is accepted too.
        body: Nullable(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }, { additionalProperties: false })),
        response: {
          201: Type.Object({ id: Type.String(), token: Type.String(), name: Type.String(), expiresAt: Nullable(Type.String()) }, { description: 'The token, shown this once: send it as `Authorization: Bearer <token>`' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const token = await app.services.accounts.createToken(requireActor(request), body.name ?? 'api', body.expiresInDays ?? null);
      return reply.status(201).send(token);
    },
  );
};

export default sessionRoutes;
