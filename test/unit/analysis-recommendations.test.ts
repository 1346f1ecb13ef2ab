import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CooccurrenceCounter, type Measure } from '../../functions/analysis/recommendations/cooccurrence';
import { mostTelling, purchaseHistory } from '../../functions/analysis/recommendations/history';
import type { Basket, CooccurrenceModel } from '../../functions/analysis/recommendations/model';
import { PairCounts } from '../../functions/analysis/recommendations/pair-counts';
import { recommendProducts } from '../../functions/analysis/recommendations/recommend';
import { TopNeighbours } from '../../functions/analysis/recommendations/top-neighbours';

const basket = (items: string[], i = 0): Basket => ({
  customerId: `c${i}`,
  orderId: `o${i}`,
  at: '2024-01-01T00:00:00.000Z',
  items,
});

function modelOf(baskets: string[][], options: Parameters<CooccurrenceCounter['model']>[0] = {}) {
  const counter = new CooccurrenceCounter();
  baskets.forEach((items, i) => {
    counter.add(basket(items, i));
  });
  return counter.model(options);
}

// n(A) = 4, n(B) = 3, n(C) = 3, n(D) = 1; together: AB 2, AC 2, BC 2, AD 1 (below the support floor).
const SMALL = [
  ['A', 'B', 'C'],
  ['A', 'B'],
  ['A', 'C'],
  ['A', 'D'],
  ['B', 'C'],
];

describe('PairCounts', () => {
  it('counts unordered pairs as a Map would, through many growths', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(300), fc.nat(300)), { maxLength: 3000 }), (pairs) => {
        const counts = new PairCounts();
        const reference = new Map<string, number>();
        for (const [a, b] of pairs) {
          if (a === b) continue;
          counts.increment(a, b);
          const key = `${Math.min(a, b)},${Math.max(a, b)}`;
          reference.set(key, (reference.get(key) ?? 0) + 1);
        }
        const seen = new Map<string, number>();
        counts.forEach((a, b, count) => {
          assert.ok(a < b);
          seen.set(`${a},${b}`, count);
        });
        assert.deepEqual(seen, reference);
        assert.equal(counts.size, reference.size);
      }),
      { numRuns: 50 },
    );
  });

  it('finds a pair again after the table grew: every pair once, with all its counts', () => {
    // 140 ids give 9,730 pairs: the 4,096-slot table grows twice (to 16,384 slots) while they are
    // added, and every pair is then counted twice more, each found where the growth moved it.
    const ids = 140;
    const counts = new PairCounts();
    for (let round = 0; round < 3; round++)
      for (let a = 0; a < ids; a++) for (let b = a + 1; b < ids; b++) counts.increment(b, a);
    const visits = new Map<string, number[]>();
    counts.forEach((a, b, count) => {
      const key = `${a},${b}`;
      visits.set(key, [...(visits.get(key) ?? []), count]);
    });
    assert.equal(counts.size, (ids * (ids - 1)) / 2);
    assert.equal(visits.size, (ids * (ids - 1)) / 2);
    for (const [key, seen] of visits) assert.deepEqual(seen, [3], key);
  });
});

describe('TopNeighbours', () => {
  it('keeps the best by score, then by the smaller id, whatever the order of the offers', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(1000), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 200, maxLength: 200 }),
        fc.nat(60),
        (ids, scores, capacity) => {
          const top = new TopNeighbours(capacity);
          const offers = ids.map((id, i) => ({ id, score: scores[i] as number }));
          for (const offer of offers) top.offer(offer.id, offer.score);
          const expected = [...offers].sort((x, y) => y.score - x.score || x.id - y.id).slice(0, capacity);
          assert.deepEqual(top.sorted(), expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('CooccurrenceCounter', () => {
  it('scores pairs by each measure as computed by hand, above the support floor only', () => {
    const expected: Record<Measure, { AB: number; AC: number; BC: number }> = {
      jaccard: { AB: 2 / 5, AC: 2 / 5, BC: 2 / 4 },
      cosine: { AB: 2 / Math.sqrt(12), AC: 2 / Math.sqrt(12), BC: 2 / 3 },
      lift: { AB: (2 * 5) / 12, AC: (2 * 5) / 12, BC: (2 * 5) / 9 },
      count: { AB: 2, AC: 2, BC: 2 },
    };
    for (const [measure, score] of Object.entries(expected) as [Measure, (typeof expected)['jaccard']][]) {
      const { neighbours } = modelOf(SMALL, { measure });
      const near = (pair: keyof typeof score) => Math.round(score[pair] * 1e6) / 1e6;
      const of = (item: string) => Object.fromEntries((neighbours[item] ?? []).map((n) => [n.item, n.score]));
      assert.deepEqual(of('A'), { B: near('AB'), C: near('AC') }, measure);
      assert.deepEqual(of('B'), { A: near('AB'), C: near('BC') }, measure);
      assert.deepEqual(of('C'), { A: near('AC'), B: near('BC') }, measure);
      assert.equal(neighbours.D, undefined, 'A and D were bought together once: below the floor of 2');
    }
  });

  it('ranks neighbours best first, ties by product id, and the popular products by orders', () => {
    const model = modelOf(SMALL);
    assert.deepEqual(model.neighbours.A, [
      { item: 'B', score: 0.4 },
      { item: 'C', score: 0.4 },
    ]);
    assert.deepEqual(model.neighbours.B, [
      { item: 'C', score: 0.5 },
      { item: 'A', score: 0.4 },
    ]);
    assert.deepEqual(model.popular, [
      { item: 'A', orders: 4 },
      { item: 'B', orders: 3 },
      { item: 'C', orders: 3 },
      { item: 'D', orders: 1 },
    ]);
    assert.equal(model.baskets, 5);
    assert.deepEqual(modelOf(SMALL, { minSupport: 1 }).neighbours.D, [{ item: 'A', score: 0.25 }]);
  });

  it('gives the same model whatever order the baskets come in', () => {
    const baskets = [...SMALL, ['E', 'B'], ['E', 'C'], ['E', 'B', 'C'], ['D', 'E']];
    assert.deepEqual(modelOf([...baskets].reverse()), modelOf(baskets));
  });

  it('keeps at most maxNeighbours per product', () => {
    const wide = Array.from({ length: 3 }, () => 'ABCDEFGHIJ'.split(''));
    const model = modelOf(wide, { maxNeighbours: 4 });
    assert.deepEqual(
      model.neighbours.A?.map((n) => n.item),
      ['B', 'C', 'D', 'E'],
    );
    assert.ok(Object.values(model.neighbours).every((list) => list.length === 4));
  });

  it('does not let a best-seller top every list once normalised, where raw counts do', () => {
    // X is in every basket; P is bought with Q three times out of its five.
    const baskets = [
      ...Array.from({ length: 3 }, () => ['P', 'Q', 'X']),
      ...Array.from({ length: 2 }, () => ['P', 'X']),
      ...Array.from({ length: 15 }, (_, i) => ['X', `Y${i % 5}`]),
    ];
    assert.equal(modelOf(baskets, { measure: 'count' }).neighbours.P?.[0]?.item, 'X');
    for (const measure of ['jaccard', 'cosine'] as const)
      assert.equal(modelOf(baskets, { measure }).neighbours.P?.[0]?.item, 'Q', measure);
  });

  it('counts a basket above the size cap for popularity, not for pairs', () => {
    const counter = new CooccurrenceCounter({ maxBasketItems: 3 });
    counter.add(basket(['A', 'B']));
    counter.add(basket(['A', 'B']));
    counter.add(basket(['A', 'B', 'C', 'D']));
    const model = counter.model();
    assert.equal(counter.oversized, 1);
    assert.equal(counter.distinctPairs, 1);
    assert.equal(model.baskets, 3);
    assert.deepEqual(model.popular.slice(0, 2), [
      { item: 'A', orders: 3 },
      { item: 'B', orders: 3 },
    ]);
    // Normalised by the baskets whose pairs were counted: A and B always together, score 1.
    assert.deepEqual(model.neighbours.A, [{ item: 'B', score: 1 }]);
  });

  it('grows with distinct pairs, not with baskets', () => {
    const counter = new CooccurrenceCounter();
    const items = Array.from({ length: 20 }, (_, i) => `P${i}`);
    for (let i = 0; i < 20_000; i++)
      counter.add(basket([items[i % 20], items[(i * 7 + 3) % 20], items[(i * 13 + 5) % 20]] as string[]));
    assert.ok(counter.distinctPairs <= (20 * 19) / 2, `${counter.distinctPairs} pairs`);
    assert.equal(counter.model().baskets, 20_000);
  });

  it('counts a product listed twice in a basket once', () => {
    const model = modelOf([
      ['A', 'A', 'B'],
      ['A', 'B'],
    ]);
    assert.deepEqual(model.popular, [
      { item: 'A', orders: 2 },
      { item: 'B', orders: 2 },
    ]);
    assert.deepEqual(model.neighbours.A, [{ item: 'B', score: 1 }]);
  });
});

describe('recommendProducts', () => {
  const model: Pick<CooccurrenceModel, 'neighbours' | 'popular'> = {
    neighbours: {
      A: [
        { item: 'B', score: 0.5 },
        { item: 'C', score: 0.4 },
        { item: 'D', score: 0.1 },
      ],
      B: [
        { item: 'A', score: 0.5 },
        { item: 'C', score: 0.3 },
      ],
      E: [{ item: 'F', score: 0.2 }],
    },
    popular: ['A', 'E', 'C', 'F', 'G'].map((item, i) => ({ item, orders: 10 - i })),
  };
  const history = [
    { item: 'A', orders: 2, lastAt: '2024-01-05T00:00:00.000Z' },
    { item: 'B', orders: 1, lastAt: '2024-01-02T00:00:00.000Z' },
  ];

  it('sums the votes of what the customer bought, leaving out what they buy regularly (in 2 orders or more)', () => {
    assert.deepEqual(recommendProducts(model, history, { limit: 3 }), [
      { item: 'C', score: 0.7, because: ['A', 'B'] },
      { item: 'B', score: 0.5, because: ['A'] },
      { item: 'D', score: 0.1, because: ['A'] },
    ]);
  });

  it('fills the list with popular products the customer never bought, score 0 and no reason', () => {
    assert.deepEqual(
      recommendProducts(model, history).map((r) => [r.item, r.score, r.because.length]),
      [
        ['C', 0.7, 2],
        ['B', 0.5, 1],
        ['D', 0.1, 1],
        ['E', 0, 0],
        ['F', 0, 0],
        ['G', 0, 0],
      ],
    );
  });

  it('leaves out everything bought with regularMinOrders 1', () => {
    assert.deepEqual(
      recommendProducts(model, history, { regularMinOrders: 1 }).map((r) => r.item),
      ['C', 'D', 'E', 'F', 'G'],
    );
  });

  it('gives a new customer the popular products', () => {
    assert.deepEqual(recommendProducts(model, [], { limit: 2 }), [
      { item: 'A', score: 0, because: [] },
      { item: 'E', score: 0, because: [] },
    ]);
  });

  it('names at most three reasons, strongest first', () => {
    const many = {
      neighbours: Object.fromEntries(
        ['P', 'Q', 'R', 'S'].map((item, i) => [item, [{ item: 'T', score: (i + 1) / 10 }]]),
      ),
      popular: [],
    };
    const bought = ['P', 'Q', 'R', 'S'].map((item) => ({
      item,
      orders: 1,
      lastAt: '2024-01-01T00:00:00.000Z',
    }));
    assert.deepEqual(recommendProducts(many, bought), [{ item: 'T', score: 1, because: ['S', 'R', 'Q'] }]);
  });
});

describe('purchaseHistory', () => {
  const line = (productId: string) => ({ productId });
  it('counts each product once per order, keeps its last date, and ignores rejected and cancelled orders', () => {
    const history = purchaseHistory([
      { status: 'CLOSED', createdAt: '2024-01-02T00:00:00.000Z', lines: [line('A'), line('A'), line('B')] },
      { status: 'SUBMITTED', createdAt: '2024-01-05T00:00:00.000Z', lines: [line('A')] },
      { status: 'CLOSED', createdAt: '2024-01-01T00:00:00.000Z', lines: [line('A')] },
      { status: 'REJECTED', createdAt: '2024-01-06T00:00:00.000Z', lines: [line('C')] },
      { status: 'CANCELLED', createdAt: '2024-01-07T00:00:00.000Z', lines: [line('B')] },
    ]);
    assert.deepEqual(history, [
      { item: 'A', orders: 3, lastAt: '2024-01-05T00:00:00.000Z' },
      { item: 'B', orders: 1, lastAt: '2024-01-02T00:00:00.000Z' },
    ]);
  });

  it('picks the products bought most often, then most recently', () => {
    const history = [
      { item: 'A', orders: 1, lastAt: '2024-01-01T00:00:00.000Z' },
      { item: 'B', orders: 3, lastAt: '2024-01-01T00:00:00.000Z' },
      { item: 'C', orders: 1, lastAt: '2024-01-09T00:00:00.000Z' },
      { item: 'D', orders: 1, lastAt: '2024-01-01T00:00:00.000Z' },
    ];
    assert.deepEqual(
      mostTelling(history, 3).map((h) => h.item),
      ['B', 'C', 'A'],
    );
  });
});
