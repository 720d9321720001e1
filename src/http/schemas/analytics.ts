// The priority list, calibration and trend (docs/domain.md §8) as JSON Schemas, the export query every
// dashboard view takes, and the 200 response that is JSON or, with `format`, a CSV or .xlsx file.
import { Type, type Static, type TSchema } from 'typebox';
import type { MilestoneStatus } from '../../domain/programme.js';
import { STATES } from '../../domain/workflow.js';
import { EXPORT_TABLES, type Calibration, type Priority, type Trend, type ExportView } from '../../services/analytics.service.js';
import { EXPORT_FORMATS, EXPORT_LANGUAGES } from '../../services/exports.js';
import { XLSX_TYPE } from '../../services/sheet.service.js';
import { AgencyCode, Nullable, Year } from './common.js';
import { KpiFigures } from './dashboard.js';

const Count = Type.Integer({ minimum: 0 });
const Level = Type.Integer({ minimum: 0, maximum: 5 });
const Status = Type.Enum([...STATES, 'none'], { description: 'the assessment’s state; `none` without one' });

export const PrioritySchema = Type.Object(
  {
    cycle: Type.Integer(),
    targetLevel: Nullable(Type.Integer()),
    reason: Nullable(Type.Enum(['no-target'], { description: '`no-target`: the cycle has no target level, so the list is empty' })),
    agencies: Type.Array(
      Type.Object(
        {
          rank: Type.Integer({ minimum: 1 }),
          agency: Type.String(),
          name: Type.String(),
          ministry: Type.String(),
          grade: Type.String(),
          status: Status,
          validatedLevel: Nullable(Level),
          validatedScore: Nullable(Type.Number()),
          distance: Nullable(Type.Number({ description: 'target level − validated score, 2 decimals; null without an accepted assessment' })),
        },
        { additionalProperties: false },
      ),
      { description: 'grade A first; within a grade those with no accepted assessment first (by code), then the largest distance, ties by code' },
    ),
  },
  { additionalProperties: false },
);

const StatsFields = {
  ratings: Type.Integer({ minimum: 0, description: 'assessor ratings (not stale) and attribute overrides' }),
  lowered: Count,
  raised: Count,
  meanDifference: Nullable(Type.Number({ description: 'mean of (self − validated achievement) in percentage points, 2 decimals' })),
  compared: Type.Integer({ minimum: 0, description: 'process attributes in scope on both bases' }),
};

export const CalibrationSchema = Type.Object(
  {
    cycle: Type.Integer(),
    assessments: Type.Integer({ minimum: 0, description: 'accepted assessments compared' }),
    overall: Type.Object(StatsFields, { additionalProperties: false }),
    agencies: Type.Array(Type.Object({ agency: Type.String(), name: Type.String(), ministry: Type.String(), grade: Type.String(), ...StatsFields }, { additionalProperties: false })),
    processes: Type.Array(Type.Object({ process: Type.String(), ...StatsFields }, { additionalProperties: false })),
    attributes: Type.Array(Type.Object({ attribute: Type.String(), ...StatsFields }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const Milestone = Type.Enum(['met', 'not-met', 'in-progress', 'no-target', 'not-judged'] as const satisfies readonly MilestoneStatus[]);
void ((x: MilestoneStatus): Static<typeof Milestone> => x);

export const TrendSchema = Type.Object(
  {
    cycles: Type.Array(
      Type.Object(
        {
          cycle: Type.Integer(),
          targetLevel: Nullable(Type.Integer()),
          kpi: KpiFigures,
          inCohort: Count,
          submitted: Count,
          accepted: Count,
          meanSelf: Nullable(Type.Number({ description: 'mean stored self score of those submitted or later, 2 decimals' })),
          meanValidated: Nullable(Type.Number({ description: 'mean stored validated score of those accepted, 2 decimals' })),
          atTarget: Type.Object({ self: Nullable(Count), validated: Nullable(Count) }, { additionalProperties: false }),
          milestone: Milestone,
          closed: Type.Boolean(),
          deadline: Nullable(Type.String({ format: 'date' })),
        },
        { additionalProperties: false },
      ),
      { description: 'every cycle, oldest first' },
    ),
    agencies: Type.Array(
      Type.Object(
        {
          agency: Type.String(),
          name: Type.String(),
          ministry: Type.String(),
          cycles: Type.Array(
            Type.Object(
              {
                cycle: Type.Integer(),
                grade: Type.String(),
                status: Status,
                selfLevel: Nullable(Level),
                selfScore: Nullable(Type.Number()),
                validatedLevel: Nullable(Level),
                validatedScore: Nullable(Type.Number()),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'every agency in scope of some cycle, by code, with one entry per cycle where it was in scope' },
    ),
  },
  { additionalProperties: false },
);

/** The export fields of a view's query: `format`, `table` (the view's own tables) and `lang`. */
export const exportQuery = <V extends ExportView>(view: V) => ({
  format: Type.Optional(Type.Enum(EXPORT_FORMATS, { default: 'json', description: 'json (default), csv (one table) or xlsx (every table, a sheet each)' })),
  table: Type.Optional(Type.Enum(EXPORT_TABLES[view] as readonly string[], { description: `the table a CSV holds (default ${EXPORT_TABLES[view][0]})` })),
  lang: Type.Optional(Type.Enum(EXPORT_LANGUAGES, { default: 'zh-TW', description: 'the column headers’ language: zh-TW (default) or en' })),
});

export const CycleExportQuery = (view: ExportView) => Type.Object({ cycle: Year, ...exportQuery(view) }, { additionalProperties: false });
export const TrendQuery = Type.Object({ agency: Type.Optional(AgencyCode), ...exportQuery('trend') }, { additionalProperties: false });

const binary = { type: 'string', format: 'binary' } as const;

/**
 * The 200 of a view: its JSON, or with `format=csv|xlsx` the file (fastify serializes only the JSON, by media
 * type; the route sends a file as a Buffer). The OpenAPI document lists all three media types.
 */
export function jsonOrFile<T extends TSchema>(schema: T, description: string, fileName: string) {
  return Type.Unsafe<Static<T> | Buffer>({
    description: `${description}; with \`format=csv\` or \`xlsx\`, the file, sent with \`content-disposition: attachment; filename="${fileName}"\``,
    content: { 'application/json': { schema }, 'text/csv': { schema: binary }, [XLSX_TYPE]: { schema: binary } },
  });
}

// The schemas must describe exactly the service's types, both ways.
void ((x: Static<typeof PrioritySchema>): Priority => x);
void ((x: Priority): Static<typeof PrioritySchema> => x);
void ((x: Static<typeof CalibrationSchema>): Calibration => x);
void ((x: Calibration): Static<typeof CalibrationSchema> => x);
void ((x: Static<typeof TrendSchema>): Trend => x);
void ((x: Trend): Static<typeof TrendSchema> => x);
