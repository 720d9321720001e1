// Roles and what each one sees (docs/domain.md §1): the one visibility rule, used for single things
// and, as a filter, for lists. Pure.

export const ROLES = ['agency', 'ciso', 'assessor', 'ministry', 'office'] as const;
export type Role = (typeof ROLES)[number];

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];

/** User names: 3–64 characters, lower-case letters, digits, dot, dash or underscore. */
export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{2,63}$';
/** Agency codes: letters, digits, dash and underscore, up to 32. */
export const AGENCY_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$';

export interface Actor {
  id: string;
  username: string;
  role: Role;
  agency: string | null;
  ministry: string | null;
}

/** Agency staff (填報人 and 資安長) belong to one agency; a ministry user to one ministry. */
export function scopeOfRole(role: Role): 'agency' | 'ministry' | 'none' {
  if (role === 'agency' || role === 'ciso') return 'agency';
  if (role === 'ministry') return 'ministry';
  return 'none';
}

/**
 * What an actor sees: the office everything, agency staff their agency, a ministry user the agencies
 * under the ministry, an assessor the assessments assigned to them (and those assessments' agencies).
 */
export type Visibility = { kind: 'all' } | { kind: 'agency'; agency: string | null } | { kind: 'ministry'; ministry: string | null } | { kind: 'assigned'; assessorId: string };

export function visibilityOf(actor: Actor): Visibility {
  switch (actor.role) {
    case 'office':
      return { kind: 'all' };
    case 'agency':
    case 'ciso':
      return { kind: 'agency', agency: actor.agency };
    case 'ministry':
      return { kind: 'ministry', ministry: actor.ministry };
    case 'assessor':
      return { kind: 'assigned', assessorId: actor.id };
  }
}

/** The one rule: whether a visibility admits a thing of an agency; `assigned` says whether an assessor's assignment covers it. */
function admits(actor: Actor, agency: { code: string; ministry: string }, assigned: (assessorId: string) => boolean): boolean {
  const v = visibilityOf(actor);
  switch (v.kind) {
    case 'all':
      return true;
    case 'agency':
      return v.agency === agency.code;
    case 'ministry':
      return v.ministry === agency.ministry;
    case 'assigned':
      return assigned(v.assessorId);
  }
}

/** Whether the actor sees an assessment of an agency (code and ministry) with its assigned assessor. */
export const seesAssessment = (actor: Actor, a: { agencyCode: string; ministry: string; assessorId: string | null }): boolean =>
  admits(actor, { code: a.agencyCode, ministry: a.ministry }, (assessorId) => assessorId === a.assessorId);

/** Whether the actor sees an agency; an assessor sees the agencies of the assessments assigned to them (passed in). */
export const seesAgency = (actor: Actor, agency: { code: string; ministry: string }, assignedAgencies: ReadonlySet<string> = new Set()): boolean =>
  admits(actor, agency, () => assignedAgencies.has(agency.code));
