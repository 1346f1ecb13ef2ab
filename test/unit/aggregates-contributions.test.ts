import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { AggregateUpdate } from '../../functions/aggregates/contributions';
import { contribution } from '../../functions/aggregates/contributions';
import { deltas } from '../../functions/aggregates/deltas';
import { type Image, readImage } from '../../functions/aggregates/images';
import { shardOf } from '../../functions/aggregates/keys';
import { ORDER_STATUSES } from '../../functions/orders/status';
import { defaultZoneHistory, type ZoneHistory } from '../../functions/settings/time-zone';
import { needItem, type OrderFields, orderItem } from '../support/sales-items';

const T = 'acme';
const UTC = defaultZoneHistory();
const BERLIN: ZoneHistory = [{ timeZone: 'Europe/Berlin', from: '1970-01-01T00:00:00.000Z' }];

const image = (item: Record<string, unknown>): Image => {
  const { image, unreadable } = readImage(item);
  assert.ok(image, unreadable);
  return image;
};

/** `family period dimension period-value group` → measures, shards summed away. */
function view(updates: AggregateUpdate[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { pk, sk, add } of updates) {
    const [, , , family, period, dimension] = pk.split('#');
    const key = `${family} ${period} ${dimension} ${sk.replace('#', ' ')}`;
    const sum = out[key] ?? {};
    out[key] = sum;
    for (const [name, value] of Object.entries(add)) sum[name] = (sum[name] ?? 0) + value;
  }
  return out;
}
const only = (updates: AggregateUpdate[], prefix: string) =>
  Object.fromEntries(Object.entries(view(updates)).filter(([key]) => key.startsWith(prefix)));

const need = (fields: Partial<Parameters<typeof needItem>[1]> = {}) =>
  needItem(T, { id: '01JNEED0000000000000000001', receivedAt: '2026-03-31T22:30:00.000Z', ...fields });

const ORDER: OrderFields = {
  id: '01JORDER000000000000000001',
  customerId: '01JCUST0000000000000000001',
  customerCountry: 'DE',
  status: 'SUBMITTED',
  createdAt: '2026-03-31T22:30:00.000Z',
  lines: [
    { sku: 'A-1', category: 'Tools', quantity: 2, lineTotalMinor: 1_000 },
    { sku: 'B-2', category: 'Tools', quantity: 1, lineTotalMinor: 250 },
    { sku: 'A-1', category: 'Tools', quantity: 3, lineTotalMinor: 1_400 },
  ],
};
const order = (fields: Partial<OrderFields> = {}) => orderItem(T, { ...ORDER, ...fields });

describe('what a need contributes', () => {
  it('counts once per period and dimension, with its estimated value, in the period of receipt', () => {
    const updates = contribution(
      image(need({ type: 'delivery_speed', estimatedValue: { amountMinor: 12_345, currency: 'EUR' } })),
      UTC,
    );
    assert.equal(updates.length, 12, '3 periods × 4 dimensions');
    const one = { n: 1, m_EUR: 12_345 };
    assert.deepEqual(only(updates, 'needs day'), {
      'needs day none 2026-03-31 -': one,
      'needs day type 2026-03-31 delivery_speed': one,
      'needs day channel 2026-03-31 email': one,
      'needs day status 2026-03-31 NEW': one,
    });
    assert.deepEqual(Object.keys(only(updates, 'needs week none')), ['needs week none 2026-W14 -']);
    assert.deepEqual(Object.keys(only(updates, 'needs month none')), ['needs month none 2026-03 -']);
  });

  it('is untyped without a type, counted without value without an estimate, and cut in the tenant’s zone', () => {
    const updates = contribution(image(need()), BERLIN);
    assert.deepEqual(only(updates, 'needs day type'), { 'needs day type 2026-04-01 untyped': { n: 1 } });
    assert.deepEqual(only(updates, 'needs month none'), { 'needs month none 2026-04 -': { n: 1 } });
  });

  it('moves between statuses on a status change and touches nothing else', () => {
    const before = image(need({ status: 'NEW', version: 1 }));
    const after = image(need({ status: 'QUALIFIED', version: 2, updatedAt: '2026-04-02T10:00:00.000Z' }));
    assert.deepEqual(view(deltas(before, after, UTC)), {
      'needs day status 2026-03-31 NEW': { n: -1 },
      'needs day status 2026-03-31 QUALIFIED': { n: 1 },
      'needs week status 2026-W14 NEW': { n: -1 },
      'needs week status 2026-W14 QUALIFIED': { n: 1 },
      'needs month status 2026-03 NEW': { n: -1 },
      'needs month status 2026-03 QUALIFIED': { n: 1 },
    });
  });

  it('changes only the value where the estimate changes, and takes everything back when deleted', () => {
    const before = image(need({ estimatedValue: { amountMinor: 100, currency: 'EUR' } }));
    const after = image(need({ estimatedValue: { amountMinor: 50, currency: 'GBP' } }));
    const changed = deltas(before, after, UTC);
    assert.equal(changed.length, 12);
    assert.ok(changed.every((u) => u.add.m_EUR === -100 && u.add.m_GBP === 50 && u.add.n === undefined));
    const removed = deltas(before, undefined, UTC);
    assert.ok(removed.every((u) => u.add.n === -1 && u.add.m_EUR === -100));
    assert.deepEqual(deltas(before, before, UTC), [], 'a change that moves nothing writes nothing');
  });
});

describe('what an order contributes', () => {
  it('counts in the pipeline only while open, by status and over all time', () => {
    const updates = contribution(image(order()), UTC);
    assert.deepEqual(Object.keys(only(updates, 'revenue')), [], 'no revenue before approval');
    assert.deepEqual(only(updates, 'pipeline all'), {
      'pipeline all none all -': { n: 1, m_EUR: 2_650 },
      'pipeline all status all SUBMITTED': { n: 1, m_EUR: 2_650 },
    });
    assert.deepEqual(only(updates, 'pipeline month status'), {
      'pipeline month status 2026-03 SUBMITTED': { n: 1, m_EUR: 2_650 },
    });
  });

  it('becomes revenue when approved: per product and category once per order, units and line totals summed', () => {
    const change = view(deltas(image(order()), image(order({ status: 'APPROVED' })), UTC));
    assert.deepEqual(
      Object.fromEntries(Object.entries(change).filter(([key]) => key.startsWith('revenue month'))),
      {
        'revenue month none 2026-03 -': { n: 1, u: 6, m_EUR: 2_650 },
        'revenue month customer 2026-03 01JCUST0000000000000000001': { n: 1, u: 6, m_EUR: 2_650 },
        'revenue month country 2026-03 DE': { n: 1, u: 6, m_EUR: 2_650 },
        'revenue month product 2026-03 A-1': { n: 1, u: 5, m_EUR: 2_400 },
        'revenue month product 2026-03 B-2': { n: 1, u: 1, m_EUR: 250 },
        'revenue month category 2026-03 Tools': { n: 1, u: 6, m_EUR: 2_650 },
      },
    );
    // The pipeline moves from SUBMITTED to APPROVED; its total does not change.
    assert.deepEqual(
      Object.fromEntries(Object.entries(change).filter(([key]) => key.startsWith('pipeline all'))),
      {
        'pipeline all status all APPROVED': { n: 1, m_EUR: 2_650 },
        'pipeline all status all SUBMITTED': { n: -1, m_EUR: -2_650 },
      },
    );
  });

  // Written out here, not read from catalogue.ts: a status dropped from (or added to) its list
  // there must fail this table. Revenue from approval on, for good once closed; the pipeline
  // holds every order not yet final.
  const COUNTS = [
    ['SUBMITTED', { revenue: false, pipeline: true }],
    ['PENDING_APPROVAL', { revenue: false, pipeline: true }],
    ['APPROVED', { revenue: true, pipeline: true }],
    ['STOCK_RESERVED', { revenue: true, pipeline: true }],
    ['IN_FULFILMENT', { revenue: true, pipeline: true }],
    ['SHIPPED', { revenue: true, pipeline: true }],
    ['DELIVERED', { revenue: true, pipeline: true }],
    ['CLOSED', { revenue: true, pipeline: false }],
    ['REJECTED', { revenue: false, pipeline: false }],
    ['CANCELLED', { revenue: false, pipeline: false }],
  ] as const;
  it('states revenue and pipeline for every status of the lifecycle', () => {
    assert.deepEqual(COUNTS.map(([status]) => status).sort(), [...ORDER_STATUSES].sort());
  });
  it.each(COUNTS)('an order %s counts as revenue and in the pipeline as stated: %o', (status, counts) => {
    const updates = contribution(image(order({ status })), UTC);
    assert.deepEqual(
      only(updates, 'revenue month none'),
      counts.revenue ? { 'revenue month none 2026-03 -': { n: 1, u: 6, m_EUR: 2_650 } } : {},
    );
    assert.deepEqual(
      only(updates, 'pipeline all status'),
      counts.pipeline ? { [`pipeline all status all ${status}`]: { n: 1, m_EUR: 2_650 } } : {},
    );
  });

  it('groups a customer without a country under `unknown`', () => {
    const updates = contribution(image(order({ status: 'SHIPPED', customerCountry: undefined })), UTC);
    assert.deepEqual(only(updates, 'revenue day country'), {
      'revenue day country 2026-03-31 unknown': { n: 1, u: 6, m_EUR: 2_650 },
    });
  });

  it('leaves revenue and pipeline when cancelled or rejected', () => {
    for (const status of ['CANCELLED', 'REJECTED']) {
      const change = deltas(image(order({ status: 'IN_FULFILMENT' })), image(order({ status })), UTC);
      assert.ok(
        change.every((u) => u.add.n === -1),
        status,
      );
      assert.equal(contribution(image(order({ status })), UTC).length, 0, status);
    }
  });

  it('counts a closed order’s fulfilment in the period it closed, and a rating that comes later', () => {
    const evaluation = {
      stageSeconds: {
        SUBMITTED: 60,
        PENDING_APPROVAL: 3_600,
        APPROVED: 5,
        IN_FULFILMENT: 86_400,
        DELIVERED: 10,
      },
      cycleSeconds: 90_065.5,
      onTime: true,
      closedAt: '2026-04-30T23:30:00.000Z',
    };
    const delivered = image(order({ status: 'DELIVERED' }));
    const closed = image(order({ status: 'CLOSED', evaluation }));
    const change = view(deltas(delivered, closed, BERLIN));
    const measures = { n: 1, apN: 1, apMs: 3_660_000, ltN: 1, ltMs: 90_065_500, pr: 1, ot: 1 };
    assert.deepEqual(change['fulfilment month none 2026-05 -'], measures, 'closed in May in Berlin');
    assert.deepEqual(change['fulfilment day country 2026-05-01 DE'], measures);
    assert.equal(change['revenue month none 2026-04 -'], undefined, 'still revenue, in the order’s month');
    assert.equal(change['revenue month none 2026-03 -'], undefined);
    const rated = view(
      deltas(closed, image(order({ status: 'CLOSED', evaluation, feedback: { rating: 4 } })), BERLIN),
    );
    assert.deepEqual(rated, {
      'fulfilment day none 2026-05-01 -': { r4: 1 },
      'fulfilment week none 2026-W18 -': { r4: 1 },
      'fulfilment month none 2026-05 -': { r4: 1 },
      'fulfilment day customer 2026-05-01 01JCUST0000000000000000001': { r4: 1 },
      'fulfilment week customer 2026-W18 01JCUST0000000000000000001': { r4: 1 },
      'fulfilment month customer 2026-05 01JCUST0000000000000000001': { r4: 1 },
      'fulfilment day country 2026-05-01 DE': { r4: 1 },
      'fulfilment week country 2026-W18 DE': { r4: 1 },
      'fulfilment month country 2026-05 DE': { r4: 1 },
    });
  });

  it('counts a late order without a promise (onTime null) as closed but not as promised', () => {
    const evaluation = {
      stageSeconds: { DELIVERED: 1 },
      cycleSeconds: 7,
      onTime: null,
      closedAt: '2026-04-02T10:00:00.000Z',
    };
    const updates = view(contribution(image(order({ status: 'CLOSED', evaluation })), UTC));
    assert.deepEqual(updates['fulfilment day none 2026-04-02 -'], { n: 1, ltN: 1, ltMs: 7_000 });
  });
});

describe('time zone changes', () => {
  it('counts each record in the zone in force at its last change, and subtracts where it added', () => {
    const history: ZoneHistory = [
      { timeZone: 'UTC', from: '1970-01-01T00:00:00.000Z' },
      { timeZone: 'Europe/Berlin', from: '2026-04-01T12:00:00.000Z' },
    ];
    const before = image(need({ updatedAt: '2026-04-01T11:00:00.000Z' }));
    const after = image(need({ status: 'QUALIFIED', updatedAt: '2026-04-01T13:00:00.000Z' }));
    // Counted on 31 March (UTC) when received; the change moves it to 1 April (Berlin).
    assert.deepEqual(only(deltas(before, after, history), 'needs day none'), {
      'needs day none 2026-03-31 -': { n: -1 },
      'needs day none 2026-04-01 -': { n: 1 },
    });
  });
});

describe('images the rules cannot read', () => {
  it('count nowhere, with the reason', () => {
    assert.match(readImage({ ...need(), receivedAt: 'yesterday' }).unreadable ?? '', /receivedAt/);
    assert.match(readImage({ ...order(), lines: 'many' }).unreadable ?? '', /lines/);
    assert.match(readImage({ entity: 'ORDER_EVENT' }).unreadable ?? '', /not aggregated/);
    assert.deepEqual(readImage(undefined), {});
  });
});

describe('shards', () => {
  it('spreads a sharded dimension’s records over its shards, and keeps a record in one', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `01J${String(i).padStart(23, '0')}`);
    const counts = [0, 0, 0, 0];
    for (const id of ids)
      counts[shardOf('needs', 'none', id)] = (counts[shardOf('needs', 'none', id)] ?? 0) + 1;
    assert.ok(
      counts.every((n) => n > 60),
      `shards ${counts.join(', ')}`,
    );
    assert.equal(shardOf('revenue', 'product', ids[7] as string), 0, 'one shard for products');
  });
});
