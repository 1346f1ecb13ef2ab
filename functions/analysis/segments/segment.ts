import { InsufficientDataError } from '../insufficient';
import { type FeatureTable, MONEY_FEATURES, type Transform } from './features';
import { kmeans } from './kmeans';
import { segmentLabels } from './labels';
import { silhouette } from './silhouette';
import { chooseTransforms, standardise, toOriginal } from './standardise';

export interface SegmentationParams {
  k?: number | 'auto';
  kMin?: number; // 2
  kMax?: number; // 8
  nInit?: number;
  maxIter?: number;
  tol?: number;
  seed: number;
  /** Above this many customers the silhouette is computed on a sample of this many. Default 2,000. */
  silhouetteSampleAbove?: number;
}

export interface SegmentSummary {
  id: number;
  label: string;
  size: number;
  centroid: Record<string, number>; // original units
  distinctive: { feature: string; z: number }[];
}

export interface SegmentationResult {
  k: number;
  chosenBy: 'silhouette' | 'given';
  candidates: { k: number; silhouette: number; inertia: number; sizes: number[]; iterations: number }[];
  silhouetteSample: number | null; // rows sampled for silhouette, null when exact
  features: string[];
  transforms: Record<string, Transform>; // how each feature was transformed before standardising
  segments: SegmentSummary[];
  assignments: Int32Array; // segment id per row of the FeatureTable (same order as ids)
}

/**
 * Exact silhouette costs n²/2 distances: 2,000 customers are 2 million, a few tens of
 * milliseconds per candidate k. Above that a sample of 2,000 rows estimates the mean silhouette
 * to about ±0.01 (its standard error, silhouettes having a spread of about 0.3), finer than the
 * gaps between candidate k that matter.
 */
export const SILHOUETTE_SAMPLE = 2000;
const DISTINCTIVE = 3;

/**
 * The whole segmentation step: transform (log1p for counts and money, see features.ts), z-score,
 * k-means for each candidate k (kMin..kMax, or the one given), k chosen by the highest
 * silhouette (the smaller k on a tie), segments numbered by size (0 the largest) with centroids
 * in original units, their most distinctive standardised features and a label.
 *
 * Throws InsufficientDataError when there are fewer than kMin + 1 distinct customers (k clusters
 * need at least k distinct rows, and a silhouette needs a cluster with two), or fewer than k + 1
 * for a given k. Candidates above the distinct rows − 1 are skipped.
 */
export function segmentCustomers(table: FeatureTable, params: SegmentationParams): SegmentationResult {
  const n = table.ids.length;
  const d = table.names.length;
  if (d === 0 || table.values.length !== n * d) {
    throw new RangeError(`A feature table of ${n} rows × ${d} features needs ${n * d} values.`);
  }
  if (!table.values.every(Number.isFinite))
    throw new RangeError('Every feature value must be a finite number.');
  const kMin = params.kMin ?? 2;
  const kMax = params.kMax ?? 8;
  const distinct = distinctRows(table.values, n, d);
  if (distinct < kMin + 1) {
    throw new InsufficientDataError(
      `${distinct} distinct customer${distinct === 1 ? '' : 's'}: segmenting into ${kMin} or more needs at least ${kMin + 1}.`,
    );
  }
  const given = typeof params.k === 'number' ? params.k : undefined;
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 2)
      throw new RangeError(`k must be a whole number of at least 2, got ${given}.`);
    if (given > distinct - 1) {
      throw new InsufficientDataError(
        `k = ${given} needs at least ${given + 1} distinct customers; there are ${distinct}.`,
      );
    }
  }
  const ks = given !== undefined ? [given] : range(kMin, Math.min(kMax, distinct - 1));

  const transforms = chooseTransforms(table);
  const { values, scaling } = standardise(table, transforms);
  const sampleAbove = params.silhouetteSampleAbove ?? SILHOUETTE_SAMPLE;
  const sampleSize = n > sampleAbove ? sampleAbove : undefined;

  const fits = ks.map((k) => {
    const fit = kmeans(values, n, d, {
      k,
      nInit: params.nInit,
      maxIter: params.maxIter,
      tol: params.tol,
      seed: params.seed,
    });
    const score = silhouette(values, n, d, fit.labels, k, { sampleSize, seed: params.seed });
    return { k, fit, silhouette: score };
  });
  let chosen = fits[0] as (typeof fits)[number];
  for (const candidate of fits) if (candidate.silhouette > chosen.silhouette) chosen = candidate;

  // Segment ids by size, largest first (ties by cluster index), so that ids read the same way
  // whatever order k-means found the clusters in.
  const { k, fit } = chosen;
  const order = range(0, k - 1).sort((a, b) => (fit.sizes[b] as number) - (fit.sizes[a] as number) || a - b);
  const idOf = new Int32Array(k);
  order.forEach((cluster, id) => {
    idOf[cluster] = id;
  });
  const assignments = fit.labels.map((cluster) => idOf[cluster] as number);
  const standardisedCentroids = order.map((cluster) =>
    Array.from(fit.centroids.subarray(cluster * d, cluster * d + d)),
  );
  const labels = segmentLabels(table.names, standardisedCentroids);

  const segments = order.map((cluster, id) => {
    const original = toOriginal(scaling, fit.centroids, cluster * d);
    const z = standardisedCentroids[id] as number[];
    return {
      id,
      label: labels[id] as string,
      size: fit.sizes[cluster] as number,
      centroid: Object.fromEntries(
        table.names.map((name, t) => [
          name,
          MONEY_FEATURES.has(name) ? Math.round(original[t] as number) : round(original[t] as number, 2),
        ]),
      ),
      distinctive: table.names
        .map((feature, t) => ({ feature, z: round(z[t] as number, 2) }))
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
        .slice(0, DISTINCTIVE),
    };
  });

  return {
    k,
    chosenBy: given !== undefined ? 'given' : 'silhouette',
    candidates: fits.map((candidate) => ({
      k: candidate.k,
      silhouette: round(candidate.silhouette, 4),
      inertia: round(candidate.fit.inertia, 4),
      sizes: [...candidate.fit.sizes].sort((a, b) => b - a),
      iterations: candidate.fit.iterations,
    })),
    silhouetteSample: sampleSize ?? null,
    features: table.names,
    transforms: Object.fromEntries(table.names.map((name, t) => [name, transforms[t] as Transform])),
    segments,
    assignments,
  };
}

function distinctRows(values: Float64Array, n: number, d: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(values.subarray(i * d, i * d + d).join(','));
  return seen.size;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const round = (value: number, digits: number): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
