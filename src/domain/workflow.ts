// The assessment workflow (DOMAIN.md §4): states, who acts in which state, and the transitions. Pure.
import type { Role } from './roles.js';

export const STATUSES = ['draft', 'submitted', 'in_review', 'returned', 'accepted'] as const;
export type Status = (typeof STATUSES)[number];

/** Agency users edit answers, scope and evidence only while the assessment is theirs. */
export const AGENCY_EDITABLE: readonly Status[] = ['draft', 'returned'];
/** Assessors rate, decide scope, override and write findings only while reviewing. */
export const ASSESSOR_ACTIVE: readonly Status[] = ['in_review'];

export type Transition = 'submit' | 'review' | 'return' | 'accept' | 'reopen';

export const TRANSITIONS: Record<Transition, { from: readonly Status[]; to: Status; by: readonly Role[] }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: ['ciso'] },
  review: { from: ['submitted'], to: 'in_review', by: ['assessor'] },
  return: { from: ['in_review'], to: 'returned', by: ['assessor'] },
  accept: { from: ['in_review'], to: 'accepted', by: ['assessor'] },
  reopen: { from: ['accepted'], to: 'in_review', by: ['office'] },
};

export const isAgencyStaff = (role: Role): boolean => role === 'agency' || role === 'ciso';
