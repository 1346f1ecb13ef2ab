import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { fakeContext } from '../support/invoke';

/**
 * The ReserveStock task on its own, against DynamoDB Local: what it does with each order it can
 * find after a person approved (all lines or none, under DynamoDB's conditions), and with the ones
 * it must not touch. The workflow tests reach only the happy path and a single short line through
 * the twin; these run in-process, so mutation testing sees them too.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { getOrderRecord, listTimeline } = await import('../../functions/orders/store');
const { cancelOrder } = await import('../../functions/orders/cancel-order');
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const { adjustStock } = await import('../../functions/products/store');
const reserveStock = (await import('../../functions/workflow/reserve-stock')).handler;
const { reserveOrderStock } = await import('../../functions/workflow/reservation');

orders.recordWorkflow();
const run = (event: object) => reserveStock(event, fakeContext()) as Promise<any>;
const events = async (tenantId: string, orderId: string) =>
  (await listTimeline(tenantId, TENANT_WIDE, orderId, 100)).items;
const products = [
  { sku: 'WIDGET', priceMinor: 2500, onHand: 10 },
  { sku: 'GADGET', priceMinor: 1000, onHand: 5 },
];

describe('workflow task: ReserveStock', () => {
  afterAll(() => tables.drop());

  it('reserves every line of an approved order in one step, records what it reserved, and routes on', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [
      { sku: 'WIDGET', quantity: 10 },
      { sku: 'GADGET', quantity: 2 },
    ]);
    await orders.approve(t, order.id);

    const step = await run({ tenantId: t.tenantId, orderId: order.id });
    assert.equal(step.next, 'request-fulfilment');
    const record = await getOrderRecord(t.tenantId, order.id);
    assert.equal(record.status, 'STOCK_RESERVED');
    assert.deepEqual(record.reservations, [
      { sku: 'WIDGET', productId: t.products.WIDGET, quantity: 10 },
      { sku: 'GADGET', productId: t.products.GADGET, quantity: 2 },
    ]);
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 10, available: 0 });
    assert.deepEqual(await orders.stockOf(t, 'GADGET'), { onHand: 5, reserved: 2, available: 3 });
    const reserved = (await events(t.tenantId, order.id)).at(-1);
    assert.equal(reserved?.type, 'STOCK_RESERVED');
    assert.deepEqual(reserved?.actor, { type: 'system', id: 'workflow' });
    assert.deepEqual(reserved?.details, {
      reservations: [
        { sku: 'WIDGET', quantity: 10 },
        { sku: 'GADGET', quantity: 2 },
      ],
    });
  });

  it('reserves nothing when any line is short, and names exactly the short SKUs', async () => {
    const t = await orders.setUpTenant({
      products: [...products, { sku: 'SPROCKET', priceMinor: 500, onHand: 8 }],
    });
    const order = await orders.submitOrder(t, [
      { sku: 'WIDGET', quantity: 4 },
      { sku: 'GADGET', quantity: 3 },
      { sku: 'SPROCKET', quantity: 2 },
    ]);
    await orders.approve(t, order.id);
    // After the approval, other orders took stock: GADGET and SPROCKET now fall short, WIDGET not.
    await adjustStock(
      t.tenantId,
      t.products.GADGET as string,
      { delta: -3, reason: 'damage' },
      new Date().toISOString(),
    );
    await adjustStock(
      t.tenantId,
      t.products.SPROCKET as string,
      { delta: -7, reason: 'damage' },
      new Date().toISOString(),
    );
    const before = await getOrderRecord(t.tenantId, order.id);

    await assert.rejects(run({ tenantId: t.tenantId, orderId: order.id }), {
      name: 'InsufficientStock',
      message: 'Not enough stock available for GADGET, SPROCKET.',
    });
    assert.deepEqual(await getOrderRecord(t.tenantId, order.id), before, 'the order as it was');
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 0, available: 10 });
    assert.deepEqual(await orders.stockOf(t, 'GADGET'), { onHand: 2, reserved: 0, available: 2 });
    assert.deepEqual(await orders.stockOf(t, 'SPROCKET'), { onHand: 1, reserved: 0, available: 1 });
  });

  it('fails with OrderCancelled, reserving nothing, when a cancel was requested after the approval', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 1 }]);
    await orders.approve(t, order.id);
    await cancelOrder(t.sales, order.id, 'changed my mind', new Date());

    await assert.rejects(run({ tenantId: t.tenantId, orderId: order.id }), {
      name: 'OrderCancelled',
      message: 'A cancellation was requested for the order.',
    });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).status, 'APPROVED');
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 0, available: 10 });
  });

  it('leaves an order already in fulfilment as it is and routes it on (a restarted execution)', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 3 }]);
    await orders.approve(t, order.id);
    await orders.reserve(t, order.id);
    await orders.requestFulfilment(t, order.id);
    const before = await getOrderRecord(t.tenantId, order.id);
    assert.equal(before.status, 'IN_FULFILMENT');

    const step = await run({ tenantId: t.tenantId, orderId: order.id });
    assert.equal(step.next, 'request-fulfilment');
    assert.deepEqual(await getOrderRecord(t.tenantId, order.id), before);
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 3, available: 7 });
  });

  it('refuses an order nobody approved yet with UnexpectedOrderState, naming the task and the status', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 1 }]);
    await orders.requireApproval(t, order.id, [orders.level('approver')]);

    await assert.rejects(run({ tenantId: t.tenantId, orderId: order.id }), {
      name: 'UnexpectedOrderState',
      message: 'ReserveStock does not handle an order in status PENDING_APPROVAL.',
    });
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 0, available: 10 });
  });

  it('an order another step moved on meanwhile is a changed order to read again, not a stock shortage', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 3 }]);
    await orders.approve(t, order.id);
    const stale = await getOrderRecord(t.tenantId, order.id);
    await run({ tenantId: t.tenantId, orderId: order.id });

    // The stock is there (7 of 10 available); only the order's version condition fails.
    await assert.rejects(reserveOrderStock(t.tenantId, stale, new Date()), {
      name: 'OrderChangedError',
      message: `Order '${order.id}' changed while this request ran; retry.`,
    });
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 10, reserved: 3, available: 7 });
  });

  it('an error other than a cancelled transaction passes through as it is', async () => {
    const t = await orders.setUpTenant({ products });
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 1 }]);
    await orders.approve(t, order.id);
    const record = await getOrderRecord(t.tenantId, order.id);
    const table = process.env.DOMAIN_TABLE_NAME;
    process.env.DOMAIN_TABLE_NAME = `${table}-missing`;
    try {
      await assert.rejects(reserveOrderStock(t.tenantId, record, new Date()), {
        name: 'ResourceNotFoundException',
      });
    } finally {
      process.env.DOMAIN_TABLE_NAME = table;
    }
    assert.equal((await getOrderRecord(t.tenantId, order.id)).status, 'APPROVED');
  });

  it('refuses input it cannot use with InvalidTaskInput, naming the task', async () => {
    await assert.rejects(run({ tenantId: 't' }), {
      name: 'InvalidTaskInput',
      message: 'reserveStock got input it cannot use: 1 issue(s).',
    });
  });
});
