// The assessment workflow (docs/domain.md §5): its states, the transitions between them and who may
// make each, and who may change what in which state. Every state check in the services asks this
// table; nothing else decides it. Pure.
import type { Actor, Role } from './roles.js';

export const STATES = ['draft', 'submitted', 'in_review', 'returned', 'accepted'] as const;
export type AssessmentState = (typeof STATES)[number];

export const TRANSITION_NAMES = ['submit', 'review', 'return', 'accept', 'reopen'] as const;
export type Transition = (typeof TRANSITION_NAMES)[number];

interface Rule {
  from: readonly AssessmentState[];
  by: readonly Role[];
  /** Only the assessor assigned to the assessment, among the roles in `by`. */
  assignedAssessorOnly?: boolean;
}

export const TRANSITIONS: Readonly<Record<Transition, Rule & { to: AssessmentState }>> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: ['ciso'] },
  review: { from: ['submitted'], to: 'in_review', by: ['assessor'], assignedAssessorOnly: true },
  return: { from: ['in_review'], to: 'returned', by: ['assessor'], assignedAssessorOnly: true },
  accept: { from: ['in_review'], to: 'accepted', by: ['assessor'], assignedAssessorOnly: true },
  reopen: { from: ['accepted'], to: 'in_review', by: ['office'] },
};

/** What took an assessment from `from` to `to`: a transition, `start` for its creation, null for no such step. */
export function transitionBetween(from: AssessmentState | null, to: AssessmentState): Transition | 'start' | null {
  if (from === null) return to === 'draft' ? 'start' : null;
  return TRANSITION_NAMES.find((t) => TRANSITIONS[t].to === to && TRANSITIONS[t].from.includes(from)) ?? null;
}

/**
 * Changes that leave the state as it is: who makes them and in which states.
 * - `fill-in`: the agency's answers, confirmations, scope, evidence files and sheet imports;
 * - `assessor-review`: assessor ratings, scope decisions, attribute overrides and findings;
 * - `comment`: the comment thread (closed once accepted: the accepted record takes no change until reopened);
 * - `assign`: (re)assigning the lead assessor;
 * - `move`: moving a draft to another version of its questionnaire, through the crosswalks;
 * - `improvement-plan`: writing a new improvement plan for a gap of the accepted result;
 * - `plan-progress`: changing a plan (action, owner, due date, status) in any state, since plans are
 *   records of their own, tracked into the next cycle even after a reopening.
 */
export const EDITS = {
  'fill-in': { from: ['draft', 'returned'], by: ['agency', 'ciso'] },
  'assessor-review': { from: ['in_review'], by: ['assessor'], assignedAssessorOnly: true },
  comment: { from: ['draft', 'submitted', 'in_review', 'returned'], by: ['agency', 'ciso', 'assessor', 'office'] },
  assign: { from: ['draft', 'submitted', 'in_review', 'returned'], by: ['office'] },
  move: { from: ['draft'], by: ['office'] },
  'improvement-plan': { from: ['accepted'], by: ['agency', 'ciso'] },
  'plan-progress': { from: STATES, by: ['agency', 'ciso'] },
} as const satisfies Record<string, Rule>;
export type Edit = keyof typeof EDITS;

/** The agency's staff (填報人 and 資安長). */
export const isAgencyStaff = (role: Role): boolean => role === 'agency' || role === 'ciso';

/** Why an actor may not act on an assessment: the role (or assignment) does not fit, or the state does not. */
export type Refusal = { kind: 'role'; message: string } | { kind: 'state'; message: string };

interface Subject {
  state: AssessmentState;
  assessorId: string | null;
}

function check(name: string, rule: Rule, actor: Actor, a: Subject): Refusal | null {
  if (!rule.by.includes(actor.role) || (rule.assignedAssessorOnly && a.assessorId !== actor.id)) {
    const who = rule.assignedAssessorOnly ? 'the assessment’s lead assessor' : rule.by.join(' or ');
    return { kind: 'role', message: `only ${who} may ${name}` };
  }
  if (!rule.from.includes(a.state)) return { kind: 'state', message: `the assessment is ${a.state}: ${name} needs it ${rule.from.join(' or ')}` };
  return null;
}

const EDIT_WORDS: Record<Edit, string> = { 'fill-in': 'fill in the assessment', 'assessor-review': 'review the assessment', comment: 'comment', assign: 'assign its assessor', move: 'move it to another questionnaire version', 'improvement-plan': 'write an improvement plan', 'plan-progress': 'change an improvement plan' };

/** Whether `actor` may make `transition` on an assessment in its present state. */
export const refuseTransition = (actor: Actor, a: Subject, transition: Transition): Refusal | null => check(transition, TRANSITIONS[transition], actor, a);

/** Whether `actor` may make an edit of kind `edit` on an assessment in its present state. */
export const refuseEdit = (actor: Actor, a: Subject, edit: Edit): Refusal | null => check(EDIT_WORDS[edit], EDITS[edit], actor, a);

/** The states in which an edit of this kind is allowed (for the check made inside the write transaction). */
export const statesAllowing = (edit: Edit): readonly AssessmentState[] => EDITS[edit].from;

/**
 * What the CISO confirms on submitting, shown in both languages; stored, with who and when, as the
 * assessment's sign-off and sealed with it on acceptance.
 */
export const SIGN_OFF_STATEMENT = {
  'zh-TW': '本人確認本自評內容經本機關查核屬實，所引用之紀錄均保存於本機關並可供評審員查閱。',
  en: 'I confirm that the agency has checked this self-assessment and that it is true, and that every record it cites is kept by the agency and available to the assessor.',
} as const;

export interface SignOff {
  /** The CISO's display name (their user name where they have none). */
  name: string;
  username: string;
  at: string;
  statement: { 'zh-TW': string; en: string };
}
