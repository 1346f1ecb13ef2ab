/**
 * Squared Euclidean distance between row `ai` of `a` and row `bi` of `b` (offsets into flat
 * row-major arrays), `d` values each: for the silhouette and k-means's few exact distances
 * between centroids (the bulk of k-means's distances is in simd-kernels.ts). Four independent
 * sums, so that the additions do not wait on one another: one running sum is bound by the
 * latency of a floating-point add.
 */
export function squaredDistance(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < d; t += 4) {
    const e0 = (a[ai + t] as number) - (b[bi + t] as number);
    const e1 = (a[ai + t + 1] as number) - (b[bi + t + 1] as number);
    const e2 = (a[ai + t + 2] as number) - (b[bi + t + 2] as number);
    const e3 = (a[ai + t + 3] as number) - (b[bi + t + 3] as number);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; t < d; t++) {
    const e = (a[ai + t] as number) - (b[bi + t] as number);
    s0 += e * e;
  }
  return s0 + s1 + (s2 + s3);
}
