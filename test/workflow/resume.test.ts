import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { startTestTwin, type TestTwin } from '../support/twin';
import {
  assertExecution,
  ok,
  openShop,
  orderOf,
  placeOrder,
  reopenShop,
  shipAndDeliver,
  statesOf,
  steps,
  timelineOf,
} from '../support/workflow';

/**
 * The local runner keeps executions in memory: stopping the twin ends them. Started again on the
 * same tables, the twin starts the workflow of every unfinished order again, which routes on the
 * stored status and carries on where the order is.
 */
describe('workflow: resume after the twin stops', () => {
  it('resumes an order that waited for approval; approved after the restart, it closes', async () => {
    let twin: TestTwin = await startTestTwin();
    onTestFinished(() => twin.stop());
    let shop = await openShop(twin);
    const waiting = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    const first = await twin.runner.waitForTaskToken(waiting, 'AwaitApproval');
    // A second order already finished: nothing to resume for it.
    const finished = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 1 }]);
    await twin.runner.waitForTaskToken(finished, 'RequestFulfilment');
    ok(await shop.sales.post(`/v1/orders/${finished}/cancel`, { reason: 'not needed' }), 202);
    assertExecution(await twin.runner.waitForExecution(finished));

    await twin.stop();
    assert.equal(twin.runner.execution(waiting)?.status, 'ABORTED');

    twin = await startTestTwin({ tablePrefix: twin.tablePrefix });
    assert.equal(twin.resumedOrders, 1);
    assert.equal(twin.runner.execution(finished), undefined);
    shop = await reopenShop(twin, shop);
    const parked = await twin.runner.waitForTaskToken(waiting, 'AwaitApproval');
    assert.notEqual(parked.token, first.token);
    assert.deepEqual(
      (await shop.alice.get('/v1/approvals')).body.items.map((i: any) => i.orderId),
      [waiting],
    );

    ok(await shop.alice.post(`/v1/orders/${waiting}/approve`, {}));
    const execution = await shipAndDeliver(twin, shop, waiting);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution).slice(0, 5), [
      'Advance',
      'Route',
      'AwaitApproval',
      'Route',
      'ReserveStock',
    ]);
    assert.equal((await orderOf(shop, waiting)).status, 'CLOSED');
    // The restart added nothing to the timeline: the order was decided once.
    assert.deepEqual(
      steps(await timelineOf(shop, waiting)).map(([type]) => type),
      [
        'ORDER_SUBMITTED',
        'APPROVAL_REQUIRED',
        'APPROVAL_GRANTED',
        'STOCK_RESERVED',
        'FULFILMENT_REQUESTED',
        'SHIPPED',
        'DELIVERED',
        'ORDER_CLOSED',
      ],
    );
  });
});
