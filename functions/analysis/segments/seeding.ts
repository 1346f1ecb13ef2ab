import { type Random, randomInt } from '../random';
import { SimdKernels } from './simd-kernels';

/**
 * Buffers the seeding writes into, reused across the initialisations of one k-means call so that
 * no run allocates per row. Besides the seeds it leaves each row's nearest seed (`labels`), the
 * squared distance to it (`closest`) and a lower bound on the squared distance to any other seed
 * (`second`): k-means's first assignment is done, with the bounds Hamerly's algorithm starts from.
 * `labels`, `closest` and `trialDistances` are the kernels' views (simd-kernels.ts).
 */
export interface SeedingBuffers {
  kernels: SimdKernels;
  centers: Float64Array; // k × d
  labels: Int32Array; // n: the nearest seed
  closest: Float64Array; // n: squared distance to it
  second: Float64Array; // n: lower bound on the squared distance to any other seed
  cumulative: Float64Array; // n
  trialDistances: Float64Array; // trialSlots(k) × n: each candidate's squared distance to each row
}

/** Fresh buffers for seeding k centroids over the n × d rows (the rows copied into the kernels' memory). */
export function seedingBuffers(rows: Float64Array, n: number, d: number, k: number): SeedingBuffers {
  const kernels = new SimdKernels(rows, n, d, k, trialSlots(k));
  return {
    kernels,
    centers: new Float64Array(k * d),
    labels: kernels.labels,
    closest: kernels.closest,
    second: new Float64Array(n),
    cumulative: new Float64Array(n),
    trialDistances: kernels.trialDistances,
  };
}

/** scikit-learn's number of candidates per seed after the first: 2 + ⌊ln k⌋. */
export const localTrials = (k: number): number => 2 + Math.floor(Math.log(k));

/** Candidates are scored four at a time: the trials rounded up to a multiple of four. */
export const trialSlots = (k: number): number => Math.ceil(localTrials(k) / 4) * 4;

/**
 * Greedy k-means++ as scikit-learn does it (sklearn.cluster._kmeans._kmeans_plusplus): the first
 * seed uniformly at random; each next one by drawing `2 + ⌊ln k⌋` candidates with probability
 * proportional to their squared distance to the nearest seed so far, and keeping the candidate
 * that lowers the total (the "potential") most. The greedy trials make a bad seed much rarer than
 * plain k-means++ for little more work: four candidates are scored in one pass over the data
 * (SimdKernels.score4). No row is skipped: the triangle inequality rules a candidate out for
 * rows less than half as far from their seed as from the candidate, but on clusters that touch
 * hardly any row qualifies, and on well-separated ones the test cost about what it saved.
 */
export function seedKMeansPlusPlus(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  random: Random,
  buffers: SeedingBuffers,
): void {
  const { kernels, centers, labels, closest, second, cumulative, trialDistances } = buffers;
  const trials = localTrials(k);
  const slots = trialSlots(k);
  const candidates = new Int32Array(slots);
  const potentials = new Float64Array(slots);

  const first = randomInt(random, n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  // The first seed's distances: the kernel scoring it four times over against rows that are
  // nowhere yet (closest +∞), so that its potential is the plain sum.
  closest.fill(Number.POSITIVE_INFINITY);
  kernels.score4(0, first, first, first, first, potentials);
  let potential = potentials[0] as number;
  for (let i = 0; i < n; i++) {
    closest[i] = Math.max(trialDistances[i] as number, 0);
    second[i] = Number.POSITIVE_INFINITY;
    labels[i] = 0;
  }

  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i] as number;
      cumulative[i] = running;
    }
    for (let t = 0; t < trials; t++) candidates[t] = firstAtLeast(cumulative, n, random() * potential);
    for (let t = trials; t < slots; t++) candidates[t] = candidates[trials - 1] as number;
    for (let g = 0; g < slots; g += 4) {
      const [c0, c1, c2, c3] = [0, 1, 2, 3].map((q) => candidates[g + q] as number) as [
        number,
        number,
        number,
        number,
      ];
      kernels.score4(g, c0, c1, c2, c3, potentials);
    }

    let best = 0;
    for (let t = 1; t < trials; t++) if ((potentials[t] as number) < (potentials[best] as number)) best = t;
    potential = potentials[best] as number;
    const chosen = candidates[best] as number;
    centers.set(data.subarray(chosen * d, chosen * d + d), c * d);

    // The chosen candidate becomes seed c: rows nearer to it than to their seed move to it.
    // (‖x‖² + ‖y‖² − 2x·y can come out a hair below zero for a row and itself.)
    const offset = best * n;
    for (let i = 0; i < n; i++) {
      const value = trialDistances[offset + i] as number;
      const distance = Math.max(value, 0);
      const nearest = closest[i] as number;
      if (distance < nearest) {
        second[i] = nearest;
        closest[i] = distance;
        labels[i] = c;
      } else if (distance < (second[i] as number)) {
        second[i] = distance;
      }
    }
  }
}

/** numpy's searchsorted(side='left') clipped to the last row: the first index whose running total reaches `value`. */
function firstAtLeast(cumulative: Float64Array, n: number, value: number): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low < n ? low : n - 1;
}
