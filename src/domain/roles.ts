// Roles and what each one sees (DOMAIN.md §1). Pure rules over an actor and an agency.

export const ROLES = ['agency', 'ciso', 'assessor', 'ministry', 'office'] as const;
export type Role = (typeof ROLES)[number];

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];

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
 * Whether the actor may see an agency. Assessors see the agencies of assessments assigned to them:
 * the caller passes those codes (none before assessments exist).
 */
export function seesAgency(actor: Actor, agency: { code: string; ministry: string }, assignedAgencies: ReadonlySet<string> = new Set()): boolean {
  switch (actor.role) {
    case 'office':
      return true;
    case 'agency':
    case 'ciso':
      return actor.agency === agency.code;
    case 'ministry':
      return actor.ministry === agency.ministry;
    case 'assessor':
      return assignedAgencies.has(agency.code);
  }
}
