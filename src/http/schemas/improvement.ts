// Improvement plans (docs/domain.md §8) as JSON Schemas: the plan, the new plan, its changes and the
// list's filters. Statuses and text limits come from the domain, so the API cannot drift from them.
import { Type, type Static } from 'typebox';
import { PLAN_STATUSES, PLAN_TEXT_LIMITS } from '../../domain/improvement.js';
import type { PlanView } from '../../services/improvement.service.js';
import { Text } from './assessment.js';
import { AgencyCode, IsoDate, Year } from './common.js';

export const PlanStatus = Type.Enum(PLAN_STATUSES, { description: 'open, in_progress or done' });
const Action = Type.With(Text(PLAN_TEXT_LIMITS.action), { description: 'what will be done to close the gap (trimmed; 1–2000 characters)' });
const Owner = Type.With(Text(PLAN_TEXT_LIMITS.owner), { description: 'who answers for it: a person, post or unit (trimmed; 1–200 characters)' });
const Due = Type.With(IsoDate, { description: 'the due date, YYYY-MM-DD (a date that exists)' });

export const Plan = Type.Object(
  {
    id: Type.String(),
    assessment: Type.String({ description: 'the assessment whose gap it addresses' }),
    agency: Type.String(),
    cycle: Type.Integer(),
    process: Type.String(),
    attribute: Type.String(),
    action: Type.String(),
    owner: Type.String(),
    due: Type.String(),
    status: PlanStatus,
    createdBy: Type.String({ description: 'the user name of who wrote it' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);

export const PlanBody = Type.Object(
  {
    assessment: Type.String({ minLength: 1, maxLength: 64, description: 'the id of an accepted assessment of the caller’s agency' }),
    process: Type.String({ minLength: 1, maxLength: 32, description: 'a process with a gap in the validated result' }),
    attribute: Type.String({ minLength: 1, maxLength: 16, description: 'an attribute of that process’s gaps' }),
    action: Action,
    owner: Owner,
    due: Due,
  },
  { additionalProperties: false },
);

export const PlanPatch = Type.Object(
  { action: Type.Optional(Action), owner: Type.Optional(Owner), due: Type.Optional(Due), status: Type.Optional(PlanStatus) },
  { additionalProperties: false, minProperties: 1 },
);

export const PlanQuery = Type.Object(
  {
    cycle: Type.Optional(Year),
    agency: Type.Optional(AgencyCode),
    assessment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(PlanStatus),
  },
  { additionalProperties: false },
);

export const PlanId = Type.Object({ id: Type.String({ maxLength: 64 }) });

// The schema must describe exactly the service's type, both ways.
void ((x: Static<typeof Plan>): PlanView => x);
void ((x: PlanView): Static<typeof Plan> => x);
