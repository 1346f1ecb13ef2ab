import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { scheduleFunctions } from '../../functions/manifest';
import { startTestTwin } from '../support/twin';
import { assertExecution, ok, openShop, orderOf, placeOrder, statesOf } from '../support/workflow';

/**
 * No order left behind, through the whole twin: the real handlers, the real definition, the
 * stream poller and the reconciler. Faults (functions/shared/faults.ts) lose a call right after
 * its commit: createOrder's direct StartExecution, recordShipment's SendTaskSuccess.
 */
const twin = await startTestTwin({
  functionVariables: { ORDERLY_FAULTS: 'createOrder:drop-start,recordShipment:drop-answer' },
});
afterAll(() => twin.stop());
const reconciler = scheduleFunctions.find((fn) => fn.name === 'reconcileOrders');

describe('no order left behind', () => {
  it('an order whose direct workflow start was lost moves on through the outbox start', async () => {
    const shop = await openShop(twin);
    const orderId = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 1 }]);
    // createOrder never started it: only the ORDER_SUBMITTED event on the stream can have.
    const task = await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
    assert.equal(task.stateMachine, 'orderLifecycle');
    assert.equal((await orderOf(shop, orderId)).status, 'IN_FULFILMENT');
    assert.ok(
      (twin.streams.stats().startOrderWorkflows?.delivered ?? 0) >= 1,
      'the outbox consumer started it',
    );
  });

  it('a shipment whose SendTaskSuccess was lost: the reconciler answers the token and the order closes', async () => {
    const shop = await openShop(twin);
    const orderId = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 1 }]);
    await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
    ok(
      await shop.partner.post(`/v1/orders/${orderId}/shipments`, {
        carrier: 'DHL',
        trackingNumber: 'JD-LOST',
      }),
      201,
    );
    assert.equal((await orderOf(shop, orderId)).status, 'SHIPPED');
    // The answer was lost: the execution still waits where the shipment found it.
    assert.equal(twin.runner.execution(orderId)?.currentState, 'RequestFulfilment');

    // The job as scheduled looks at orders a minute after their answer was owed; `all` looks now
    // (the twin's start runs it so): the same code path, without waiting for the clock.
    assert.ok(reconciler);
    const report = (await twin.runtime.invoke(reconciler, { all: true })) as { answered: number };
    assert.ok(report.answered >= 1, JSON.stringify(report));
    await twin.runner.waitForTaskToken(orderId, 'AwaitDelivery');
    ok(await shop.partner.post(`/v1/orders/${orderId}/delivery`, {}));
    const execution = await twin.runner.waitForExecution(orderId);
    assertExecution(execution);
    assert.equal((await orderOf(shop, orderId)).status, 'CLOSED');
    // The original execution carried on: nothing was restarted.
    assert.deepEqual(statesOf(execution).slice(-3), ['RequestFulfilment', 'AwaitDelivery', 'CloseOrder']);
  });

  it('npm run job’s path: the twin runs a scheduled job now and answers its report', async () => {
    const report = (await twin.runJob('reconcileOrders')) as Record<string, number>;
    assert.equal(typeof report.looked, 'number');
    assert.equal(report.restarted, 0, 'nothing is stuck');
  });
});
