// The dashboard of a cycle (API.md's shape; docs/domain.md §8) as a JSON Schema.
import { Type, type Static } from 'typebox';
import { STATES } from '../../domain/workflow.js';
import type { Dashboard } from '../../services/dashboard.service.js';
import { Grade, Nullable } from './common.js';
import { Basis } from './result.js';

const Count = Type.Integer({ minimum: 0 });
const Level = Type.Integer({ minimum: 0, maximum: 5 });

const TallyFields = {
  inScope: Type.Integer({ minimum: 0, description: 'agencies whose grade for the cycle is among its grades' }),
  reached: Type.Object(
    { started: Count, submitted: Count, inReview: Count, accepted: Count },
    { additionalProperties: false, description: 'cumulative: an assessment counts in every state up to the one it is in (a returned one has reached in review)' },
  ),
  atTarget: Type.Object(
    { self: Nullable(Count), validated: Nullable(Count) },
    { additionalProperties: false, description: 'at or above the target level: self among those submitted, validated among those accepted; null without a target' },
  ),
};
const Tally = Type.Object(TallyFields, { additionalProperties: false });
const Distribution = Type.Object(
  { '0': Count, '1': Count, '2': Count, '3': Count, '4': Count, '5': Count },
  { additionalProperties: false },
);

export const DashboardSchema = Type.Object(
  {
    cycle: Type.Integer(),
    kpi: Type.Object(
      {
        grades: Type.Array(Grade),
        basis: Basis,
        minLevel: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
        target: Nullable(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('all')])),
        count: Type.Integer({ minimum: 0, description: 'agencies of the KPI’s grades that count on its basis and reach its minimum level' }),
        verdict: Nullable(Type.Enum(['met', 'not-met'])),
      },
      { additionalProperties: false },
    ),
    byGrade: Type.Record(Type.String(), Tally, { description: 'one entry per grade the cycle assesses' }),
    distribution: Type.Object({ self: Distribution, validated: Distribution }, { additionalProperties: false }),
    ministries: Type.Array(Type.Object({ ministry: Type.String(), ...TallyFields }, { additionalProperties: false })),
    belowTarget: Type.Array(
      Type.Object(
        {
          agency: Type.String(),
          name: Type.String(),
          ministry: Type.String(),
          grade: Type.String(),
          status: Type.Enum(STATES),
          basis: Basis,
          level: Level,
          score: Type.Number(),
          targetLevel: Type.Integer(),
          processes: Type.Array(Type.Object({ process: Type.String(), level: Nullable(Level), attributes: Type.Array(Type.String()) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
    overdue: Type.Array(
      Type.Object(
        { agency: Type.String(), name: Type.String(), ministry: Type.String(), grade: Type.String(), status: Type.Enum(['none', 'draft']), deadline: Type.String(), daysOverdue: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

// The schema must describe exactly the service's type, both ways.
void ((x: Static<typeof DashboardSchema>): Dashboard => x);
void ((x: Dashboard): Static<typeof DashboardSchema> => x);
