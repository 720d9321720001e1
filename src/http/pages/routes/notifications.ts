// `/notifications`: the signed-in user's notifications in the page's language, each linking to its
// assessment, with forms (CSRF-checked, no JavaScript needed) to mark one or all read, then 303 back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NotificationView } from '../../../services/notification.service.js';
import { NOTIFICATION_LIMIT } from '../../../services/notification.service.js';
import { requireActor } from '../../plugins/auth.js';
import { message, type Language, type MessageKey } from '../i18n.js';
import { requireCsrf } from '../plugin.js';

const PAGE = { access: 'user', page: true } as const;
const HIDDEN = { hide: true } as const;

/** How far the deadline is, in words: days left, due today, or days overdue. */
function distance(lang: Language, daysLeft: number): string {
  if (daysLeft === 0) return message(lang, 'notifications.dueToday');
  const key: MessageKey = daysLeft > 0 ? 'notifications.daysLeft' : 'notifications.daysPast';
  return message(lang, key).replace('{n}', String(Math.abs(daysLeft)));
}

/** One notification as the page shows it: what it says, and where it leads. */
function rowOf(lang: Language, role: string, n: NotificationView) {
  const text = message(lang, n.kind === 'deadline' ? `notifications.${n.notice ?? 'deadline-14'}` : `notifications.${n.kind}`);
  // An assessor works in the review; agency staff in the assessment; a deadline without one starts it from My work.
  const href = n.assessment === null ? '/' : role === 'assessor' ? `/assessments/${n.assessment}/review` : `/assessments/${n.assessment}`;
  const linkKey: MessageKey = n.assessment === null ? 'notifications.start' : role === 'assessor' ? 'notifications.review' : 'notifications.open';
  return {
    id: n.id,
    kind: n.kind,
    at: n.at,
    read: n.read,
    agency: n.agency,
    cycle: n.cycle,
    text,
    comment: n.comment ?? null,
    deadline: n.deadline ?? null,
    distance: n.daysLeft === undefined ? null : distance(lang, n.daysLeft),
    href,
    linkText: message(lang, linkKey),
  };
}

async function showNotifications(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const actor = requireActor(request);
  const { unread, items } = await app.services.notifications.list(actor);
  const done = (request.query as Record<string, unknown>).done === 'read';
  return reply.page('notifications', 'notifications.title', {
    unread,
    items: items.map((n) => rowOf(request.lang, actor.role, n)),
    limited: items.length >= NOTIFICATION_LIMIT,
    flash: done ? { kind: 'ok', text: message(request.lang, 'notifications.done') } : null,
  });
}

export default async function notificationPages(app: FastifyInstance) {
  app.get('/notifications', { config: PAGE, schema: HIDDEN }, async (request, reply) => showNotifications(app, request, reply));

  app.post('/notifications/read-all', { config: PAGE, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    await app.services.notifications.markAllRead(requireActor(request));
    return reply.redirect('/notifications?done=read', 303);
  });

  // An id that is not one of the user's current notifications is not found (the service says so).
  app.post<{ Params: { id: string } }>('/notifications/:id/read', { config: PAGE, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    await app.services.notifications.markRead(requireActor(request), request.params.id);
    return reply.redirect('/notifications?done=read', 303);
  });
}
