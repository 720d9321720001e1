// The score result (docs/domain.md §4) as a JSON Schema, for `GET …/result` and the OpenAPI document.
import { Type, type Static } from 'typebox';
import { RATINGS } from '../../domain/questionnaire.js';
import type { Basis as DomainBasis, ScoreResult } from '../../domain/scoring.js';
import { Nullable } from './common.js';

const Rating = Type.Enum(RATINGS);
/** The basis of a result or a KPI: the agency's own answers, or as validated by its assessor. */
export const Basis = Type.Enum(['self', 'validated'] as const satisfies readonly DomainBasis[]);
void ((x: Static<typeof Basis>): DomainBasis => x);
void ((x: DomainBasis): Static<typeof Basis> => x);
const IndicatorRef = Type.Object({ process: Type.String(), indicator: Type.String() }, { additionalProperties: false });

export const ScoreResultSchema = Type.Object(
  {
    questionnaire: Type.String({ description: 'id@version' }),
    targetLevel: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    basis: Basis,
    level: Type.Integer({ minimum: 0, maximum: 5 }),
    score: Type.Number({ minimum: 0, maximum: 5, description: 'truncated to 2 decimals' }),
    meetsTarget: Nullable(Type.Boolean()),
    aspects: Type.Array(Type.Object({ id: Type.String(), score: Nullable(Type.Number()) }, { additionalProperties: false })),
    processes: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          inScope: Type.Boolean(),
          level: Nullable(Type.Integer({ minimum: 0, maximum: 5 })),
          attributes: Type.Array(
            Type.Object(
              { id: Type.String(), achievement: Type.Number({ minimum: 0, maximum: 1 }), rating: Rating, computedRating: Type.Optional(Rating) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    gaps: Type.Array(
      Type.Object(
        { process: Type.String(), attribute: Type.String(), required: Type.Enum(['L', 'F']), rating: Rating, achievement: Type.Number(), indicators: Type.Array(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    completeness: Type.Object({ missing: Type.Array(IndicatorRef), missingEvidence: Type.Array(IndicatorRef) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

// The schema must describe exactly the domain's type, both ways.
void ((x: Static<typeof ScoreResultSchema>): ScoreResult => x);
void ((x: ScoreResult): Static<typeof ScoreResultSchema> => x);
