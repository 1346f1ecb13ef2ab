import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  customerAccount,
  DEFAULT_STOCK,
  ok,
  openShop,
  orderOf,
  placeOrder,
  statesOf,
  steps,
  stockOf,
  timelineOf,
} from '../support/workflow';

/**
 * The paths that end in compensation: stock that is not there, a partner that cannot fulfil, a
 * person who cancels. Each ends CANCELLED with a machine-readable code and a human reason, every
 * reservation released and the customer's open balance as before.
 */
const twin = await startTestTwin();

const COMPENSATED = ['Compensate', 'AfterCompensation', 'Done'];

describe('workflow: compensation', () => {
  afterAll(() => twin.stop());

  it('cancels with INSUFFICIENT_STOCK when one line cannot be reserved, and reserves none of the others', async () => {
    const shop = await openShop(twin, [...DEFAULT_STOCK, { sku: 'SCARCE', priceMinor: 1_000, onHand: 3 }]);
    const id = await placeOrder(shop, [
      { sku: 'WIDGET', quantity: 1 },
      { sku: 'SCARCE', quantity: 5 },
    ]);

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', ...COMPENSATED]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'INSUFFICIENT_STOCK');
    assert.equal(order.cancellation.reason, 'Not enough stock available for SCARCE.');
    assert.deepEqual(order.cancellation.by, { type: 'system', id: 'workflow' });
    assert.equal(order.reservations, undefined);
    assert.deepEqual(await stockOf(shop, 'SCARCE'), { onHand: 3, reserved: 0, available: 3 });
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.equal(
      (await customerAccount(shop)).openBalanceMinor,
      0,
      'the approved total left the open balance',
    );
    assert.deepEqual(steps(await timelineOf(shop, id)), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
  });

  it('releases the stock and cancels with FULFILMENT_FAILED when the partner reports it cannot fulfil', async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [
      { sku: 'WIDGET', quantity: 4 },
      { sku: 'GADGET', quantity: 1 },
    ]);
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 4, available: 96 });

    ok(await shop.partner.post(`/v1/orders/${id}/fulfilment-failure`, { reason: 'Machine broken' }), 202);
    const execution = await twin.runner.waitForExecution(id);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'RequestFulfilment', ...COMPENSATED]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'FULFILMENT_FAILED');
    assert.equal(order.cancellation.reason, 'The fulfilment partner cannot fulfil the order: Machine broken');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.deepEqual(await stockOf(shop, 'GADGET'), { onHand: 50, reserved: 0, available: 50 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 0);
    const timeline = await timelineOf(shop, id);
    assert.deepEqual(steps(timeline).slice(-2), [
      ['FULFILMENT_FAILURE_REPORTED', 'IN_FULFILMENT', 'user:parcel-partner'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
    assert.deepEqual(timeline.at(-1)?.details?.released, [
      { sku: 'WIDGET', quantity: 4 },
      { sku: 'GADGET', quantity: 1 },
    ]);
  });

  it('cancels an order that waits for approval: out of the inbox, CANCELLED_BY_USER', async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');

    ok(await shop.sales.post(`/v1/orders/${id}/cancel`, { reason: 'Customer changed their mind' }), 202);
    const execution = await twin.runner.waitForExecution(id);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'AwaitApproval', ...COMPENSATED]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.deepEqual(order.cancellation.by, { type: 'user', id: 'sam' });
    assert.equal(order.cancellation.code, 'CANCELLED_BY_USER');
    assert.equal(order.cancellation.reason, 'Customer changed their mind');
    assert.deepEqual((await shop.alice.get('/v1/approvals')).body.items, []);
    assert.equal((await shop.alice.post(`/v1/orders/${id}/approve`, {})).status, 409);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.deepEqual(steps(await timelineOf(shop, id)).slice(-2), [
      ['CANCEL_REQUESTED', 'PENDING_APPROVAL', 'user:sam'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
  });

  it('cancels an order that waits for its shipment: the reserved stock comes back', async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 7 }]);
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 7, available: 93 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 17_500);

    ok(await shop.sales.post(`/v1/orders/${id}/cancel`, { reason: 'Ordered twice' }), 202);
    const execution = await twin.runner.waitForExecution(id);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'RequestFulfilment', ...COMPENSATED]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'CANCELLED_BY_USER');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 0);
    // The partner can no longer ship it.
    const late = await shop.partner.post(`/v1/orders/${id}/shipments`, {
      carrier: 'DHL',
      trackingNumber: 'LATE',
    });
    assert.equal(late.status, 409);
  });
});
