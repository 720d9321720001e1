// Scoring rules of docs/domain.md §4, one by one, with hand-computed expectations.
import { describe, expect, it } from 'vitest';
import { indexQuestionnaire, type QuestionnaireIndex } from '../../src/domain/questionnaire.js';
import { capabilityLevel, ratingOf, score, truncate2, type AnswerInput } from '../../src/domain/scoring.js';
import { answerAll, answersForLevel, withAnswer } from '../helpers/answers.js';
import { buildQuestionnaire, type FixtureOptions } from '../helpers/questionnaire-fixture.js';

const build = (options: FixtureOptions = {}): QuestionnaireIndex => indexQuestionnaire(buildQuestionnaire(options));
const index = build();
const ALL = index.processes.map((p) => p.id);
const others = (...keep: string[]) => ALL.filter((p) => !keep.includes(p));
const processOf = (result: ReturnType<typeof score>, id: string) => result.processes.find((p) => p.id === id)!;
const attributeOf = (result: ReturnType<typeof score>, process: string, attribute: string) =>
  processOf(result, process).attributes.find((a) => a.id === attribute)!;

describe('PA rating bands', () => {
  it.each([
    [0, 'N'],
    [0.15, 'N'],
    [0.15 + 1e-6, 'P'],
    [0.5, 'P'],
    [0.5 + 1e-6, 'L'],
    [0.85, 'L'],
    [0.85 + 1e-6, 'F'],
    [1, 'F'],
  ] as const)('achievement %d is %s', (achievement, rating) => {
    expect(ratingOf(achievement)).toBe(rating);
  });

  it('rates exactly one half, reached through thirds, as P', () => {
    // GOV-01 has 4 base practices: P + L + P + L = (1/3 + 2/3) * 2 / 4 = 0.5
    const answers = ['P', 'L', 'P', 'L'].map((rating, i) => ({ process: 'GOV-01', indicator: `BP${i + 1}`, rating, evidence: 'e' }) as AnswerInput);
    const result = score(index, { answers });
    expect(attributeOf(result, 'GOV-01', 'PA1.1')).toEqual({ id: 'PA1.1', achievement: 0.5, rating: 'P' });
  });

  it('rates exactly 0.85 as L and a hair above as F', () => {
    const values = build({ ratingValues: { L: 0.85 } });
    const allL = score(values, { answers: answerAll(values, 'L', ['GOV-01']) });
    expect(attributeOf(allL, 'GOV-01', 'PA1.1').rating).toBe('L');
    const above = build({ ratingValues: { L: 0.85 + 1e-7 } });
    expect(attributeOf(score(above, { answers: answerAll(above, 'L', ['GOV-01']) }), 'GOV-01', 'PA1.1').rating).toBe('F');
  });

  it('rates exactly 0.15 as N and a hair above as P', () => {
    const at = build({ ratingValues: { P: 0.15 } });
    expect(attributeOf(score(at, { answers: answerAll(at, 'P', ['GOV-01']) }), 'GOV-01', 'PA1.1').rating).toBe('N');
    const above = build({ ratingValues: { P: 0.15 + 1e-7 } });
    expect(attributeOf(score(above, { answers: answerAll(above, 'P', ['GOV-01']) }), 'GOV-01', 'PA1.1').rating).toBe('P');
  });
});

describe('capability level', () => {
  const pas = (ratings: string) =>
    [1, 2, 2, 3, 3, 4, 4, 5, 5].map((level, i) => ({ level, rating: ratings[i] as 'N' | 'P' | 'L' | 'F' }));
  it.each([
    ['NNNNNNNNN', 0],
    ['PFFFFFFFF', 0],
    ['LNNNNNNNN', 1],
    ['FLLNNNNNN', 2],
    ['LFFNNNNNN', 1],
    ['FLFLLNNNN', 2],
    ['FFFLLNNNN', 3],
    ['FFFFLLLNN', 3],
    ['FFFFFLLNN', 4],
    ['FFFFFFFLL', 5],
    ['FFFFFFFFF', 5],
    ['FFFFFLPFF', 3],
  ])('PA ratings %s give level %i', (ratings, level) => {
    expect(capabilityLevel(pas(ratings))).toBe(level);
  });

  it('follows from answers: all F up to a level and nothing above gives that level', () => {
    for (let level = 0; level <= 5; level++) {
      const result = score(index, { answers: answersForLevel(index, 'DET-02', level) });
      expect(processOf(result, 'DET-02').level).toBe(level);
    }
  });
});

describe('achievement', () => {
  it('counts an unanswered indicator as N', () => {
    const answers = answerAll(index, 'F', ['GOV-01']).filter((a) => a.indicator !== 'BP1');
    const pa = attributeOf(score(index, { answers }), 'GOV-01', 'PA1.1');
    expect(pa.achievement).toBe(0.75);
    expect(pa.rating).toBe('L');
  });

  it('leaves NA out of the mean', () => {
    let answers = answerAll(index, 'F', ['GOV-01']);
    answers = withAnswer(withAnswer(answers, 'GOV-01', 'BP1', 'NA'), 'GOV-01', 'BP2', 'NA');
    expect(attributeOf(score(index, { answers }), 'GOV-01', 'PA1.1')).toEqual({ id: 'PA1.1', achievement: 1, rating: 'F' });
    answers = withAnswer(answers, 'GOV-01', 'BP3', 'P');
    expect(attributeOf(score(index, { answers }), 'GOV-01', 'PA1.1').achievement).toBeCloseTo(2 / 3, 4);
  });

  it('weights indicators', () => {
    const weighted = build({ weight: (p, i) => (p === 'GOV-01' && i === 'BP1' ? 3 : 1) });
    const answers = [{ process: 'GOV-01', indicator: 'BP1', rating: 'F', evidence: 'e' } as AnswerInput];
    // weights 3,1,1,1 → 3/6
    expect(attributeOf(score(weighted, { answers }), 'GOV-01', 'PA1.1')).toEqual({ id: 'PA1.1', achievement: 0.5, rating: 'P' });
    expect(attributeOf(score(index, { answers }), 'GOV-01', 'PA1.1').achievement).toBe(0.25);
  });

  it('uses a partial ratingValues merged over the defaults', () => {
    const generous = build({ ratingValues: { L: 0.9 } });
    const answers = answerAll(generous, 'L', ['GOV-01']);
    expect(attributeOf(score(generous, { answers }), 'GOV-01', 'PA2.1')).toEqual({ id: 'PA2.1', achievement: 0.9, rating: 'F' });
    const mixed = withAnswer(answers, 'GOV-01', 'BP1', 'P');
    // P keeps its default 1/3: (1/3 + 3 × 0.9) / 4 = 0.7583…
    expect(attributeOf(score(generous, { answers: mixed }), 'GOV-01', 'PA1.1').achievement).toBe(0.7583);
    expect(processOf(score(index, { answers }), 'GOV-01').level).toBe(1);
  });

  it('reports achievement with 4 decimals', () => {
    const answers = [{ process: 'GOV-02', indicator: 'BP1', rating: 'L', evidence: 'e' } as AnswerInput];
    expect(attributeOf(score(index, { answers }), 'GOV-02', 'PA1.1').achievement).toBe(0.1333);
  });
});

describe('scope', () => {
  it('leaves out-of-scope processes out of the score, with level null and no attributes', () => {
    const answers = [...answersForLevel(index, 'GOV-01', 4), ...answerAll(index, 'N', others('GOV-01'))];
    const result = score(index, { answers, outOfScope: others('GOV-01') });
    expect(processOf(result, 'GOV-02')).toEqual({ id: 'GOV-02', inScope: false, level: null, attributes: [] });
    expect(result.score).toBe(4);
    expect(result.level).toBe(4);
    expect(result.aspects).toEqual([
      { id: 'GOV', score: 4 },
      { id: 'MGT', score: null },
      { id: 'TEC', score: null },
      { id: 'DET', score: null },
    ]);
  });

  it('gives level 0 and score 0 with no process in scope', () => {
    const result = score(index, { answers: answerAll(index, 'F'), outOfScope: ALL });
    expect(result).toMatchObject({ level: 0, score: 0, meetsTarget: false, gaps: [], completeness: { missing: [], missingEvidence: [] } });
    expect(result.aspects.every((a) => a.score === null)).toBe(true);
  });
});

describe('score and roll-ups', () => {
  const four = ['GOV-01', 'MGT-01', 'TEC-01', 'DET-01'];
  const levels = (index: QuestionnaireIndex, wanted: Record<string, number>) =>
    Object.entries(wanted).flatMap(([p, l]) => answersForLevel(index, p, l));

  it('truncates the score to 2 decimals (2.666… is 2.66)', () => {
    const answers = levels(index, { 'GOV-01': 3, 'GOV-02': 3, 'GOV-03': 2 });
    const result = score(index, { answers, outOfScope: others('GOV-01', 'GOV-02', 'GOV-03') });
    expect(result.score).toBe(2.66);
    expect(result.aspects[0]).toEqual({ id: 'GOV', score: 2.66 });
    expect(truncate2(2.3)).toBe(2.3);
    expect(truncate2(0.29)).toBe(0.29);
  });

  it('guarded-average caps the level at the lowest process + 1 (4,4,4,0 gives 1, not 3)', () => {
    const answers = levels(index, { 'GOV-01': 4, 'MGT-01': 4, 'TEC-01': 4, 'DET-01': 0 });
    const result = score(index, { answers, outOfScope: others(...four) });
    expect(result.score).toBe(3);
    expect(result.level).toBe(1);
  });

  it('weighted-average floors the unrounded score', () => {
    const q = build({ rollup: 'weighted-average' });
    const result = score(q, { answers: levels(q, { 'GOV-01': 4, 'MGT-01': 4, 'TEC-01': 4, 'DET-01': 0 }), outOfScope: others(...four) });
    expect(result.level).toBe(3);
    const below = score(q, { answers: levels(q, { 'GOV-01': 3, 'MGT-01': 3, 'TEC-01': 3, 'DET-01': 2 }), outOfScope: others(...four) });
    expect(below.score).toBe(2.75);
    expect(below.level).toBe(2);
  });

  it('minimum takes the lowest in-scope process level', () => {
    const q = build({ rollup: 'minimum' });
    const result = score(q, { answers: levels(q, { 'GOV-01': 4, 'MGT-01': 5, 'TEC-01': 3, 'DET-01': 4 }), outOfScope: others(...four) });
    expect(result.score).toBe(4);
    expect(result.level).toBe(3);
  });

  it('weights processes by aspect weight × process weight', () => {
    const q = build({ aspectWeight: (a) => (a === 'GOV' ? 2 : 1), processWeight: (p) => (p === 'GOV-01' ? 3 : 1) });
    // GOV-01 weight 6 at level 1, MGT-01 weight 1 at level 5 → 11/7 = 1.571…
    const result = score(q, { answers: levels(q, { 'GOV-01': 1, 'MGT-01': 5 }), outOfScope: others('GOV-01', 'MGT-01') });
    expect(result.score).toBe(1.57);
    expect(result.level).toBe(1);
  });
});

describe('target, gaps and completeness', () => {
  it('meets the target when the level reaches it', () => {
    const answers = answerAll(index, (_p, _i, level) => (level <= 3 ? 'F' : 'N'));
    expect(score(index, { answers })).toMatchObject({ level: 3, meetsTarget: true, targetLevel: 3, gaps: [] });
    expect(score(index, { answers, target: 4 })).toMatchObject({ level: 3, meetsTarget: false, targetLevel: 4 });
  });

  it('has no target, no gaps and a null verdict for a pilot', () => {
    const result = score(index, { answers: [], target: null });
    expect(result).toMatchObject({ targetLevel: null, meetsTarget: null, gaps: [] });
    // With no target and every process at level 0, nothing is required yet.
    expect(result.completeness.missing).toEqual([]);
  });

  it('lists each blocking PA with its indicators, lowest value first, then higher weight, then order', () => {
    const q = build({ weight: (_p, i) => (i === 'GP3.1.2' ? 2 : 1) });
    let answers = answerAll(q, (p, _i, level) => (p === 'GOV-01' && level <= 2 ? 'F' : undefined));
    answers = withAnswer(answers, 'GOV-01', 'GP2.2.1', 'L');
    answers = withAnswer(answers, 'GOV-01', 'GP3.2.1', 'P');
    answers = withAnswer(answers, 'GOV-01', 'GP3.2.2', 'L');
    const result = score(q, { answers, outOfScope: others('GOV-01'), target: 3 });
    expect(processOf(result, 'GOV-01').level).toBe(2);
    expect(result.gaps).toEqual([
      { process: 'GOV-01', attribute: 'PA2.2', required: 'F', rating: 'L', achievement: 0.8333, indicators: ['GP2.2.1'] },
      { process: 'GOV-01', attribute: 'PA3.1', required: 'L', rating: 'N', achievement: 0, indicators: ['GP3.1.2', 'GP3.1.1'] },
      { process: 'GOV-01', attribute: 'PA3.2', required: 'L', rating: 'P', achievement: 0.3333, indicators: ['GP3.2.3', 'GP3.2.1', 'GP3.2.2'] },
    ]);
  });

  it('lists missing answers up to max(target, provisional level) and missing evidence', () => {
    let answers = answerAll(index, (p, _i, level) => (p === 'GOV-01' && level <= 2 ? 'F' : undefined));
    answers = answers.map((a) => (a.indicator === 'BP2' ? { ...a, evidence: '  ' } : a));
    answers.push({ process: 'GOV-01', indicator: 'GP5.1.1', rating: 'P', evidence: null });
    const result = score(index, { answers, outOfScope: others('GOV-01'), target: 3 });
    expect(result.completeness.missing).toEqual(['GP3.1.1', 'GP3.1.2', 'GP3.2.1', 'GP3.2.2', 'GP3.2.3'].map((indicator) => ({ process: 'GOV-01', indicator })));
    expect(result.completeness.missingEvidence).toEqual([
      { process: 'GOV-01', indicator: 'BP2' },
      { process: 'GOV-01', indicator: 'GP5.1.1' },
    ]);
    // Above the target, the provisional (self) level sets how far answers are required.
    const high = score(index, { answers: answersForLevel(index, 'GOV-01', 5).filter((a) => a.indicator !== 'GP5.2.2'), outOfScope: others('GOV-01'), target: 2 });
    expect(high.completeness.missing).toEqual([]);
    const five = answerAll(index, (p) => (p === 'GOV-01' ? 'F' : undefined));
    expect(score(index, { answers: five, outOfScope: others('GOV-01'), target: 2 }).completeness).toEqual({ missing: [], missingEvidence: [] });
  });

  it('counts an unconfirmed pre-filled answer as unanswered', () => {
    const answers = answersForLevel(index, 'GOV-01', 3).map((a) => (a.indicator === 'BP1' ? { ...a, unconfirmed: true } : a));
    const result = score(index, { answers, outOfScope: others('GOV-01') });
    expect(attributeOf(result, 'GOV-01', 'PA1.1').achievement).toBe(0.75);
    expect(result.completeness.missing).toContainEqual({ process: 'GOV-01', indicator: 'BP1' });
  });
});

describe('validated basis', () => {
  const base = answersForLevel(index, 'GOV-01', 3);
  const input = { answers: base, outOfScope: others('GOV-01') };

  it('lets a non-stale assessor rating replace the agency rating, also an NA', () => {
    const answers = withAnswer(base, 'GOV-01', 'BP1', 'NA');
    const result = score(index, {
      answers,
      outOfScope: others('GOV-01'),
      basis: 'validated',
      assessor: { ratings: [{ process: 'GOV-01', indicator: 'BP1', rating: 'N' }, { process: 'GOV-01', indicator: 'GP3.1.1', rating: 'P' }] },
    });
    expect(result.basis).toBe('validated');
    expect(attributeOf(result, 'GOV-01', 'PA1.1').achievement).toBe(0.75);
    expect(attributeOf(result, 'GOV-01', 'PA3.1').rating).toBe('L');
    // PA1.1 at L caps the process at level 1 (level 2 needs PA1.1 fully achieved).
    expect(processOf(result, 'GOV-01').level).toBe(1);
  });

  it('ignores a stale assessor rating', () => {
    const result = score(index, { ...input, basis: 'validated', assessor: { ratings: [{ process: 'GOV-01', indicator: 'BP1', rating: 'N', stale: true }] } });
    expect(processOf(result, 'GOV-01').level).toBe(3);
  });

  it('applies scope decisions and attribute overrides', () => {
    const result = score(index, {
      ...input,
      basis: 'validated',
      assessor: {
        scope: [{ process: 'GOV-02', inScope: true }],
        overrides: [{ process: 'GOV-01', attribute: 'PA3.2', rating: 'P' }],
      },
    });
    expect(attributeOf(result, 'GOV-01', 'PA3.2')).toEqual({ id: 'PA3.2', achievement: 1, rating: 'P', computedRating: 'F' });
    expect(processOf(result, 'GOV-01').level).toBe(2);
    expect(processOf(result, 'GOV-02')).toMatchObject({ inScope: true, level: 0 });
    expect(result.score).toBe(1);
    expect(result.level).toBe(1);
    // Completeness stays the agency's own: GOV-02 is out of its scope.
    expect(result.completeness.missing.some((m) => m.process === 'GOV-02')).toBe(false);
  });

  it('equals self with no assessor input', () => {
    const self = score(index, input);
    expect({ ...score(index, { ...input, basis: 'validated', assessor: {} }), basis: 'self' }).toEqual(self);
  });
});

describe('result shape', () => {
  it('has the fields of docs/domain.md §4 in order', () => {
    const result = score(index, { answers: answersForLevel(index, 'GOV-01', 2) });
    expect(Object.keys(result)).toEqual(['questionnaire', 'targetLevel', 'basis', 'level', 'score', 'meetsTarget', 'aspects', 'processes', 'gaps', 'completeness']);
    expect(result.questionnaire).toBe('isgm-test@1.0.0');
    expect(result.processes).toHaveLength(18);
    expect(processOf(result, 'GOV-01').attributes.map((a) => a.id)).toEqual(['PA1.1', 'PA2.1', 'PA2.2', 'PA3.1', 'PA3.2', 'PA4.1', 'PA4.2', 'PA5.1', 'PA5.2']);
  });
});
