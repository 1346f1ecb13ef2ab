import { seededRandom } from '../random';
import { squaredDistance } from './distance';

/**
 * The mean silhouette of a clustering, as scikit-learn's silhouette_score (Euclidean): for each
 * row, a = its mean distance to the other rows of its cluster, b = the smallest mean distance to
 * the rows of another cluster, s = (b − a) / max(a, b); a row alone in its cluster scores 0.
 * From −1 (rows sit in the wrong clusters) through 0 (clusters overlap) to 1 (tight, far apart).
 *
 * Exact costs n²/2 distances. With `sampleSize` below n it scores a random sample of that many
 * rows (seeded, without replacement) among themselves, as scikit-learn's `sample_size` does; the
 * same seed draws the same rows whatever the labels, so candidate clusterings of one table are
 * compared on the same sample. Returns 0 when the rows scored hold fewer than two clusters:
 * there is no separation to measure.
 */
export function silhouette(
  data: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  k: number,
  options: { sampleSize?: number; seed?: number } = {},
): number {
  const rows = sampleRows(n, options.sampleSize, options.seed ?? 0);
  const m = rows.length;
  const counts = new Int32Array(k);
  for (const i of rows) counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
  if (counts.filter((count) => count > 0).length < 2) return 0;

  // sums[r × k + c]: total distance from the r-th scored row to the scored rows of cluster c.
  const sums = new Float64Array(m * k);
  for (let r = 0; r < m; r++) {
    const i = rows[r] as number;
    const ci = labels[i] as number;
    for (let q = r + 1; q < m; q++) {
      const j = rows[q] as number;
      const distance = Math.sqrt(squaredDistance(data, i * d, data, j * d, d));
      sums[r * k + (labels[j] as number)] = (sums[r * k + (labels[j] as number)] as number) + distance;
      sums[q * k + ci] = (sums[q * k + ci] as number) + distance;
    }
  }

  let total = 0;
  for (let r = 0; r < m; r++) {
    const own = labels[rows[r] as number] as number;
    const size = counts[own] as number;
    if (size < 2) continue;
    const a = (sums[r * k + own] as number) / (size - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === own || counts[c] === 0) continue;
      b = Math.min(b, (sums[r * k + c] as number) / (counts[c] as number));
    }
    const scale = Math.max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / m;
}

/** All rows, or `size` of them drawn without replacement (a partial Fisher–Yates shuffle). */
function sampleRows(n: number, size: number | undefined, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (size === undefined || size >= n) return all;
  const random = seededRandom(seed);
  for (let r = 0; r < size; r++) {
    const pick = r + Math.floor(random() * (n - r));
    const held = all[r] as number;
    all[r] = all[pick] as number;
    all[pick] = held;
  }
  return all.slice(0, size);
}
