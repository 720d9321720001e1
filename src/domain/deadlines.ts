// Deadlines (docs/domain.md §2): a cycle's deadline, or the agency's extension of it, is a calendar date
// in Taiwan time. A passed deadline only marks an assessment overdue; it blocks nothing.
const DAY = 86_400_000;
/** Taiwan keeps UTC+8 all year (no daylight saving). */
const TAIWAN_OFFSET = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) in Taiwan at `now`. */
export const taiwanDate = (now: Date): string => new Date(now.getTime() + TAIWAN_OFFSET).toISOString().slice(0, 10);

/** The deadline that applies to one agency: its extension where the office granted one, else the cycle's. */
export const effectiveDeadline = (cycleDeadline: string | null, extension: { until: string } | undefined): string | null => extension?.until ?? cycleDeadline;

/** Whole days from the date `from` to the date `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/** Days past `deadline` on the date `today`: 0 until the deadline's day is over. */
export const daysOverdue = (deadline: string, today: string): number => Math.max(0, daysBetween(deadline, today));

/** Whether `value` is an ISO date (YYYY-MM-DD) that exists in the calendar (no 2021-02-29). */
export const isCalendarDate = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
