// JSON Schemas of the assessment routes: bodies, parameters and responses. Unions come from the
// domain's constants (states, ratings), so the API cannot drift from them.
import { Type } from 'typebox';
import { ANSWER_TEXT_LIMITS } from '../../domain/answers.js';
import { ANSWER_RATINGS, RATINGS } from '../../domain/questionnaire.js';
import { SIGN_OFF_STATEMENT, STATES } from '../../domain/workflow.js';
import { Nullable } from './common.js';

export const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const IdProcess = Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }) });
export const IdProcessIndicator = Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }), indicator: Type.String({ maxLength: 32 }) });
export const IdProcessAttribute = Type.Object({ id: Type.String({ maxLength: 64 }), process: Type.String({ maxLength: 32 }), attribute: Type.String({ maxLength: 16 }) });

export const AnswerRating = Type.Enum(ANSWER_RATINGS);
export const Rating = Type.Enum(RATINGS);
/** An assessment's state; the API calls the field `status`. */
export const State = Type.Enum(STATES);

/** A required text that says something. */
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
export const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

export const TransitionResult = Type.Object({ id: Type.String(), status: State });

export const AnswerBody = Type.Object(
  {
    rating: AnswerRating,
    evidence: OptionalText(ANSWER_TEXT_LIMITS.evidence),
    note: OptionalText(ANSWER_TEXT_LIMITS.note),
    justification: OptionalText(ANSWER_TEXT_LIMITS.justification),
    revision: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const AnswerView = Type.Object({
  process: Type.String(),
  indicator: Type.String(),
  rating: Nullable(AnswerRating),
  evidence: Nullable(Type.String()),
  note: Nullable(Type.String()),
  justification: Nullable(Type.String()),
  revision: Type.Integer(),
  unconfirmed: Type.Boolean(),
  assessor: Nullable(Type.Object({ rating: AnswerRating, reason: Nullable(Type.String()), stale: Type.Boolean() })),
});

/** The answer as it stands, sent beside a stale-revision refusal. */
export const CurrentAnswer = Type.Object({
  rating: AnswerRating,
  evidence: Nullable(Type.String()),
  note: Nullable(Type.String()),
  justification: Nullable(Type.String()),
  revision: Type.Integer(),
  unconfirmed: Type.Boolean(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

export const Summary = Type.Object({
  id: Type.String(),
  agency: Type.String(),
  agencyName: Type.String(),
  ministry: Type.String(),
  cycle: Type.Integer(),
  questionnaire: Type.String(),
  status: State,
  assessor: Nullable(Type.String()),
  submittedAt: Nullable(Type.String()),
  acceptedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
});

/** The CISO's sign-off on submission (docs/domain.md §5). */
export const SignOff = Type.Object({
  name: Type.String(),
  username: Type.String(),
  at: Type.String(),
  statement: Type.Object({ 'zh-TW': Type.String(), en: Type.String() }),
});

/** What the CISO confirms on submitting: the statement shown in both languages (`SIGN_OFF_STATEMENT`). */
export const SubmitBody = Type.Object(
  { statement: Type.Literal(true, { description: `Confirms: “${SIGN_OFF_STATEMENT['zh-TW']}” / “${SIGN_OFF_STATEMENT.en}”` }) },
  { additionalProperties: false },
);

export const Assessment = Type.Object({
  id: Type.String(),
  agency: Type.String(),
  cycle: Type.Integer(),
  questionnaire: Type.String(),
  status: State,
  assessor: Nullable(Type.String()),
  prefilledFrom: Nullable(Type.Integer()),
  submittedAt: Nullable(Type.String()),
  submittedBy: Nullable(Type.String()),
  signOff: Nullable(SignOff),
  acceptedAt: Nullable(Type.String()),
  answers: Type.Array(AnswerView),
  scope: Type.Array(Type.Object({ process: Type.String(), inScope: Type.Boolean(), justification: Nullable(Type.String()) })),
  scopeDecisions: Type.Array(Type.Object({ process: Type.String(), inScope: Type.Boolean(), reason: Type.String(), by: Type.String() })),
  overrides: Type.Array(Type.Object({ process: Type.String(), attribute: Type.String(), rating: Rating, reason: Type.String(), by: Type.String() })),
  findings: Type.Array(Type.Object({ process: Type.String(), text: Type.String(), by: Type.String(), at: Type.String() })),
  comments: Type.Array(Type.Object({ id: Type.String(), author: Type.String(), role: Type.String(), text: Type.String(), createdAt: Type.String() })),
  evidence: Type.Array(Type.Object({ id: Type.String(), process: Type.String(), indicator: Type.String(), name: Type.String(), size: Type.Integer(), type: Type.String(), sha256: Type.String(), uploadedBy: Type.String(), createdAt: Type.String() })),
  history: Type.Array(Type.Object({ from: Nullable(State), to: State, by: Type.String(), at: Type.String(), comment: Nullable(Type.String()) })),
});

export const Comment = Type.Object({ id: Type.String(), author: Type.String(), role: Type.String(), text: Type.String(), createdAt: Type.String() });
export const EvidenceFile = Type.Object({ id: Type.String(), sha256: Type.String(), name: Type.String(), size: Type.Integer(), type: Type.String(), process: Type.String(), indicator: Type.String() });
export const VerificationCode = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the sealed record’s RFC 8785 canonical JSON' });
