// The dashboard of a cycle (API.md's shape; docs/domain.md §8) as a JSON Schema.
import { Type, type Static } from 'typebox';
import { STATES, TRANSITION_NAMES } from '../../domain/workflow.js';
import type { SnapshotRecord } from '../../services/cycle.service.js';
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

export const KpiFigures = Type.Object(
      {
        grades: Type.Array(Grade),
        basis: Basis,
        minLevel: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
        target: Nullable(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('all')])),
        count: Type.Integer({ minimum: 0, description: 'agencies of the KPI’s grades that count on its basis and reach its minimum level' }),
        verdict: Nullable(Type.Enum(['met', 'not-met'])),
      },
      { additionalProperties: false },
    );
const ByGrade = Type.Record(Type.String(), Tally, { description: 'one entry per grade the cycle assesses' });
const Distributions = Type.Object({ self: Distribution, validated: Distribution }, { additionalProperties: false });

export const DashboardSchema = Type.Object(
  {
    cycle: Type.Integer(),
    kpi: KpiFigures,
    byGrade: ByGrade,
    distribution: Distributions,
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
        {
          agency: Type.String(),
          name: Type.String(),
          ministry: Type.String(),
          grade: Type.String(),
          status: Type.Enum(['none', 'draft']),
          deadline: Type.String({ format: 'date', description: 'the deadline that applies to the agency: its extension’s date where it has one' }),
          extended: Type.Boolean(),
          daysOverdue: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    snapshot: Nullable(
      Type.Object(
        {
          closedAt: Type.String({ format: 'date-time' }),
          sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the whole snapshot record’s RFC 8785 JSON (GET /api/cycles/{year}/snapshot)' }),
          kpi: KpiFigures,
          byGrade: ByGrade,
          distribution: Distributions,
        },
        { additionalProperties: false, description: 'the figures sealed when the cycle was closed (over this reader’s agencies); null while it is open' },
      ),
    ),
    sinceClose: Type.Array(
      Type.Object({ agency: Type.String(), change: Type.Enum([...TRANSITION_NAMES, 'start']), at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
      { description: 'changes to the cycle’s assessments after it closed, oldest first; empty while it is open' },
    ),
  },
  { additionalProperties: false },
);

const Levels = Nullable(Type.Object({ level: Level, score: Type.Number(), meetsTarget: Nullable(Type.Boolean()) }, { additionalProperties: false }));

/** A closed cycle's snapshot record, exactly as hashed. */
export const SnapshotRecordSchema = Type.Object(
  {
    cycle: Type.Integer(),
    closedAt: Type.String({ format: 'date-time' }),
    closedBy: Type.String(),
    kpi: KpiFigures,
    byGrade: ByGrade,
    distribution: Distributions,
    ministries: Type.Array(Type.Object({ ministry: Type.String(), ...TallyFields }, { additionalProperties: false })),
    agencies: Type.Array(
      Type.Object(
        {
          agency: Type.String(),
          name: Type.String(),
          ministry: Type.String(),
          grade: Type.String(),
          assessment: Nullable(Type.String()),
          state: Nullable(Type.Enum(STATES)),
          self: Levels,
          validated: Levels,
        },
        { additionalProperties: false },
      ),
      { description: 'every in-scope agency’s standing the figures were counted from, by code' },
    ),
  },
  { additionalProperties: false },
);

// The schemas must describe exactly the service's types, both ways.
void ((x: Static<typeof SnapshotRecordSchema>): SnapshotRecord => x);
void ((x: SnapshotRecord): Static<typeof SnapshotRecordSchema> => x);
void ((x: Static<typeof DashboardSchema>): Dashboard => x);
void ((x: Dashboard): Static<typeof DashboardSchema> => x);
