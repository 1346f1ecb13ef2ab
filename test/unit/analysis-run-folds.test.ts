import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTime, encodeTime, ulid } from 'ulid';
import { describe, it } from 'vitest';
import { seededRandom } from '../../functions/analysis/random';
import { CustomerActivityFold } from '../../functions/analysis/runs/fold-customers';
import { TextReservoir } from '../../functions/analysis/runs/fold-texts';
import { WeeklyCounts } from '../../functions/analysis/runs/fold-weeks';
import { OpenNeedsFold } from '../../functions/analysis/runs/open-needs';
import {
  cutSegments,
  MAX_SEGMENTS,
  type PartitionRead,
  segmentCount,
} from '../../functions/analysis/runs/read-segments';
import { type NeedRow, needRowOf, orderRowOf } from '../../functions/analysis/runs/read-sources';
import { storable } from '../../functions/analysis/runs/store-results';

/** What a run keeps of what it reads (functions/analysis/runs/fold-*.ts), and how it cuts a partition. */
const read = (kind: 'instant' | 'ulid'): PartitionRead => ({
  source: 'test',
  tableName: 't',
  partitionKey: { name: 'pk', value: 'p' },
  sortKey: 'sk',
  attributes: ['id'],
  ...(kind === 'instant'
    ? {
        timeOf: (sk: string) => Date.parse(sk.slice(0, sk.indexOf('#'))),
        cutAt: (ms: number) => new Date(ms).toISOString(),
      }
    : { timeOf: (sk: string) => decodeTime(sk), cutAt: (ms: number) => encodeTime(ms, 10) }),
});

describe('cutting a partition into time segments', () => {
  const inSegment = (key: string, s: { low: string; high: string }) => key >= s.low && key <= s.high;

  it('puts every key in exactly one segment, whatever the keys and the count (instant#id and ULID keys)', () => {
    const EPOCH_2020 = Date.UTC(2020, 0, 1);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 * 365 * 86_400_000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (offsets, count, instants) => {
          const keys = offsets
            .map((o, i) =>
              instants
                ? `${new Date(EPOCH_2020 + o).toISOString()}#${ulid(EPOCH_2020 + o)}${i}`
                : ulid(EPOCH_2020 + o),
            )
            .sort();
          const segments = cutSegments(
            read(instants ? 'instant' : 'ulid'),
            keys[0] as string,
            keys.at(-1) as string,
            count,
          );
          assert.ok(segments.length >= 1 && segments.length <= count);
          for (const key of keys) assert.equal(segments.filter((s) => inSegment(key, s)).length, 1, key);
        },
      ),
    );
  });

  it('cuts at equal spans of time between the first and the last key', () => {
    const segments = cutSegments(
      read('instant'),
      '2026-01-01T00:00:00.000Z#a',
      '2026-01-05T00:00:00.000Z#b',
      4,
    );
    assert.deepEqual(
      segments.map((s) => [s.low, s.high]),
      [
        ['2026-01-01T00:00:00.000Z#a', '2026-01-02T00:00:00.000Z'],
        ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'],
        ['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'],
        ['2026-01-04T00:00:00.000Z', '2026-01-05T00:00:00.000Z#b'],
      ],
    );
  });

  it('cuts by the expected count: one segment per 20,000 items, at most 32; 4 when unknown', () => {
    assert.equal(segmentCount(0), 1);
    assert.equal(segmentCount(20_000), 1);
    assert.equal(segmentCount(20_001), 2);
    assert.equal(segmentCount(10_000_000), MAX_SEGMENTS);
    assert.equal(segmentCount(undefined), 4);
  });
});

describe('the classifier’s sample of labelled texts', () => {
  it('keeps every text while they fit under the cap', () => {
    const reservoir = new TextReservoir(seededRandom(1), 100);
    for (let i = 0; i < 60; i++) reservoir.add(i % 3 === 0 ? 'a' : 'b', `t${i}`);
    assert.equal(reservoir.samples().length, 60);
    assert.equal(reservoir.sampled, false);
  });

  it('past the cap, keeps the rare types whole and shares the rest equally (water-filling)', () => {
    const reservoir = new TextReservoir(seededRandom(2), 1000);
    const seen: Record<string, number> = { rare: 50, common: 5000, frequent: 20_000 };
    const order = Object.entries(seen).flatMap(([label, n]) =>
      Array.from({ length: n }, (_, i) => [label, i] as const),
    );
    for (const [label, i] of order.sort(
      (x, y) => ((x[1] * 7919 + x[0].length) % 997) - ((y[1] * 7919 + y[0].length) % 997),
    ))
      reservoir.add(label, `${label}-${i}`);
    const counts = reservoir.counts();
    assert.deepEqual(counts.rare, { seen: 50, kept: 50 });
    assert.deepEqual(counts.common, { seen: 5000, kept: 475 });
    assert.deepEqual(counts.frequent, { seen: 20_000, kept: 475 });
    const texts = reservoir.samples();
    assert.equal(new Set(texts.map((s) => s.text)).size, texts.length, 'no text twice');
    assert.ok(texts.every((s) => s.text.startsWith(`${s.label}-`)));
    assert.equal(reservoir.sampled, true);
  });

  it('samples a type uniformly: the kept needs are spread over all it saw', () => {
    const reservoir = new TextReservoir(seededRandom(4), 1000);
    for (let i = 0; i < 20_000; i++) reservoir.add('only', String(i));
    const kept = reservoir.samples().map((s) => Number(s.text));
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    // A uniform sample of 1,000 from 0…19,999: mean 10,000, standard error ≈ 183.
    assert.ok(Math.abs(mean - 10_000) < 4 * 183, `mean ${mean}`);
    assert.ok(kept.filter((i) => i >= 15_000).length > 150, 'late needs get in too');
  });
});

describe('weekly counts', () => {
  it('counts a need in its week in the tenant’s zone, per type and per category, to the last complete week', () => {
    const weeks = new WeeklyCounts('Europe/Berlin');
    // Sunday 23:30 UTC is Monday 00:30 in Berlin: the next ISO week there.
    weeks.add('2026-01-04T23:30:00.000Z', 'complaint', ['machines']);
    weeks.add('2026-01-01T10:00:00.000Z', 'complaint', []);
    weeks.add('2026-01-20T10:00:00.000Z', undefined, ['machines', 'blades']);
    // In the week of "now": not complete, not counted.
    weeks.add('2026-02-02T10:00:00.000Z', 'complaint', []);
    const series = weeks.series(new Date('2026-02-04T12:00:00Z'));
    assert.deepEqual(series, [
      { key: 'category:blades', firstWeek: '2026-W04', counts: [1, 0] },
      { key: 'category:machines', firstWeek: '2026-W02', counts: [1, 0, 1, 0] },
      { key: 'type:complaint', firstWeek: '2026-W01', counts: [1, 1, 0, 0, 0] },
      { key: 'type:untyped', firstWeek: '2026-W04', counts: [1, 0] },
    ]);
  });

  it('leaves out a series whose only needs are in the current week', () => {
    const weeks = new WeeklyCounts('UTC');
    weeks.add('2026-02-03T10:00:00.000Z', 'new', []);
    assert.deepEqual(weeks.series(new Date('2026-02-04T12:00:00Z')), []);
  });
});

describe('customer activity', () => {
  it('sums orders and needs per customer, money in the currency most orders are in', () => {
    const fold = new CustomerActivityFold();
    fold.slot('quiet');
    fold.addOrder('a', '2026-01-01T00:00:00.000Z', { amountMinor: 1000, currency: 'EUR' });
    fold.addOrder('a', '2026-02-01T00:00:00.000Z', { amountMinor: 500, currency: 'EUR' });
    fold.addOrder('a', '2026-01-15T00:00:00.000Z', { amountMinor: 99_999, currency: 'USD' });
    fold.addNeed('a', '2026-01-10T00:00:00.000Z', 'complaint', { amountMinor: 300, currency: 'EUR' });
    fold.addNeed('a', '2026-01-05T00:00:00.000Z', undefined, undefined);
    assert.equal(fold.mainCurrency(), 'EUR');
    assert.deepEqual(fold.activity(), [
      { customerId: 'quiet', orders: 0, revenueMinor: 0, needsByType: {}, needs: 0, needsValueMinor: 0 },
      {
        customerId: 'a',
        orders: 3,
        revenueMinor: 1500,
        lastOrderAt: '2026-02-01T00:00:00.000Z',
        needsByType: { complaint: 1, untyped: 1 },
        needs: 2,
        needsValueMinor: 300,
        lastNeedAt: '2026-01-10T00:00:00.000Z',
      },
    ]);
  });

  it('counts no needs’ value when no valued need is in the main currency (others are not converted)', () => {
    const fold = new CustomerActivityFold();
    fold.addOrder('a', '2026-01-01T00:00:00.000Z', { amountMinor: 700, currency: 'EUR' });
    fold.addNeed('a', '2026-01-02T00:00:00.000Z', 'complaint', { amountMinor: 300, currency: 'USD' });
    assert.equal(fold.mainCurrency(), 'EUR');
    assert.deepEqual(fold.activity(), [
      {
        customerId: 'a',
        orders: 1,
        revenueMinor: 700,
        lastOrderAt: '2026-01-01T00:00:00.000Z',
        needsByType: { complaint: 1 },
        needs: 1,
        needsValueMinor: 0,
        lastNeedAt: '2026-01-02T00:00:00.000Z',
      },
    ]);
  });

  it('grows its columns past their first size without losing what they held', () => {
    const fold = new CustomerActivityFold();
    for (let i = 0; i < 5000; i++) fold.addNeed(`c${i}`, '2026-01-01T00:00:00.000Z', `t${i % 3}`, undefined);
    for (let i = 0; i < 5000; i++) fold.addNeed(`c${i}`, '2026-01-02T00:00:00.000Z', 't0', undefined);
    const activity = fold.activity();
    assert.equal(activity.length, 5000);
    assert.ok(activity.every((a) => a.needs === 2));
    assert.deepEqual(activity[4998]?.needsByType, { t0: 2 });
    assert.deepEqual(activity[4999]?.needsByType, { t0: 1, t1: 1 });
    assert.equal(fold.mainCurrency(), undefined);
  });
});

describe('open needs per segment', () => {
  const need = (
    id: string,
    customerId: string,
    amount?: number,
    currency = 'EUR',
    answered = false,
  ): NeedRow => ({
    id,
    customerId,
    title: id,
    receivedAt: '2026-01-01T00:00:00.000Z',
    productIds: [],
    answered,
    ...(amount === undefined ? {} : { value: { amountMinor: amount, currency } }),
  });

  it('keeps a customer’s three largest unanswered needs, and ranks a segment’s main currency first', () => {
    const fold = new OpenNeedsFold();
    for (const [id, amount] of [
      ['n1', 10],
      ['n2', 50],
      ['n3', 30],
      ['n4', 40],
      ['n5', 5],
    ] as const)
      fold.add(need(id, 'a', amount));
    fold.add(need('answered', 'a', 1_000_000, 'EUR', true));
    fold.add(need('usd', 'b', 999, 'USD'));
    fold.add(need('none', 'b'));
    fold.add(need('other', 'c', 20));
    const lists = fold.bySegment(['a', 'b', 'c'], [0, 0, 1], 2, 'EUR');
    assert.deepEqual(
      lists.map((l) => l.map((n) => n.needId)),
      [['n2', 'n4', 'n3', 'usd', 'none'], ['other']],
    );
  });

  it('puts a need valued at nothing before one without a value when keeping a customer’s three', () => {
    const fold = new OpenNeedsFold();
    for (const id of ['u1', 'u2', 'u3']) fold.add(need(id, 'a'));
    fold.add(need('zero', 'a', 0));
    const [list] = fold.bySegment(['a'], [0], 1, 'EUR');
    assert.ok(
      list?.some((n) => n.needId === 'zero'),
      JSON.stringify(list?.map((n) => n.needId)),
    );
    assert.equal(list?.length, 3);
  });

  it('orders needs of the same rank and value by need id, whatever order they were read in', () => {
    const fold = new OpenNeedsFold();
    fold.add(need('n3', 'a', 10));
    fold.add(need('m2', 'a'));
    fold.add(need('n1', 'b', 10));
    fold.add(need('m1', 'b'));
    fold.add(need('n2', 'c', 10));
    const lists = fold.bySegment(['a', 'b', 'c'], [0, 0, 0], 1, 'EUR');
    assert.deepEqual(
      lists.map((l) => l.map((n) => n.needId)),
      [['n1', 'n2', 'n3', 'm1', 'm2']],
    );
  });
});

describe('what is stored', () => {
  it('has no NaN or Infinity (DynamoDB has none), lists for typed arrays, bytes as bytes', () => {
    const bytes = new Uint8Array([1, 2]);
    assert.deepEqual(
      storable({
        a: Number.NaN,
        b: [1, Number.POSITIVE_INFINITY],
        c: new Int32Array([3]),
        d: bytes,
        e: undefined,
      }),
      {
        a: null,
        b: [1, null],
        c: [3],
        d: bytes,
      },
    );
  });
});

describe('what a run takes of a need it reads', () => {
  // Raw items as a Query returns them (DynamoDB's AttributeValue maps), with only the attributes asked for.
  const base = {
    id: { S: 'n1' },
    customerId: { S: 'c1' },
    title: { S: 'Worn blades' },
    receivedAt: { S: '2026-01-01T00:00:00.000Z' },
  };

  it('takes its type, description, value, products, and whether an order answers it', () => {
    const row = needRowOf({
      ...base,
      type: { S: 'spare_parts' },
      description: { S: 'Two sets, soon' },
      estimatedValue: { M: { amountMinor: { N: '1250' }, currency: { S: 'EUR' } } },
      productIds: { L: [{ S: 'p1' }, { S: 'p2' }] },
      orderIds: { L: [{ S: 'o1' }] },
    });
    assert.deepEqual(row, {
      id: 'n1',
      customerId: 'c1',
      type: 'spare_parts',
      title: 'Worn blades',
      description: 'Two sets, soon',
      receivedAt: '2026-01-01T00:00:00.000Z',
      value: { amountMinor: 1250, currency: 'EUR' },
      productIds: ['p1', 'p2'],
      answered: true,
    });
  });

  it('leaves out what the need does not have; an empty list of orders does not answer it', () => {
    const bare = { id: 'n1', customerId: 'c1', title: 'Worn blades', receivedAt: '2026-01-01T00:00:00.000Z' };
    assert.deepEqual(needRowOf(base), { ...bare, productIds: [], answered: false });
    assert.deepEqual(needRowOf({ ...base, orderIds: { L: [] } }), {
      ...bare,
      productIds: [],
      answered: false,
    });
    // A need stored without a title (imported history may lack one) reads as an empty title.
    const { title: _title, ...untitled } = base;
    assert.equal(needRowOf(untitled).title, '');
  });
});

describe('an order as a run reads it', () => {
  const order = {
    id: { S: 'o1' },
    customerId: { S: 'c1' },
    createdAt: { S: '2026-01-02T00:00:00.000Z' },
    currency: { S: 'EUR' },
  };

  it('takes its total from its totals and each product of its lines once', () => {
    const line = (productId: string) => ({ M: { productId: { S: productId }, quantity: { N: '1' } } });
    const row = orderRowOf({
      ...order,
      totals: { M: { subtotalMinor: { N: '9000' }, discountMinor: { N: '500' }, totalMinor: { N: '8500' } } },
      lines: { L: [line('p1'), line('p2'), line('p1'), { M: { sku: { S: 'NO-PRODUCT' } } }] },
    });
    assert.deepEqual(row, {
      id: 'o1',
      customerId: 'c1',
      createdAt: '2026-01-02T00:00:00.000Z',
      currency: 'EUR',
      totalMinor: 8500,
      productIds: ['p1', 'p2'],
    });
  });

  it('counts an order without totals or lines as zero, with no products', () => {
    assert.deepEqual(orderRowOf(order), {
      id: 'o1',
      customerId: 'c1',
      createdAt: '2026-01-02T00:00:00.000Z',
      currency: 'EUR',
      totalMinor: 0,
      productIds: [],
    });
  });
});
