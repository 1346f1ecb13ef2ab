import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { approve, level, orderIn, recordWorkflow, requireApproval, setUpTenant, submitOrder } = await import(
  '../support/orders'
);
const { createCustomer } = await import('../../functions/customers/store');
const { Order } = await import('../../functions/orders/schemas');
const { handler: get } = await import('../../functions/orders/get');
const { handler: list } = await import('../../functions/orders/list');
const { handler: timeline } = await import('../../functions/orders/timeline');

recordWorkflow();
afterAll(() => tables.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every page of a list, following cursors; fails on a page that is not 200. */
async function allPages(who: Principal, query: Record<string, string>) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const res = await invoke(list, {
      routeKey: 'GET /v1/orders',
      query: { ...query, ...(cursor ? { cursor } : {}) },
      principal: who,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ids.push(...res.body.items.map((o: { id: string }) => o.id));
    sizes.push(res.body.items.length);
    cursor = res.body.nextCursor;
  } while (cursor);
  return { ids, sizes };
}

describe('GET /v1/orders/{orderId}', () => {
  it('gives the order with its version as ETag and nothing of what only the system sees', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT');
    const res = await invoke(get, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: order.id },
      principal: principal(t.tenantId, ['analyst'], 'ana'),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, `"${order.version}"`);
    assert.equal(res.headers['cache-control'], 'no-store');
    // The schema is strict: keys, index attributes and the task token would fail it.
    Order.parse(res.body);
    assert.equal(res.body.status, 'IN_FULFILMENT');
    assert.deepEqual(res.body.reservations, [{ sku: 'WIDGET', productId: t.products.WIDGET, quantity: 2 }]);
    assert.doesNotMatch(JSON.stringify(res.body), /token-shipment|"pk"|statusPk/);

    const missing = await invoke(get, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' },
      principal: t.sales,
    });
    assert.equal(missing.status, 404);
  });
});

describe('GET /v1/orders', () => {
  it('filters by status, customer and created-date range, newest first, across pages without gaps', async () => {
    const t = await setUpTenant();
    const second = await createCustomer(t.tenantId, { name: 'Bea GmbH' }, new Date().toISOString());
    const other = { ...t, customerId: second.id };

    const o1 = await submitOrder(t);
    await requireApproval(t, o1.id, [level('approver')]);
    const o2 = await submitOrder(other);
    await sleep(15);
    const boundary = new Date().toISOString();
    await sleep(15);
    const o3 = await submitOrder(t);
    await approve(t, o3.id);
    const o4 = await submitOrder(other);
    await requireApproval(t, o4.id, [level('approver')]);
    const o5 = await submitOrder(t);

    assert.deepEqual((await allPages(t.sales, {})).ids, [o5.id, o4.id, o3.id, o2.id, o1.id]);
    assert.deepEqual((await allPages(t.sales, { limit: '2' })).sizes, [2, 2, 1]);
    assert.deepEqual((await allPages(t.sales, { limit: '5' })).sizes, [5]);
    assert.deepEqual((await allPages(t.sales, { status: 'PENDING_APPROVAL', limit: '1' })).ids, [
      o4.id,
      o1.id,
    ]);
    assert.deepEqual((await allPages(t.sales, { status: 'SUBMITTED' })).ids, [o5.id, o2.id]);
    assert.deepEqual((await allPages(t.sales, { customerId: t.customerId, limit: '2' })).ids, [
      o5.id,
      o3.id,
      o1.id,
    ]);
    assert.deepEqual(
      (await allPages(t.sales, { customerId: second.id, status: 'PENDING_APPROVAL', limit: '1' })).ids,
      [o4.id],
    );

    // createdFrom is inclusive, createdTo exclusive, on every index.
    assert.deepEqual((await allPages(t.sales, { createdFrom: boundary })).ids, [o5.id, o4.id, o3.id]);
    assert.deepEqual((await allPages(t.sales, { createdTo: boundary })).ids, [o2.id, o1.id]);
    assert.deepEqual((await allPages(t.sales, { createdTo: boundary, status: 'PENDING_APPROVAL' })).ids, [
      o1.id,
    ]);
    assert.deepEqual((await allPages(t.sales, { createdFrom: boundary, customerId: second.id })).ids, [
      o4.id,
    ]);
    // A bound without milliseconds is the same instant as one with them.
    const secondBound = `${o3.createdAt.slice(0, 19)}Z`;
    const fromSecond = (await allPages(t.sales, { createdFrom: secondBound, status: 'APPROVED' })).ids;
    assert.deepEqual(fromSecond, [o3.id]);
  });

  it('refuses a range that ends before it starts, an unknown status and a foreign cursor (400)', async () => {
    const t = await setUpTenant();
    const cases: Record<string, string>[] = [
      { createdFrom: '2026-02-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' },
      { status: 'LOST' },
      { cursor: 'eyJsIjoiT1JERVJTIiwiayI6eyJwayI6IngifX0' },
      { limit: '101' },
    ];
    for (const query of cases) {
      const res = await invoke(list, { routeKey: 'GET /v1/orders', query, principal: t.sales });
      assert.equal(res.status, 400, JSON.stringify(query));
    }
  });
});

describe('GET /v1/orders/{orderId}/timeline', () => {
  it('lists every change in order, with time, actor and details, in pages', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'DELIVERED');
    const events: { seq: number; type: string; status: string; actor: { type: string } }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await invoke(timeline, {
        routeKey: 'GET /v1/orders/{orderId}/timeline',
        pathParameters: { orderId: order.id },
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
        principal: t.sales,
      });
      assert.equal(res.status, 200);
      events.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(
      events.map((e) => [e.seq, e.type, e.status, e.actor.type]),
      [
        [1, 'ORDER_SUBMITTED', 'SUBMITTED', 'user'],
        [2, 'APPROVAL_AUTO_APPROVED', 'APPROVED', 'system'],
        [3, 'STOCK_RESERVED', 'STOCK_RESERVED', 'system'],
        [4, 'FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system'],
        [5, 'SHIPPED', 'SHIPPED', 'partner'],
        [6, 'DELIVERED', 'DELIVERED', 'partner'],
      ],
    );
    assert.equal(pages, 3);
  });

  it('is 404 for an order that does not exist', async () => {
    const t = await setUpTenant();
    const res = await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' },
      principal: t.sales,
    });
    assert.equal(res.status, 404);
  });
});
