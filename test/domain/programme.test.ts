// The programme's arithmetic on hand-made standings: what counts on each basis, the KPI verdict for each kind of
// target, a ministry's share, and each milestone's status.
import { describe, expect, it } from 'vitest';
import { figuresOf, kpiFigures, milestoneStatus, standingLevels, type AgencyStanding, type Kpi } from '../../src/domain/programme.js';
import { transitionBetween } from '../../src/domain/workflow.js';

const at = (level: number, meetsTarget: boolean | null = level >= 3) => ({ level, score: level, meetsTarget });
const agency = (code: string, grade: string, state: AgencyStanding['state'], self: number | null, validated: number | null, ministry = '內政部'): AgencyStanding => ({
  agency: code,
  name: code,
  ministry,
  grade,
  assessment: state === null ? null : `id-${code}`,
  state,
  self: self === null ? null : at(self),
  validated: validated === null ? null : at(validated),
});

const ROWS = [
  agency('A1', 'A', 'accepted', 3, 2),
  agency('A2', 'A', 'submitted', 3, 3), // stored validated equals self before review: not counted as validated
  agency('A3', 'A', 'draft', null, null),
  agency('A4', 'A', null, null, null, '經濟部'),
  agency('A5', 'A', 'returned', 4, 4, '經濟部'),
  agency('B1', 'B', 'accepted', 3, 3),
];
const kpi = (k: Partial<Kpi>): Kpi => ({ grades: ['A'], basis: 'self', minLevel: 3, target: 'all', ...k });

describe('the programme’s arithmetic', () => {
  it('counts self once submitted and validated only while accepted', () => {
    const f = figuresOf(ROWS, { targetLevel: 3, grades: ['A', 'B'], kpi: kpi({}) }, true);
    expect(f.byGrade.A).toEqual({ inScope: 5, reached: { started: 4, submitted: 3, inReview: 2, accepted: 1 }, atTarget: { self: 3, validated: 0 } });
    expect(f.byGrade.B).toEqual({ inScope: 1, reached: { started: 1, submitted: 1, inReview: 1, accepted: 1 }, atTarget: { self: 1, validated: 1 } });
    expect(f.distribution).toEqual({ self: { '0': 0, '1': 0, '2': 0, '3': 3, '4': 1, '5': 0 }, validated: { '0': 0, '1': 0, '2': 1, '3': 1, '4': 0, '5': 0 } });
    expect(f.ministries.map((m) => [m.ministry, m.inScope])).toEqual([
      ['內政部', 4],
      ['經濟部', 2],
    ]);
    expect(standingLevels(ROWS[0]!)).toEqual({ basis: 'validated', levels: at(2) });
    expect(standingLevels(ROWS[1]!)).toEqual({ basis: 'self', levels: at(3) });
    expect(standingLevels(ROWS[2]!)).toBeNull();
  });

  it('judges the KPI against "all", a count, or nothing; a ministry’s share only against "all"', () => {
    expect(kpiFigures(ROWS, kpi({}), true)).toMatchObject({ count: 3, verdict: 'not-met' });
    expect(kpiFigures(ROWS, kpi({ target: 3 }), true)).toMatchObject({ count: 3, verdict: 'met' });
    expect(kpiFigures(ROWS, kpi({ target: 4 }), true)).toMatchObject({ count: 3, verdict: 'not-met' });
    expect(kpiFigures(ROWS, kpi({ target: 3 }), false)).toMatchObject({ count: 3, verdict: null });
    expect(kpiFigures(ROWS, kpi({ basis: 'validated' }), true)).toMatchObject({ count: 0, verdict: 'not-met' });
    expect(kpiFigures(ROWS, kpi({ basis: 'validated', minLevel: null, target: 1 }), true)).toMatchObject({ count: 1, verdict: 'met' });
    expect(kpiFigures(ROWS, kpi({ target: null }), true)).toMatchObject({ count: 3, verdict: null });
    expect(kpiFigures([], kpi({}), true)).toMatchObject({ count: 0, verdict: null });
    expect(kpiFigures(ROWS.filter((r) => r.ministry === '經濟部'), kpi({}), false)).toMatchObject({ count: 1, verdict: 'not-met' });
  });

  it('gives each milestone a status from its verdict and whether the cycle has settled', () => {
    const figures = (k: Partial<Kpi>) => kpiFigures(ROWS, kpi(k), true);
    expect(milestoneStatus(figures({ target: 3 }), false)).toBe('met');
    expect(milestoneStatus(figures({ target: 4 }), false)).toBe('in-progress');
    expect(milestoneStatus(figures({ target: 4 }), true)).toBe('not-met');
    expect(milestoneStatus(figures({ target: null }), true)).toBe('no-target');
    // A ministry's share of a national count has no verdict: neither met nor not met, settled or not.
    const share = (k: Partial<Kpi>) => kpiFigures(ROWS.filter((r) => r.ministry === '經濟部'), kpi(k), false);
    expect(milestoneStatus(share({ target: 30 }), true)).toBe('not-judged');
    expect(milestoneStatus(share({ target: 30 }), false)).toBe('not-judged');
    // An "all" target is judged on the share.
    expect(milestoneStatus(share({ target: 'all' }), true)).toBe('not-met');
  });

  it('names the step between two states', () => {
    expect(transitionBetween(null, 'draft')).toBe('start');
    expect(transitionBetween('draft', 'submitted')).toBe('submit');
    expect(transitionBetween('returned', 'submitted')).toBe('submit');
    expect(transitionBetween('submitted', 'in_review')).toBe('review');
    expect(transitionBetween('accepted', 'in_review')).toBe('reopen');
    expect(transitionBetween('in_review', 'accepted')).toBe('accept');
    expect(transitionBetween('draft', 'accepted')).toBeNull();
  });
});
