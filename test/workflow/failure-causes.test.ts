import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { ExecutionView } from '../../local/workflow/runner';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  failuresOf,
  ok,
  openShop,
  orderOf,
  placeOrder,
  timelineOf,
} from '../support/workflow';

/**
 * What Step Functions keeps of a failed task token: its error and cause stay in the execution
 * history even with execution data logging off, so they carry a code, never what a person wrote.
 * Each case answers a waiting token with a reason no code could contain, over HTTP on the twin
 * (the functions' AWS adapter calling the twin's Step Functions endpoint), then reads the
 * execution's history as the runner recorded it, and the order, where the reason belongs.
 */
const twin = await startTestTwin();

function assertNotInHistory(execution: ExecutionView, reason: string) {
  const history = JSON.stringify(execution);
  assert.ok(!history.includes(reason), `the execution history holds "${reason}": ${history}`);
}

describe('workflow: a failed task token carries a code, not the reason people gave', () => {
  afterAll(() => twin.stop());

  it('a rejection: ApprovalRejected with {"code":"order-rejected"}; the comment is on the order and its timeline', async () => {
    const comment = 'Reject-comment-Quokka-4471: the margin is far too thin';
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    ok(await shop.alice.post(`/v1/orders/${id}/reject`, { comment }));

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(failuresOf(execution, 'AwaitApproval'), [
      { state: 'AwaitApproval', error: 'ApprovalRejected', cause: '{"code":"order-rejected"}' },
    ]);
    assertNotInHistory(execution, comment);
    assert.equal((await orderOf(shop, id)).rejection.comment, comment);
    const rejected = (await timelineOf(shop, id)).find((e) => e.type === 'APPROVAL_REJECTED');
    assert.equal(rejected?.details?.comment, comment);
  });

  it('a cancel: OrderCancelled with {"code":"order-cancelled"}; the reason is on the order and its timeline', async () => {
    const reason = 'Cancel-reason-Axolotl-9023: the customer ordered twice';
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    ok(await shop.sales.post(`/v1/orders/${id}/cancel`, { reason }), 202);

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(failuresOf(execution, 'AwaitApproval'), [
      { state: 'AwaitApproval', error: 'OrderCancelled', cause: '{"code":"order-cancelled"}' },
    ]);
    assertNotInHistory(execution, reason);
    const order = await orderOf(shop, id);
    assert.deepEqual(
      [order.status, order.cancellation.code, order.cancellation.reason],
      ['CANCELLED', 'CANCELLED_BY_USER', reason],
    );
    const requested = (await timelineOf(shop, id)).find((e) => e.type === 'CANCEL_REQUESTED');
    assert.equal(requested?.details?.reason, reason);
  });

  it('a fulfilment failure: FulfilmentFailed with {"code":"fulfilment-failed"}; the partner’s words are on the order', async () => {
    const reason = 'Partner-report-Narwhal-5120: the press is broken';
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 3 }]);
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment');
    ok(await shop.partner.post(`/v1/orders/${id}/fulfilment-failure`, { reason }), 202);

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(failuresOf(execution, 'RequestFulfilment'), [
      { state: 'RequestFulfilment', error: 'FulfilmentFailed', cause: '{"code":"fulfilment-failed"}' },
    ]);
    assertNotInHistory(execution, reason);
    const order = await orderOf(shop, id);
    assert.equal(order.cancellation.code, 'FULFILMENT_FAILED');
    assert.equal(order.cancellation.reason, `The fulfilment partner cannot fulfil the order: ${reason}`);
    const reported = (await timelineOf(shop, id)).find((e) => e.type === 'FULFILMENT_FAILURE_REPORTED');
    assert.equal(reported?.details?.reason, reason);
  });
});
