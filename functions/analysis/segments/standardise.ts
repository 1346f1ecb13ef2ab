import type { FeatureTable, Transform } from './features';

/**
 * How each column went from original units to the standardised values k-means sees, and back:
 * x → t = transform(x) → z = (t − mean) / sd. The inverse maps a centroid back to original units.
 */
export interface Scaling {
  names: string[];
  transforms: Transform[];
  means: number[];
  sds: number[];
}

/**
 * A column's transform when the table does not say: log1p when every value is ≥ 0 and the
 * sample skewness exceeds 1 (a long right tail, as counts and money have); otherwise none. A
 * skewness above 1 is the usual mark of a highly skewed distribution; a column with negatives is
 * not a count and is left alone.
 */
export function chooseTransforms(table: FeatureTable): Transform[] {
  if (table.transforms) return table.transforms;
  const n = table.ids.length;
  const d = table.names.length;
  return table.names.map((_, t) => {
    let sum = 0;
    let negative = false;
    for (let i = 0; i < n; i++) {
      const x = table.values[i * d + t] as number;
      sum += x;
      if (x < 0) negative = true;
    }
    if (negative) return 'none';
    const mean = sum / n;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < n; i++) {
      const e = (table.values[i * d + t] as number) - mean;
      m2 += e * e;
      m3 += e * e * e;
    }
    m2 /= n;
    m3 /= n;
    return m2 > 0 && m3 / m2 ** 1.5 > 1 ? 'log1p' : 'none';
  });
}

/**
 * Transforms and z-scores every column (population standard deviation, as scikit-learn's
 * StandardScaler; a constant column keeps sd 1 and becomes all zeros, so it weighs nothing).
 * log1p takes negative values as 0: counts and money are never below it.
 */
export function standardise(
  table: FeatureTable,
  transforms: Transform[],
): { values: Float64Array; scaling: Scaling } {
  const n = table.ids.length;
  const d = table.names.length;
  const values = new Float64Array(n * d);
  const means: number[] = [];
  const sds: number[] = [];
  for (let t = 0; t < d; t++) {
    const log = transforms[t] === 'log1p';
    let sum = 0;
    let constant = true;
    const first = log ? Math.log1p(Math.max(0, table.values[t] as number)) : (table.values[t] as number);
    for (let i = 0; i < n; i++) {
      const x = table.values[i * d + t] as number;
      const v = log ? Math.log1p(Math.max(0, x)) : x;
      values[i * d + t] = v;
      sum += v;
      if (v !== first) constant = false;
    }
    // A constant column's rounded mean can differ from its value by an ulp, and dividing that by
    // an sd of 1e-16 would make noise of ±1: it is set to 0 outright.
    const mean = constant ? first : sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((values[i * d + t] as number) - mean) ** 2;
    const sd = constant ? 1 : Math.sqrt(squares / n);
    for (let i = 0; i < n; i++) values[i * d + t] = ((values[i * d + t] as number) - mean) / sd;
    means.push(mean);
    sds.push(sd);
  }
  return { values, scaling: { names: table.names, transforms, means, sds } };
}

/**
 * A standardised point (from `offset` in `z`) back in original units. For a log1p column that
 * is expm1 of the centroid's mean log: the geometric-mean-like typical customer of the segment,
 * not the arithmetic mean that one big customer would drag up.
 */
export function toOriginal(scaling: Scaling, z: Float64Array, offset: number): number[] {
  return scaling.names.map((_, t) => {
    const v = (z[offset + t] as number) * (scaling.sds[t] as number) + (scaling.means[t] as number);
    return scaling.transforms[t] === 'log1p' ? Math.expm1(v) : v;
  });
}
