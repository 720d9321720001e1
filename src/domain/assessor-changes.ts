// Every change the assessor made to an assessment, each with the agency's own value beside it: what
// the sealed record keeps and what every findings report lists (docs/domain.md §6). Pure.
import type { AnswerRating } from './questionnaire.js';
import type { ScoreResult } from './scoring.js';

export interface AssessorChanges {
  ratings: { process: string; indicator: string; agencyRating: string | null; rating: string; reason: string | null; stale: boolean }[];
  scope: { process: string; inScope: boolean; reason: string }[];
  overrides: { process: string; attribute: string; computedRating: string | null; rating: string; reason: string }[];
}

export interface ReviewedParts {
  answers: readonly { process: string; indicator: string; rating: AnswerRating; unconfirmed: boolean }[];
  assessorRatings: readonly { process: string; indicator: string; rating: string; reason: string | null; stale: boolean }[];
  scopeDecisions: readonly { process: string; inScope: boolean; reason: string }[];
  overrides: readonly { process: string; attribute: string; rating: string; reason: string }[];
}

/** The assessor's ratings beside the agency's (an unconfirmed pre-fill counts as none), scope decisions, and overrides beside the computed rating. */
export function assessorChangesOf(parts: ReviewedParts, self: ScoreResult): AssessorChanges {
  const agencyRating = new Map(parts.answers.map((x) => [`${x.process}/${x.indicator}`, x.unconfirmed ? null : x.rating]));
  const computed = new Map(self.processes.flatMap((p) => p.attributes.map((x) => [`${p.id}/${x.id}`, x.rating] as const)));
  return {
    ratings: parts.assessorRatings.map((r) => ({ process: r.process, indicator: r.indicator, agencyRating: agencyRating.get(`${r.process}/${r.indicator}`) ?? null, rating: r.rating, reason: r.reason, stale: r.stale })),
    scope: parts.scopeDecisions.map((d) => ({ process: d.process, inScope: d.inScope, reason: d.reason })),
    overrides: parts.overrides.map((o) => ({ process: o.process, attribute: o.attribute, computedRating: computed.get(`${o.process}/${o.attribute}`) ?? null, rating: o.rating, reason: o.reason })),
  };
}
