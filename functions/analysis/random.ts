/**
 * The analysis jobs' one source of randomness: a seeded generator, so that a run with the same
 * inputs, parameters and seed gives the same segments, the same model and the same split. A run
 * stores its seed; `npm run evaluate` takes `--seed`.
 *
 * mulberry32: 32 bits of state, a full period of 2^32, and fast on V8 (integer ops only). Not for
 * secrets — k-means++ seeding, shuffles and samples need repeatability, not unpredictability.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from `seed` (any integer; only its low 32 bits count). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export const randomInt = (random: Random, n: number): number => Math.floor(random() * n);

/** Shuffles `items` in place (Fisher–Yates) and returns them. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const held = items[i] as T;
    items[i] = items[j] as T;
    items[j] = held;
  }
  return items;
}

/** A standard normal variate (Box–Muller), for synthetic data in tests and benchmarks. */
export function gaussian(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
