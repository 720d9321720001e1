// In-app notifications (docs/domain.md §8): the facts are read as they stand now, the domain decides
// which notifications a user has (src/domain/notifications.ts), and only the user's reads are stored.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { taiwanDate } from '../domain/deadlines.js';
import { notificationsOf, type AssignmentFact, type CycleStandingFact, type Notification, type NotificationFacts } from '../domain/notifications.js';
import { scopeOfRole, type Actor } from '../domain/roles.js';
import { extensionsOf } from '../repositories/extension.repository.js';
import { assessmentsAssignedTo, assignmentEntriesOf, markNotificationsRead, openCycleStandingsOf, readNotificationIds, returnsOfAgency } from '../repositories/notification.repository.js';
import { subjectOf } from './assessment-access.js';
import { isoNow, type Clock } from './clock.js';
import { notFound } from './errors.js';

/** A list holds at most this many notifications, the newest. */
export const NOTIFICATION_LIMIT = 200;

export type NotificationView = Notification & { read: boolean };

export interface NotificationList {
  /** Unread notifications in all, also beyond the ones listed. */
  unread: number;
  items: NotificationView[];
}

/** The user name an `assignment.put` entry assigned (its `after.assessor`), or null. */
function assignedIn(after: string | null): string | null {
  if (after === null) return null;
  const value = JSON.parse(after) as { assessor?: unknown } | null;
  return typeof value?.assessor === 'string' ? value.assessor : null;
}

export class NotificationService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The facts a user's notifications could come from; only those the user's role can have are read. */
  private async factsFor(actor: Actor): Promise<NotificationFacts> {
    const facts: NotificationFacts = { today: taiwanDate(this.clock.now()), assignments: [], returns: [], standings: [] };
    if (actor.role === 'assessor') {
      const assigned = await assessmentsAssignedTo(this.db, actor.id);
      const bySubject = new Map(assigned.map((a) => [subjectOf(a), a]));
      const entries = await assignmentEntriesOf(this.db, [...bySubject.keys()]);
      facts.assignments = entries.flatMap((e): AssignmentFact[] => {
        const a = bySubject.get(e.subject);
        return a ? [{ seq: Number(e.seq), at: e.at, assessment: a.id, agency: a.agencyCode, cycle: Number(a.cycleYear), assignedTo: assignedIn(e.after), assessorNow: a.assessorId }] : [];
      });
    }
    if (scopeOfRole(actor.role) === 'agency' && actor.agency !== null) {
      const agency = actor.agency;
      facts.returns = (await returnsOfAgency(this.db, agency)).map((r) => ({ ...r, cycle: Number(r.cycle) }));
      const standings: CycleStandingFact[] = [];
      for (const s of await openCycleStandingsOf(this.db, agency)) {
        const extension = (await extensionsOf(this.db, s.cycle)).get(agency);
        standings.push({ ...s, agency, grades: JSON.parse(s.grades) as string[], extension });
      }
      facts.standings = standings;
    }
    return facts;
  }

  /** The user's notifications now, newest first, each with whether the user has read it. */
  private async current(actor: Actor): Promise<NotificationView[]> {
    const all = notificationsOf({ id: actor.id, username: actor.username, role: actor.role, agency: actor.agency }, await this.factsFor(actor));
    if (all.length === 0) return [];
    const read = await readNotificationIds(this.db, actor.id);
    return all.map((n) => ({ ...n, read: read.has(n.id) }));
  }

  /** The newest NOTIFICATION_LIMIT notifications (unread ones only with `unreadOnly`), and how many are unread in all. */
  async list(actor: Actor, options: { unreadOnly?: boolean } = {}): Promise<NotificationList> {
    const all = await this.current(actor);
    const unread = all.filter((n) => !n.read);
    return { unread: unread.length, items: (options.unreadOnly ? unread : all).slice(0, NOTIFICATION_LIMIT) };
  }

  /** How many notifications the user has not read (the pages' header shows it). */
  async unreadCount(actor: Actor): Promise<number> {
    return (await this.current(actor)).filter((n) => !n.read).length;
  }

  /** Marks one of the user's current notifications read; marking it again changes nothing. Any other id is not found. */
  async markRead(actor: Actor, id: string): Promise<{ id: string; read: true }> {
    const notification = (await this.current(actor)).find((n) => n.id === id);
    if (!notification) throw notFound(`no notification ${id}`);
    if (!notification.read) await markNotificationsRead(this.db, actor.id, [id], isoNow(this.clock));
    return { id, read: true };
  }

  /** Marks every current notification of the user read → how many were unread. */
  async markAllRead(actor: Actor): Promise<{ marked: number }> {
    const unread = (await this.current(actor)).filter((n) => !n.read).map((n) => n.id);
    if (unread.length > 0) await markNotificationsRead(this.db, actor.id, unread, isoNow(this.clock));
    return { marked: unread.length };
  }
}
