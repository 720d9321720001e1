// A small seeded pseudo-random generator (splitmix32) for data sets that must come out the same for the
// same seed on every machine: Math.random cannot be seeded, node:crypto cannot be replayed. Pure; not
// for anything secret.

export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** The list shuffled in place (Fisher–Yates) and returned. */
  shuffle<T>(items: T[]): T[];
  /** `n` bytes. */
  bytes(n: number): Buffer;
  /** A version-4-shaped UUID made of generated bits (unique in practice within one data set). */
  uuid(): string;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const next = (): number => u32() / 4294967296;
  const hex = (n: number): string => u32().toString(16).padStart(8, '0').slice(0, n);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[u32() % 4]}${hex(3)}-${hex(8)}${hex(4)}`,
  };
}
