// Crosswalks composed along a path: the shortest chain, every indicator carried through each step,
// and a move that stays one-to-one without a note only if every step was.
import { describe, expect, it } from 'vitest';
import { composePath, crosswalkPath, type CrosswalkEdge, type Mapping } from '../../src/domain/crosswalk.js';

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
