// The workflow table (docs/domain.md §5) as the services ask it: every transition and edit, for every
// role and state, written out by hand here rather than read back from the table.
import { describe, expect, it } from 'vitest';
import { ROLES, type Actor, type Role } from '../../src/domain/roles.js';
import { STATES, refuseEdit, refuseTransition, type AssessmentState, type Edit, type Transition } from '../../src/domain/workflow.js';

const actor = (role: Role, id = `${role}-1`): Actor => ({ id, username: role, role, agency: role === 'agency' || role === 'ciso' ? 'A-1' : null, ministry: role === 'ministry' ? 'M' : null });

/** Who may make each transition from which states (the assessor only when assigned). */
const EXPECTED_TRANSITIONS: Record<Transition, { role: Role; from: AssessmentState[] }> = {
  submit: { role: 'ciso', from: ['draft', 'returned'] },
  review: { role: 'assessor', from: ['submitted'] },
  return: { role: 'assessor', from: ['in_review'] },
  accept: { role: 'assessor', from: ['in_review'] },
  reopen: { role: 'office', from: ['accepted'] },
};

const EXPECTED_EDITS: Record<Edit, { roles: Role[]; from: AssessmentState[] }> = {
  'fill-in': { roles: ['agency', 'ciso'], from: ['draft', 'returned'] },
  'assessor-review': { roles: ['assessor'], from: ['in_review'] },
  comment: { roles: ['agency', 'ciso', 'assessor', 'office'], from: ['draft', 'submitted', 'in_review', 'returned'] },
  assign: { roles: ['office'], from: ['draft', 'submitted', 'in_review', 'returned'] },
  move: { roles: ['office'], from: ['draft'] },
  'improvement-plan': { roles: ['agency', 'ciso'], from: ['accepted'] },
  'plan-progress': { roles: ['agency', 'ciso'], from: ['draft', 'submitted', 'in_review', 'returned', 'accepted'] },
};

describe('the workflow table', () => {
  for (const [transition, rule] of Object.entries(EXPECTED_TRANSITIONS) as [Transition, { role: Role; from: AssessmentState[] }][]) {
    it(`lets only ${rule.role} ${transition}, and only from ${rule.from.join(' or ')}`, () => {
      for (const role of ROLES) {
        for (const state of STATES) {
          const who = actor(role);
          const refusal = refuseTransition(who, { state, assessorId: who.id }, transition);
          if (role !== rule.role) expect(refusal?.kind, `${role} ${transition} from ${state}`).toBe('role');
          else if (!rule.from.includes(state)) expect(refusal?.kind, `${role} ${transition} from ${state}`).toBe('state');
          else expect(refusal, `${role} ${transition} from ${state}`).toBeNull();
        }
      }
    });
  }

  it('lets only the assigned assessor review, return and accept', () => {
    for (const transition of ['review', 'return', 'accept'] as const) {
      const state = EXPECTED_TRANSITIONS[transition].from[0]!;
      expect(refuseTransition(actor('assessor'), { state, assessorId: 'someone-else' }, transition)?.kind).toBe('role');
      expect(refuseTransition(actor('assessor'), { state, assessorId: null }, transition)?.kind).toBe('role');
    }
    expect(refuseEdit(actor('assessor'), { state: 'in_review', assessorId: 'someone-else' }, 'assessor-review')?.kind).toBe('role');
  });

  for (const [edit, rule] of Object.entries(EXPECTED_EDITS) as [Edit, { roles: Role[]; from: AssessmentState[] }][]) {
    it(`lets ${rule.roles.join(', ')} make a ${edit} edit in ${rule.from.join(', ')} only`, () => {
      for (const role of ROLES) {
        for (const state of STATES) {
          const who = actor(role);
          const refusal = refuseEdit(who, { state, assessorId: who.id }, edit);
          if (!rule.roles.includes(role)) expect(refusal?.kind, `${role} ${edit} in ${state}`).toBe('role');
          else if (!rule.from.includes(state)) expect(refusal?.kind, `${role} ${edit} in ${state}`).toBe('state');
          else expect(refusal, `${role} ${edit} in ${state}`).toBeNull();
        }
      }
    });
  }

  it('names the rule in its refusals', () => {
    expect(refuseTransition(actor('agency'), { state: 'draft', assessorId: null }, 'submit')).toEqual({ kind: 'role', message: 'only ciso may submit' });
    expect(refuseTransition(actor('ciso'), { state: 'accepted', assessorId: null }, 'submit')).toEqual({ kind: 'state', message: 'the assessment is accepted: submit needs it draft or returned' });
  });
});
