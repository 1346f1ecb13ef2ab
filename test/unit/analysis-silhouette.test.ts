import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { gaussian, seededRandom } from '../../functions/analysis/random';
import { silhouette } from '../../functions/analysis/segments/silhouette';

/** Points along the unit direction (0.6, 0.8): their Euclidean distances are those of `positions`. */
const onALine = (positions: number[]) => Float64Array.from(positions.flatMap((p) => [0.6 * p, 0.8 * p]));

describe('silhouette', () => {
  it('matches a small case computed by hand', () => {
    // Four points on a line (embedded in 2-D), positions 0 and 2 in cluster 0, 5 and 6 in cluster 1.
    //   A = 0: a = |0 − 2| = 2,  b = (|0 − 5| + |0 − 6|) / 2 = 5.5,  s = (5.5 − 2) / 5.5 = 7/11
    //   B = 2: a = 2,            b = (3 + 4) / 2 = 3.5,            s = (3.5 − 2) / 3.5 = 3/7
    //   C = 5: a = |5 − 6| = 1,  b = (5 + 3) / 2 = 4,              s = (4 − 1) / 4     = 3/4
    //   D = 6: a = 1,            b = (6 + 4) / 2 = 5,              s = (5 − 1) / 5     = 4/5
    //   mean = (7/11 + 3/7 + 3/4 + 4/5) / 4 = 2.614935… / 4 = 0.653734…
    const four = onALine([0, 2, 5, 6]);
    const expected = (7 / 11 + 3 / 7 + 3 / 4 + 4 / 5) / 4;
    assert.ok(Math.abs(silhouette(four, 4, 2, Int32Array.from([0, 0, 1, 1]), 2) - expected) < 1e-12);

    // A fifth point, E = 20, alone in cluster 2: a singleton scores 0, and cluster 2 is nobody's
    // nearest (A: 5.5 < 20, B: 3.5 < 18, C: 4 < 15, D: 5 < 14), so the sum stays and n is 5:
    //   mean = 2.614935… / 5 = 0.522987…
    const five = onALine([0, 2, 5, 6, 20]);
    const withSingleton = silhouette(five, 5, 2, Int32Array.from([0, 0, 1, 1, 2]), 3);
    assert.ok(Math.abs(withSingleton - (7 / 11 + 3 / 7 + 3 / 4 + 4 / 5) / 5) < 1e-12);

    // Swap B and C: each sits in the wrong cluster, and the score turns negative.
    //   A = 0 with C = 5:  a = 5,  b = (2 + 6) / 2 = 4,  s = (4 − 5) / 5 = −1/5
    //   C = 5 with A = 0:  a = 5,  b = (3 + 1) / 2 = 2,  s = (2 − 5) / 5 = −3/5
    //   B = 2 with D = 6:  a = 4,  b = (2 + 3) / 2 = 2.5, s = (2.5 − 4) / 4 = −3/8
    //   D = 6 with B = 2:  a = 4,  b = (6 + 1) / 2 = 3.5, s = (3.5 − 4) / 4 = −1/8
    const wrong = silhouette(four, 4, 2, Int32Array.from([0, 1, 0, 1]), 2);
    assert.ok(Math.abs(wrong - (-1 / 5 - 3 / 5 - 3 / 8 - 1 / 8) / 4) < 1e-12);
  });

  it('is 0 when the rows hold fewer than two clusters', () => {
    assert.equal(silhouette(onALine([0, 1, 2]), 3, 2, Int32Array.from([0, 0, 0]), 1), 0);
    assert.equal(silhouette(onALine([0, 1, 2]), 3, 2, Int32Array.from([1, 1, 1]), 3), 0);
  });

  it('estimates from a seeded sample of rows, the same rows whatever the labels', () => {
    const random = seededRandom(4);
    const n = 3000;
    const data = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      labels[i] = c;
      data[2 * i] = 4 * c + gaussian(random);
      data[2 * i + 1] = gaussian(random);
    }
    const exact = silhouette(data, n, 2, labels, 3);
    const sampled = silhouette(data, n, 2, labels, 3, { sampleSize: 800, seed: 9 });
    assert.equal(silhouette(data, n, 2, labels, 3, { sampleSize: 800, seed: 9 }), sampled);
    assert.ok(Math.abs(sampled - exact) < 0.02, `${sampled} against ${exact}`);
    assert.equal(silhouette(data, n, 2, labels, 3, { sampleSize: n, seed: 9 }), exact);
    // The draw does not depend on the labels: renaming the clusters scores the very same rows.
    const renamed = labels.map((c) => (c + 1) % 3);
    assert.equal(silhouette(data, n, 2, renamed, 3, { sampleSize: 800, seed: 9 }), sampled);
    assert.notEqual(silhouette(data, n, 2, labels, 3, { sampleSize: 800, seed: 10 }), sampled);
  });
});
