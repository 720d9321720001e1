// Crosswalks between questionnaire versions, composed along a path (docs/domain.md §3): 108@1.0.0 →
// 108@1.1.0 → 109@1.1.0 carries each indicator through every step. Pure.

export interface IndicatorRef {
  process: string;
  indicator: string;
}

/** Where one indicator goes, and whether the move is a plain one-to-one without a note at every step. */
export interface Mapping {
  to: IndicatorRef[];
  plain: boolean;
}

/** One crosswalk: `from` and `to` as `id@version`, and each `process/indicator` of `from` mapped. */
export interface CrosswalkEdge {
  from: string;
  to: string;
  map: ReadonlyMap<string, Mapping>;
}

export const indicatorKey = (ref: IndicatorRef): string => `${ref.process}/${ref.indicator}`;

const idOf = (ref: string): string => ref.slice(0, ref.lastIndexOf('@'));

/**
 * The shortest chain of crosswalks from one version to another (breadth first), or null when none leads there.
 * Among chains of the same length, the one that first moves within the questionnaire id wins: 108@1.0.0 →
 * 109@1.1.0 goes through the corrected 108@1.1.0, not through the uncorrected 109@1.0.0.
 */
export function crosswalkPath(edges: readonly CrosswalkEdge[], from: string, to: string): CrosswalkEdge[] | null {
  if (from === to) return [];
  const sameIdFirst = [...edges].sort((a, b) => Number(idOf(a.from) !== idOf(a.to)) - Number(idOf(b.from) !== idOf(b.to)));
  const via = new Map<string, CrosswalkEdge>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const edge of sameIdFirst) {
      if (edge.from !== at || seen.has(edge.to)) continue;
      seen.add(edge.to);
      via.set(edge.to, edge);
      if (edge.to === to) {
        const path: CrosswalkEdge[] = [];
        for (let step: string = to; step !== from; step = via.get(step)!.from) path.unshift(via.get(step)!);
        return path;
      }
      queue.push(edge.to);
    }
  }
  return null;
}

/** The mapping of a whole path: each indicator of the first version carried through every step. */
export function composePath(path: readonly CrosswalkEdge[]): Map<string, Mapping> | null {
  if (path.length === 0) return null;
  let composed = new Map<string, Mapping>(path[0]!.map);
  for (const edge of path.slice(1)) {
    const next = new Map<string, Mapping>();
    for (const [key, mapping] of composed) {
      const to: IndicatorRef[] = [];
      let plain = mapping.plain && mapping.to.length === 1;
      for (const ref of mapping.to) {
        const step = edge.map.get(indicatorKey(ref));
        if (!step) continue;
        to.push(...step.to);
        plain &&= step.plain;
      }
      const unique = [...new Map(to.map((r) => [indicatorKey(r), r])).values()];
      next.set(key, { to: unique, plain: plain && unique.length === 1 });
    }
    composed = next;
  }
  return composed;
}

/** An answer as it is carried from one questionnaire version to another. */
export interface CarriableAnswer extends IndicatorRef {
  rating: 'N' | 'P' | 'L' | 'F' | 'NA';
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: boolean;
}

export interface CarriedAnswer extends CarriableAnswer {
  /** Still confirmed: confirmed before, and moved one to one without a note at every step, merging with none. */
  confirmed: boolean;
}

const RATING_ORDER = { N: 0, P: 1, L: 2, F: 3, NA: 4 } as const;

/**
 * Carries answers through a mapping (none: each to the same indicator) onto the indicators a target
 * version has, in `order` (the source's questionnaire order, so merged texts always read the same).
 * Several answers merging into one keep the lowest rating (with its note and justification), all their
 * evidence texts, and the highest revision; an NA never lands on a generic practice. Also returns,
 * for the audit trail, where each answer went.
 */
export function carryAnswers(
  answers: readonly CarriableAnswer[],
  map: ReadonlyMap<string, Mapping> | null,
  lands: (ref: IndicatorRef, rating: CarriableAnswer['rating']) => boolean,
  order: (ref: IndicatorRef) => number,
): { carried: CarriedAnswer[]; mappings: { from: string; to: string[]; confirmed: boolean }[] } {
  const carried = new Map<string, CarriedAnswer>();
  const moves: { from: string; to: string[] }[] = [];
  for (const answer of [...answers].sort((x, y) => order(x) - order(y))) {
    const mapping: Mapping = map ? (map.get(indicatorKey(answer)) ?? { to: [], plain: false }) : { to: [answer], plain: true };
    const targets = mapping.to.filter((t) => lands(t, answer.rating));
    const confirmed = !answer.unconfirmed && mapping.plain && targets.length === 1;
    moves.push({ from: indicatorKey(answer), to: targets.map(indicatorKey) });
    for (const t of targets) {
      const key = indicatorKey(t);
      const here: CarriedAnswer = { ...answer, process: t.process, indicator: t.indicator, confirmed };
      const prev = carried.get(key);
      if (!prev) carried.set(key, here);
      else {
        const lower = RATING_ORDER[answer.rating] < RATING_ORDER[prev.rating] ? here : prev;
        const evidence = [prev.evidence, answer.evidence].filter((e): e is string => typeof e === 'string' && e.trim() !== '').join('\n') || null;
        carried.set(key, { ...lower, evidence, revision: Math.max(prev.revision, answer.revision), confirmed: false });
      }
    }
  }
  // An answer stayed confirmed if it landed on one indicator and nothing merged into it there.
  const mappings = moves.map((m) => ({ ...m, confirmed: m.to.length === 1 && carried.get(m.to[0]!)!.confirmed }));
  return { carried: [...carried.values()], mappings };
}
