// Crosswalks composed along a path: the shortest chain, every indicator carried through each step,
// and a move that stays one-to-one without a note only if every step was.
import { describe, expect, it } from 'vitest';
import { carryAnswers, composePath, crosswalkPath, type CrosswalkEdge, type Mapping } from '../../src/domain/crosswalk.js';

const edge = (from: string, to: string, entries: [string, string[], boolean?][]): CrosswalkEdge => ({
  from,
  to,
  map: new Map(entries.map(([key, targets, plain]) => [key, { to: targets.map((t) => ({ process: t.split('/')[0]!, indicator: t.split('/')[1]! })), plain: plain ?? targets.length === 1 } satisfies Mapping])),
});

const a = edge('q-108@1.0.0', 'q-108@1.1.0', [
  ['P1/BP1', ['P1/BP1']],
  ['P1/BP2', ['P1/BP2'], false],
  ['P1/BP3', ['P1/BP3', 'P1/BP4']],
  ['P1/BP9', []],
]);
const b = edge('q-108@1.1.0', 'q-109@1.1.0', [
  ['P1/BP1', ['P1/BP1']],
  ['P1/BP2', ['P1/BP2']],
  ['P1/BP3', ['P1/BP5']],
  ['P1/BP4', ['P1/BP5']],
]);
const direct = edge('q-108@1.0.0', 'q-109@1.0.0', [['P1/BP1', ['P1/BP1']]]);

describe('crosswalk paths', () => {
  it('finds the chain of crosswalks between two versions, and none where no chain leads', () => {
    expect(crosswalkPath([b, a, direct], 'q-108@1.0.0', 'q-109@1.1.0')).toEqual([a, b]);
    expect(crosswalkPath([a, b, direct], 'q-108@1.0.0', 'q-109@1.0.0')).toEqual([direct]);
    expect(crosswalkPath([a, b], 'q-109@1.1.0', 'q-108@1.0.0')).toBeNull();
    expect(crosswalkPath([a, b], 'q-108@1.0.0', 'q-108@1.0.0')).toEqual([]);
  });

  it('between two chains of the same length, takes the one that first moves within the questionnaire id', () => {
    const fix109 = edge('q-109@1.0.0', 'q-109@1.1.0', [['P1/BP1', ['P1/BP1']]]);
    for (const order of [[direct, fix109, a, b], [fix109, b, direct, a], [b, a, fix109, direct]]) {
      expect(crosswalkPath(order, 'q-108@1.0.0', 'q-109@1.1.0')).toEqual([a, b]);
    }
    expect(crosswalkPath([direct, fix109, a, b], 'q-109@1.0.0', 'q-109@1.1.0')).toEqual([fix109]);
  });

  it('carries every indicator through each step, merging where a split meets a merge', () => {
    const composed = composePath([a, b])!;
    expect(composed.get('P1/BP1')).toEqual({ to: [{ process: 'P1', indicator: 'BP1' }], plain: true });
    // One-to-one at each step, but a note on the first: no longer plain.
    expect(composed.get('P1/BP2')).toEqual({ to: [{ process: 'P1', indicator: 'BP2' }], plain: false });
    // Split in two, then both merged into one: one target, not plain.
    expect(composed.get('P1/BP3')).toEqual({ to: [{ process: 'P1', indicator: 'BP5' }], plain: false });
    expect(composed.get('P1/BP9')).toEqual({ to: [], plain: false });
  });
});

describe('carrying answers', () => {
  const answer = (indicator: string, rating: 'N' | 'P' | 'L' | 'F' | 'NA', extra: { unconfirmed?: boolean; revision?: number } = {}) => ({
    process: 'P1',
    indicator,
    rating,
    evidence: `${indicator} evidence`,
    note: null,
    justification: rating === 'NA' ? 'no such system' : null,
    revision: extra.revision ?? 1,
    unconfirmed: extra.unconfirmed ?? false,
  });
  const order = (ref: { indicator: string }) => Number(ref.indicator.replace(/\D/g, ''));
  const everywhere = () => true;

  it('keeps a plain move confirmed, and merges several answers into one: lowest rating, all evidence in order, highest revision, to be confirmed', () => {
    // Through `b` alone: BP1 and BP2 one to one; BP3 and BP4 both into BP5.
    const { carried, mappings } = carryAnswers([answer('BP4', 'F', { revision: 3 }), answer('BP3', 'P'), answer('BP1', 'L'), answer('BP2', 'F')], composePath([b]), everywhere, order);
    const at = (indicator: string) => carried.find((c) => c.indicator === indicator)!;
    expect(at('BP1')).toMatchObject({ rating: 'L', confirmed: true });
    expect(at('BP2')).toMatchObject({ rating: 'F', confirmed: true });
    expect(at('BP5')).toMatchObject({ rating: 'P', evidence: 'BP3 evidence\nBP4 evidence', revision: 3, confirmed: false });
    // BP3 moved one to one, yet BP4 merged into the same place: neither stays confirmed.
    expect(mappings).toContainEqual({ from: 'P1/BP3', to: ['P1/BP5'], confirmed: false });
    expect(mappings).toContainEqual({ from: 'P1/BP1', to: ['P1/BP1'], confirmed: true });
  });

  it('carries nothing where the target has no place for it, and keeps an unconfirmed answer unconfirmed', () => {
    const noNaOnBp1 = (ref: { indicator: string }, rating: string) => !(ref.indicator === 'BP1' && rating === 'NA');
    const { carried } = carryAnswers([answer('BP1', 'NA'), answer('BP9', 'F'), answer('BP2', 'L', { unconfirmed: true })], null, noNaOnBp1, order);
    expect(carried.map((c) => [c.indicator, c.confirmed])).toEqual([['BP2', false], ['BP9', true]]);
  });
});
