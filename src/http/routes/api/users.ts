// The office's user management: list, create, change role or scope, deactivate, reset password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { Nullable, Role, UserBody, Username, errors } from '../../schemas/common.js';

const office = ['office'] as const;

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/users',
    { config: { access: office }, schema: { tags: ['users'], operationId: 'listUsers', summary: 'Every user', response: { 200: Type.Array(UserBody, { description: 'Every user, active or not' }), ...errors } } },
    () => app.services.accounts.listUsers(),
  );

  app.post(
    '/api/users',
    {
      config: { access: office },
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create a user; a generated password is returned once unless one is given',
        body: Type.Object(
          {
            username: Username,
            role: Role,
            agency: Type.Optional(Nullable(Type.String())),
            ministry: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            displayName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: UserBody, password: Type.Optional(Type.String()) }, { description: 'The user created, with the generated password (shown this once) unless one was given' }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.accounts.createUser(requireActor(request), request.body)),
  );

  app.patch(
    '/api/users/:username',
    {
      config: { access: office },
      schema: {
        tags: ['users'],
        operationId: 'updateUser',
        summary: 'Change role or scope, deactivate or reactivate, reset the password (a generated one is returned once), reset the second factor (`resetOtp`) or lift a lock-out (`unlock`); each audited',
        params: Type.Object({ username: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          {
            role: Type.Optional(Role),
            agency: Type.Optional(Nullable(Type.String())),
            ministry: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            displayName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            active: Type.Optional(Type.Boolean()),
            resetPassword: Type.Optional(Type.Boolean()),
            password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
            resetOtp: Type.Optional(Type.Boolean()),
            unlock: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ user: UserBody, password: Type.Optional(Type.String()) }, { description: 'The user as changed, with the new generated password (shown this once) after `resetPassword`' }), ...errors },
      },
    },
    (request) => app.services.accounts.updateUser(requireActor(request), request.params.username, request.body),
  );
};

export default userRoutes;
