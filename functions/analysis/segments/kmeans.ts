import { seededRandom } from '../random';
import { squaredDistance } from './distance';
import { type SeedingBuffers, seedingBuffers, seedKMeansPlusPlus } from './seeding';

export interface KMeansOptions {
  k: number;
  /** Initialisations; the one with the lowest inertia wins. Default 4. */
  nInit?: number;
  /** Iterations per initialisation. Default 300 (scikit-learn's). */
  maxIter?: number;
  /**
   * Default 1e-4. As in scikit-learn: relative to the mean of the features' variances; a run
   * stops when the squared centroid shifts of an iteration sum to at most tol × that mean.
   */
  tol?: number;
  seed: number;
}

export interface KMeansResult {
  centroids: Float64Array; // k × d
  labels: Int32Array;
  inertia: number;
  iterations: number;
  sizes: number[];
}

/**
 * k-means on `n` rows of `d` values (flat, row-major): greedy k-means++ seeding, then Lloyd's
 * iterations made cheap with Hamerly's bounds, `nInit` times from one seeded random stream.
 *
 * Hamerly's algorithm is Lloyd's algorithm, not an approximation of it: each iteration assigns
 * every row to its nearest centroid and moves each centroid to the mean of its rows, so the same
 * seeds give the same labels, centroids and iteration count as scikit-learn's `algorithm="lloyd"`
 * (up to exact ties and rounding). What the bounds save is distance computations: a row keeps an
 * upper bound on its distance to its centroid and one lower bound on its distance to any other;
 * when the centroids moved less than that margin, or the row is within half the gap between its
 * centroid and the nearest other, the row cannot have changed cluster and nothing is computed.
 * The rows that must be looked at are measured in batches by WebAssembly SIMD kernels
 * (simd-kernels.ts), about three times the speed of plain JavaScript loops. Bounds cost two
 * numbers per row (Elkan's algorithm keeps k, and measured no faster here: docs/analysis.md).
 *
 * Stopping follows scikit-learn: "strict" convergence when an assignment changes no label,
 * otherwise when the centroids' squared shifts sum to at most the tolerance, after which the rows
 * are assigned once more so that the labels returned are those of the centroids returned.
 */
export function kmeans(data: Float64Array, n: number, d: number, options: KMeansOptions): KMeansResult {
  const { k, nInit = 4, maxIter = 300, tol = 1e-4, seed } = options;
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1 || data.length !== n * d) {
    throw new RangeError(`k-means needs ${n} × ${d} values, got ${data.length}.`);
  }
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`k must be an integer in 1..${n}, got ${k}.`);
  if (!Number.isInteger(nInit) || nInit < 1)
    throw new RangeError(`nInit must be a positive integer, got ${nInit}.`);
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new RangeError(`maxIter must be a positive integer, got ${maxIter}.`);
  }
  if (!(tol >= 0)) throw new RangeError(`tol must be at least 0, got ${tol}.`);

  const state = allocate(data, n, d, k);
  const { means, variances } = state.kernels.columnMoments();
  if (!variances.every(Number.isFinite)) throw new RangeError('k-means needs finite values.');
  const tolerance = (variances.reduce((sum, v) => sum + v, 0) / d) * tol;
  // Distances are computed as ‖x‖² + ‖c‖² − 2x·c, which loses digits to cancellation when the
  // rows sit far from the origin compared with their spread: such data is centred on a copy
  // first (scikit-learn centres for the same reason). Standardised features need no copy.
  const offCentre = means.some((mean, t) => Math.abs(mean) > Math.sqrt(variances[t] as number));
  const rows = offCentre ? centred(data, n, d, means) : data;
  if (offCentre) state.kernels.load(rows);
  const random = seededRandom(seed);
  const best: KMeansResult = {
    centroids: new Float64Array(k * d),
    labels: new Int32Array(n),
    inertia: Number.POSITIVE_INFINITY,
    iterations: 0,
    sizes: [],
  };
  for (let init = 0; init < nInit; init++) {
    seedKMeansPlusPlus(rows, n, d, k, random, state);
    const { iterations, inertia } = refine(rows, n, d, k, maxIter, tolerance, state);
    if (inertia < best.inertia) {
      best.centroids.set(state.centers);
      best.labels.set(state.labels);
      best.inertia = inertia;
      best.iterations = iterations;
      best.sizes = Array.from(state.counts);
    }
  }
  if (offCentre)
    for (let t = 0; t < k * d; t++)
      best.centroids[t] = (best.centroids[t] as number) + (means[t % d] as number);
  return best;
}

interface State extends SeedingBuffers {
  upper: Float64Array; // n: upper bound on the distance to the row's centroid
  lower: Float64Array; // n: lower bound on the distance to any other centroid
  counts: Int32Array; // k
  previous: Float64Array; // k × d: the centroids before the update
  shifts: Float64Array; // k: how far each centroid moved in the last update
  halfGaps: Float64Array; // k: half the distance to the nearest other centroid
}

function allocate(rows: Float64Array, n: number, d: number, k: number): State {
  return {
    ...seedingBuffers(rows, n, d, k),
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    counts: new Int32Array(k),
    previous: new Float64Array(k * d),
    shifts: new Float64Array(k),
    halfGaps: new Float64Array(k),
  };
}

/** Lloyd's iterations from the seeding's assignment; returns the iterations run and the inertia. */
function refine(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  maxIter: number,
  tolerance: number,
  s: State,
): { iterations: number; inertia: number } {
  const { kernels, centers, labels, closest, second, upper, lower, counts, previous, shifts } = s;
  // The seeding already assigned every row to its nearest seed and bounded the other distances:
  // that is the first iteration's assignment, with Hamerly's bounds.
  for (let i = 0; i < n; i++) {
    upper[i] = Math.sqrt(closest[i] as number);
    lower[i] = Math.sqrt(second[i] as number);
  }

  let iterations = 0;
  let strict = false;
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    iterations = iteration;
    if (iteration > 1 && assign(n, k, s) === 0) {
      strict = true;
      break;
    }
    // The update: every cluster's mean, its sums recomputed from the labels (in the kernel, a
    // fraction of a distance pass; keeping them up to date row by row cost more in the first
    // iterations, when rows move by the ten thousand).
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
    relocateEmptyClusters(data, n, d, k, s);
    kernels.sumByLabel();
    previous.set(centers);
    let shifted = 0;
    for (let j = 0; j < k; j++) {
      const scale = 1 / (counts[j] as number);
      for (let t = 0; t < d; t++)
        centers[j * d + t] = (kernels.sums[j * kernels.stride + t] as number) * scale;
      const moved = squaredDistance(centers, j * d, previous, j * d, d);
      shifts[j] = Math.sqrt(moved);
      shifted += moved;
    }
    kernels.setCentres(centers, k);
    updateHalfGaps(d, k, s);
    if (shifted <= tolerance) break;
  }
  if (!strict) assign(n, k, s);

  counts.fill(0);
  for (let i = 0; i < n; i++) counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
  return { iterations, inertia: kernels.inertia() };
}

/**
 * One assignment step under Hamerly's bounds, after the centroids moved by `shifts`: a row whose
 * upper bound stays below both its lower bound and half the gap from its centroid to the nearest
 * other keeps its label without a distance computed; otherwise the bound is tightened with the
 * distance to its own centroid (SimdKernels.ownDots), and only if that is not enough is the row
 * measured against all of them (SimdKernels.nearest). The kernels work through a list of rows,
 * compacted in place between the two steps. Returns the number of rows that changed cluster.
 */
function assign(n: number, k: number, s: State): number {
  const { kernels, labels, upper, lower, shifts, halfGaps } = s;
  const { list, results, norms, centreNorms } = kernels;
  let largest = 0;
  let largestAt = -1;
  let runnerUp = 0;
  for (let j = 0; j < k; j++) {
    const shift = shifts[j] as number;
    if (shift > largest) {
      runnerUp = largest;
      largest = shift;
      largestAt = j;
    } else if (shift > runnerUp) {
      runnerUp = shift;
    }
  }

  let listed = 0;
  for (let i = 0; i < n; i++) {
    const a = labels[i] as number;
    const bound = (upper[i] as number) + (shifts[a] as number);
    const other = (lower[i] as number) - (a === largestAt ? runnerUp : largest);
    lower[i] = other;
    upper[i] = bound;
    if (bound > Math.max(halfGaps[a] as number, other)) list[listed++] = i;
  }

  kernels.ownDots(listed);
  let waiting = 0;
  for (let r = 0; r < listed; r++) {
    const i = list[r] as number;
    const a = labels[i] as number;
    const own = (norms[i] as number) + (centreNorms[a] as number) - 2 * (results[r] as number);
    const bound = Math.sqrt(Math.max(own, 0));
    upper[i] = bound;
    if (bound > Math.max(halfGaps[a] as number, lower[i] as number)) list[waiting++] = i;
  }

  kernels.nearest(waiting);
  let changed = 0;
  for (let r = 0; r < waiting; r++) {
    const i = list[r] as number;
    const nearest = results[3 * r] as number;
    upper[i] = Math.sqrt(Math.max(results[3 * r + 1] as number, 0));
    lower[i] = Math.sqrt(Math.max(results[3 * r + 2] as number, 0));
    if (nearest !== labels[i]) {
      labels[i] = nearest;
      changed++;
    }
  }
  return changed;
}

/**
 * A cluster left without rows gets the row farthest from its own centroid, as in scikit-learn
 * (taken only from clusters that keep a row, so no other cluster empties). Rare with k-means++
 * seeding; it happens with duplicated rows.
 */
function relocateEmptyClusters(data: Float64Array, n: number, d: number, k: number, s: State): void {
  const { centers, labels, upper, lower, counts, closest: distances } = s;
  let empty = 0;
  for (let j = 0; j < k; j++) if (counts[j] === 0) empty++;
  if (empty === 0) return;
  for (let i = 0; i < n; i++)
    distances[i] = squaredDistance(data, i * d, centers, (labels[i] as number) * d, d);
  for (let j = 0; j < k; j++) {
    if (counts[j] !== 0) continue;
    let farthest = -1;
    for (let i = 0; i < n; i++) {
      if ((counts[labels[i] as number] as number) < 2) continue;
      if (farthest < 0 || (distances[i] as number) > (distances[farthest] as number)) farthest = i;
    }
    const from = labels[farthest] as number;
    counts[from] = (counts[from] as number) - 1;
    labels[farthest] = j;
    counts[j] = 1;
    distances[farthest] = -1;
    // The centroid becomes the row itself: distance 0 to it, nothing known about the others.
    upper[farthest] = 0;
    lower[farthest] = 0;
  }
}

/** Half the distance from each centroid to its nearest: Hamerly's second bound. */
function updateHalfGaps(d: number, k: number, s: State): void {
  const { centers, halfGaps } = s;
  halfGaps.fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const half = Math.sqrt(squaredDistance(centers, a * d, centers, b * d, d)) / 2;
      if (half < (halfGaps[a] as number)) halfGaps[a] = half;
      if (half < (halfGaps[b] as number)) halfGaps[b] = half;
    }
  }
}

function centred(data: Float64Array, n: number, d: number, means: number[]): Float64Array {
  const copy = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < d; t++) copy[i * d + t] = (data[i * d + t] as number) - (means[t] as number);
  return copy;
}
