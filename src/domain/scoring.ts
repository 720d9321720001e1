// Exact scoring of one assessment (docs/domain.md §4): PA achievement and rating, capability levels,
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

/**
 * docs/domain.md §4 rule 4: the highest k in 1..5 whose PAs are all L or F while every PA below k is F;
 * 0 when PA 1.1 is below L. Attributes are given by position, in any order.
 */
function highestLevel(count: number, levelAt: (i: number) => number, ratingAt: (i: number) => Rating): number {
  let level = 0;
  for (let k = 1; k <= 5; k++) {
    for (let i = 0; i < count; i++) {
      const attributeLevel = levelAt(i);
      const rating = ratingAt(i);
      if (attributeLevel === k ? !atLeastL(rating) : attributeLevel < k && rating !== 'F') return level;
    }
    level = k;
  }
  return level;
}

/** Capability level from PA ratings (docs/domain.md §4 rule 4). */
export function capabilityLevel(attributes: readonly { level: number; rating: Rating }[]): number {
  return highestLevel(attributes.length, (i) => attributes[i]!.level, (i) => attributes[i]!.rating);
}

/** The capability level of a process from its PA results (same order as the process's attributes). */
function levelOf(process: IndexedProcess, results: readonly AttributeResult[]): number {
  return highestLevel(results.length, (i) => process.attributes[i]!.level, (i) => results[i]!.rating);
}

/** Rating codes in the per-assessment arrays: index into the rating values, NA, or unanswered. */
const CODE: Readonly<Record<AnswerRating, number>> = { N: 0, P: 1, L: 2, F: 3, NA: 4 };
const NA = 4;
const NON_BLANK = /\S/;
const UNANSWERED = -1;

const codeOf = (r: AnswerRating): number => (r === 'F' ? 3 : r === 'L' ? 2 : r === 'P' ? 1 : r === 'N' ? 0 : NA);

function slotOf(index: QuestionnaireIndex, process: string, indicator: string): number | undefined {
  return index.processById.get(process)?.indicatorById.get(indicator)?.slot;
}

/** The agency's ratings by slot (unconfirmed answers stay unanswered) and which answers carry evidence. */
interface Scratch {
  codes: Int8Array;
  evidence: Uint8Array;
  effective: Int8Array;
}

/**
 * Rating arrays reused across calls for the same questionnaire: scoring is synchronous and nothing in a
 * result refers to them, so one set per questionnaire saves two allocations per assessment.
 */
const scratchByIndex = new WeakMap<QuestionnaireIndex, Scratch>();
function scratchFor(index: QuestionnaireIndex): Scratch {
  let scratch = scratchByIndex.get(index);
  if (!scratch) {
    const n = index.slotCount;
    scratch = { codes: new Int8Array(n), evidence: new Uint8Array(n), effective: new Int8Array(n) };
    scratchByIndex.set(index, scratch);
  }
  return scratch;
}

function agencyCodes(index: QuestionnaireIndex, answers: readonly AnswerInput[]): { codes: Int8Array; evidence: Uint8Array } {
  const { codes, evidence } = scratchFor(index);
  codes.fill(UNANSWERED);
  evidence.fill(0);
  // Answers usually come in questionnaire order: try the slot after the previous one before looking up.
  let next = 0;
  for (const answer of answers) {
    let slot: number | undefined = next;
    if (index.slotIndicator[slot] !== answer.indicator || index.slotProcess[slot] !== answer.process) {
      slot = slotOf(index, answer.process, answer.indicator);
      if (slot === undefined) continue;
    }
    next = slot + 1;
    if (answer.unconfirmed) continue;
    const code = codeOf(answer.rating);
    codes[slot] = code;
    // Only P, L and F need evidence text.
    if (code > 0 && code < NA && answer.evidence && NON_BLANK.test(answer.evidence)) evidence[slot] = 1;
  }
  return { codes, evidence };
}

/** Effective ratings: an assessor rating that is not stale replaces the agency's. */
function effectiveCodes(index: QuestionnaireIndex, own: Int8Array, ratings: readonly AssessorRatingInput[]): Int8Array {
  const codes = scratchFor(index).effective;
  codes.set(own);
  for (const r of ratings) {
    if (r.stale) continue;
    const slot = slotOf(index, r.process, r.indicator);
    if (slot !== undefined) codes[slot] = CODE[r.rating];
  }
  return codes;
}

interface ProcessScore {
  process: IndexedProcess;
  inScope: boolean;
  level: number;
  /** The result's own objects (achievement already to 4 decimals), in the order of the process's attributes. */
  attributes: AttributeResult[];
}

function scoreAll(
  index: QuestionnaireIndex,
  codes: Int8Array,
  outOfScope: ReadonlySet<string>,
  assessor: AssessorInput | undefined,
): ProcessScore[] {
  const values = index.ratingValues;
  const table = [values.N, values.P, values.L, values.F];
  const scope = assessor?.scope?.length ? new Map(assessor.scope.map((s) => [s.process, s.inScope])) : undefined;
  const overrides = assessor?.overrides?.length ? new Map(assessor.overrides.map((o) => [`${o.process}\u0000${o.attribute}`, o.rating])) : undefined;
  return index.processes.map((process) => {
    const attributes: ProcessScore['attributes'] = [];
    for (const attribute of process.attributes) {
      let sumWeighted = 0;
      let sumWeights = 0;
      for (const indicator of attribute.indicators) {
        const code = codes[indicator.slot]!;
        if (code === NA) continue;
        sumWeights += indicator.weight;
        if (code !== UNANSWERED) sumWeighted += indicator.weight * table[code]!;
      }
      const achievement = sumWeights > 0 ? sumWeighted / sumWeights : 0;
      const computed = ratingOf(achievement);
      const override = overrides?.get(`${process.id}\u0000${attribute.id}`);
      const rating = override ?? computed;
      const rounded = round4(achievement);
      attributes.push(rating === computed ? { id: attribute.id, achievement: rounded, rating } : { id: attribute.id, achievement: rounded, rating, computedRating: computed });
    }
    const inScope = scope?.get(process.id) ?? !outOfScope.has(process.id);
    return { process, inScope, level: levelOf(process, attributes), attributes };
  });
}

function maturityLevel(index: QuestionnaireIndex, lowest: number, score: number): number {
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

/**
 * The indicators that keep a PA from its required rating, lowest value first, then higher weight, then
 * questionnaire order. Rating values strictly increase N < P < L, so bucketing by rating code orders by
 * value; a stable sort by weight inside each bucket keeps questionnaire order among equals.
 */
function blockingIndicators(indicators: IndexedProcess['attributes'][number]['indicators'], codes: Int8Array): string[] {
  const ids: string[] = [];
  // Three passes over a handful of indicators (N or unanswered, then P, then L) beat sorting objects.
  for (let bucket = 0; bucket < 3; bucket++) {
    const start = ids.length;
    let mixedWeights = false;
    let firstWeight = 0;
    for (const indicator of indicators) {
      let code = codes[indicator.slot]!;
      if (code === UNANSWERED) code = CODE.N;
      if (code !== bucket) continue;
      if (ids.length === start) firstWeight = indicator.weight;
      else if (indicator.weight !== firstWeight) mixedWeights = true;
      ids.push(indicator.id);
    }
    if (mixedWeights) {
      const weightOf = new Map(indicators.map((i) => [i.id, i.weight]));
      const sorted = ids.slice(start).sort((x, y) => weightOf.get(y)! - weightOf.get(x)!);
      ids.splice(start, sorted.length, ...sorted);
    }
  }
  return ids;
}

function gapsOf(scores: readonly ProcessScore[], target: number, codes: Int8Array): Gap[] {
  const gaps: Gap[] = [];
  for (const p of scores) {
    if (!p.inScope || p.level >= target) continue;
    for (let position = 0; position < p.attributes.length; position++) {
      const a = p.attributes[position]!;
      const level = p.process.attributes[position]!.level;
      const required = level < target && a.rating !== 'F' ? 'F' : level === target && !atLeastL(a.rating) ? 'L' : null;
      if (!required) continue;
      gaps.push({
        process: p.process.id,
        attribute: a.id,
        required,
        rating: a.rating,
        achievement: a.achievement,
        indicators: blockingIndicators(p.process.attributes[position]!.indicators, codes),
      });
    }
  }
  return gaps;
}

function completenessOf(selfScores: readonly ProcessScore[], codes: Int8Array, evidence: Uint8Array, target: number | null): Completeness {
  const missing: IndicatorRef[] = [];
  const missingEvidence: IndicatorRef[] = [];
  for (const p of selfScores) {
    if (!p.inScope) continue;
    const required = Math.max(target ?? 0, p.level);
    for (const attribute of p.process.attributes) {
      for (const indicator of attribute.indicators) {
        const code = codes[indicator.slot]!;
        if (code === UNANSWERED) {
          if (attribute.level <= required) missing.push({ process: p.process.id, indicator: indicator.id });
        } else if (code !== CODE.N && code !== NA && evidence[indicator.slot] === 0) {
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
  const outOfScope = new Set(input.outOfScope);
  const own = agencyCodes(index, input.answers);
  const selfScores = scoreAll(index, own.codes, outOfScope, undefined);
  const validated = basis === 'validated' ? input.assessor : undefined;
  const codes = validated?.ratings?.length ? effectiveCodes(index, own.codes, validated.ratings) : own.codes;
  const scores = validated ? scoreAll(index, codes, outOfScope, validated) : selfScores;

  let sum = 0;
  let weights = 0;
  let lowest = Infinity;
  const aspectSums = new Map<string, { sum: number; weights: number }>();
  for (const p of scores) {
    if (!p.inScope) continue;
    const w = p.process.weight;
    sum += w * p.level;
    weights += w;
    lowest = Math.min(lowest, p.level);
    const a = aspectSums.get(p.process.aspect);
    if (a) {
      a.sum += w * p.level;
      a.weights += w;
    } else aspectSums.set(p.process.aspect, { sum: w * p.level, weights: w });
  }
  const mean = weights > 0 ? sum / weights : 0;
  const level = weights > 0 ? maturityLevel(index, lowest, mean) : 0;

  return {
    questionnaire: index.ref,
    targetLevel: target,
    basis,
    level,
    score: truncate2(mean),
    meetsTarget: target === null ? null : level >= target,
    aspects: index.aspects.map((aspect) => {
      const a = aspectSums.get(aspect.id);
      return { id: aspect.id, score: a ? truncate2(a.sum / a.weights) : null };
    }),
    processes: scores.map((p) => ({
      id: p.process.id,
      inScope: p.inScope,
      level: p.inScope ? p.level : null,
      attributes: p.inScope ? p.attributes : [],
    })),
    gaps: target === null ? [] : gapsOf(scores, target, codes),
    completeness: completenessOf(selfScores, own.codes, own.evidence, target),
  };
}
