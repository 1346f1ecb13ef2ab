import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { level, recordWorkflow, requireApproval, setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/orders/create');
const { handler: list } = await import('../../functions/orders/list');
const { handler: timeline } = await import('../../functions/orders/timeline');
const { handler: get } = await import('../../functions/orders/get');

const port = recordWorkflow();
const POST = 'POST /v1/orders';
const year = new Date().getUTCFullYear();

const post = (who: Principal, body: unknown, headers: Record<string, string> = {}) =>
  invoke(create, { routeKey: POST, body, principal: who, headers });

const ordersOf = async (who: Principal) =>
  (await invoke(list, { routeKey: 'GET /v1/orders', principal: who })).body.items as { id: string }[];

const startsFor = (tenantId: string) =>
  port.starts.filter((s) => (s.input as { tenantId: string }).tenantId === tenantId);

describe('POST /v1/orders', () => {
  afterAll(() => tables.drop());

  it('refuses what cannot be ordered with a 4xx naming the field, writing nothing and starting nothing', async () => {
    const t = await setUpTenant({
      products: [
        { sku: 'WIDGET', priceMinor: 2500 },
        { sku: 'OLD', priceMinor: 900, active: false },
        { sku: 'DOLLAR', priceMinor: 1200, currency: 'USD' },
      ],
    });
    const limited = await setUpTenant({ creditLimit: { amountMinor: 100_000, currency: 'EUR' } });
    const base = { customerId: t.customerId, currency: 'EUR' };
    const cases: {
      name: string;
      who: Principal;
      body: unknown;
      status: number;
      field: string;
      type?: string;
      message?: string;
    }[] = [
      {
        name: 'unknown customer',
        who: t.sales,
        body: { ...base, customerId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', lines: [{ sku: 'WIDGET', quantity: 1 }] },
        status: 422,
        field: 'body.customerId',
        type: 'unknown-customer',
      },
      {
        name: 'unknown SKU',
        who: t.sales,
        body: {
          ...base,
          lines: [
            { sku: 'WIDGET', quantity: 1 },
            { sku: 'NOPE', quantity: 1 },
          ],
        },
        status: 422,
        field: 'body.lines.1.sku',
        type: 'unknown-sku',
      },
      {
        name: 'inactive product',
        who: t.sales,
        body: { ...base, lines: [{ sku: 'OLD', quantity: 1 }] },
        status: 422,
        field: 'body.lines.0.sku',
      },
      {
        name: 'currency other than the product price',
        who: t.sales,
        body: { ...base, lines: [{ sku: 'DOLLAR', quantity: 1 }] },
        status: 422,
        field: 'body.lines.0.sku',
        type: 'currency-mismatch',
      },
      {
        name: 'currency other than the credit limit',
        who: limited.sales,
        body: { customerId: limited.customerId, currency: 'USD', lines: [{ sku: 'WIDGET', quantity: 1 }] },
        status: 422,
        field: 'body.currency',
        type: 'currency-mismatch',
      },
      {
        name: 'no lines',
        who: t.sales,
        body: { ...base, lines: [] },
        status: 400,
        field: 'body.lines',
        message: 'an order needs at least one line',
      },
      {
        name: 'quantity 0',
        who: t.sales,
        body: { ...base, lines: [{ sku: 'WIDGET', quantity: 0 }] },
        status: 400,
        field: 'body.lines.0.quantity',
      },
      {
        name: 'the same SKU twice',
        who: t.sales,
        body: {
          ...base,
          lines: [
            { sku: 'WIDGET', quantity: 1 },
            { sku: 'WIDGET', quantity: 2 },
          ],
        },
        status: 422,
        field: 'body.lines.1.sku',
      },
    ];
    for (const c of cases) {
      const res = await post(c.who, c.body);
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers['content-type'], 'application/problem+json', c.name);
      assert.ok(
        res.body.errors.some((e: { field: string }) => e.field === c.field),
        `${c.name} names ${c.field}: ${JSON.stringify(res.body.errors)}`,
      );
      if (c.type) assert.equal(res.body.type, `urn:orderly:problem:${c.type}`, c.name);
      if (c.message)
        assert.ok(
          res.body.errors.some((e: { message: string }) => e.message === c.message),
          `${c.name} says why: ${JSON.stringify(res.body.errors)}`,
        );
    }
    assert.deepEqual(await ordersOf(t.sales), []);
    assert.deepEqual(await ordersOf(limited.sales), []);
    assert.equal(startsFor(t.tenantId).length + startsFor(limited.tenantId).length, 0);

    // Not even an order number was used up.
    const first = await post(t.sales, { ...base, lines: [{ sku: 'WIDGET', quantity: 1 }] });
    assert.equal(first.status, 201);
    assert.equal(first.body.number, `SO-${year}-000001`);
  });

  it('prices from the catalogue in minor units, numbers per tenant, records the event and starts the workflow', async () => {
    const t = await setUpTenant({
      products: [
        { sku: 'ODD', priceMinor: 1999 },
        { sku: 'GADGET', priceMinor: 1000 },
      ],
    });
    const res = await post(t.sales, {
      customerId: t.customerId,
      currency: 'EUR',
      lines: [
        { sku: 'ODD', quantity: 3, discountBps: 1500 },
        { sku: 'GADGET', quantity: 1 },
      ],
      promisedDeliveryDate: '2030-01-31',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.etag, '"1"');
    assert.equal(res.headers.location, `/v1/orders/${res.body.id}`);
    const order = res.body;
    assert.equal(order.number, `SO-${year}-000001`);
    assert.equal(order.status, 'SUBMITTED');
    assert.equal(order.createdBy, 'sales-1');
    // 3 × 19.99 = 59.97, 15% of it is 8.9955 → 9.00 (half up); plus 10.00.
    assert.deepEqual(
      order.lines.map((l: Record<string, unknown>) => [
        l.sku,
        l.unitPriceMinor,
        l.discountMinor,
        l.lineTotalMinor,
      ]),
      [
        ['ODD', 1999, 900, 5097],
        ['GADGET', 1000, 0, 1000],
      ],
    );
    assert.deepEqual(order.totals, { subtotalMinor: 6997, discountMinor: 900, totalMinor: 6097 });
    assert.deepEqual(order.total, { amountMinor: 6097, currency: 'EUR' });
    assert.equal(order.promisedDeliveryDate, '2030-01-31');

    const second = await post(t.sales, {
      customerId: t.customerId,
      currency: 'EUR',
      lines: [{ sku: 'GADGET', quantity: 1 }],
    });
    assert.equal(second.body.number, `SO-${year}-000002`);
    // Another tenant counts on its own.
    const other = await setUpTenant();
    const theirs = await post(other.sales, {
      customerId: other.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 1 }],
    });
    assert.equal(theirs.body.number, `SO-${year}-000001`);

    const events = await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId: order.id },
      principal: t.sales,
    });
    assert.deepEqual(
      events.body.items.map((e: Record<string, unknown>) => [e.seq, e.type, e.status, e.actor]),
      [[1, 'ORDER_SUBMITTED', 'SUBMITTED', { type: 'user', id: 'sales-1' }]],
    );
    assert.deepEqual(port.startsOf(order.id), [
      { stateMachine: 'orderLifecycle', name: order.id, input: { tenantId: t.tenantId, orderId: order.id } },
    ]);
  });

  it('20 parallel requests with one Idempotency-Key make one order and start one execution', async () => {
    const t = await setUpTenant();
    const body = { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }] };
    const headers = { 'idempotency-key': 'order-key-0001' };
    const results = await Promise.all(Array.from({ length: 20 }, () => post(t.sales, body, headers)));
    // Nothing is "in progress": one request commits, every other one answers with its order.
    assert.deepEqual(
      results.map((r) => r.status),
      Array(20).fill(201),
    );
    const created = results;
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.headers?.['idempotent-replayed'] === 'true').length, 19);

    const retry = await post(t.sales, body, headers);
    assert.equal(retry.status, 201);
    assert.equal(retry.body.id, created[0]?.body.id);

    const orders = await ordersOf(t.sales);
    assert.deepEqual(
      orders.map((o) => o.id),
      [retry.body.id],
    );
    // Replays of a still-SUBMITTED order start it again: the same name and input, which Step
    // Functions answers as the running execution (at most one execution per order).
    assert.deepEqual([...new Set(startsFor(t.tenantId).map((s) => s.name))], [retry.body.id]);
  });

  it('a retried create of an order no longer SUBMITTED answers with the order as it is now and starts nothing', async () => {
    const t = await setUpTenant();
    const body = { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }] };
    const headers = { 'idempotency-key': 'order-key-moved-on' };
    const first = await post(t.sales, body, headers);
    assert.equal(first.status, 201);
    const id = first.body.id as string;
    const started = [
      { stateMachine: 'orderLifecycle', name: id, input: { tenantId: t.tenantId, orderId: id } },
    ];
    assert.deepEqual(port.startsOf(id), started);

    // Its workflow has run: Advance moved it on (one approver level is required).
    await requireApproval(t, id, [level('approver')]);
    const current = await invoke(get, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: id },
      principal: t.sales,
    });
    assert.equal(current.body.status, 'PENDING_APPROVAL');

    const retry = await post(t.sales, body, headers);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.headers.etag, current.headers.etag);
    assert.deepEqual(retry.body, current.body);
    // Only a SUBMITTED order may lack its execution: this one has it, so the retry starts none.
    assert.deepEqual(port.startsOf(id), started);
  });

  it('is for sales, admin and integration only', async () => {
    const t = await setUpTenant();
    const res = await post(principal(t.tenantId, ['approver'], 'appr-1'), {
      customerId: t.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 1 }],
    });
    assert.equal(res.status, 403);
  });
});
