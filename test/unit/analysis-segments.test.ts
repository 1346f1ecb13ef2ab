import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { InsufficientDataError } from '../../functions/analysis/insufficient';
import { gaussian, type Random, seededRandom } from '../../functions/analysis/random';
import {
  type CustomerActivity,
  customerFeatures,
  type FeatureTable,
} from '../../functions/analysis/segments/features';
import { describe as describeFeature, segmentLabels } from '../../functions/analysis/segments/labels';
import { segmentCustomers } from '../../functions/analysis/segments/segment';
import { chooseTransforms, standardise, toOriginal } from '../../functions/analysis/segments/standardise';

const NOW = new Date('2025-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

/** A customer of a kind: recency around `recency` days, about `orders` orders of about `basket` minor units. */
function customer(
  id: string,
  random: Random,
  kind: { recency: number; orders: number; basket: number; needs?: Record<string, number> },
): CustomerActivity {
  const orders = Math.max(1, Math.round(kind.orders * Math.exp(0.3 * gaussian(random))));
  const needsByType = kind.needs ?? {};
  const needs = Object.values(needsByType).reduce((a, b) => a + b, 0);
  return {
    customerId: id,
    orders,
    revenueMinor: Math.round(orders * kind.basket * Math.exp(0.3 * gaussian(random))),
    lastOrderAt: daysAgo(Math.max(0, kind.recency * Math.exp(0.25 * gaussian(random)))),
    needsByType,
    needs,
    needsValueMinor: needs * 50_000,
    ...(needs > 0 ? { lastNeedAt: daysAgo(kind.recency) } : {}),
  };
}

/** Three kinds of customers: recent, frequent, big spenders; lapsed one-off small buyers; and in between. */
function population(seed: number) {
  const random = seededRandom(seed);
  const champions = Array.from({ length: 30 }, (_, i) =>
    customer(`champion-${i}`, random, { recency: 4, orders: 30, basket: 20_000 }),
  );
  const lapsed = Array.from({ length: 50 }, (_, i) =>
    customer(`lapsed-${i}`, random, { recency: 320, orders: 1, basket: 3_000 }),
  );
  const regulars = Array.from({ length: 40 }, (_, i) =>
    customer(`regular-${i}`, random, { recency: 60, orders: 6, basket: 8_000 }),
  );
  return [...champions, ...lapsed, ...regulars];
}

describe('customer features', () => {
  it('turns activity into recency, frequency, value, needs and the most frequent need types', () => {
    const table = customerFeatures(
      [
        {
          customerId: 'a',
          orders: 4,
          revenueMinor: 120_000,
          lastOrderAt: daysAgo(10),
          needsByType: { complaint: 3, spare_parts: 1, untyped: 5 },
          needs: 9,
          needsValueMinor: 90_000,
          lastNeedAt: daysAgo(2),
        },
        {
          customerId: 'b',
          orders: 0,
          revenueMinor: 0,
          needsByType: { spare_parts: 1, quote: 1 },
          needs: 2,
          needsValueMinor: 10_000,
          lastNeedAt: daysAgo(100),
        },
        {
          customerId: 'c',
          orders: 1,
          revenueMinor: 5_000,
          lastOrderAt: '2025-07-30T00:00:00Z',
          needsByType: {},
          needs: 0,
          needsValueMinor: 0,
        },
      ],
      NOW,
      { maxTypeFeatures: 2 },
    );
    assert.deepEqual(table.ids, ['a', 'b', 'c']);
    // complaint (3) and spare_parts (2) are the top two types; quote (1) is cut; untyped is no type.
    assert.deepEqual(table.names, [
      'recency_days',
      'orders',
      'revenue',
      'needs',
      'needs_value_avg',
      'days_since_need',
      'need:complaint',
      'need:spare_parts',
    ]);
    assert.deepEqual(table.transforms, [
      'none',
      'log1p',
      'log1p',
      'log1p',
      'log1p',
      'none',
      'log1p',
      'log1p',
    ]);
    const row = (i: number) => Array.from(table.values.subarray(i * 8, i * 8 + 8));
    assert.deepEqual(row(0), [10, 4, 120_000, 9, 10_000, 2, 3, 1]);
    // b never ordered: recency = the observation window (100 days, b's last need) + 1 day.
    assert.deepEqual(row(1), [101, 0, 0, 2, 5_000, 100, 0, 1]);
    // c's last order is after `now` (0 days); c has no needs: days since need = window + 1.
    assert.deepEqual(row(2), [0, 1, 5_000, 0, 0, 101, 0, 0]);
  });

  it('ranks need types by their total over all customers, ties by name, whatever order they came in', () => {
    const customer = (customerId: string, needsByType: Record<string, number>) => ({
      customerId,
      orders: 0,
      revenueMinor: 0,
      needsByType,
      needs: Object.values(needsByType).reduce((a, b) => a + b, 0),
      needsValueMinor: 0,
      lastNeedAt: daysAgo(1),
    });
    // Totals: zeta 2, beta 2, alpha 2, gamma 3 (met in that order); untyped is no type.
    const table = customerFeatures(
      [customer('x', { zeta: 1, beta: 2 }), customer('y', { alpha: 2, zeta: 1, gamma: 3, untyped: 9 })],
      NOW,
      { maxTypeFeatures: 3 },
    );
    assert.deepEqual(table.names.slice(6), ['need:gamma', 'need:alpha', 'need:beta']);
    // Five ties met out of order come out by name.
    const tied = customerFeatures([customer('z', { c: 1, a: 1, e: 1, b: 1, d: 1 })], NOW, {
      maxTypeFeatures: 5,
    });
    assert.deepEqual(tied.names.slice(6), ['need:a', 'need:b', 'need:c', 'need:d', 'need:e']);
  });
});

describe('segments', () => {
  it('finds the three kinds of customers and labels them for what they are', () => {
    const activity = population(1);
    const result = segmentCustomers(customerFeatures(activity, NOW), { seed: 7 });
    assert.equal(result.chosenBy, 'silhouette');
    assert.equal(result.k, 3);
    assert.deepEqual(
      result.candidates.map((c) => c.k),
      [2, 3, 4, 5, 6, 7, 8],
    );
    const best = Math.max(...result.candidates.map((c) => c.silhouette));
    assert.equal(result.candidates.find((c) => c.k === 3)?.silhouette, best);
    for (const candidate of result.candidates) {
      assert.equal(
        candidate.sizes.reduce((a, b) => a + b, 0),
        activity.length,
      );
      assert.ok(candidate.inertia > 0 && candidate.iterations >= 1);
    }
    assert.equal(result.silhouetteSample, null);

    const segmentOf = (prefix: string) => {
      const ids = new Set(
        activity.flatMap((c, i) => (c.customerId.startsWith(prefix) ? [result.assignments[i]] : [])),
      );
      assert.equal(ids.size, 1, `all ${prefix} customers in one segment`);
      return result.segments[[...ids][0] as number] as (typeof result.segments)[number];
    };
    const champions = segmentOf('champion');
    const lapsed = segmentOf('lapsed');
    const regulars = segmentOf('regular');
    assert.equal(champions.label, 'recent, frequent, high value');
    assert.ok(lapsed.label.includes('lapsed') && lapsed.label.includes('low value'), lapsed.label);
    assert.ok(!regulars.label.includes('lapsed') && !regulars.label.includes('high value'), regulars.label);
    // Segments are numbered by size, the largest first.
    assert.deepEqual(
      result.segments.map((s) => [s.id, s.size]),
      [
        [0, 50],
        [1, 40],
        [2, 30],
      ],
    );
    assert.equal(lapsed.id, 0);
    // Centroids in original units: days, counts, whole minor units (the typical member).
    const within = (value: number | undefined, low: number, high: number) =>
      assert.ok(value !== undefined && value > low && value < high, `${value} in ${low}…${high}`);
    within(champions.centroid.recency_days, 2, 8);
    within(champions.centroid.orders, 20, 45);
    within(champions.centroid.revenue, 400_000, 900_000);
    assert.ok(Number.isInteger(champions.centroid.revenue));
    within(lapsed.centroid.recency_days, 250, 400);
    // The distinctive features are the standardised centroid's largest, with their sign.
    assert.equal(champions.distinctive.length, 3);
    assert.ok(champions.distinctive.every((f) => Math.abs(f.z) >= 0.5));
    assert.ok(champions.distinctive.some((f) => f.feature === 'recency_days' && f.z < 0));
    assert.equal(result.transforms.revenue, 'log1p');
    assert.equal(result.transforms.recency_days, 'none');
  });

  it('takes the k it is given, and samples the silhouette above the size it is told', () => {
    const activity = population(2);
    const result = segmentCustomers(customerFeatures(activity, NOW), {
      seed: 3,
      k: 4,
      silhouetteSampleAbove: 50,
    });
    assert.equal(result.chosenBy, 'given');
    assert.equal(result.k, 4);
    assert.equal(result.candidates.length, 1);
    assert.equal(result.segments.length, 4);
    assert.equal(result.silhouetteSample, 50);
    assert.ok(new Set(result.segments.map((s) => s.label)).size === 4, 'labels are unique');
    assert.deepEqual(
      segmentCustomers(customerFeatures(activity, NOW), { seed: 3, k: 4, silhouetteSampleAbove: 50 }),
      result,
    );
  });

  it('says when there are too few distinct customers instead of guessing', () => {
    const same = (id: string): CustomerActivity => ({
      customerId: id,
      orders: 2,
      revenueMinor: 10_000,
      lastOrderAt: daysAgo(5),
      needsByType: {},
      needs: 0,
      needsValueMinor: 0,
    });
    const twoKinds = [same('a'), same('b'), { ...same('c'), orders: 9 }];
    assert.throws(
      () => segmentCustomers(customerFeatures(twoKinds, NOW), { seed: 1 }),
      (error: unknown) =>
        error instanceof InsufficientDataError &&
        /2 distinct customers/.test(error.reason) &&
        /at least 3/.test(error.reason),
    );
    const fourKinds = [...twoKinds, { ...same('d'), orders: 20 }, { ...same('e'), orders: 40 }];
    assert.throws(
      () => segmentCustomers(customerFeatures(fourKinds, NOW), { seed: 1, k: 4 }),
      (error: unknown) =>
        error instanceof InsufficientDataError && /k = 4 needs at least 5/.test(error.reason),
    );
    // With 4 distinct customers, candidates stop at k = 3.
    const result = segmentCustomers(customerFeatures(fourKinds, NOW), { seed: 1 });
    assert.deepEqual(
      result.candidates.map((c) => c.k),
      [2, 3],
    );
    assert.throws(
      () =>
        segmentCustomers({ ids: ['a'], names: ['x'], values: Float64Array.from([Number.NaN]) }, { seed: 1 }),
      RangeError,
    );
  });
});

describe('standardising', () => {
  it('log-transforms long-tailed non-negative columns when the table does not say, z-scores, and maps back', () => {
    const random = seededRandom(5);
    const n = 500;
    const table: FeatureTable = {
      ids: Array.from({ length: n }, (_, i) => String(i)),
      names: ['spend', 'temperature', 'constant'],
      values: Float64Array.from({ length: n * 3 }, (_, index) =>
        index % 3 === 0
          ? Math.round(Math.exp(2 * gaussian(random) + 5))
          : index % 3 === 1
            ? 20 + 5 * gaussian(random)
            : 7,
      ),
    };
    const transforms = chooseTransforms(table);
    assert.deepEqual(transforms, ['log1p', 'none', 'none']);
    const { values, scaling } = standardise(table, transforms);
    for (let t = 0; t < 3; t++) {
      const column = Array.from({ length: n }, (_, i) => values[i * 3 + t] as number);
      const mean = column.reduce((a, b) => a + b, 0) / n;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      assert.ok(Math.abs(mean) < 1e-9);
      assert.ok(Math.abs(variance - (t === 2 ? 0 : 1)) < 1e-9, `column ${t}`);
    }
    // Back to original units, row by row.
    const back = toOriginal(scaling, values, 7 * 3);
    for (let t = 0; t < 3; t++)
      assert.ok(Math.abs((back[t] as number) - (table.values[7 * 3 + t] as number)) < 1e-6);
    // A column with negatives is no count: left linear whatever its skew.
    const skewedWithNegative: FeatureTable = {
      ids: ['a', 'b', 'c', 'd'],
      names: ['x'],
      values: Float64Array.from([-1, 0, 0, 100]),
    };
    assert.deepEqual(chooseTransforms(skewedWithNegative), ['none']);
  });
});

describe('segment labels', () => {
  it('reads the most distinctive features in column order, in words', () => {
    const features = [
      'recency_days',
      'orders',
      'revenue',
      'needs',
      'needs_value_avg',
      'days_since_need',
      'need:complaint',
      'spend',
    ];
    assert.deepEqual(
      segmentLabels(features, [
        [-1.2, 1.5, 2.0, 0.1, 0, 0, 0, 0],
        [1.8, -0.9, -1.1, 0.2, 0, 0, 0.3, 0],
        [0.1, 0.2, 0, 0.3, 0.6, -0.2, 2.2, 0],
        [0.1, 0.1, 0.1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, -0.8],
      ]),
      [
        'recent, frequent, high value',
        'lapsed, infrequent, low value',
        'large needs, many complaint needs',
        'typical',
        'low spend',
      ],
    );
    assert.equal(describeFeature('need:spare_parts', 1), 'many spare parts needs');
    assert.equal(describeFeature('need:complaint', -1), null);
    assert.equal(describeFeature('days_since_need', -1), 'recent needs');
  });

  it('never gives two segments the same label', () => {
    const labels = segmentLabels(
      ['recency_days', 'orders', 'revenue'],
      [
        [-1, 0, 0.3],
        [-1, 0, -0.3],
        [-1, 0, 0],
      ],
    );
    assert.deepEqual(labels, ['recent', 'recent, low value', 'recent (3)']);
  });
});
