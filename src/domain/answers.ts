// Checks an answers document against its questionnaire (DOMAIN.md §3): every refusal is collected and
// named with its process and indicator, so a whole document is accepted or refused at once.
import { ANSWER_RATINGS, type AnswerRating, type IndexedProcess, type QuestionnaireIndex } from './questionnaire.js';
import type { AnswerInput } from './scoring.js';

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

/** A justification, reason or evidence text that says something. */
export const hasText = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim().length > 0;

/** How many of a process's base practices the given answers rate NA. */
export function basePracticesNa(process: IndexedProcess, answers: Iterable<{ process: string; indicator: string; rating: string }>): number {
  let count = 0;
  for (const a of answers) if (a.process === process.id && a.rating === 'NA' && process.indicatorById.get(a.indicator)?.basePractice) count++;
  return count;
}

/** DOMAIN.md §3 rule 1: at most half of an in-scope process's base practices may be NA. */
export const tooManyNa = (process: IndexedProcess, na: number): boolean => na * 2 > process.basePracticeCount;

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
  const naCount = new Map<string, number>();
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
    else seen.set(key, i);

    if (!ANSWER_RATINGS.includes(answer.rating as AnswerRating)) {
      problems.push({ pointer: `${pointer}/rating`, ...at, message: `rating "${answer.rating}" is not one of N, P, L, F, NA` });
    } else if (answer.rating === 'NA') {
      if (indicator && !indicator.basePractice) {
        problems.push({ pointer: `${pointer}/rating`, ...at, message: 'NA is allowed on base practices only, not on a generic practice' });
      }
      if (!hasText(answer.justification)) problems.push({ pointer: `${pointer}/justification`, ...at, message: 'NA without a justification' });
      if (indicator?.basePractice && first === undefined) naCount.set(processId, (naCount.get(processId) ?? 0) + 1);
    }
  });

  for (const [processId, count] of naCount) {
    const process = index.processById.get(processId);
    if (!process || outOfScope.has(processId)) continue;
    if (tooManyNa(process, count)) {
      problems.push({
        pointer: '/answers',
        process: processId,
        message: `${count} of ${process.basePracticeCount} base practices are NA; at most half may be NA — declare the process out of scope with a justification instead`,
      });
    }
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
