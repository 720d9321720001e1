// Log-in, log-out, who am I, and bearer tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '../../../domain/roles.js';
import { actorOf } from '../../../services/accounts.service.js';
import { clearSessionCookie, requireActor, setSessionCookie } from '../../plugins/auth.js';
import { ErrorBody, UserSummary, errors } from '../../schemas.js';

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
        summary: 'Log in; sets the HttpOnly session cookie',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }), otp: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ user: UserSummary }), 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
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
    { config: { access: 'user' }, schema: { tags: ['session'], summary: 'Log out (ends this session)', response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors } } },
    async (request, reply) => {
      if (request.sessionId) await app.services.accounts.logout(request.sessionId);
      clearSessionCookie(request, reply);
      return { ok: true };
    },
  );

  app.delete(
    '/api/sessions',
    { config: { access: 'user' }, schema: { tags: ['session'], summary: 'Log out everywhere (ends every session of this user)', response: { 200: Type.Object({ ended: Type.Integer() }), ...errors } } },
    async (request, reply) => {
      const ended = await app.services.accounts.logoutEverywhere(requireActor(request));
      clearSessionCookie(request, reply);
      return { ended };
    },
  );

  app.get(
    '/api/me',
    { config: { access: 'user' }, schema: { tags: ['session'], summary: 'Who am I', response: { 200: Type.Object({ user: UserSummary }), ...errors } } },
    (request) => ({ user: summary(requireActor(request)) }),
  );

  app.post(
    '/api/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags: ['session'],
        summary: 'A bearer token for scripts, shown once',
        body: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }, { additionalProperties: false })),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String(), name: Type.String(), expiresAt: Type.Union([Type.String(), Type.Null()]) }), ...errors },
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
