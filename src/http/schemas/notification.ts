// A user's notifications (docs/domain.md §8) as JSON Schemas: the list, one item, and the id in a path.
import { Type, type Static } from 'typebox';
import { DEADLINE_NOTICES, NOTIFICATION_ID_PATTERN, NOTIFICATION_KINDS } from '../../domain/notifications.js';
import type { NotificationList } from '../../services/notification.service.js';
import { IsoDate, Nullable } from './common.js';

export const NotificationId = Type.String({ pattern: NOTIFICATION_ID_PATTERN, maxLength: 130, description: '`assignment-<audit seq>`, `return-<state change id>` or `deadline-<cycle>-<agency>-<14|3|passed>-<YYYY-MM-DD>`' });

export const NotificationSchema = Type.Object(
  {
    id: NotificationId,
    kind: Type.Enum(NOTIFICATION_KINDS),
    at: Type.String({ description: 'when it happened; a deadline notice’s day starts at midnight in Taiwan' }),
    read: Type.Boolean(),
    assessment: Nullable(Type.String({ description: 'the assessment it concerns; null for a deadline of an agency that has not started one' })),
    agency: Type.String(),
    cycle: Type.Integer(),
    deadline: Type.Optional(IsoDate),
    daysLeft: Type.Optional(Type.Integer({ description: 'days from today (Taiwan) to the deadline, negative once it has passed' })),
    notice: Type.Optional(Type.Enum(DEADLINE_NOTICES, { description: 'which deadline notice: 14 days before, 3 days before, or the day after it passed' })),
    comment: Type.Optional(Nullable(Type.String({ description: 'the assessor’s comment on a return' }))),
  },
  { additionalProperties: false },
);

export const NotificationListSchema = Type.Object(
  {
    unread: Type.Integer({ minimum: 0, description: 'unread notifications in all, also beyond those listed' }),
    items: Type.Array(NotificationSchema, { maxItems: 200, description: 'newest first, at most the newest 200' }),
  },
  { additionalProperties: false },
);

// The schema must describe exactly the service's type, both ways.
void ((x: Static<typeof NotificationListSchema>): NotificationList => x);
void ((x: NotificationList): Static<typeof NotificationListSchema> => x);
