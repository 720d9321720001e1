// Improvement plans (改善計畫, docs/domain.md §8): per gap of an accepted result, an action with an owner
// and a due date, tracked to done. What a plan's fields must hold, and which plans are overdue. Pure.
import { daysOverdue, isCalendarDate } from './deadlines.js';
import type { ScoreResult } from './scoring.js';
import { textProblem } from './text.js';

export const PLAN_STATUSES = ['open', 'in_progress', 'done'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The longest action and owner, in characters, once trimmed. */
export const PLAN_TEXT_LIMITS = { action: 2000, owner: 200 } as const;

export interface PlanFields {
  action: string;
  owner: string;
  due: string;
  status: PlanStatus;
}

export interface PlanFieldProblem {
  field: keyof PlanFields;
  message: string;
}

export const isPlanStatus = (value: unknown): value is PlanStatus => typeof value === 'string' && (PLAN_STATUSES as readonly string[]).includes(value);

/**
 * The fields given, as they are stored (texts trimmed), or the problem of each one: action and owner
 * must say something within their limits in well-formed Unicode, the due date must exist in the
 * calendar, the status must be one of the three.
 */
export function checkPlanFields(input: Partial<Record<keyof PlanFields, string>>): { fields: Partial<PlanFields>; problems: PlanFieldProblem[] } {
  const fields: Partial<PlanFields> = {};
  const problems: PlanFieldProblem[] = [];
  for (const field of ['action', 'owner'] as const) {
    const raw = input[field];
    if (raw === undefined) continue;
    const unfit = textProblem(raw);
    const text = raw.trim();
    if (unfit) problems.push({ field, message: unfit });
    else if (text === '') problems.push({ field, message: 'must not be empty' });
    else if (text.length > PLAN_TEXT_LIMITS[field]) problems.push({ field, message: `is ${text.length} characters long; at most ${PLAN_TEXT_LIMITS[field]} are allowed` });
    else fields[field] = text;
  }
  if (input.due !== undefined) {
    if (isCalendarDate(input.due)) fields.due = input.due;
    else problems.push({ field: 'due', message: 'must be a date that exists, written YYYY-MM-DD' });
  }
  if (input.status !== undefined) {
    if (isPlanStatus(input.status)) fields.status = input.status;
    else problems.push({ field: 'status', message: `must be one of ${PLAN_STATUSES.join(', ')}` });
  }
  return { fields, problems };
}

/** The gap of a result that a plan addresses, if (process, attribute) is one. */
export const gapOf = (result: Pick<ScoreResult, 'gaps'>, process: string, attribute: string): ScoreResult['gaps'][number] | undefined =>
  result.gaps.find((g) => g.process === process && g.attribute === attribute);

/** A plan not done whose due date's day is over on `today` (a Taiwan calendar date). */
export const isOverdue = (plan: { due: string; status: PlanStatus }, today: string): boolean => plan.status !== 'done' && daysOverdue(plan.due, today) > 0;
