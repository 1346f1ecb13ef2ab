import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * The DynamoDB requests each order operation makes, counted and checked against the manifest's
 * grants by the twin's local IAM (a request the manifest does not grant fails the call).
 */
const tables = await createTestTables();
const { level, orderIn, parkTask, recordWorkflow, requireApproval, setUpTenant, submitOrder } = await import(
  '../support/orders'
);
const handler = async (name: string) =>
  (await import(`../../functions/orders/${name}`)).handler as HttpLambda;

recordWorkflow();
const requests = requestCounter(tables);
afterAll(() => tables.drop());

async function counted(operationId: string, entry: string, options: InvokeOptions) {
  const fn = httpFunctions.find((f) => f.operation.operationId === operationId);
  assert.ok(fn, `${operationId} is in the manifest`);
  assert.equal(fn.entry, `functions/orders/${entry}.ts`);
  const run = await handler(entry);
  const { response, byCommand } = await requests.run(operationId, () => invoke(run, options));
  return { status: response.status, byCommand };
}

const DECIDE = { GetItemCommand: 1, TransactWriteItemsCommand: 1 };

describe('orders: DynamoDB requests per operation, within the manifest grants', () => {
  it('createOrder: customer, catalogue (2 batches), number, one transaction; with a key, one read of its record', async () => {
    const t = await setUpTenant();
    const body = { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }] };
    assert.deepEqual(
      await counted('createOrder', 'create', { routeKey: 'POST /v1/orders', body, principal: t.sales }),
      {
        status: 201,
        byCommand: {
          GetItemCommand: 1,
          BatchGetItemCommand: 2,
          UpdateItemCommand: 1,
          TransactWriteItemsCommand: 1,
        },
      },
    );
    const keyed = await counted('createOrder', 'create', {
      routeKey: 'POST /v1/orders',
      body,
      headers: { 'idempotency-key': 'count-requests-1' },
      principal: t.sales,
    });
    assert.equal(keyed.status, 201);
    // The key's record is read once (a retry?) and written inside the order's transaction.
    assert.deepEqual(keyed.byCommand, {
      GetItemCommand: 2,
      BatchGetItemCommand: 2,
      UpdateItemCommand: 1,
      TransactWriteItemsCommand: 1,
    });
    const replayed = await counted('createOrder', 'create', {
      routeKey: 'POST /v1/orders',
      body,
      headers: { 'idempotency-key': 'count-requests-1' },
      principal: t.sales,
    });
    // A retry: the record and the order, read (GetItem each); nothing written.
    assert.equal(replayed.status, 201);
    assert.deepEqual(replayed.byCommand, { GetItemCommand: 2 });
  });

  it('reads: one GetItem or one Query; the inbox one Query per approving role', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    const reader = principal(t.tenantId, ['admin', 'approver'], 'boss');
    const byId = { pathParameters: { orderId: order.id }, principal: reader };
    assert.deepEqual(await counted('getOrder', 'get', { routeKey: 'GET /v1/orders/{orderId}', ...byId }), {
      status: 200,
      byCommand: { GetItemCommand: 1 },
    });
    assert.deepEqual(await counted('listOrders', 'list', { routeKey: 'GET /v1/orders', principal: reader }), {
      status: 200,
      byCommand: { QueryCommand: 1 },
    });
    assert.deepEqual(
      await counted('getOrderTimeline', 'timeline', {
        routeKey: 'GET /v1/orders/{orderId}/timeline',
        ...byId,
      }),
      { status: 200, byCommand: { QueryCommand: 1 } },
    );
    assert.deepEqual(
      await counted('listApprovals', 'approvals', { routeKey: 'GET /v1/approvals', principal: reader }),
      {
        status: 200,
        byCommand: { QueryCommand: 2 },
      },
    );
  });

  it('decisions and reports: one GetItem and one transaction; a refusal only the GetItem', async () => {
    const t = await setUpTenant();
    const alice = principal(t.tenantId, ['approver'], 'alice');
    const wh = { ...principal(t.tenantId, ['fulfilment'], 'wh-1'), partnerId: 'in-house' };
    const post = (orderId: string, action: string, body: unknown, who = t.sales) => ({
      routeKey: `POST /v1/orders/{orderId}/${action}`,
      pathParameters: { orderId },
      body,
      principal: who,
    });

    const pending = await submitOrder(t);
    await requireApproval(t, pending.id, [level('approver'), level('approver')]);
    await parkTask(t, pending.id, 'approval');
    assert.deepEqual(await counted('approveOrder', 'approve', post(pending.id, 'approve', {}, alice)), {
      status: 200,
      byCommand: DECIDE,
    });
    assert.deepEqual(await counted('approveOrder', 'approve', post(pending.id, 'approve', {}, alice)), {
      status: 403,
      byCommand: { GetItemCommand: 1 },
    });
    const bob = principal(t.tenantId, ['approver'], 'bob');
    assert.deepEqual(
      await counted('rejectOrder', 'reject', post(pending.id, 'reject', { comment: 'no' }, bob)),
      {
        status: 200,
        byCommand: DECIDE,
      },
    );

    const fulfilling = await orderIn(t, 'IN_FULFILMENT');
    const shipment = { carrier: 'DHL', trackingNumber: 'T1' };
    assert.deepEqual(
      await counted('recordShipment', 'shipments', post(fulfilling.id, 'shipments', shipment, wh)),
      {
        status: 201,
        byCommand: DECIDE,
      },
    );
    assert.deepEqual(await counted('recordDelivery', 'delivery', post(fulfilling.id, 'delivery', {}, wh)), {
      status: 200,
      byCommand: DECIDE,
    });
    assert.deepEqual(
      await counted('submitFeedback', 'feedback', post(fulfilling.id, 'feedback', { rating: 5 })),
      {
        status: 200,
        byCommand: DECIDE,
      },
    );
    assert.deepEqual(
      await counted('cancelOrder', 'cancel', post(fulfilling.id, 'cancel', { reason: 'late' })),
      {
        status: 409,
        byCommand: { GetItemCommand: 1 },
      },
    );

    const other = await orderIn(t, 'IN_FULFILMENT');
    assert.deepEqual(
      await counted(
        'reportFulfilmentFailure',
        'fulfilment-failure',
        post(other.id, 'fulfilment-failure', { reason: 'x' }, wh),
      ),
      { status: 202, byCommand: DECIDE },
    );
    const cancellable = await orderIn(t, 'STOCK_RESERVED');
    assert.deepEqual(
      await counted('cancelOrder', 'cancel', post(cancellable.id, 'cancel', { reason: 'late' })),
      {
        status: 202,
        byCommand: DECIDE,
      },
    );
  });
});
