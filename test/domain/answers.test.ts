// Refusals of an answers document (docs/domain.md §4 rule 1): each named with its process and indicator.
import { describe, expect, it } from 'vitest';
import { ANSWER_TEXT_LIMITS, checkAnswer, checkAnswersDocument, naLimitProblem, type AnswersDocument } from '../../src/domain/answers.js';
import { indexQuestionnaire } from '../../src/domain/questionnaire.js';
import { buildQuestionnaire } from '../helpers/questionnaire-fixture.js';

const index = indexQuestionnaire(buildQuestionnaire());
const check = (doc: AnswersDocument) => checkAnswersDocument(index, doc);
const answer = (process: string, indicator: string, rating: string, justification?: string) => ({ process, indicator, rating, ...(justification ? { justification } : {}) });

describe('checkAnswersDocument', () => {
  it('accepts a valid document', () => {
    expect(check({ answers: [answer('GOV-01', 'BP1', 'F'), answer('GOV-01', 'BP2', 'NA', 'no such system'), answer('GOV-01', 'GP2.1.1', 'L')] })).toEqual([]);
  });

  it('names an unknown process and an unknown indicator', () => {
    expect(check({ answers: [answer('XXX-01', 'BP1', 'F'), answer('GOV-01', 'BP9', 'F')] })).toEqual([
      { pointer: '/answers/0/process', process: 'XXX-01', indicator: 'BP1', message: 'unknown process XXX-01' },
      { pointer: '/answers/1/indicator', process: 'GOV-01', indicator: 'BP9', message: 'unknown indicator BP9 in process GOV-01' },
    ]);
  });

  it('refuses a rating outside N/P/L/F/NA', () => {
    expect(check({ answers: [answer('GOV-01', 'BP1', 'X')] })).toEqual([
      { pointer: '/answers/0/rating', process: 'GOV-01', indicator: 'BP1', message: 'rating "X" is not one of N, P, L, F, NA' },
    ]);
  });

  it('refuses NA on a generic practice and NA without justification', () => {
    const problems = check({ answers: [answer('GOV-01', 'GP2.1.1', 'NA', 'why'), answer('GOV-01', 'BP1', 'NA')] });
    expect(problems.map((p) => [p.indicator, p.message])).toEqual([
      ['GP2.1.1', 'NA is allowed on base practices only, not on a generic practice'],
      ['BP1', 'NA without a justification'],
    ]);
  });

  it('refuses out of scope without justification, unknown and twice', () => {
    const problems = check({ answers: [], outOfScope: [{ process: 'GOV-02' }, { process: 'NOPE', justification: 'x' }, { process: 'GOV-03', justification: 'x' }, { process: 'GOV-03', justification: 'y' }] });
    expect(problems.map((p) => `${p.process}: ${p.message}`)).toEqual([
      'GOV-02: out of scope without a justification',
      'NOPE: unknown process NOPE',
      'GOV-03: declared out of scope twice (also at /outOfScope/2)',
    ]);
  });

  it('refuses a duplicate (process, indicator)', () => {
    expect(check({ answers: [answer('GOV-01', 'BP1', 'F'), answer('GOV-01', 'BP1', 'L')] })).toEqual([
      { pointer: '/answers/1', process: 'GOV-01', indicator: 'BP1', message: 'duplicate answer (also at /answers/0)' },
    ]);
  });

  it('allows half of the base practices NA and refuses more, unless the process is out of scope', () => {
    // GOV-01 has 4 base practices
    const two = [answer('GOV-01', 'BP1', 'NA', 'x'), answer('GOV-01', 'BP2', 'NA', 'x')];
    expect(check({ answers: two })).toEqual([]);
    const three = [...two, answer('GOV-01', 'BP3', 'NA', 'x')];
    expect(check({ answers: three })).toEqual([
      {
        pointer: '/answers',
        process: 'GOV-01',
        message: '3 of 4 base practices are NA; at most half may be NA — declare the process out of scope with a justification instead',
      },
    ]);
    expect(check({ answers: three, outOfScope: [{ process: 'GOV-01', justification: 'not operated here' }] })).toEqual([]);
    // GOV-03 has 3 base practices: 2 NA is more than half
    expect(check({ answers: [answer('GOV-03', 'BP1', 'NA', 'x'), answer('GOV-03', 'BP2', 'NA', 'x')] })).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    const problems = check({ answers: [answer('GOV-01', 'BP1', 'Q'), answer('X', 'Y', 'F'), answer('GOV-01', 'GP2.1.1', 'NA')], outOfScope: [{ process: 'MGT-01' }] });
    expect(problems).toHaveLength(5);
  });
});

describe('one answer on its own', () => {
  const bp = { basePractice: true };
  const gp = { basePractice: false };
  it('refuses a rating outside N/P/L/F/NA, NA on a generic practice and NA without a justification, each naming its field', () => {
    expect(checkAnswer(bp, { rating: 'Q' })).toEqual([{ field: 'rating', message: 'rating "Q" is not one of N, P, L, F, NA' }]);
    expect(checkAnswer(gp, { rating: 'NA', justification: 'x' })).toEqual([{ field: 'rating', message: 'NA is allowed on base practices only, not on a generic practice' }]);
    expect(checkAnswer(bp, { rating: 'NA', justification: '  ' })).toEqual([{ field: 'justification', message: 'NA without a justification' }]);
    expect(checkAnswer(bp, { rating: 'NA', justification: '無此業務' })).toEqual([]);
  });

  it('refuses texts over their limits, and not one character sooner', () => {
    expect(checkAnswer(bp, { rating: 'F', evidence: 'x'.repeat(ANSWER_TEXT_LIMITS.evidence) })).toEqual([]);
    expect(checkAnswer(bp, { rating: 'F', evidence: 'x'.repeat(ANSWER_TEXT_LIMITS.evidence + 1), note: 'y'.repeat(ANSWER_TEXT_LIMITS.note + 1), justification: 'z'.repeat(ANSWER_TEXT_LIMITS.justification + 1) }).map((p) => p.field)).toEqual(['evidence', 'note', 'justification']);
  });

  it('counts only base practices toward the NA limit', () => {
    const process = index.processById.get('GOV-01')!;
    const na = (indicator: string) => ({ process: 'GOV-01', indicator, rating: 'NA' });
    expect(naLimitProblem(process, [na('BP1'), na('BP2'), na('GP2.1.1'), na('GP2.1.2')])).toBeNull();
    expect(naLimitProblem(process, [na('BP1'), na('BP2'), na('BP3')])).toBe('3 of 4 base practices are NA; at most half may be NA — declare the process out of scope with a justification instead');
  });
});
