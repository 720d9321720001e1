// The programme's analyses (docs/domain.md §8) as pure arithmetic: the priority list's order and distance,
// and calibration — how far self results stand from validated ones and which way the assessors moved ratings.
import type { Rating, AnswerRating } from './questionnaire.js';
import { countedValidated, type AgencyStanding } from './programme.js';
import type { ScoreResult } from './scoring.js';

/** Rounded to 2 decimals, as the analyses report distances and means (never used for scoring, which truncates). */
export const round2 = (x: number): number => Math.round((x + Math.sign(x) * 1e-9) * 100) / 100;

/** Plain code-unit order: agency codes, process and attribute ids sort the same on every database. */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface Ranked {
  standing: AgencyStanding;
  /** target level − validated score, 2 decimals; null without an accepted assessment. */
  distance: number | null;
}

/**
 * The priority order (據以分配國家資安資源): grade letter ascending (A first); within a grade the agencies
 * with no accepted assessment first, by code; then the largest distance to the target; ties by code.
 */
export function priorityOrder(rows: readonly AgencyStanding[], targetLevel: number): Ranked[] {
  const ranked = rows.map((standing) => {
    const validated = countedValidated(standing);
    return { standing, distance: validated ? round2(targetLevel - validated.score) : null };
  });
  return ranked.sort(
    (a, b) =>
      byCode(a.standing.grade, b.standing.grade) ||
      Number(a.distance !== null) - Number(b.distance !== null) ||
      (a.distance !== null && b.distance !== null ? b.distance - a.distance : 0) ||
      byCode(a.standing.agency, b.standing.agency),
  );
}

const ORDER: Readonly<Record<Rating, number>> = { N: 0, P: 1, L: 2, F: 3 };

/** Which way a rating moved from `from` to `to` (N < P < L < F); a change to or from NA, or no rating before, is neither. */
export function ratingChange(from: AnswerRating | null | undefined, to: AnswerRating): 'lowered' | 'raised' | null {
  if (from === null || from === undefined || from === 'NA' || to === 'NA' || from === to) return null;
  return ORDER[to] < ORDER[from] ? 'lowered' : 'raised';
}

export interface CalibrationStats {
  ratings: number;
  lowered: number;
  raised: number;
  /** mean of (self achievement − validated achievement) in percentage points, 2 decimals; null when none compared. */
  meanDifference: number | null;
  compared: number;
}

/** What calibration reads of one accepted assessment. */
export interface CalibrationInput {
  self: ScoreResult;
  validated: ScoreResult;
  /** The assessor's current (not stale) ratings, each beside the agency's answer at the same indicator (null: none). */
  ratings: readonly { process: string; indicator: string; rating: AnswerRating; answer: AnswerRating | null }[];
  overrides: readonly { process: string; attribute: string; rating: Rating }[];
  /** The attribute an indicator of a process rates (the questionnaire index); undefined if it has none. */
  attributeOf: (process: string, indicator: string) => string | undefined;
}

/** A running sum behind one CalibrationStats. */
export class CalibrationTally {
  private ratings = 0;
  private lowered = 0;
  private raised = 0;
  private sum = 0;
  private compared = 0;

  rating(change: 'lowered' | 'raised' | null): void {
    this.ratings += 1;
    if (change === 'lowered') this.lowered += 1;
    if (change === 'raised') this.raised += 1;
  }

  difference(points: number): void {
    this.sum += points;
    this.compared += 1;
  }

  stats(): CalibrationStats {
    return { ratings: this.ratings, lowered: this.lowered, raised: this.raised, meanDifference: this.compared === 0 ? null : round2(this.sum / this.compared), compared: this.compared };
  }
}

/** Where each counted thing of an assessment goes: the tallies it adds to (the agency's, the process's, the attribute's, the overall one). */
export type TallyOf = (process: string, attribute: string | undefined) => readonly CalibrationTally[];

/**
 * Adds one accepted assessment to the tallies: every attribute of a process in scope on both bases is one
 * comparison (self − validated achievement, × 100 for percentage points); every assessor rating is one rating,
 * lowered or raised against the answer; every override is one rating, against the computed rating the
 * validated result records.
 */
export function calibrate(input: CalibrationInput, tallies: TallyOf): void {
  for (const validated of input.validated.processes) {
    const self = input.self.processes.find((p) => p.id === validated.id);
    if (!self || !self.inScope || !validated.inScope) continue;
    for (const v of validated.attributes) {
      const s = self.attributes.find((a) => a.id === v.id);
      if (!s) continue;
      for (const t of tallies(validated.id, v.id)) t.difference((s.achievement - v.achievement) * 100);
    }
  }
  for (const r of input.ratings) {
    const change = ratingChange(r.answer, r.rating);
    for (const t of tallies(r.process, input.attributeOf(r.process, r.indicator))) t.rating(change);
  }
  for (const o of input.overrides) {
    const recorded = input.validated.processes.find((p) => p.id === o.process)?.attributes.find((a) => a.id === o.attribute);
    const change = recorded ? ratingChange(recorded.computedRating ?? recorded.rating, o.rating) : null;
    for (const t of tallies(o.process, o.attribute)) t.rating(change);
  }
}
