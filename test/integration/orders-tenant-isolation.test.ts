import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { level, orderIn, parkTask, recordWorkflow, requireApproval, setUpTenant, submitOrder } = await import(
  '../support/orders'
);
const { getOrderRecord } = await import('../../functions/orders/store');
const handlers = {
  get: (await import('../../functions/orders/get')).handler,
  list: (await import('../../functions/orders/list')).handler,
  timeline: (await import('../../functions/orders/timeline')).handler,
  approvals: (await import('../../functions/orders/approvals')).handler,
  approve: (await import('../../functions/orders/approve')).handler,
  reject: (await import('../../functions/orders/reject')).handler,
  cancel: (await import('../../functions/orders/cancel')).handler,
  shipments: (await import('../../functions/orders/shipments')).handler,
  delivery: (await import('../../functions/orders/delivery')).handler,
  failure: (await import('../../functions/orders/fulfilment-failure')).handler,
  feedback: (await import('../../functions/orders/feedback')).handler,
};

const port = recordWorkflow();
afterAll(() => tables.drop());

describe('tenant isolation of orders, approvals and timelines', () => {
  let a: Awaited<ReturnType<typeof setUpTenant>>;
  let b: Awaited<ReturnType<typeof setUpTenant>>;
  const aOrders: Record<string, string> = {};
  const bAdmin = () => principal(b.tenantId, ['admin', 'approver', 'sales', 'fulfilment'], 'b-root');

  beforeAll(async () => {
    a = await setUpTenant();
    b = await setUpTenant();
    const pending = await submitOrder(a);
    await requireApproval(a, pending.id, [level('approver')]);
    await parkTask(a, pending.id, 'approval');
    aOrders.pending = pending.id;
    aOrders.fulfilling = (await orderIn(a, 'IN_FULFILMENT')).id;
    aOrders.shipped = (await orderIn(a, 'SHIPPED')).id;
    aOrders.delivered = (await orderIn(a, 'DELIVERED')).id;
    // B has orders of its own, so its lists are not trivially empty.
    const own = await submitOrder(b);
    await requireApproval(b, own.id, [level('approver')]);
  });

  it('answers 404 to every read and action of tenant B on tenant A’s orders, and changes nothing', async () => {
    const versions = await Promise.all(
      Object.values(aOrders).map(async (id) => (await getOrderRecord(a.tenantId, id)).version),
    );
    const answered = port.successes.length + port.failures.length;
    const calls: [HttpLambda, string, string, unknown][] = [
      [handlers.get, 'GET /v1/orders/{orderId}', aOrders.pending as string, undefined],
      [handlers.timeline, 'GET /v1/orders/{orderId}/timeline', aOrders.pending as string, undefined],
      [handlers.approve, 'POST /v1/orders/{orderId}/approve', aOrders.pending as string, {}],
      [handlers.reject, 'POST /v1/orders/{orderId}/reject', aOrders.pending as string, { comment: 'no' }],
      [
        handlers.cancel,
        'POST /v1/orders/{orderId}/cancel',
        aOrders.pending as string,
        { reason: 'mine now' },
      ],
      [
        handlers.shipments,
        'POST /v1/orders/{orderId}/shipments',
        aOrders.fulfilling as string,
        { carrier: 'X', trackingNumber: '1' },
      ],
      [
        handlers.failure,
        'POST /v1/orders/{orderId}/fulfilment-failure',
        aOrders.fulfilling as string,
        { reason: 'x' },
      ],
      [handlers.delivery, 'POST /v1/orders/{orderId}/delivery', aOrders.shipped as string, {}],
      [handlers.feedback, 'POST /v1/orders/{orderId}/feedback', aOrders.delivered as string, { rating: 1 }],
    ];
    for (const [handler, routeKey, orderId, body] of calls) {
      const res = await invoke(handler, { routeKey, pathParameters: { orderId }, body, principal: bAdmin() });
      assert.equal(res.status, 404, `${routeKey}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, 'urn:orderly:problem:not-found');
    }
    const after = await Promise.all(
      Object.values(aOrders).map(async (id) => (await getOrderRecord(a.tenantId, id)).version),
    );
    assert.deepEqual(after, versions);
    assert.equal(port.successes.length + port.failures.length, answered);
  });

  it('never lists A’s orders or approvals to B, whatever the filter', async () => {
    const aIds = new Set(Object.values(aOrders));
    for (const query of [
      {},
      { status: 'PENDING_APPROVAL' },
      { status: 'SHIPPED' },
      { customerId: a.customerId },
      { createdFrom: '2000-01-01T00:00:00Z' },
    ] as Record<string, string>[]) {
      const res = await invoke(handlers.list, { routeKey: 'GET /v1/orders', query, principal: bAdmin() });
      assert.equal(res.status, 200);
      for (const order of res.body.items) assert.ok(!aIds.has(order.id), JSON.stringify(query));
      if ('customerId' in query) assert.deepEqual(res.body.items, []);
    }
    const inbox = await invoke(handlers.approvals, { routeKey: 'GET /v1/approvals', principal: bAdmin() });
    assert.equal(inbox.status, 200);
    assert.equal(inbox.body.items.length, 1);
    for (const item of inbox.body.items) assert.ok(!aIds.has(item.orderId));
  });

  it('refuses A’s cursors when B replays them (400)', async () => {
    const aReader = principal(a.tenantId, ['admin', 'approver'], 'a-root');
    const page = await invoke(handlers.list, {
      routeKey: 'GET /v1/orders',
      query: { limit: '1' },
      principal: aReader,
    });
    assert.ok(page.body.nextCursor);
    const replay = await invoke(handlers.list, {
      routeKey: 'GET /v1/orders',
      query: { limit: '1', cursor: page.body.nextCursor },
      principal: bAdmin(),
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.errors[0].field, 'query.cursor');

    const events = await invoke(handlers.timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId: aOrders.delivered as string },
      query: { limit: '1' },
      principal: aReader,
    });
    assert.ok(events.body.nextCursor);
    const replayEvents = await invoke(handlers.timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId: aOrders.delivered as string },
      query: { cursor: events.body.nextCursor },
      principal: bAdmin(),
    });
    assert.equal(replayEvents.status, 400);

    // A second pending order so that A's inbox has a next page.
    const more = await submitOrder(a);
    await requireApproval(a, more.id, [level('approver')]);
    const inbox = await invoke(handlers.approvals, {
      routeKey: 'GET /v1/approvals',
      query: { limit: '1' },
      principal: aReader,
    });
    assert.ok(inbox.body.nextCursor);
    const replayInbox = await invoke(handlers.approvals, {
      routeKey: 'GET /v1/approvals',
      query: { cursor: inbox.body.nextCursor },
      principal: bAdmin(),
    });
    assert.equal(replayInbox.status, 400);
  });
});
