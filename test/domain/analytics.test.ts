// The analyses' pure arithmetic: which way a rating moved, the priority order with its ties, rounding.
import { describe, expect, it } from 'vitest';
import { priorityOrder, ratingChange, round2 } from '../../src/domain/analytics.js';
import type { AgencyStanding } from '../../src/domain/programme.js';

const standing = (agency: string, grade: string, state: AgencyStanding['state'], score: number | null): AgencyStanding => ({
  agency,
  name: agency,
  ministry: 'm',
  grade,
  assessment: state === null ? null : `id-${agency}`,
  state,
  self: score === null ? null : { level: Math.floor(score), score, meetsTarget: null },
  validated: score === null ? null : { level: Math.floor(score), score, meetsTarget: null },
});

describe('the analyses’ arithmetic', () => {
  it('a rating moves down or up in N < P < L < F; NA or no answer is neither', () => {
    expect([ratingChange('F', 'L'), ratingChange('N', 'P'), ratingChange('P', 'N'), ratingChange('L', 'F')]).toEqual(['lowered', 'raised', 'lowered', 'raised']);
    expect([ratingChange('F', 'NA'), ratingChange('NA', 'F'), ratingChange(null, 'F'), ratingChange(undefined, 'N'), ratingChange('L', 'L')]).toEqual([null, null, null, null, null]);
  });

  it('rounds to 2 decimals, half away from zero, without float noise', () => {
    expect([round2(3 - 1.94), round2(1.005), round2(-0.185), round2(8.329999999999998 / 162), round2(0)]).toEqual([1.06, 1.01, -0.19, 0.05, 0]);
  });

  it('orders grade A first, unaccepted first by code, then distance descending, ties by code', () => {
    const rows = [
      standing('B9', 'B', null, null),
      standing('Z1', 'A', 'accepted', 2),
      standing('C2', 'A', 'accepted', 2),
      standing('A7', 'A', 'accepted', 2.5),
      standing('D1', 'A', 'submitted', 1), // submitted: its validated result does not count yet
      standing('B1', 'A', null, null),
      standing('A1', 'B', 'accepted', 1),
      standing('K1', 'A', 'in_review', 0.5),
    ];
    expect(priorityOrder(rows, 3).map((r) => [r.standing.agency, r.distance])).toEqual([
      ['B1', null],
      ['D1', null],
      ['K1', null],
      ['C2', 1],
      ['Z1', 1],
      ['A7', 0.5],
      ['B9', null],
      ['A1', 2],
    ]);
  });
});
