// What makes an answer valid (docs/domain.md §4 rule 1): the check of one answer, the NA limit of a
// process, and the check of a whole answers document built from them. Every write path — the answers
// document, PUT …/answers, the sheet import and the assessor's rating — uses these. Pure.
import { ANSWER_RATINGS, type AnswerRating, type IndexedIndicator, type IndexedProcess, type QuestionnaireIndex } from './questionnaire.js';
import type { AnswerInput } from './scoring.js';
import { textProblem } from './text.js';

export interface AnswersDocument {
  questionnaire?: string;
  answers: {
    process: string;
    indicator: string;
    rating: string;
    evidence?: string | null;
    note?: string | null;
    justification?: string | null;
  }[];
  outOfScope?: { process: string; justification?: string | null }[];
}

export interface AnswerProblem {
  pointer: string;
  process?: string;
  indicator?: string;
  message: string;
}

/** The longest texts an answer may carry, in characters. */
export const ANSWER_TEXT_LIMITS = { evidence: 20_000, note: 20_000, justification: 5_000 } as const;

/** A justification, reason or evidence text that says something. */
export const hasText = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim().length > 0;

/** One problem of one answer, relative to the answer: `field` is `rating`, `evidence`, `note` or `justification`. */
export interface FieldProblem {
  field: 'rating' | 'evidence' | 'note' | 'justification';
  message: string;
}

/** Whether a rating may be given to an indicator: one of N/P/L/F/NA, and NA on base practices only. */
export function checkRating(indicator: Pick<IndexedIndicator, 'basePractice'> | undefined, rating: string): FieldProblem[] {
  if (!ANSWER_RATINGS.includes(rating as AnswerRating)) return [{ field: 'rating', message: `rating "${rating}" is not one of ${ANSWER_RATINGS.join(', ')}` }];
  if (rating === 'NA' && indicator && !indicator.basePractice) return [{ field: 'rating', message: 'NA is allowed on base practices only, not on a generic practice' }];
  return [];
}

/** Every problem of one answer on its own: the rating, NA's justification, and the length and well-formedness of each text. */
export function checkAnswer(indicator: Pick<IndexedIndicator, 'basePractice'> | undefined, answer: { rating: string; evidence?: string | null; note?: string | null; justification?: string | null }): FieldProblem[] {
  const problems = checkRating(indicator, answer.rating);
  if (answer.rating === 'NA' && !hasText(answer.justification)) problems.push({ field: 'justification', message: 'NA without a justification' });
  for (const field of ['evidence', 'note', 'justification'] as const) {
    const text = answer[field];
    if (typeof text !== 'string') continue;
    if (text.length > ANSWER_TEXT_LIMITS[field]) problems.push({ field, message: `is ${text.length} characters long; at most ${ANSWER_TEXT_LIMITS[field]} are allowed` });
    const unfit = textProblem(text);
    if (unfit) problems.push({ field, message: unfit });
  }
  return problems;
}

/** How many of a process's base practices the given answers rate NA (generic practices never count). */
export function basePracticesNa(process: IndexedProcess, answers: Iterable<{ process: string; indicator: string; rating: string }>): number {
  let count = 0;
  for (const a of answers) if (a.process === process.id && a.rating === 'NA' && process.indicatorById.get(a.indicator)?.basePractice) count++;
  return count;
}

/** At most half of an in-scope process's base practices may be NA; the refusal's message, or null. */
export function naLimitProblem(process: IndexedProcess, answers: Iterable<{ process: string; indicator: string; rating: string }>): string | null {
  const na = basePracticesNa(process, answers);
  if (na * 2 <= process.basePracticeCount) return null;
  return `${na} of ${process.basePracticeCount} base practices are NA; at most half may be NA — declare the process out of scope with a justification instead`;
}

export function checkAnswersDocument(index: QuestionnaireIndex, doc: AnswersDocument): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const outOfScope = new Set<string>();
  const seenScope = new Map<string, number>();

  (doc.outOfScope ?? []).forEach((entry, i) => {
    const pointer = `/outOfScope/${i}`;
    const { process } = entry;
    if (!index.processById.has(process)) problems.push({ pointer: `${pointer}/process`, process, message: `unknown process ${process}` });
    if (!hasText(entry.justification)) problems.push({ pointer: `${pointer}/justification`, process, message: 'out of scope without a justification' });
    const first = seenScope.get(process);
    if (first !== undefined) problems.push({ pointer, process, message: `declared out of scope twice (also at /outOfScope/${first})` });
    else seenScope.set(process, i);
    outOfScope.add(process);
  });

  const seen = new Map<string, number>();
  const counted: AnswersDocument['answers'] = [];
  doc.answers.forEach((answer, i) => {
    const pointer = `/answers/${i}`;
    const { process: processId, indicator: indicatorId } = answer;
    const at = { process: processId, indicator: indicatorId };
    const process = index.processById.get(processId);
    const indicator = process?.indicatorById.get(indicatorId);
    if (!process) problems.push({ pointer: `${pointer}/process`, ...at, message: `unknown process ${processId}` });
    else if (!indicator) problems.push({ pointer: `${pointer}/indicator`, ...at, message: `unknown indicator ${indicatorId} in process ${processId}` });

    const key = `${processId}\u0000${indicatorId}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push({ pointer, ...at, message: `duplicate answer (also at /answers/${first})` });
    else {
      seen.set(key, i);
      counted.push(answer);
    }
    for (const p of checkAnswer(indicator, answer)) problems.push({ pointer: `${pointer}/${p.field}`, ...at, message: p.message });
  });

  for (const process of index.processes) {
    if (outOfScope.has(process.id)) continue;
    const message = naLimitProblem(process, counted);
    if (message) problems.push({ pointer: '/answers', process: process.id, message });
  }
  return problems;
}

/** The scoring inputs of a checked document. */
export function scoringInputOf(doc: AnswersDocument): { answers: AnswerInput[]; outOfScope: string[] } {
  return {
    answers: doc.answers.map((a) => ({ process: a.process, indicator: a.indicator, rating: a.rating as AnswerRating, evidence: a.evidence ?? null })),
    outOfScope: (doc.outOfScope ?? []).map((o) => o.process),
  };
}
