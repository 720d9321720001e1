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

/** The shortest chain of crosswalks from one version to another (breadth first), or null when none leads there. */
export function crosswalkPath(edges: readonly CrosswalkEdge[], from: string, to: string): CrosswalkEdge[] | null {
  if (from === to) return [];
  const via = new Map<string, CrosswalkEdge>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const edge of edges) {
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
