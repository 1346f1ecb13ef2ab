import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { TaskTokenInvalidError } from '../../functions/shared/workflow/port';
import { MAX_TIMER_SECONDS } from '../../local/workflow/timers';
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
import { captureLongTimers } from '../support/workflow-faults';

/**
 * The partner's waits running out, through the real ASL run by the twin's runner, the real task
 * functions and HTTP handlers, DynamoDB Local. The definition fixes RequestFulfilment's timeout
 * at 14 days and AwaitDelivery's at 30 (no tenant setting or twin option shortens them), so the
 * tests capture the runner's own timer for the state and let that much time pass for it alone
 * (test/support/workflow-faults.ts `captureLongTimers`): the runner then fails the state with
 * States.Timeout exactly as when the days have passed, and the definition's Catch decides the
 * rest. No shipment in 14 days: the order is cancelled and its stock released. No delivery in 30
 * days after shipping: it cannot be cancelled, so it is left SHIPPED for a person
 * (WORKFLOW_NEEDS_ATTENTION) and the execution fails as OrderNeedsAttention.
 */
const twin = await startTestTwin();

const DAY_MS = 24 * 3600 * 1000;
/** What the definition says, written out: RequestFulfilment 1,209,600 s, AwaitDelivery 2,592,000 s. */
const SHIPMENT_TIMEOUT_MS = 14 * DAY_MS;
const DELIVERY_TIMEOUT_MS = 30 * DAY_MS;
/** Waits on the workflow give up after this (a busy machine's cold starts). */
const WAIT_MS = 300_000;
/** The timer is armed when the state starts, a little after the test's own clock reading. */
const SLACK_MS = 120_000;

// Cold starts of every task function on a busy machine: more than the default test timeout.
describe('workflow: the partner’s waits time out', () => {
  afterAll(() => twin.stop());

  it('no shipment within 14 days: RequestFulfilment times out, the order is cancelled and its stock released', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    const capture = captureLongTimers();
    let id: string;
    let task: Awaited<ReturnType<typeof twin.runner.waitForTaskToken>>;
    try {
      id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 3 }]);
      task = await twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS);
    } finally {
      capture.stop();
    }
    const armedBy = Date.now();
    assert.ok(task.timeoutAt, 'the state has a timeout');
    const left = task.timeoutAt.getTime() - armedBy;
    assert.ok(left <= SHIPMENT_TIMEOUT_MS && left > SHIPMENT_TIMEOUT_MS - SLACK_MS, `${left} ms left`);
    // Two long timers were armed meanwhile: Advance's (no TimeoutSeconds: AWS's default of
    // 99,999,999 s, armed in steps Node can time) and the state's 14 days, within Node's limit.
    assert.equal(capture.timers.length, 2);
    const [advance, timer] = capture.timers;
    assert.equal(advance?.delay, MAX_TIMER_SECONDS * 1000);
    assert.ok(timer && timer.delay <= SHIPMENT_TIMEOUT_MS && timer.delay > SHIPMENT_TIMEOUT_MS - SLACK_MS);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 3, available: 97 });

    timer.elapse(SHIPMENT_TIMEOUT_MS);
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'RequestFulfilment',
      'Compensate',
      'AfterCompensation',
      'Done',
    ]);
    assert.deepEqual(
      failuresOf(execution).map((f) => [f.state, f.error]),
      [['RequestFulfilment', 'States.Timeout']],
    );
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'FULFILMENT_FAILED');
    assert.equal(order.cancellation.reason, 'The fulfilment partner did not report a shipment in time.');
    assert.deepEqual(order.cancellation.by, { type: 'system', id: 'workflow' });
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 0);
    const timeline = await timelineOf(shop, id);
    assert.deepEqual(steps(timeline), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
    assert.deepEqual(timeline.at(-1)?.details?.released, [{ sku: 'WIDGET', quantity: 3 }]);

    // Too late: the token died with the state, and the order can no longer ship.
    await assert.rejects(twin.runner.port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
    const late = await shop.partner.post(`/v1/orders/${id}/shipments`, {
      carrier: 'DHL',
      trackingNumber: 'LATE',
    });
    assert.equal(late.status, 409, late.text);
  });

  it('no delivery within 30 days of shipping: AwaitDelivery times out and the shipped order is left for a person', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS);
    const capture = captureLongTimers();
    let task: Awaited<ReturnType<typeof twin.runner.waitForTaskToken>>;
    try {
      ok(
        await shop.partner.post(`/v1/orders/${id}/shipments`, { carrier: 'DHL', trackingNumber: `JD-${id}` }),
        201,
      );
      task = await twin.runner.waitForTaskToken(id, 'AwaitDelivery', WAIT_MS);
    } finally {
      capture.stop();
    }
    const armedBy = Date.now();
    assert.ok(task.timeoutAt, 'the state has a timeout');
    const left = task.timeoutAt.getTime() - armedBy;
    assert.ok(left <= DELIVERY_TIMEOUT_MS && left > DELIVERY_TIMEOUT_MS - SLACK_MS, `${left} ms left`);
    // 30 days is beyond Node's timer limit: the runner arms the longest timer Node honours and re-arms.
    assert.deepEqual(
      capture.timers.map((t) => t.delay),
      [MAX_TIMER_SECONDS * 1000],
    );

    (capture.timers[0] as (typeof capture.timers)[number]).elapse(DELIVERY_TIMEOUT_MS);
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);

    assertExecution(execution, 'FAILED');
    assert.equal(execution.error, 'OrderNeedsAttention');
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'RequestFulfilment',
      'AwaitDelivery',
      'Compensate',
      'AfterCompensation',
      'NeedsAttention',
    ]);
    assert.deepEqual(
      failuresOf(execution).map((f) => [f.state, f.error]),
      [
        ['AwaitDelivery', 'States.Timeout'],
        // The Fail state that hands the order to a person ends the execution.
        ['NeedsAttention', 'OrderNeedsAttention'],
      ],
    );
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'SHIPPED');
    assert.equal(order.cancellation, undefined);
    // The goods left: nothing to release, and the total stays open until someone resolves it.
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 98, reserved: 0, available: 98 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 5_000);
    const timeline = await timelineOf(shop, id);
    assert.deepEqual(steps(timeline), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['SHIPPED', 'SHIPPED', 'user:parcel-partner'],
      ['WORKFLOW_NEEDS_ATTENTION', 'SHIPPED', 'system:workflow'],
    ]);
    assert.equal(timeline.at(-1)?.details?.error, 'States.Timeout');
    await assert.rejects(twin.runner.port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
  });
});
