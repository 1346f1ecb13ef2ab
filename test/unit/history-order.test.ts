import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { UnprocessableOrderError } from '../../functions/orders/errors';
import { buildHistoryOrder, type HistoryContext } from '../../functions/orders/history-order';
import { HistoryOrder } from '../../functions/orders/history-schema';
import { itemSize, valueSize } from '../../functions/orders/history-size';

const context: HistoryContext = {
  orderId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
  customerId: '01HCCCCCCCCCCCCCCCCCCCCCCC',
  customerCountry: 'GB',
  products: new Map([
    ['85123A', { productId: '01HPRODUCT0000000000000001', name: 'White hanging heart', category: 'Home' }],
    ['71053', { productId: '01HPRODUCT0000000000000002', name: 'White metal lantern', category: 'Home' }],
  ]),
  importedBy: 'ann',
  importedAt: '2026-03-01T12:00:00.000Z',
  field: 'body.items.0',
};

const closed = {
  externalRef: '536365',
  customerRef: '17850',
  currency: 'GBP',
  status: 'CLOSED',
  orderedAt: '2010-12-01T08:26:00Z',
  approvedAt: '2010-12-01T09:26:00+01:00',
  shippedAt: '2010-12-02T10:00:00Z',
  deliveredAt: '2010-12-04T10:00:00Z',
  closedAt: '2010-12-05T10:00:00Z',
  promisedDeliveryDate: '2010-12-03',
  lines: [
    { sku: '85123A', quantity: 6, unitPriceMinor: 255 },
    { sku: '71053', quantity: 6, unitPriceMinor: 339, discountMinor: 34 },
    { sku: '85123A', quantity: 1, unitPriceMinor: 0 },
  ],
  feedback: { rating: 4, comment: 'Fine' },
};

const parse = (input: unknown) => HistoryOrder.parse(input);
const issuesOf = (input: unknown) =>
  (HistoryOrder.safeParse(input).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('a past order as Orderly keeps it', () => {
  it('keeps its own date, number, prices and status; totals come from its lines', () => {
    const { order } = buildHistoryOrder(parse(closed), context);
    assert.equal(order.number, '536365');
    assert.equal(order.externalRef, '536365');
    assert.equal(order.createdAt, '2010-12-01T08:26:00.000Z');
    assert.equal(order.status, 'CLOSED');
    assert.equal(order.statusChangedAt, '2010-12-05T10:00:00.000Z');
    assert.equal(order.deliveredAt, '2010-12-04T10:00:00.000Z');
    assert.equal(order.customerCountry, 'GB');
    assert.equal(order.imported, true);
    assert.equal(order.importedAt, context.importedAt);
    assert.equal(order.updatedAt, context.importedAt);
    assert.deepEqual(
      order.lines.map((l) => [
        l.lineNo,
        l.sku,
        l.name,
        l.unitPriceMinor,
        l.discountMinor,
        l.discountBps,
        l.lineTotalMinor,
      ]),
      [
        [1, '85123A', 'White hanging heart', 255, 0, 0, 1530],
        [2, '71053', 'White metal lantern', 339, 34, 167, 2000],
        [3, '85123A', 'White hanging heart', 0, 0, 0, 0],
      ],
    );
    assert.deepEqual(order.totals, { subtotalMinor: 3564, discountMinor: 34, totalMinor: 3530 });
    assert.deepEqual(order.total, { amountMinor: 3530, currency: 'GBP' });
    assert.deepEqual(order.feedback, {
      rating: 4,
      comment: 'Fine',
      by: 'history-import',
      at: '2010-12-05T10:00:00.000Z',
    });
    for (const absent of ['approval', 'reservations', 'shipments', 'partnerId', 'cancellation', 'rejection'])
      assert.equal(order[absent as keyof typeof order], undefined, absent);
  });

  it('has a timeline of the live lifecycle’s events at the given dates, and the evaluation the live close computes', () => {
    const { order, events } = buildHistoryOrder(parse(closed), context);
    assert.deepEqual(
      events.map((e) => [e.seq, e.type, e.status, e.at]),
      [
        [1, 'ORDER_SUBMITTED', 'SUBMITTED', '2010-12-01T08:26:00.000Z'],
        [2, 'APPROVAL_GRANTED', 'APPROVED', '2010-12-01T08:26:00.000Z'],
        [3, 'SHIPPED', 'SHIPPED', '2010-12-02T10:00:00.000Z'],
        [4, 'DELIVERED', 'DELIVERED', '2010-12-04T10:00:00.000Z'],
        [5, 'ORDER_CLOSED', 'CLOSED', '2010-12-05T10:00:00.000Z'],
      ],
    );
    assert.equal(order.version, 5, 'each event is numbered by the version it produced');
    const hours = (h: number) => h * 3600;
    assert.deepEqual(order.evaluation, {
      stageSeconds: {
        SUBMITTED: 0,
        APPROVED: hours(25) + 34 * 60,
        SHIPPED: hours(48),
        DELIVERED: hours(24),
      },
      cycleSeconds: hours(3 * 24 + 1) + 34 * 60,
      onTime: false,
      approvalSlaMet: null,
      escalations: 0,
      closedAt: '2010-12-05T10:00:00.000Z',
    });
    assert.deepEqual(events.at(-1)?.details, {
      cycleSeconds: order.evaluation?.cycleSeconds,
      onTime: false,
      approvalSlaMet: null,
      escalations: 0,
    });
  });

  it('ends at the last date given when the final one is not', () => {
    const minimal = parse({
      ...closed,
      approvedAt: undefined,
      shippedAt: undefined,
      deliveredAt: undefined,
      closedAt: undefined,
    });
    const built = buildHistoryOrder(minimal, context);
    assert.deepEqual(
      built.events.map((e) => [e.type, e.at]),
      [
        ['ORDER_SUBMITTED', '2010-12-01T08:26:00.000Z'],
        ['ORDER_CLOSED', '2010-12-01T08:26:00.000Z'],
      ],
    );
    assert.equal(built.order.evaluation?.cycleSeconds, 0);
    assert.equal(built.order.evaluation?.onTime, null, 'never delivered: no on-time verdict');

    const cancelled = buildHistoryOrder(
      parse({
        ...closed,
        status: 'CANCELLED',
        shippedAt: undefined,
        deliveredAt: undefined,
        closedAt: undefined,
        feedback: undefined,
        cancellationReason: 'Credit note C536379',
      }),
      context,
    );
    assert.deepEqual(cancelled.events.map((e) => [e.type, e.status, e.at]).at(-1), [
      'ORDER_CANCELLED',
      'CANCELLED',
      '2010-12-01T08:26:00.000Z',
    ]);
    assert.deepEqual(cancelled.order.cancellation, {
      code: 'CANCELLED_BY_USER',
      reason: 'Credit note C536379',
      by: { type: 'system', id: 'history-import' },
      at: '2010-12-01T08:26:00.000Z',
    });
    assert.equal(cancelled.order.evaluation, undefined);

    const rejected = buildHistoryOrder(
      parse({
        ...closed,
        status: 'REJECTED',
        approvedAt: undefined,
        shippedAt: undefined,
        deliveredAt: undefined,
        closedAt: undefined,
        feedback: undefined,
        rejectedAt: '2010-12-02T00:00:00Z',
      }),
      context,
    );
    assert.deepEqual(
      rejected.events.map((e) => [e.seq, e.type, e.status]),
      [
        [1, 'ORDER_SUBMITTED', 'SUBMITTED'],
        [2, 'APPROVAL_REJECTED', 'REJECTED'],
      ],
    );
    assert.equal(rejected.order.statusChangedAt, '2010-12-02T00:00:00.000Z');
  });

  it('refuses a line whose SKU the catalogue does not have, naming the line', () => {
    const input = parse({
      ...closed,
      lines: [...closed.lines, { sku: 'POST', quantity: 1, unitPriceMinor: 1800 }],
    });
    assert.throws(
      () => buildHistoryOrder(input, context),
      (error: unknown) =>
        error instanceof UnprocessableOrderError &&
        error.statusCode === 422 &&
        (error.extensions.errors as { field: string }[])[0]?.field === 'body.items.0.lines.3.sku',
    );
  });
});

describe('what a past order must be', () => {
  it('accepts a well-formed one', () => {
    assert.deepEqual(issuesOf(closed), []);
  });

  it('has dates in the order of its life, none in the future', () => {
    assert.deepEqual(issuesOf({ ...closed, shippedAt: '2010-11-30T00:00:00Z' }), [
      'shippedAt: must not be before approvedAt',
    ]);
    assert.deepEqual(issuesOf({ ...closed, closedAt: '2010-12-03T00:00:00Z' }), [
      'closedAt: must not be before deliveredAt',
    ]);
    assert.deepEqual(issuesOf({ ...closed, closedAt: '2999-01-01T00:00:00Z' }), [
      'closedAt: must not be in the future',
    ]);
    assert.deepEqual(
      issuesOf({
        ...closed,
        status: 'CANCELLED',
        shippedAt: undefined,
        deliveredAt: undefined,
        closedAt: undefined,
        feedback: undefined,
        cancelledAt: '2010-11-01T00:00:00Z',
      }),
      ['cancelledAt: must not be before approvedAt'],
    );
    assert.match(issuesOf({ ...closed, orderedAt: '2010-12-01 08:26' })[0] ?? '', /^orderedAt:/);
  });

  it('has only what its final status allows', () => {
    assert.deepEqual(issuesOf({ ...closed, cancelledAt: '2010-12-05T10:00:00Z' }), [
      'cancelledAt: not with status CLOSED (only CANCELLED)',
    ]);
    assert.deepEqual(
      issuesOf({
        ...closed,
        status: 'REJECTED',
        shippedAt: undefined,
        deliveredAt: undefined,
        closedAt: undefined,
        feedback: undefined,
      }),
      ['approvedAt: not with status REJECTED (only CLOSED, CANCELLED)'],
    );
    assert.deepEqual(
      issuesOf({ ...closed, status: 'PENDING_APPROVAL' }).map((i) => i.split(':')[0]),
      ['status'],
    );
  });

  it('names its customer once, and gives discounts no larger than the line', () => {
    assert.deepEqual(issuesOf({ ...closed, customerId: '01HCCCCCCCCCCCCCCCCCCCCCCC' }), [
      'customerRef: give one of customerId and customerRef',
    ]);
    assert.deepEqual(issuesOf({ ...closed, customerRef: undefined }), [
      'customerId: give one of customerId and customerRef',
    ]);
    assert.deepEqual(
      issuesOf({
        ...closed,
        lines: [{ sku: '71053', quantity: 2, unitPriceMinor: 100, discountMinor: 201 }],
      }),
      ['lines.0.discountMinor: must not be more than quantity × unitPriceMinor'],
    );
    assert.equal(
      issuesOf({ ...closed, lines: Array.from({ length: 1001 }, () => closed.lines[0]) }).length,
      1,
    );
  });

  it('knows how large an item DynamoDB would count', () => {
    assert.equal(
      itemSize({ pk: 'ab', n: 12345, ok: true, list: ['x', 1], map: { k: 'vv' } }),
      2 + 2 + 1 + 4 + 2 + 1 + 4 + (3 + 2 + 3) + 3 + (3 + 1 + 2 + 1),
    );
    // A number: 1 byte per two significant digits, plus 1; zeros before and after them are not counted.
    for (const [n, bytes] of [
      [1005, 3],
      [1000, 2],
      [0.001, 2],
      [0.0105, 3],
      [123.45, 4],
      [0, 2],
    ] as const)
      assert.equal(valueSize(n), bytes, String(n));
  });
});
