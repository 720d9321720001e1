// In-app notifications (docs/domain.md §8), computed when read: given the facts as they stand, which
// notifications a user has, each with a stable id. Nothing is stored when an event happens. Pure.
import { daysBetween, effectiveDeadline } from './deadlines.js';
import { scopeOfRole, type Role } from './roles.js';
import type { AssessmentState } from './workflow.js';

export const NOTIFICATION_KINDS = ['assignment', 'return', 'deadline'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The three deadline notices: two weeks before, three days before, and the day after it passed. */
export const DEADLINE_NOTICES = ['deadline-14', 'deadline-3', 'deadline-passed'] as const;
export type DeadlineNotice = (typeof DEADLINE_NOTICES)[number];

/**
 * Every id this module makes matches this: `assignment-<audit seq>`, `return-<state change id>`,
 * `deadline-<cycle>-<agency>-<14|3|passed>-<YYYY-MM-DD>`. Safe in a URL path; the routes' param schema uses it.
 */
export const NOTIFICATION_ID_PATTERN = '^(assignment|return|deadline)-[A-Za-z0-9_-]{1,120}$';

/** The first day each notice shows, relative to the effective deadline. */
const NOTICE_OFFSET: Record<DeadlineNotice, number> = { 'deadline-14': -14, 'deadline-3': -3, 'deadline-passed': 1 };
const NOTICE_IN_ID: Record<DeadlineNotice, string> = { 'deadline-14': '14', 'deadline-3': '3', 'deadline-passed': 'passed' };

export interface NotificationUser {
  id: string;
  username: string;
  role: Role;
  agency: string | null;
}

/** An `assignment.put` audit entry of an assessment, with the assessor the assessment has now. */
export interface AssignmentFact {
  seq: number;
  at: string;
  assessment: string;
  agency: string;
  cycle: number;
  /** The user name the entry assigned (its `after.assessor`). */
  assignedTo: string | null;
  /** The user id of the assessor assigned now. */
  assessorNow: string | null;
}

/** A state change of an assessment to `returned`. */
export interface ReturnFact {
  id: string;
  at: string;
  assessment: string;
  agency: string;
  cycle: number;
  comment: string | null;
}

/** One agency in one cycle: its grade there, the cycle's grades, deadline and whether it is closed, its extension and its assessment. */
export interface CycleStandingFact {
  cycle: number;
  agency: string;
  grade: string | null;
  grades: readonly string[];
  closed: boolean;
  deadline: string | null;
  extension: { until: string } | undefined;
  assessment: { id: string; state: AssessmentState } | null;
}

export interface NotificationFacts {
  /** Today's date in Taiwan (taiwanDate in deadlines.ts). */
  today: string;
  assignments: readonly AssignmentFact[];
  returns: readonly ReturnFact[];
  standings: readonly CycleStandingFact[];
}

export interface Notification {
  id: string;
  kind: NotificationKind;
  /** When it happened; a deadline notice's day starts at midnight in Taiwan. */
  at: string;
  assessment: string | null;
  agency: string;
  cycle: number;
  deadline?: string;
  /** Days from today to the deadline, negative once it has passed. */
  daysLeft?: number;
  notice?: DeadlineNotice;
  comment?: string | null;
}

/** The date `days` after the ISO date `date`. */
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** Midnight of a Taiwan date, as an ISO instant. */
const taiwanMidnight = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();

/** Newest first; ties in a stable order (by id). */
export const newestFirst = (a: Notification, b: Notification): number => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function assignments(user: NotificationUser, facts: readonly AssignmentFact[]): Notification[] {
  if (user.role !== 'assessor') return [];
  // Only while the assessment is still assigned to this assessor: a reassignment away withdraws them.
  return facts
    .filter((f) => f.assignedTo === user.username && f.assessorNow === user.id)
    .map((f) => ({ id: `assignment-${f.seq}`, kind: 'assignment' as const, at: f.at, assessment: f.assessment, agency: f.agency, cycle: f.cycle }));
}

function returns(user: NotificationUser, facts: readonly ReturnFact[]): Notification[] {
  if (scopeOfRole(user.role) !== 'agency' || user.agency === null) return [];
  return facts
    .filter((f) => f.agency === user.agency)
    .map((f) => ({ id: `return-${f.id}`, kind: 'return' as const, at: f.at, assessment: f.assessment, agency: f.agency, cycle: f.cycle, comment: f.comment?.trim() ? f.comment : null }));
}

/** Whether an agency still owes its submission for a cycle: in the cohort of an open cycle, with no assessment or a draft. */
export const owesSubmission = (s: CycleStandingFact): boolean => !s.closed && s.grade !== null && s.grades.includes(s.grade) && (s.assessment === null || s.assessment.state === 'draft');

function deadlines(user: NotificationUser, facts: readonly CycleStandingFact[], today: string): Notification[] {
  if (scopeOfRole(user.role) !== 'agency' || user.agency === null) return [];
  return facts
    .filter((s) => s.agency === user.agency && owesSubmission(s))
    .flatMap((s) => {
      const deadline = effectiveDeadline(s.deadline, s.extension);
      if (deadline === null) return [];
      // The deadline's date is part of the id: an extension that moves it makes new notices.
      return DEADLINE_NOTICES.map((notice) => ({ notice, from: addDays(deadline, NOTICE_OFFSET[notice]) }))
        .filter(({ from }) => from <= today)
        .map(({ notice, from }) => ({
          id: `deadline-${s.cycle}-${s.agency}-${NOTICE_IN_ID[notice]}-${deadline}`,
          kind: 'deadline' as const,
          at: taiwanMidnight(from),
          assessment: s.assessment?.id ?? null,
          agency: s.agency,
          cycle: s.cycle,
          deadline,
          daysLeft: daysBetween(today, deadline),
          notice,
        }));
    });
}

/** The notifications a user has now, newest first. Office and ministry users have none. */
export function notificationsOf(user: NotificationUser, facts: NotificationFacts): Notification[] {
  return [...assignments(user, facts.assignments), ...returns(user, facts.returns), ...deadlines(user, facts.standings, facts.today)].sort(newestFirst);
}
