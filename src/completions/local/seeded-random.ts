/**
 * A small seeded pseudo-random source (mulberry32 over a 32-bit state): the same seed always gives
 * the same sequence, on every machine. Not for anything secret.
 */
export class SeededRandom {
  private state: number;

  /** A seed of any kind: numbers and strings are hashed (FNV-1a of their text), so nearby seeds give unrelated sequences. */
  constructor(seed: number | string) {
    let hash = 0x811c9dc5;
    for (const char of String(seed)) {
      hash ^= char.codePointAt(0)!;
      hash = Math.imul(hash, 0x01000193);
    }
    this.state = hash >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both included); min when max < min. */
  integer(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One of the items (which must not be empty). */
  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length - 1)];
  }

  /** The items in a random order (a new array). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.integer(0, index);
      [copy[index], copy[other]] = [copy[other], copy[index]];
    }
    return copy;
  }
}

/**
 * The random source of choice `index` of a request: with a seed, seed + index (a seed too large to
 * add to exactly is combined as text); without one, a fixed source per choice.
 */
export function choiceRandom(seed: number | null | undefined, index: number): SeededRandom {
  if (seed === null || seed === undefined) return new SeededRandom(`choice ${index}`);
  return new SeededRandom(Number.isSafeInteger(seed + index) ? seed + index : `${seed}+${index}`);
}
