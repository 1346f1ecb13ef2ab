import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

const tables = await createTestTables();
const { openBalanceOf, orderIn, parkTask, recordWorkflow, setUpTenant, stockOf } = await import(
  '../support/orders'
);
const { getOrderRecord } = await import('../../functions/orders/store');
const { handler: shipments } = await import('../../functions/orders/shipments');
const { handler: delivery } = await import('../../functions/orders/delivery');
const { handler: failure } = await import('../../functions/orders/fulfilment-failure');
const { handler: cancel } = await import('../../functions/orders/cancel');
const { handler: feedback } = await import('../../functions/orders/feedback');
const { handler: approve } = await import('../../functions/orders/approve');
const { handler: get } = await import('../../functions/orders/get');
const { handler: timeline } = await import('../../functions/orders/timeline');

const port = recordWorkflow();
afterAll(() => tables.drop());

const post = (
  handler: typeof shipments,
  action: string,
  who: Principal,
  orderId: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  invoke(handler, {
    routeKey: `POST /v1/orders/{orderId}/${action}`,
    pathParameters: { orderId },
    body,
    headers,
    principal: who,
  });

// The tenant's default partner: orders of a tenant that never routed any go to it.
const warehouse = (tenantId: string): Principal => ({
  ...principal(tenantId, ['fulfilment'], 'wh-1'),
  partnerId: 'in-house',
});
const ship = (who: Principal, orderId: string, headers: Record<string, string> = {}) =>
  post(
    shipments,
    'shipments',
    who,
    orderId,
    { carrier: 'DHL', trackingNumber: 'JD014600006281230704' },
    headers,
  );
const deliver = (who: Principal, orderId: string, body: Record<string, string> = {}) =>
  post(delivery, 'delivery', who, orderId, body);
const fail = (who: Principal, orderId: string, reason: string) =>
  post(failure, 'fulfilment-failure', who, orderId, { reason });
const cancelAs = (who: Principal, orderId: string, reason: string) =>
  post(cancel, 'cancel', who, orderId, { reason });
const rate = (who: Principal, orderId: string, body: unknown) =>
  post(feedback, 'feedback', who, orderId, body);

const eventTypes = async (who: Principal, orderId: string) =>
  (
    await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId },
      query: { limit: '100' },
      principal: who,
    })
  ).body.items.map((e: { type: string }) => e.type) as string[];

describe('shipment reports', () => {
  it('refuses a shipment before fulfilment was requested (409) and moves no stock', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'STOCK_RESERVED');
    const res = await ship(warehouse(t.tenantId), order.id);
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /Fulfilment has not been requested yet/);
    assert.deepEqual(await stockOf(t, 'WIDGET'), { onHand: 100, reserved: 2, available: 98 });
  });

  it('ships: SHIPPED, the shipment recorded, reserved stock gone from on hand, the workflow on to delivery', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT', [
      { sku: 'WIDGET', quantity: 2 },
      { sku: 'GADGET', quantity: 5 },
    ]);
    const token = order.task?.token as string;
    assert.deepEqual(await stockOf(t, 'GADGET'), { onHand: 50, reserved: 5, available: 45 });

    const res = await ship(warehouse(t.tenantId), order.id);
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'SHIPPED');
    assert.equal(res.headers.etag, `"${res.body.version}"`);
    assert.deepEqual(
      { ...res.body.shipments[0], shippedAt: undefined },
      {
        carrier: 'DHL',
        trackingNumber: 'JD014600006281230704',
        reportedBy: 'wh-1',
        shippedAt: undefined,
      },
    );
    assert.deepEqual(await stockOf(t, 'WIDGET'), { onHand: 98, reserved: 0, available: 98 });
    assert.deepEqual(await stockOf(t, 'GADGET'), { onHand: 45, reserved: 0, available: 45 });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).task, undefined);
    assert.deepEqual(port.successes.find((s) => s.taskToken === token)?.output, {
      tenantId: t.tenantId,
      orderId: order.id,
      next: 'await-delivery',
    });
    assert.equal((await eventTypes(t.sales, order.id)).at(-1), 'SHIPPED');

    const again = await ship(warehouse(t.tenantId), order.id);
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /already shipped/);
  });

  it('answers a retry with the same Idempotency-Key with the first response, shipping once', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT');
    const headers = { 'idempotency-key': `ship-${order.id}` };
    const first = await ship(warehouse(t.tenantId), order.id, headers);
    const retry = await ship(warehouse(t.tenantId), order.id, headers);
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal((await eventTypes(t.sales, order.id)).filter((e) => e === 'SHIPPED').length, 1);
    assert.deepEqual(await stockOf(t, 'WIDGET'), { onHand: 98, reserved: 0, available: 98 });
  });

  it('is for fulfilment and integration only', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT');
    assert.equal((await ship(t.sales, order.id)).status, 403);
  });
});

describe('delivery reports', () => {
  it('delivers a shipped order once, at the given time, and resumes the workflow to close it', async () => {
    const t = await setUpTenant();
    const early = await orderIn(t, 'IN_FULFILMENT');
    const notYet = await deliver(warehouse(t.tenantId), early.id);
    assert.equal(notYet.status, 409);
    assert.match(notYet.body.detail, /has not shipped/);

    const order = await orderIn(t, 'SHIPPED');
    const token = await parkTask(t, order.id, 'delivery');
    const shippedAt = order.shipments?.[0]?.shippedAt as string;
    const beforeShipping = await deliver(warehouse(t.tenantId), order.id, {
      deliveredAt: new Date(Date.parse(shippedAt) - 60_000).toISOString(),
    });
    assert.equal(beforeShipping.status, 400);
    assert.deepEqual(beforeShipping.body.errors, [
      { field: 'body.deliveredAt', message: `is before the shipment (${shippedAt})` },
    ]);
    const future = await deliver(warehouse(t.tenantId), order.id, {
      deliveredAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    assert.equal(future.status, 400);
    assert.deepEqual(future.body.errors, [{ field: 'body.deliveredAt', message: 'is in the future' }]);

    const deliveredAt = new Date(Date.parse(shippedAt) + 1000).toISOString();
    const res = await deliver(warehouse(t.tenantId), order.id, { deliveredAt });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'DELIVERED');
    assert.equal(res.body.deliveredAt, deliveredAt);
    assert.deepEqual(port.successes.find((s) => s.taskToken === token)?.output, {
      tenantId: t.tenantId,
      orderId: order.id,
      next: 'close',
    });
    assert.equal((await eventTypes(t.sales, order.id)).at(-1), 'DELIVERED');
    const again = await deliver(warehouse(t.tenantId), order.id);
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /already been delivered/);
  });
});

describe('fulfilment failure reports', () => {
  it('records the failure without changing the status and fails the shipment task with FulfilmentFailed', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT');
    const token = order.task?.token as string;
    const res = await fail(warehouse(t.tenantId), order.id, 'warehouse flooded');
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'IN_FULFILMENT');
    const record = await getOrderRecord(t.tenantId, order.id);
    assert.deepEqual(
      { ...record.fulfilmentFailure, at: undefined },
      { reason: 'warehouse flooded', by: 'wh-1', at: undefined },
    );
    assert.equal(record.task, undefined);
    assert.deepEqual(
      port.failures.find((f) => f.taskToken === token),
      {
        taskToken: token,
        error: 'FulfilmentFailed',
        // A code: the partner's words stay on the order, out of the execution history.
        cause: '{"code":"fulfilment-failed"}',
      },
    );
    assert.equal((await eventTypes(t.sales, order.id)).at(-1), 'FULFILMENT_FAILURE_REPORTED');

    const again = await fail(warehouse(t.tenantId), order.id, 'still flooded');
    assert.equal(again.status, 409);
    const shipAfter = await ship(warehouse(t.tenantId), order.id);
    assert.equal(shipAfter.status, 409);
  });

  it('records a failure reported before fulfilment was requested (no token to fail yet), and not after shipping', async () => {
    const t = await setUpTenant();
    const reserved = await orderIn(t, 'STOCK_RESERVED');
    const failures = port.failures.length;
    const res = await fail(warehouse(t.tenantId), reserved.id, 'cannot source');
    assert.equal(res.status, 202);
    assert.equal((await getOrderRecord(t.tenantId, reserved.id)).fulfilmentFailure?.reason, 'cannot source');
    assert.equal(port.failures.length, failures);

    const shipped = await orderIn(t, 'SHIPPED');
    const late = await fail(warehouse(t.tenantId), shipped.id, 'too late');
    assert.equal(late.status, 409);
    assert.match(late.body.detail, /already shipped/);
  });
});

describe('cancelling', () => {
  it('while pending approval: recorded, out of the inbox, the approval task failed with OrderCancelled', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'PENDING_APPROVAL');
    const token = await parkTask(t, order.id, 'approval');
    const res = await cancelAs(t.sales, order.id, 'customer changed their mind');
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'PENDING_APPROVAL');
    // The ETag is of the order as the cancel left it, for a conditional request that follows.
    assert.equal(res.headers.etag, `"${res.body.version}"`);
    assert.ok(res.body.version > order.version);
    // The answer (and every GET until compensation ends) shows that a cancel is under way.
    assert.equal(res.body.cancelRequest.reason, 'customer changed their mind');
    const record = await getOrderRecord(t.tenantId, order.id);
    assert.deepEqual(
      { ...record.cancelRequest, at: undefined },
      {
        reason: 'customer changed their mind',
        by: 'sales-1',
        at: undefined,
      },
    );
    assert.equal(record.task, undefined);
    assert.equal((record as unknown as Record<string, unknown>).inboxPk, undefined);
    assert.deepEqual(
      port.failures.find((f) => f.taskToken === token),
      {
        taskToken: token,
        error: 'OrderCancelled',
        cause: '{"code":"order-cancelled"}',
      },
    );
    assert.equal((await eventTypes(t.sales, order.id)).at(-1), 'CANCEL_REQUESTED');

    const twice = await cancelAs(t.sales, order.id, 'again');
    assert.equal(twice.status, 409);
    assert.match(twice.body.detail, /already being cancelled/);
    const approval = await invoke(approve, {
      routeKey: 'POST /v1/orders/{orderId}/approve',
      pathParameters: { orderId: order.id },
      body: {},
      principal: principal(t.tenantId, ['approver'], 'alice'),
    });
    assert.equal(approval.status, 409);
  });

  it('while awaiting shipment: fails the shipment task; a shipment report then is refused', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'IN_FULFILMENT');
    const token = order.task?.token as string;
    const res = await cancelAs(principal(t.tenantId, ['admin'], 'root'), order.id, 'duplicate order');
    assert.equal(res.status, 202);
    assert.equal(port.failures.find((f) => f.taskToken === token)?.error, 'OrderCancelled');
    const shipped = await ship(warehouse(t.tenantId), order.id);
    assert.equal(shipped.status, 409);
    assert.match(shipped.body.detail, /being cancelled/);
  });

  it('before the workflow waits anywhere: recorded, nothing to fail', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'SUBMITTED');
    const failures = port.failures.length;
    const res = await cancelAs(t.sales, order.id, 'typo');
    assert.equal(res.status, 202);
    assert.equal(port.failures.length, failures);
  });

  it('after shipping: 409 that says why', async () => {
    const t = await setUpTenant();
    const order = await orderIn(t, 'SHIPPED');
    const res = await cancelAs(t.sales, order.id, 'too late');
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /has shipped, so it can no longer be cancelled/);
    assert.equal(res.body.orderStatus, 'SHIPPED');
  });
});

describe('feedback', () => {
  it('is taken once, after delivery, and shown on the order', async () => {
    const t = await setUpTenant();
    const shipped = await orderIn(t, 'SHIPPED');
    const early = await rate(t.sales, shipped.id, { rating: 5 });
    assert.equal(early.status, 409);
    assert.match(early.body.detail, /after delivery/);

    const order = await orderIn(t, 'DELIVERED');
    const invalid = await rate(t.sales, order.id, { rating: 6 });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.errors[0].field, 'body.rating');

    const res = await rate(t.sales, order.id, { rating: 4, comment: 'Quick, one box dented' });
    assert.equal(res.status, 200);
    const got = await invoke(get, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: order.id },
      principal: t.sales,
    });
    // The answer is the order as it now is, with the ETag of its new version (as a GET gives it).
    assert.equal(res.headers.etag, `"${res.body.version}"`);
    assert.equal(res.headers.etag, got.headers.etag);
    assert.deepEqual(
      { ...got.body.feedback, at: undefined },
      {
        rating: 4,
        comment: 'Quick, one box dented',
        by: 'sales-1',
        at: undefined,
      },
    );
    assert.equal((await eventTypes(t.sales, order.id)).at(-1), 'FEEDBACK_RECEIVED');

    const twice = await rate(t.sales, order.id, { rating: 1 });
    assert.equal(twice.status, 409);
    assert.match(twice.body.detail, /already given/);
    // Delivered orders still count in the open balance until they close.
    assert.equal(await openBalanceOf(t), 2 * 5000);
  });
});
