import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { WorkflowEvent } from '../../local/workflow/runner';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  customerAccount,
  failuresOf,
  ok,
  openShop,
  orderOf,
  placeOrder,
  statesOf,
  steps,
  stockOf,
  timelineOf,
} from '../support/workflow';
import { startThrottlingProxy } from '../support/workflow-faults';

/**
 * Transient errors retried by the real definition: the real ASL run by the twin's runner, the real
 * task functions, DynamoDB Local behind a proxy that throttles chosen requests as DynamoDB does
 * (DynamoDB Local never throttles; test/support/workflow-faults.ts). A throttled write fails the
 * SDK's own 4 attempts, the task handler names it TransientError, and the state's Retry runs the
 * task again. Each retried task re-reads the order, so what committed before the failure is not
 * done twice: one timeline event per step, the stock reserved once, the total counted once.
 */
const proxy = await startThrottlingProxy(process.env.AWS_ENDPOINT_URL_DYNAMODB as string);
const twin = await startTestTwin({ functionVariables: { AWS_ENDPOINT_URL_DYNAMODB: proxy.url } });

/** Waits on the workflow give up after this: throttled tasks back off, and the machine is busy. */
const WAIT_MS = 300_000;

/**
 * Attempts the DynamoDB client makes per request by default (@aws-sdk/client-dynamodb: 4, where
 * other clients make 3): all of them must be throttled for the task to fail.
 */
const SDK_ATTEMPTS = 4;

const retries = (events: readonly WorkflowEvent[]) =>
  events
    .filter((e) => e.type === 'StateRetried')
    .map((e) => {
      const retried = e as {
        state: { name: string };
        retry: { attempt: number; retrier: { ErrorEquals: string[] } };
      };
      return [retried.state.name, retried.retry.attempt, retried.retry.retrier.ErrorEquals];
    });

describe('workflow: transient errors retried by the definition', () => {
  afterAll(async () => {
    await twin.stop();
    await proxy.close();
  });

  // Cold starts of every task function on a busy machine: more than the default test timeout.
  it('retries Advance twice and CloseOrder once on throttled writes; the order closes exactly once', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    // Advance approves (its first transaction passes), then its reservation is throttled in two
    // invocations running; the third reserves. CloseOrder's first invocation is throttled.
    proxy.throttle('advanceOrder', 'TransactWriteItems', 2 * SDK_ATTEMPTS, 1);
    proxy.throttle('closeOrder', 'TransactWriteItems', SDK_ATTEMPTS);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);

    await twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 2, available: 98 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 5_000, 'counted once');
    ok(
      await shop.partner.post(`/v1/orders/${id}/shipments`, { carrier: 'DHL', trackingNumber: `JD-${id}` }),
      201,
    );
    await twin.runner.waitForTaskToken(id, 'AwaitDelivery', WAIT_MS);
    ok(await shop.partner.post(`/v1/orders/${id}/delivery`, {}));
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);

    assertExecution(execution);
    assert.equal(proxy.throttled(), 3 * SDK_ATTEMPTS);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'RequestFulfilment',
      'AwaitDelivery',
      'CloseOrder',
    ]);
    assert.deepEqual(retries(execution.events), [
      ['Advance', 1, ['TransientError']],
      ['Advance', 2, ['TransientError']],
      ['CloseOrder', 1, ['TransientError']],
    ]);
    assert.deepEqual(
      failuresOf(execution).map((f) => [f.state, f.error]),
      [
        ['Advance', 'TransientError'],
        ['Advance', 'TransientError'],
        ['CloseOrder', 'TransientError'],
      ],
    );
    // Five states entered and three retries: Step Functions bills all eight.
    assert.equal(execution.transitions, 8);

    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.deepEqual(steps(await timelineOf(shop, id)), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['SHIPPED', 'SHIPPED', 'user:parcel-partner'],
      ['DELIVERED', 'DELIVERED', 'user:parcel-partner'],
      ['ORDER_CLOSED', 'CLOSED', 'system:workflow'],
    ]);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 98, reserved: 0, available: 98 });
    assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 0, closedOrders: 1 });
  });
});
