// Builders for answers and scoring inputs over an indexed questionnaire.
import type { AnswerRating, QuestionnaireIndex } from '../../src/domain/questionnaire.js';
import type { AnswerInput } from '../../src/domain/scoring.js';

/** Every indicator of every process (of `processes`, default all) answered with `rating`, with evidence. */
export function answerAll(
  index: QuestionnaireIndex,
  rating: AnswerRating | ((process: string, indicator: string, level: number) => AnswerRating | undefined),
  processes?: readonly string[],
): AnswerInput[] {
  const answers: AnswerInput[] = [];
  for (const p of index.processes) {
    if (processes && !processes.includes(p.id)) continue;
    for (const a of p.attributes) {
      for (const i of a.indicators) {
        const r = typeof rating === 'function' ? rating(p.id, i.id, a.level) : rating;
        if (r !== undefined) answers.push({ process: p.id, indicator: i.id, rating: r, evidence: r === 'N' ? null : 'evidence' });
      }
    }
  }
  return answers;
}

/** Answers that give a process exactly `level` (all F up to it, nothing above). */
export function answersForLevel(index: QuestionnaireIndex, process: string, level: number): AnswerInput[] {
  return answerAll(index, (p, _i, l) => (p === process ? (l <= level ? 'F' : 'N') : undefined));
}

export function withAnswer(answers: AnswerInput[], process: string, indicator: string, rating: AnswerRating): AnswerInput[] {
  const rest = answers.filter((a) => !(a.process === process && a.indicator === indicator));
  return [...rest, { process, indicator, rating, evidence: 'evidence' }];
}
