import assert from 'node:assert/strict';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeTime } from 'ulid';
import { afterAll, describe, it } from 'vitest';
import { functions } from '../../functions/manifest';
import type { Principal } from '../../functions/shared/auth/principal';
import { matchesAnyFilter } from '../../local/streams/filter';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';
import { streamRecord } from '../support/stream-records';

/**
 * POST /v1/orders/history against DynamoDB Local: past orders with their own dates, prices,
 * references and final status, each one transaction (order, timeline, reference claim, the
 * customer's closed-order count, idempotency record); nothing else touched — no stock, no workflow —
 * and their timeline kept away from the live event consumers by the manifest's filters.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const port = orders.recordWorkflow();
const { handler: history } = await import('../../functions/orders/history');
const { handler: getOrder } = await import('../../functions/orders/get');
const { handler: listOrders } = await import('../../functions/orders/list');
const { handler: timeline } = await import('../../functions/orders/timeline');
const { createCustomer, customerKey } = await import('../../functions/customers/store');
const { getProduct, createProduct } = await import('../../functions/products/store');
const { evaluateOrder } = await import('../../functions/workflow/evaluation');
const { documentClient, dynamodb } = await import('../../functions/shared/db/client');
const { ownerOf } = await import('../../functions/shared/db/unique-values');
const { needKey } = await import('../../functions/needs/keys');
const { newId } = await import('../../functions/shared/ids');
const requests = requestCounter(tables);
afterAll(() => tables.drop());

async function tenant() {
  const t = await orders.setUpTenant({ currency: 'GBP' });
  const now = new Date().toISOString();
  const german = await createCustomer(
    t.tenantId,
    {
      name: 'Lehmanns Marktstand',
      externalRef: '12662',
      address: { line1: 'Magazinweg 7', city: 'Frankfurt', country: 'DE' },
    },
    now,
  );
  const admin = principal(t.tenantId, ['admin'], 'ann');
  return { ...t, admin, german: german.id };
}

const importHistory = (caller: Principal, items: unknown[], key?: string) =>
  invoke(history, {
    routeKey: 'POST /v1/orders/history',
    body: { items },
    principal: caller,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

const closedOrder = (extra: Record<string, unknown> = {}) => ({
  externalRef: '536365',
  customerRef: '12662',
  currency: 'GBP',
  status: 'CLOSED',
  orderedAt: '2010-12-01T08:26:00Z',
  approvedAt: '2010-12-01T10:00:00Z',
  shippedAt: '2010-12-02T09:00:00Z',
  deliveredAt: '2010-12-03T15:30:00Z',
  closedAt: '2010-12-10T00:00:00Z',
  promisedDeliveryDate: '2010-12-04',
  lines: [
    { sku: 'WIDGET', quantity: 6, unitPriceMinor: 255 },
    { sku: 'GADGET', quantity: 32, unitPriceMinor: 169, discountMinor: 108 },
  ],
  feedback: { rating: 5 },
  ...extra,
});

async function storedOrder(tenantId: string, id: string) {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tables.domain, Key: { pk: `T#${tenantId}#ORDER#${id}`, sk: 'ORDER' } }),
  );
  return Item as Record<string, any>;
}

async function storedEvents(tenantId: string, id: string) {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#ORDER#${id}`, ':e': 'EVENT#' },
    }),
  );
  return (Items ?? []) as Record<string, any>[];
}

async function orderIds(caller: Principal) {
  const page = await invoke(listOrders, {
    routeKey: 'GET /v1/orders',
    query: { limit: '100' },
    principal: caller,
  });
  return page.body.items.map((o: { id: string }) => o.id) as string[];
}

describe('POST /v1/orders/history', () => {
  it('keeps each past order’s dates, prices, reference and final status, with its timeline and evaluation', async () => {
    const t = await tenant();
    const stockBefore = [
      await getProduct(t.tenantId, t.products.WIDGET as string),
      await getProduct(t.tenantId, t.products.GADGET as string),
    ];
    const res = await importHistory(t.admin, [
      closedOrder(),
      {
        externalRef: '536379',
        customerId: t.customerId,
        currency: 'GBP',
        status: 'CANCELLED',
        orderedAt: '2010-12-01T09:41:00Z',
        cancellationReason: 'Credit note C536379',
        lines: [{ sku: 'WIDGET', quantity: 1, unitPriceMinor: 2750 }],
      },
      {
        externalRef: 'R-1',
        customerId: t.customerId,
        currency: 'EUR',
        status: 'REJECTED',
        orderedAt: '2011-01-05T12:00:00Z',
        rejectedAt: '2011-01-06T12:00:00Z',
        lines: [{ sku: 'GADGET', quantity: 2, unitPriceMinor: 1000 }],
      },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.results.map((r: { outcome: string; status: number }) => [r.outcome, r.status]),
      [
        ['created', 201],
        ['created', 201],
        ['created', 201],
      ],
    );
    const [closedId, cancelledId, rejectedId] = res.body.results.map((r: { id: string }) => r.id);

    const item = await storedOrder(t.tenantId, closedId);
    assert.equal(item.entity, 'ORDER');
    assert.equal(item.imported, true);
    assert.ok(Date.parse(item.importedAt) > Date.now() - 60_000);
    assert.equal(item.number, '536365');
    assert.equal(item.externalRef, '536365');
    assert.equal(item.customerId, t.german);
    assert.equal(item.customerCountry, 'DE');
    assert.equal(item.createdAt, '2010-12-01T08:26:00.000Z');
    assert.equal(decodeTime(closedId), Date.parse('2010-12-01T08:26:00Z'), 'its id sorts at its own date');
    assert.equal(item.status, 'CLOSED');
    assert.equal(item.statusChangedAt, '2010-12-10T00:00:00.000Z');
    assert.equal(item.createdBy, 'ann');
    assert.deepEqual(
      item.lines.map((l: Record<string, unknown>) => [
        l.sku,
        l.name,
        l.category,
        l.quantity,
        l.unitPriceMinor,
        l.discountMinor,
        l.lineTotalMinor,
      ]),
      [
        ['WIDGET', 'Product WIDGET', 'parts', 6, 255, 0, 1530],
        ['GADGET', 'Product GADGET', 'parts', 32, 169, 108, 5300],
      ],
    );
    assert.deepEqual(item.totals, { subtotalMinor: 6938, discountMinor: 108, totalMinor: 6830 });
    assert.deepEqual(item.total, { amountMinor: 6830, currency: 'GBP' });
    assert.deepEqual(item.feedback, { rating: 5, by: 'history-import', at: '2010-12-10T00:00:00.000Z' });
    for (const live of [
      'reconcilePk',
      'reconcileSk',
      'inboxPk',
      'partnerPk',
      'task',
      'reservations',
      'approval',
      'answerDue',
    ])
      assert.equal(item[live], undefined, live);

    const events = await storedEvents(t.tenantId, closedId);
    assert.deepEqual(
      events.map((e) => [e.seq, e.type, e.status, e.at, e.imported, e.entity]),
      [
        [1, 'ORDER_SUBMITTED', 'SUBMITTED', '2010-12-01T08:26:00.000Z', true, 'ORDER_EVENT'],
        [2, 'APPROVAL_GRANTED', 'APPROVED', '2010-12-01T10:00:00.000Z', true, 'ORDER_EVENT'],
        [3, 'SHIPPED', 'SHIPPED', '2010-12-02T09:00:00.000Z', true, 'ORDER_EVENT'],
        [4, 'DELIVERED', 'DELIVERED', '2010-12-03T15:30:00.000Z', true, 'ORDER_EVENT'],
        [5, 'ORDER_CLOSED', 'CLOSED', '2010-12-10T00:00:00.000Z', true, 'ORDER_EVENT'],
      ],
    );
    // As a live delivery report writes it: the time delivered, in the event's details.
    assert.deepEqual(events[3]?.details, { deliveredAt: '2010-12-03T15:30:00.000Z' });
    assert.equal(item.version, 5);
    // The evaluation is the live close's: evaluateOrder over the stored timeline before closing.
    const before = events.filter((e) => e.type !== 'ORDER_CLOSED');
    assert.deepEqual(
      item.evaluation,
      evaluateOrder(item as never, before as never, new Date('2010-12-10T00:00:00Z')),
    );
    assert.equal(item.evaluation.onTime, true);
    assert.equal(item.evaluation.cycleSeconds, 2 * 86_400 + 7 * 3600 + 4 * 60);

    // The API shows it as an order like any other, marked as imported, at its own dates.
    const got = await invoke(getOrder, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: closedId },
      principal: t.admin,
    });
    assert.equal(got.status, 200);
    assert.equal(got.body.imported, true);
    assert.equal(got.body.customerCountry, 'DE');
    assert.equal(got.headers.etag, '"5"');
    const shown = await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId: closedId },
      principal: t.admin,
    });
    assert.deepEqual(
      shown.body.items.map((e: { at: string }) => e.at),
      events.map((e) => e.at),
    );
    assert.deepEqual(shown.body.items[0].actor, { type: 'system', id: 'history-import' });
    const december = await invoke(listOrders, {
      routeKey: 'GET /v1/orders',
      query: { createdFrom: '2010-12-01T00:00:00Z', createdTo: '2010-12-02T00:00:00Z' },
      principal: t.admin,
    });
    assert.deepEqual(
      december.body.items.map((o: { id: string }) => o.id).sort(),
      [closedId, cancelledId].sort(),
    );
    const byRef = await invoke(listOrders, {
      routeKey: 'GET /v1/orders',
      query: { externalRef: '536379' },
      principal: t.admin,
    });
    assert.deepEqual(
      byRef.body.items.map((o: { id: string }) => o.id),
      [cancelledId],
    );

    const cancelled = await storedOrder(t.tenantId, cancelledId);
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(cancelled.customerCountry, undefined, 'the customer has no address');
    assert.equal(cancelled.cancellation.reason, 'Credit note C536379');
    assert.deepEqual(
      (await storedEvents(t.tenantId, cancelledId)).map((e) => [e.type, e.at]),
      [
        ['ORDER_SUBMITTED', '2010-12-01T09:41:00.000Z'],
        ['ORDER_CANCELLED', '2010-12-01T09:41:00.000Z'],
      ],
    );
    const rejected = await storedOrder(t.tenantId, rejectedId);
    assert.equal(rejected.status, 'REJECTED');
    assert.equal(rejected.currency, 'EUR', 'history keeps the currency it was charged in');
    assert.equal(rejected.evaluation, undefined);
    // No reason given: the rejection and its event say the order was rejected before it was imported.
    assert.equal(rejected.rejection.comment, 'Rejected before the order was imported');
    const rejectedEvents = await storedEvents(t.tenantId, rejectedId);
    assert.deepEqual(
      rejectedEvents.map((e) => [e.type, e.at]),
      [
        ['ORDER_SUBMITTED', '2011-01-05T12:00:00.000Z'],
        ['APPROVAL_REJECTED', '2011-01-06T12:00:00.000Z'],
      ],
    );
    assert.deepEqual(rejectedEvents[1]?.details, { comment: 'Rejected before the order was imported' });

    // Nothing live was touched: no workflow, no stock; the customer counts one more closed order.
    assert.deepEqual(
      port.starts.filter((s) => [closedId, cancelledId, rejectedId].includes(s.name)),
      [],
    );
    const stockAfter = [
      await getProduct(t.tenantId, t.products.WIDGET as string),
      await getProduct(t.tenantId, t.products.GADGET as string),
    ];
    assert.deepEqual(
      stockAfter.map((p) => p.stock),
      stockBefore.map((p) => p.stock),
    );
    const customer = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: customerKey(t.tenantId, t.german) }),
    );
    assert.equal(customer.Item?.closedOrders, 1);
    assert.equal(customer.Item?.openBalanceMinor, undefined);
  });

  it('keeps imported timelines away from the workflow starter, the bus and the feed, and not live ones', async () => {
    const t = await tenant();
    const res = await importHistory(t.admin, [closedOrder()]);
    const id = res.body.results[0].id;
    const imported = (await storedEvents(t.tenantId, id)).map((e) => streamRecord(e));
    const live = await orders.submitOrder(t);
    const liveEvents = (await storedEvents(t.tenantId, live.id)).map((e) => streamRecord(e));
    for (const name of ['startOrderWorkflows', 'publishEvents', 'projectEventFeed']) {
      const fn = functions.find((f) => f.kind === 'stream' && f.name === name);
      assert.ok(fn && fn.kind === 'stream', name);
      assert.deepEqual(
        imported.filter((record) => matchesAnyFilter(fn.source.filters, record)),
        [],
        `${name} sees no imported event`,
      );
      assert.equal(
        liveEvents.filter((record) => matchesAnyFilter(fn.source.filters, record)).length,
        1,
        `${name} sees the live one`,
      );
    }
  });

  it('rejects each order that cannot be imported alone, naming why, and writes nothing for it', async () => {
    const t = await tenant();
    const needId = newId();
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: { ...needKey(t.tenantId, needId), entity: 'NEED', tenantId: t.tenantId, id: needId },
      }),
    );
    const otherTenantNeed = newId();
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: {
          ...needKey('someone-else', otherTenantNeed),
          entity: 'NEED',
          tenantId: 'someone-else',
          id: otherTenantNeed,
        },
      }),
    );
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [closedOrder({ externalRef: 'F', closedAt: '2999-01-01T00:00:00Z' }), 400, 'body.items.0.closedAt'],
      [closedOrder({ externalRef: 'U', shippedAt: '2010-11-01T00:00:00Z' }), 400, 'body.items.1.shippedAt'],
      [
        closedOrder({
          externalRef: 'S',
          lines: [
            { sku: 'WIDGET', quantity: 1, unitPriceMinor: 1 },
            { sku: 'POST', quantity: 1, unitPriceMinor: 1800 },
          ],
        }),
        422,
        'body.items.2.lines.1.sku',
        'unknown-sku',
      ],
      [
        closedOrder({ externalRef: 'C', customerRef: 'nobody' }),
        422,
        'body.items.3.customerRef',
        'unknown-customer',
      ],
      [
        closedOrder({ externalRef: 'I', customerRef: undefined, customerId: newId() }),
        422,
        'body.items.4.customerId',
        'unknown-customer',
      ],
      [
        closedOrder({ externalRef: 'N', needIds: [needId, otherTenantNeed] }),
        422,
        'body.items.5.needIds.1',
        'unknown-need',
      ],
      [
        closedOrder({ externalRef: 'X', cancelledAt: '2010-12-10T00:00:00Z' }),
        400,
        'body.items.6.cancelledAt',
      ],
      [closedOrder({ externalRef: 'OK', needIds: [needId] }), 201, ''],
      // A line's total, or the order's, beyond what a number holds exactly.
      [
        closedOrder({
          externalRef: 'L',
          lines: [{ sku: 'WIDGET', quantity: 2, unitPriceMinor: Number.MAX_SAFE_INTEGER }],
        }),
        422,
        'body.items.8.lines.0',
        'order-too-large',
      ],
      [
        closedOrder({
          externalRef: 'T',
          lines: [
            { sku: 'WIDGET', quantity: 1, unitPriceMinor: 2 ** 52 },
            { sku: 'GADGET', quantity: 1, unitPriceMinor: 2 ** 52 },
          ],
        }),
        422,
        'body.items.9.lines',
        'order-too-large',
      ],
      // The total fits (one line discounted to nothing), the gross before discounts does not.
      [
        closedOrder({
          externalRef: 'D',
          lines: [
            { sku: 'WIDGET', quantity: 1, unitPriceMinor: 2 ** 52 },
            { sku: 'GADGET', quantity: 1, unitPriceMinor: 2 ** 52, discountMinor: 2 ** 52 },
          ],
        }),
        422,
        'body.items.10.lines',
        'order-too-large',
      ],
    ];
    const res = await importHistory(
      t.admin,
      cases.map(([item]) => item),
    );
    assert.equal(res.status, 200);
    cases.forEach(([, status, field, type], i) => {
      const result = res.body.results[i];
      assert.equal(result.status, status, `item ${i}: ${JSON.stringify(result)}`);
      if (status >= 400) {
        assert.equal(result.outcome, 'rejected');
        assert.ok(
          result.problem.errors.some((e: { field: string }) => e.field === field),
          `item ${i}: ${JSON.stringify(result.problem)}`,
        );
        if (type) assert.equal(result.problem.type, `urn:orderly:problem:${type}`);
      }
    });
    assert.deepEqual(await orderIds(t.admin), [res.body.results[7].id]);
    assert.deepEqual((await storedOrder(t.tenantId, res.body.results[7].id)).needIds, [needId]);
    for (const ref of ['F', 'U', 'S', 'C', 'I', 'N', 'X', 'L', 'T', 'D'])
      assert.equal(await ownerOf(t.tenantId, 'ORDER_REF', ref), undefined, ref);
  });

  it('re-sending history is a no-op: each order is existing, by its reference or its Idempotency-Key', async () => {
    const t = await tenant();
    const items = [closedOrder(), closedOrder({ externalRef: '536366', feedback: undefined })];
    const first = await importHistory(t.admin, items, 'history-part-1');
    const ids = first.body.results.map((r: { id: string }) => r.id);
    const counted = (key?: string) =>
      requests.run('importOrderHistory', () => importHistory(t.admin, items, key));
    const { response: retried, byCommand: retriedRequests } = await counted('history-part-1');
    const { response: resent, byCommand: resentRequests } = await counted();
    // The lookups find them imported: nothing is written (the key's records read first, if a key).
    assert.deepEqual(retriedRequests, { BatchGetItemCommand: 2, GetItemCommand: 2 });
    assert.deepEqual(resentRequests, { BatchGetItemCommand: 2 });
    // Sent again with one new order: that one alone is written.
    const more = await requests.run('importOrderHistory', () =>
      importHistory(t.admin, [...items, closedOrder({ externalRef: '536367' })]),
    );
    assert.deepEqual(
      more.response.body.results.map((r: { outcome: string }) => r.outcome),
      ['existing', 'existing', 'created'],
    );
    assert.deepEqual(more.byCommand, { BatchGetItemCommand: 2, TransactWriteItemsCommand: 1 });
    for (const answer of [retried, resent]) {
      assert.deepEqual(
        answer.body.results.map((r: { outcome: string; id: string }) => [r.outcome, r.id]),
        ids.map((id: string) => ['existing', id]),
      );
      assert.deepEqual([answer.body.created, answer.body.existing], [0, 2]);
    }
    assert.deepEqual((await orderIds(t.admin)).sort(), [...ids, more.response.body.results[2].id].sort());
    const customer = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: customerKey(t.tenantId, t.german) }),
    );
    assert.equal(customer.Item?.closedOrders, 3, 'counted once each');

    // One reference twice in a batch: the transaction that loses finds the winner's order.
    const twice = await importHistory(t.admin, [
      closedOrder({ externalRef: 'DUP' }),
      closedOrder({ externalRef: 'DUP' }),
    ]);
    const outcomes = twice.body.results.map((r: { outcome: string }) => r.outcome);
    assert.deepEqual([...outcomes].sort(), ['created', 'existing']);
    assert.equal(twice.body.results[0].id, twice.body.results[1].id);
  });

  it('reads what a batch names in two BatchGetItem requests, then writes each order in one transaction', async () => {
    const t = await tenant();
    const items = Array.from({ length: 20 }, (_, i) =>
      closedOrder({
        externalRef: `B-${i}`,
        ...(i % 2 ? { customerRef: undefined, customerId: t.customerId } : {}),
      }),
    );
    const { response, byCommand } = await requests.run('importOrderHistory', () =>
      importHistory(t.admin, items, 'count-history'),
    );
    assert.equal(response.body.created, 20, JSON.stringify(response.body));
    // With a key, each item's record is read first (a retry?) and written in its transaction.
    assert.deepEqual(byCommand, {
      BatchGetItemCommand: 2,
      GetItemCommand: 20,
      TransactWriteItemsCommand: 20,
    });
  });

  it('looks up only what the orders name: an order without a customerRef reads no reference', async () => {
    const t = await tenant();
    // A customer whose reference is the text "undefined": an absent customerRef must not find it.
    const named = await createCustomer(
      t.tenantId,
      { name: 'Literal Ltd', externalRef: 'undefined' },
      '2025-01-01T00:00:00.000Z',
    );
    const { lookUpHistory } = await import('../../functions/orders/history-lookup');
    const items = [closedOrder({ externalRef: 'L-1', customerRef: undefined, customerId: t.customerId })];
    const found = await lookUpHistory(t.tenantId, items as unknown as Parameters<typeof lookUpHistory>[1]);
    assert.deepEqual([...found.customerRefs], []);
    assert.deepEqual([...found.customers.keys()], [t.customerId]);
    assert.ok(!found.customers.has(named.id));
  });

  it('takes orders of up to 1,000 lines, and refuses one that would not fit in an item with a 422', async () => {
    const t = await tenant();
    const now = new Date().toISOString();
    await createProduct(
      t.tenantId,
      {
        sku: 'LONG',
        name: `A product with a very long name ${'x'.repeat(160)}`,
        category: `A category with a long name ${'y'.repeat(70)}`,
        unitPrice: { amountMinor: 100, currency: 'GBP' },
        active: true,
        stock: { onHand: 0 },
      },
      now,
    );
    const lines = (sku: string) =>
      Array.from({ length: 1000 }, (_, i) => ({ sku, quantity: 1 + i, unitPriceMinor: 199 }));
    const res = await importHistory(t.admin, [
      closedOrder({ externalRef: 'BIG', lines: lines('WIDGET') }),
      closedOrder({ externalRef: 'HUGE', lines: lines('LONG') }),
    ]);
    assert.equal(res.body.results[0].outcome, 'created', JSON.stringify(res.body.results[0]));
    const big = await storedOrder(t.tenantId, res.body.results[0].id);
    assert.equal(big.lines.length, 1000);
    assert.equal(big.totals.totalMinor, 199 * ((1000 * 1001) / 2));
    assert.equal(res.body.results[1].status, 422);
    assert.equal(res.body.results[1].problem.type, 'urn:orderly:problem:history-order-too-large');
    assert.equal(res.body.results[1].problem.errors[0].field, 'body.items.1.lines');
    assert.equal(await ownerOf(t.tenantId, 'ORDER_REF', 'HUGE'), undefined);
  }, 60_000);

  it('refuses a batch naming more than 5,000 distinct SKUs with a 413 saying so, having read and written nothing', async () => {
    const t = await tenant();
    // Six orders of 834 lines, each line its own SKU: 5,004 distinct SKUs.
    const items = Array.from({ length: 6 }, (_, o) =>
      closedOrder({
        externalRef: `MANY-${o}`,
        lines: Array.from({ length: 834 }, (_, i) => ({
          sku: `S-${o}-${i}`,
          quantity: 1,
          unitPriceMinor: 1,
        })),
      }),
    );
    const { response, byCommand } = await requests.run('importOrderHistory', () =>
      importHistory(t.admin, items),
    );
    assert.equal(response.status, 413, JSON.stringify(response.body).slice(0, 300));
    assert.equal(response.body.type, 'urn:orderly:problem:history-batch-too-large');
    assert.match(response.body.detail, /at most 5000 distinct SKUs \(these name 5004\)/);
    assert.deepEqual(response.body.errors, [
      { field: 'body.items', message: 'more than 5000 distinct SKUs' },
    ]);
    assert.deepEqual(byCommand, {});
  }, 60_000);

  /**
   * DynamoDB Local runs transactions one at a time, so two never cancel each other there: AWS's
   * answer when another order's transaction holds the customer's counter (TransactionConflict on
   * the customer's update, None elsewhere) is made here for the next `times` transactions.
   */
  const customerContended = (times: number) => {
    let left = times;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && left > 0) {
          left--;
          const items = (args.input as { TransactItems: { Update?: { UpdateExpression?: string } }[] })
            .TransactItems;
          const codes = items.map((item) =>
            item.Update?.UpdateExpression === 'ADD #closed :one' ? 'TransactionConflict' : 'None',
          );
          assert.ok(codes.includes('TransactionConflict'), 'the transaction counts a closed order');
          throw new TransactionCanceledException({
            message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
            $metadata: {},
            CancellationReasons: codes.map((Code) => ({ Code })),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'customerContended', override: true },
    );
    return () => dynamodb.middlewareStack.remove('customerContended');
  };

  it('writes an order again when its customer was being written by another order', async () => {
    const t = await tenant();
    const done = customerContended(2);
    let res: Awaited<ReturnType<typeof importHistory>>;
    try {
      res = await importHistory(t.admin, [closedOrder({ externalRef: 'RETRIED' })]);
    } finally {
      done();
    }
    assert.deepEqual(
      res.body.results.map((r: { outcome: string; status: number }) => [r.outcome, r.status]),
      [['created', 201]],
    );
    const id = res.body.results[0].id;
    assert.equal(await ownerOf(t.tenantId, 'ORDER_REF', 'RETRIED'), id);
    assert.equal((await storedOrder(t.tenantId, id)).status, 'CLOSED');
    const customer = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: customerKey(t.tenantId, t.german) }),
    );
    assert.equal(customer.Item?.closedOrders, 1, 'counted once');
  });

  it('refuses an order whose customer stays contended with a 409, having written nothing for it', async () => {
    const t = await tenant();
    const done = customerContended(5);
    let res: Awaited<ReturnType<typeof importHistory>>;
    try {
      res = await importHistory(t.admin, [closedOrder({ externalRef: 'CONTENDED' })]);
    } finally {
      done();
    }
    const [result] = res.body.results;
    assert.deepEqual([result.outcome, result.status], ['rejected', 409]);
    assert.equal(result.problem.type, 'urn:orderly:problem:history-order-contended');
    assert.equal(await ownerOf(t.tenantId, 'ORDER_REF', 'CONTENDED'), undefined);
    assert.deepEqual(await orderIds(t.admin), []);
    // Sent again once the contention is over, it is written.
    const again = await importHistory(t.admin, [closedOrder({ externalRef: 'CONTENDED' })]);
    assert.equal(again.body.results[0].outcome, 'created');
  });

  it('is for admins and integrations', async () => {
    const t = await tenant();
    const sales = await importHistory(principal(t.tenantId, ['sales'], 'sam'), [closedOrder()]);
    assert.equal(sales.status, 403);
    const integration = await importHistory(
      { ...principal(t.tenantId, ['integration'], 'etl'), scopes: ['orders:write'] },
      [closedOrder()],
    );
    assert.equal(integration.body.results[0].outcome, 'created');
  });
});
