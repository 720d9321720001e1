// Properties of scoring that hold for every answers set (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexQuestionnaire, type AnswerRating, type Rating } from '../../src/domain/questionnaire.js';
import { score, type AnswerInput } from '../../src/domain/scoring.js';
import { answerAll } from '../helpers/answers.js';
import { buildQuestionnaire } from '../helpers/questionnaire-fixture.js';

const index = indexQuestionnaire(buildQuestionnaire({ weight: (_p, i) => (i.endsWith('2') ? 2 : 1) }));
const slots = index.processes.flatMap((p) => p.attributes.flatMap((a) => a.indicators.map((i) => ({ process: p.id, indicator: i.id, bp: i.basePractice }))));
const ORDER: readonly (AnswerRating | undefined)[] = [undefined, 'N', 'P', 'L', 'F'];

/** An answer per slot: unanswered, N, P, L or F; a base practice BP1 may also be NA (at most one per process). */
const answersArb = fc
  .array(fc.integer({ min: 0, max: 5 }), { minLength: slots.length, maxLength: slots.length })
  .map((codes) =>
    codes.map((code, i) => {
      const slot = slots[i]!;
      if (code === 5) return slot.bp && slot.indicator === 'BP1' ? 'NA' : 'F';
      return ORDER[code];
    }),
  );
const scopeArb = fc.subarray(index.processes.map((p) => p.id), { maxLength: 17 });

function toAnswers(ratings: readonly (AnswerRating | undefined)[]): AnswerInput[] {
  const answers: AnswerInput[] = [];
  ratings.forEach((rating, i) => {
    if (rating !== undefined) answers.push({ ...slots[i]!, rating, evidence: 'e' });
  });
  return answers;
}

/** The level rule restated on a result's PA ratings (docs/domain.md §4 rule 4). */
function levelByRule(attributes: { id: string; rating: Rating }[]): number {
  const rating = (id: string) => attributes.find((a) => a.id === id)!.rating;
  const groups = [['PA1.1'], ['PA2.1', 'PA2.2'], ['PA3.1', 'PA3.2'], ['PA4.1', 'PA4.2'], ['PA5.1', 'PA5.2']];
  let level = 0;
  for (let k = 0; k < groups.length; k++) {
    const largely = groups[k]!.every((id) => rating(id) === 'L' || rating(id) === 'F');
    const belowFully = groups.slice(0, k).flat().every((id) => rating(id) === 'F');
    if (largely && belowFully) level = k + 1;
    else break;
  }
  return level;
}

describe('scoring properties', () => {
  it('all F gives level 5 and all N level 0, for every process and the agency', () => {
    const allF = score(index, { answers: answerAll(index, 'F') });
    expect(allF.level).toBe(5);
    expect(allF.score).toBe(5);
    expect(allF.processes.every((p) => p.level === 5)).toBe(true);
    const allN = score(index, { answers: answerAll(index, 'N') });
    expect(allN.level).toBe(0);
    expect(allN.processes.every((p) => p.level === 0)).toBe(true);
    fc.assert(
      fc.property(scopeArb, (outOfScope) => {
        expect(score(index, { answers: answerAll(index, 'F'), outOfScope }).level).toBe(5);
        expect(score(index, { answers: answerAll(index, 'N'), outOfScope }).level).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('raising any one rating never lowers any achievement, level or score', () => {
    fc.assert(
      fc.property(answersArb, scopeArb, fc.nat(slots.length - 1), (ratings, outOfScope, at) => {
        const current = ratings[at];
        if (current === 'NA' || current === 'F') return;
        const raised = [...ratings];
        raised[at] = ORDER[ORDER.indexOf(current) + 1];
        const before = score(index, { answers: toAnswers(ratings), outOfScope });
        const after = score(index, { answers: toAnswers(raised), outOfScope });
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        expect(after.level).toBeGreaterThanOrEqual(before.level);
        before.processes.forEach((p, i) => {
          const q = after.processes[i]!;
          expect(q.level ?? -1).toBeGreaterThanOrEqual(p.level ?? -1);
          p.attributes.forEach((a, j) => expect(q.attributes[j]!.achievement).toBeGreaterThanOrEqual(a.achievement));
        });
        before.aspects.forEach((a, i) => expect(after.aspects[i]!.score ?? -1).toBeGreaterThanOrEqual(a.score ?? -1));
      }),
      { numRuns: 300 },
    );
  });

  it('gives every in-scope process the level its PA ratings imply', () => {
    fc.assert(
      fc.property(answersArb, scopeArb, (ratings, outOfScope) => {
        const result = score(index, { answers: toAnswers(ratings), outOfScope });
        for (const p of result.processes) {
          if (!p.inScope) continue;
          expect(p.level).toBe(levelByRule(p.attributes));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the agency level within the process levels, and guarded by the lowest + 1', () => {
    fc.assert(
      fc.property(answersArb, scopeArb, (ratings, outOfScope) => {
        const result = score(index, { answers: toAnswers(ratings), outOfScope });
        const levels = result.processes.filter((p) => p.inScope).map((p) => p.level!);
        expect(result.level).toBeLessThanOrEqual(Math.min(...levels) + 1);
        expect(result.level).toBeLessThanOrEqual(Math.max(...levels));
        expect(result.level).toBe(Math.min(Math.floor(result.score + 1e-9), Math.min(...levels) + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the answers', () => {
    fc.assert(
      fc.property(answersArb, scopeArb, fc.integer(), (ratings, outOfScope, seed) => {
        const answers = toAnswers(ratings);
        const shuffled = fc.sample(fc.shuffledSubarray(answers, { minLength: answers.length }), { numRuns: 1, seed })[0]!;
        expect(score(index, { answers: shuffled, outOfScope })).toEqual(score(index, { answers, outOfScope }));
      }),
      { numRuns: 100 },
    );
  });

  it('scores validated with no assessor input exactly as self', () => {
    fc.assert(
      fc.property(answersArb, scopeArb, fc.option(fc.integer({ min: 1, max: 5 })), (ratings, outOfScope, target) => {
        const input = { answers: toAnswers(ratings), outOfScope, target };
        const self = score(index, input);
        const validated = score(index, { ...input, basis: 'validated', assessor: { ratings: [], scope: [], overrides: [] } });
        expect(validated.basis).toBe('validated');
        expect({ ...validated, basis: 'self' }).toEqual(self);
      }),
      { numRuns: 200 },
    );
  });
});
