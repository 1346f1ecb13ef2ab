import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { evaluateHoldout } from '../../functions/analysis/recommendations/holdout';
import type { Basket } from '../../functions/analysis/recommendations/model';

let orders = 0;
const bought = (customerId: string, day: number, items: string[]): Basket => ({
  customerId,
  orderId: `o${++orders}`,
  at: new Date(Date.UTC(2024, 0, day, 12)).toISOString(),
  items,
});

/**
 * P and Q go together; Z is the best-seller, bought alone. Before the holdout (from 24 January):
 * u and v bought P, r bought Z. Within: u buys Q (new), v buys W (new, bought with P only within
 * the holdout: the model must not know it), r buys Z again (nothing new), x is new altogether.
 */
const BASKETS: Basket[] = [
  ...['c1', 'c2', 'c3'].map((c, i) => bought(c, 2 + i, ['P', 'Q'])),
  ...['c4', 'c5', 'c6', 'c7', 'c8'].map((c, i) => bought(c, 2 + i, ['Z'])),
  bought('u', 5, ['P']),
  bought('v', 6, ['P']),
  bought('r', 7, ['Z']),
  bought('u', 26, ['Q']),
  bought('v', 27, ['W']),
  bought('x', 28, ['P', 'W']),
  bought('r', 29, ['Z']),
  bought('x', 31, ['P', 'W']),
];

describe('evaluateHoldout', () => {
  it('learns from the baskets before the holdout and scores the new products bought within', () => {
    const figures = evaluateHoldout(BASKETS, { holdoutDays: 7, k: 1 });
    assert.equal(figures.cutoff, '2024-01-24T12:00:00.000Z');
    assert.equal(figures.from, '2024-01-02T12:00:00.000Z');
    assert.equal(figures.to, '2024-01-31T12:00:00.000Z');
    assert.equal(figures.baskets, 16);
    assert.equal(figures.trainingBaskets, 11);
    assert.equal(figures.holdoutBaskets, 5);
    assert.equal(figures.items, 4);
    assert.equal(figures.customers, 12);
    // u and v; r bought nothing new; x bought nothing before.
    assert.equal(figures.evaluated, 2);
    assert.equal(figures.repeatOnly, 1);
    // u gets Q (bought with its P) and buys it; v gets Q too, but buys W, which training never saw.
    assert.deepEqual(figures.recommender, { hits: 1, hitRate: 0.5 });
    // Popularity offers both the best-seller they have not bought, Z: no hit.
    assert.deepEqual(figures.popularity, { hits: 0, hitRate: 0 });
    assert.equal(figures.distinctPairs, 1);
  });

  it('lets popularity find a new product further down its list', () => {
    const figures = evaluateHoldout(BASKETS, { holdoutDays: 7, k: 3 });
    // Popularity's list for u and for v: Z, Q (W was not bought before the holdout). u buys Q.
    assert.deepEqual(figures.popularity, { hits: 1, hitRate: 0.5 });
    assert.deepEqual(figures.recommender, { hits: 1, hitRate: 0.5 });
  });

  it('gives popularity exactly k places: with k = 2, the second unbought best-seller counts', () => {
    const figures = evaluateHoldout(BASKETS, { holdoutDays: 7, k: 2 });
    // u's list and v's: Z, Q, both places taken by products. u buys Q, its second.
    assert.deepEqual(figures.popularity, { hits: 1, hitRate: 0.5 });
  });

  it('evaluates no one when the holdout covers all the data', () => {
    const figures = evaluateHoldout(BASKETS, { holdoutDays: 30 });
    assert.equal(figures.trainingBaskets, 0);
    assert.equal(figures.evaluated, 0);
    assert.equal(figures.recommender.hitRate, null);
    assert.equal(figures.popularity.hitRate, null);
  });

  it('reports nothing for no baskets', () => {
    const figures = evaluateHoldout([]);
    assert.equal(figures.cutoff, null);
    assert.equal(figures.baskets, 0);
    assert.equal(figures.evaluated, 0);
  });
});
