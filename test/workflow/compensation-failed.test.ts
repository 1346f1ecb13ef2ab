import assert from 'node:assert/strict';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { functions } from '../../functions/manifest';
import { productKey } from '../../functions/products/store';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  customerAccount,
  failuresOf,
  ok,
  openShop,
  orderOf,
  placeOrder,
  type Shop,
  statesOf,
  steps,
  stockOf,
  timelineOf,
} from '../support/workflow';

/**
 * The one path where compensation itself fails: the real ASL run by the twin's runner, the real
 * Compensate function, DynamoDB Local. The product's stock item no longer holds the order's
 * reservation (someone zeroed `reserved` by hand: the test writes it, as nothing in the API can),
 * so releasing it fails its condition. That is not a transient error: Compensate is not retried,
 * its Catch goes to CompensationFailed, and the execution fails with that name — while the order
 * keeps its status, its reservations and its open balance, since nothing of the cancellation
 * committed. Once the stock item is repaired, the reconciler starts the workflow again and it
 * cancels the order from its stored status, as the Fail state's cause promises.
 */
const twin = await startTestTwin();
/** Waits on the workflow give up after this (a busy machine's cold starts). */
const WAIT_MS = 300_000;

/** The stock item of a product, written as nothing in the API ever writes it. */
async function setStock(shop: Shop, sku: string, reserved: number, available: number) {
  await documentClient.send(
    new UpdateCommand({
      TableName: domainTableName(),
      Key: productKey(shop.tenantId, shop.products[sku] as string),
      UpdateExpression: 'SET reserved = :r, available = :a',
      ExpressionAttributeValues: { ':r': reserved, ':a': available },
    }),
  );
}

// Cold starts of every task function on a busy machine: more than the default test timeout.
describe('workflow: compensation fails', () => {
  afterAll(() => twin.stop());

  it('ends in CompensationFailed without a retry, the order as it was; repaired, the reconciler cancels it', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 7 }]);
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 7, available: 93 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 17_500);

    await setStock(shop, 'WIDGET', 0, 100);
    ok(await shop.sales.post(`/v1/orders/${id}/cancel`, { reason: 'Ordered twice' }), 202);
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);

    assertExecution(execution, 'FAILED');
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'RequestFulfilment',
      'Compensate',
      'CompensationFailed',
    ]);
    assert.equal(execution.error, 'CompensationFailed');
    assert.equal(
      execution.cause,
      "Releasing the order's reservations failed after retries; the reconciler retries from the stored status.",
    );
    // A failed condition is no transient error: neither the task nor the definition retried it.
    assert.deepEqual(
      execution.events.filter((e) => e.type === 'StateRetried'),
      [],
    );
    assert.deepEqual(
      failuresOf(execution, 'Compensate').map((f) => f.error),
      ['TransitionCancelledError'],
    );

    // Nothing of the cancellation committed: the order waits as it did, with the cancel request.
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'IN_FULFILMENT');
    assert.equal(order.cancellation, undefined);
    assert.deepEqual(
      order.reservations.map((r: { sku: string; quantity: number }) => [r.sku, r.quantity]),
      [['WIDGET', 7]],
    );
    assert.equal((await customerAccount(shop)).openBalanceMinor, 17_500, 'still counted as open');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    const before = steps(await timelineOf(shop, id));
    assert.deepEqual(before, [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['CANCEL_REQUESTED', 'IN_FULFILMENT', 'user:sam'],
    ]);

    // Repaired, the reconciler finds an ended execution for an order that is not final.
    await setStock(shop, 'WIDGET', 7, 93);
    const reconciler = functions.find((f) => f.kind === 'schedule' && f.name === 'reconcileOrders');
    assert.ok(reconciler, 'reconcileOrders is in the manifest');
    const report = (await twin.runtime.invoke(reconciler, { all: true })) as { restarted: number };
    assert.equal(report.restarted, 1);
    const again = await twin.runner.waitForExecution(`${id}.r1`, WAIT_MS);

    assertExecution(again);
    assert.deepEqual(statesOf(again), ['Advance', 'Route', 'Compensate', 'AfterCompensation', 'Done']);
    const cancelled = await orderOf(shop, id);
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(cancelled.cancellation.code, 'CANCELLED_BY_USER');
    assert.equal(cancelled.cancellation.reason, 'Ordered twice');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 0);
    const timeline = await timelineOf(shop, id);
    assert.deepEqual(steps(timeline), [...before, ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow']]);
    assert.deepEqual(timeline.at(-1)?.details?.released, [{ sku: 'WIDGET', quantity: 7 }]);
  });
});
