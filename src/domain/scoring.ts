// Exact scoring of one assessment (DOMAIN.md §3): PA achievement and rating, capability levels,
// score, maturity level by roll-up, target, path to target and completeness. Pure: no I/O.
import type { AnswerRating, IndexedProcess, QuestionnaireIndex, Rating } from './questionnaire.js';

export type Basis = 'self' | 'validated';

export interface AnswerInput {
  process: string;
  indicator: string;
  rating: AnswerRating;
  evidence?: string | null;
  /** A pre-filled answer carried from an earlier cycle and not yet confirmed counts as unanswered. */
  unconfirmed?: boolean;
}

export interface AssessorRatingInput {
  process: string;
  indicator: string;
  rating: AnswerRating;
  /** Set when the agency edited the answer after a return: the rating stops counting. */
  stale?: boolean;
}

export interface ScopeDecisionInput {
  process: string;
  inScope: boolean;
}

export interface AttributeOverrideInput {
  process: string;
  attribute: string;
  rating: Rating;
}

export interface AssessorInput {
  ratings?: readonly AssessorRatingInput[];
  scope?: readonly ScopeDecisionInput[];
  overrides?: readonly AttributeOverrideInput[];
}

export interface ScoringInput {
  answers: readonly AnswerInput[];
  /** Process ids the agency declared out of scope. */
  outOfScope?: readonly string[];
  /** The target level; `undefined` takes the questionnaire's default, `null` means none (a pilot). */
  target?: number | null;
  basis?: Basis;
  /** Only read for basis `validated`. */
  assessor?: AssessorInput;
}

export interface AttributeResult {
  id: string;
  achievement: number;
  rating: Rating;
  /** Present when an assessor override replaced the computed rating. */
  computedRating?: Rating;
}

export interface ProcessResult {
  id: string;
  inScope: boolean;
  level: number | null;
  attributes: AttributeResult[];
}

export interface Gap {
  process: string;
  attribute: string;
  required: 'L' | 'F';
  rating: Rating;
  achievement: number;
  indicators: string[];
}

export interface IndicatorRef {
  process: string;
  indicator: string;
}

export interface Completeness {
  missing: IndicatorRef[];
  missingEvidence: IndicatorRef[];
}

export interface ScoreResult {
  questionnaire: string;
  targetLevel: number | null;
  basis: Basis;
  level: number;
  score: number;
  meetsTarget: boolean | null;
  aspects: { id: string; score: number | null }[];
  processes: ProcessResult[];
  gaps: Gap[];
  completeness: Completeness;
}

const EPSILON = 1e-9;
const BANDS: ReadonlyArray<readonly [Rating, number]> = [
  ['N', 0.15],
  ['P', 0.5],
  ['L', 0.85],
];

/** ISO/IEC 33020 rating of an achievement: the first band whose bound it does not exceed. */
export function ratingOf(achievement: number): Rating {
  for (const [rating, bound] of BANDS) if (achievement <= bound + EPSILON) return rating;
  return 'F';
}

/** Truncates to 2 decimals, as scores are reported. */
export function truncate2(x: number): number {
  return Math.floor(x * 100 + EPSILON) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

const atLeastL = (r: Rating): boolean => r === 'L' || r === 'F';

/** Capability level from PA ratings in level order (DOMAIN.md §3 rule 4). */
export function capabilityLevel(attributes: readonly { level: number; rating: Rating }[]): number {
  let level = 0;
  for (let k = 1; k <= 5; k++) {
    let ok = true;
    for (const a of attributes) {
      if (a.level === k ? !atLeastL(a.rating) : a.level < k && a.rating !== 'F') {
        ok = false;
        break;
      }
    }
    if (!ok) break;
    level = k;
  }
  return level;
}

type Lookup<T> = Map<string, Map<string, T>>;

function byProcess<T extends { process: string }>(items: readonly T[], key: (t: T) => string): Lookup<T> {
  const map: Lookup<T> = new Map();
  for (const item of items) {
    let inner = map.get(item.process);
    if (!inner) map.set(item.process, (inner = new Map<string, T>()));
    inner.set(key(item), item);
  }
  return map;
}

const indicatorKey = (x: { indicator: string }): string => x.indicator;
const attributeKey = (x: { attribute: string }): string => x.attribute;

interface ProcessScore {
  process: IndexedProcess;
  inScope: boolean;
  level: number;
  attributes: { id: string; level: number; achievement: number; rating: Rating; computedRating?: Rating }[];
}

/** The effective rating of every indicator of a process (undefined = unanswered). */
type RatingOf = (indicator: string) => AnswerRating | undefined;

function scoreProcess(
  index: QuestionnaireIndex,
  process: IndexedProcess,
  inScope: boolean,
  rate: RatingOf,
  overrides: Map<string, AttributeOverrideInput> | undefined,
): ProcessScore {
  const values = index.ratingValues;
  const attributes: ProcessScore['attributes'] = [];
  for (const attribute of process.attributes) {
    let sumWeighted = 0;
    let sumWeights = 0;
    for (const indicator of attribute.indicators) {
      const rating = rate(indicator.id);
      if (rating === 'NA') continue;
      sumWeights += indicator.weight;
      if (rating !== undefined) sumWeighted += indicator.weight * values[rating];
    }
    const achievement = sumWeights > 0 ? sumWeighted / sumWeights : 0;
    const computed = ratingOf(achievement);
    const override = overrides?.get(attribute.id);
    attributes.push(
      override && override.rating !== computed
        ? { id: attribute.id, level: attribute.level, achievement, rating: override.rating, computedRating: computed }
        : { id: attribute.id, level: attribute.level, achievement, rating: override?.rating ?? computed },
    );
  }
  return { process, inScope, level: capabilityLevel(attributes), attributes };
}

/** Effective ratings per process: an assessor rating that is not stale replaces the agency's answer. */
function raterOf(answers: Lookup<AnswerInput>, assessorRatings: Lookup<AssessorRatingInput> | undefined) {
  return (process: string): RatingOf => {
    const own = answers.get(process);
    const reviewed = assessorRatings?.get(process);
    return (indicator) => {
      const assessorRating = reviewed?.get(indicator);
      if (assessorRating && !assessorRating.stale) return assessorRating.rating;
      const answer = own?.get(indicator);
      return answer && !answer.unconfirmed ? answer.rating : undefined;
    };
  };
}

function scoreAll(
  index: QuestionnaireIndex,
  rateIn: (process: string) => RatingOf,
  outOfScope: ReadonlySet<string>,
  assessor: AssessorInput | undefined,
): ProcessScore[] {
  const scope = assessor?.scope ? new Map(assessor.scope.map((s) => [s.process, s.inScope])) : undefined;
  const overrides = assessor?.overrides ? byProcess(assessor.overrides, attributeKey) : undefined;
  return index.processes.map((process) => {
    const inScope = scope?.get(process.id) ?? !outOfScope.has(process.id);
    return scoreProcess(index, process, inScope, rateIn(process.id), overrides?.get(process.id));
  });
}

function weightedLevels(processes: readonly ProcessScore[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const p of processes) {
    if (!p.inScope) continue;
    sum += p.process.weight * p.level;
    weights += p.process.weight;
  }
  return weights > 0 ? sum / weights : null;
}

function maturityLevel(index: QuestionnaireIndex, inScope: readonly ProcessScore[], score: number): number {
  if (inScope.length === 0) return 0;
  const lowest = Math.min(...inScope.map((p) => p.level));
  const average = Math.floor(score + EPSILON);
  switch (index.rollup) {
    case 'weighted-average':
      return average;
    case 'minimum':
      return lowest;
    case 'guarded-average':
      return Math.min(average, lowest + 1);
  }
}

function gapsOf(
  index: QuestionnaireIndex,
  scores: readonly ProcessScore[],
  target: number,
  rateIn: (process: string) => RatingOf,
): Gap[] {
  const values = index.ratingValues;
  const gaps: Gap[] = [];
  for (const p of scores) {
    if (!p.inScope || p.level >= target) continue;
    const rate = rateIn(p.process.id);
    p.attributes.forEach((a, position) => {
      const required = a.level < target && a.rating !== 'F' ? 'F' : a.level === target && !atLeastL(a.rating) ? 'L' : null;
      if (!required) return;
      const blocking = [];
      for (const indicator of p.process.attributes[position]!.indicators) {
        const rating = rate(indicator.id) ?? 'N';
        if (rating === 'NA' || rating === 'F') continue;
        blocking.push({ id: indicator.id, value: values[rating], weight: indicator.weight, order: indicator.order });
      }
      blocking.sort((x, y) => x.value - y.value || y.weight - x.weight || x.order - y.order);
      gaps.push({
        process: p.process.id,
        attribute: a.id,
        required,
        rating: a.rating,
        achievement: round4(a.achievement),
        indicators: blocking.map((b) => b.id),
      });
    });
  }
  return gaps;
}

function completenessOf(
  selfScores: readonly ProcessScore[],
  answers: Lookup<AnswerInput>,
  target: number | null,
): Completeness {
  const missing: IndicatorRef[] = [];
  const missingEvidence: IndicatorRef[] = [];
  for (const p of selfScores) {
    if (!p.inScope) continue;
    const required = Math.max(target ?? 0, p.level);
    const own = answers.get(p.process.id);
    for (const attribute of p.process.attributes) {
      for (const indicator of attribute.indicators) {
        const answer = own?.get(indicator.id);
        const answered = answer !== undefined && !answer.unconfirmed;
        if (!answered) {
          if (attribute.level <= required) missing.push({ process: p.process.id, indicator: indicator.id });
          continue;
        }
        if (answer.rating !== 'N' && answer.rating !== 'NA' && !answer.evidence?.trim()) {
          missingEvidence.push({ process: p.process.id, indicator: indicator.id });
        }
      }
    }
  }
  return { missing, missingEvidence };
}

/** Scores one assessment on one basis. Input is assumed valid (see `checkAnswersDocument`). */
export function score(index: QuestionnaireIndex, input: ScoringInput): ScoreResult {
  const basis = input.basis ?? 'self';
  const target = input.target === undefined ? index.targetLevel : input.target;
  const answers = byProcess(input.answers, indicatorKey);
  const outOfScope = new Set(input.outOfScope ?? []);
  const selfRates = raterOf(answers, undefined);
  const selfScores = scoreAll(index, selfRates, outOfScope, undefined);
  const validated = basis === 'validated' ? input.assessor : undefined;
  const rateIn = validated?.ratings ? raterOf(answers, byProcess(validated.ratings, indicatorKey)) : selfRates;
  const scores = validated ? scoreAll(index, rateIn, outOfScope, validated) : selfScores;

  const inScope = scores.filter((p) => p.inScope);
  const mean = weightedLevels(inScope) ?? 0;
  const level = maturityLevel(index, inScope, mean);

  return {
    questionnaire: index.ref,
    targetLevel: target,
    basis,
    level,
    score: truncate2(mean),
    meetsTarget: target === null ? null : level >= target,
    aspects: index.aspects.map((aspect) => {
      const aspectMean = weightedLevels(scores.filter((p) => p.process.aspect === aspect.id));
      return { id: aspect.id, score: aspectMean === null ? null : truncate2(aspectMean) };
    }),
    processes: scores.map((p) => ({
      id: p.process.id,
      inScope: p.inScope,
      level: p.inScope ? p.level : null,
      attributes: p.inScope
        ? p.attributes.map((a) =>
            a.computedRating
              ? { id: a.id, achievement: round4(a.achievement), rating: a.rating, computedRating: a.computedRating }
              : { id: a.id, achievement: round4(a.achievement), rating: a.rating },
          )
        : [],
    })),
    gaps: target === null ? [] : gapsOf(index, scores, target, rateIn),
    completeness: completenessOf(selfScores, answers, target),
  };
}
