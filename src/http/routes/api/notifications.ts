// A user's in-app notifications, computed when read (docs/domain.md §8), and marking them read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { NotificationId, NotificationListSchema } from '../../schemas/notification.js';

const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/notifications',
    {
      config: { access: 'user' },
      schema: {
        tags: ['notifications'],
        operationId: 'listNotifications',
        summary: 'The caller’s notifications (assignments, returns, deadlines), newest first, at most 200; `unread=true` lists only the unread ones',
        querystring: Type.Object({ unread: Type.Optional(Type.Enum(['true', 'false'])) }, { additionalProperties: false }),
        response: { 200: Type.With(NotificationListSchema, { description: 'How many are unread, and the newest notifications' }), ...errors },
      },
    },
    (request) => app.services.notifications.list(requireActor(request), { unreadOnly: request.query.unread === 'true' }),
  );

  app.post(
    '/api/notifications/read-all',
    {
      config: { access: 'user' },
      schema: {
        tags: ['notifications'],
        operationId: 'markAllNotificationsRead',
        summary: 'Mark every current notification of the caller read',
        response: { 200: Type.Object({ marked: Type.Integer({ minimum: 0 }) }, { additionalProperties: false, description: 'How many were unread and are now read' }), ...errors },
      },
    },
    (request) => app.services.notifications.markAllRead(requireActor(request)),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: { access: 'user' },
      schema: {
        tags: ['notifications'],
        operationId: 'markNotificationRead',
        summary: 'Mark one of the caller’s current notifications read (again is fine); any other id is not found',
        params: Type.Object({ id: NotificationId }),
        response: { 200: Type.Object({ id: Type.String(), read: Type.Literal(true) }, { additionalProperties: false, description: 'The notification is read' }), ...errors },
      },
    },
    (request) => app.services.notifications.markRead(requireActor(request), request.params.id),
  );
};

export default notificationRoutes;
