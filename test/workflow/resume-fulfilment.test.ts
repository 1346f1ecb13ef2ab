import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { startTestTwin, type TestTwin } from '../support/twin';
import { type Cut, restart, stopWorkflowsAfter } from '../support/twin-stops';
import {
  assertExecution,
  customerAccount,
  ok,
  openShop,
  orderOf,
  placeOrder,
  type Shop,
  statesOf,
  stockOf,
  timelineOf,
} from '../support/workflow';

/**
 * Resume after the twin stops, past approval: the real ASL run by the twin's runner, the real
 * task functions and HTTP handlers, DynamoDB Local. The twin is stopped (its executions die with
 * its runner) while orders wait for the partner, and at the exact moment a function's transaction
 * has committed but before the execution saw that function return: the change is stored, the
 * execution that made it is gone. Each cut is the function's last write, so what it leaves is
 * exactly the status named below. Started again on the same tables, the twin starts a new
 * execution for every unfinished order, which routes on the stored status. Whatever the cut, each
 * order then completes exactly once: one event of each kind on its timeline, its stock reserved
 * and shipped once, the customer's open balance counted once and released once. Each test runs
 * its cuts one after the other on one set of tables (a twin start is the costly part).
 */

/** How long a wait on the workflow gives up after: the CPUs are shared and often saturated. */
const WAIT_MS = 300_000;

const SHIP = 'functions/orders/shipments.ts';
const DELIVER = 'functions/orders/delivery.ts';

/** What a closed auto-approved order's timeline must read, one of each, in this order. */
const CLOSED_ONCE = [
  'ORDER_SUBMITTED',
  'APPROVAL_AUTO_APPROVED',
  'STOCK_RESERVED',
  'FULFILMENT_REQUESTED',
  'SHIPPED',
  'DELIVERED',
  'ORDER_CLOSED',
];
const FROM_RESERVED = ['Advance', 'Route', 'RequestFulfilment', 'AwaitDelivery', 'CloseOrder'];
const FROM_SHIPPED = ['Advance', 'Route', 'AwaitDelivery', 'CloseOrder'];

type Stop = { waitsIn: 'RequestFulfilment' | 'AwaitDelivery' } | Cut;

interface Case {
  name: string;
  stop: Stop;
  /** The order's status as the stop left it. */
  stoppedAt: 'STOCK_RESERVED' | 'IN_FULFILMENT' | 'SHIPPED' | 'DELIVERED';
  /** The states its new execution enters. */
  resumed: string[];
}

const shipment = (orderId: string) => ({ carrier: 'DHL', trackingNumber: `JD-${orderId}` });

/** Drives the order as the partner would, up to where the case stops the twin. */
async function driveToStop(twin: TestTwin, shop: Shop, orderId: string, stop: Stop): Promise<void> {
  const waitFor = (state: string) => twin.runner.waitForTaskToken(orderId, state, WAIT_MS);
  if ('entry' in stop && stop.entry !== SHIP && stop.entry !== DELIVER) return;
  await waitFor('RequestFulfilment');
  if ('waitsIn' in stop && stop.waitsIn === 'RequestFulfilment') return;
  // A shipment cut: the handler still answers 201, though the execution it answers is gone.
  ok(await shop.partner.post(`/v1/orders/${orderId}/shipments`, shipment(orderId)), 201);
  if ('entry' in stop && stop.entry === SHIP) return;
  await waitFor('AwaitDelivery');
  if ('entry' in stop && stop.entry === DELIVER)
    ok(await shop.partner.post(`/v1/orders/${orderId}/delivery`, {}));
}

/** On the restarted twin: the partner's remaining reports, then the order closed exactly once. */
async function completesOnce(twin: TestTwin, shop: Shop, orderId: string, c: Case): Promise<void> {
  if (c.stoppedAt === 'STOCK_RESERVED' || c.stoppedAt === 'IN_FULFILMENT') {
    await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment', WAIT_MS);
    ok(await shop.partner.post(`/v1/orders/${orderId}/shipments`, shipment(orderId)), 201);
  }
  if (c.stoppedAt !== 'DELIVERED') {
    await twin.runner.waitForTaskToken(orderId, 'AwaitDelivery', WAIT_MS);
    ok(await shop.partner.post(`/v1/orders/${orderId}/delivery`, {}));
  }
  const execution = await twin.runner.waitForExecution(orderId, WAIT_MS);
  assertExecution(execution);
  assert.deepEqual(statesOf(execution), c.resumed, c.name);
  const order = await orderOf(shop, orderId);
  assert.equal(order.status, 'CLOSED', c.name);
  assert.equal(order.shipments.length, 1, `${c.name}: shipped once`);
  assert.deepEqual(
    (await timelineOf(shop, orderId)).map((e) => e.type),
    CLOSED_ONCE,
    c.name,
  );
}

/**
 * The cases in turn on one set of tables: every waiting case's order first (all stopped by the
 * first cut), then per cut an order stopped there, the twin restarted and the stopped orders
 * completed. Stock and open balance are checked at the end, over all the orders: 3 units each.
 */
async function runCases(waiting: Case[], cuts: Case[]): Promise<void> {
  let twin = await startTestTwin();
  onTestFinished(() => twin.stop());
  let shop = await openShop(twin, [{ sku: 'WIDGET', priceMinor: 2_500, onHand: 100 }]);
  // 3 × 25.00 = 75.00: auto-approved by the default rules.
  const place = () => placeOrder(shop, [{ sku: 'WIDGET', quantity: 3 }]);
  let stopped: [string, Case][] = [];
  for (const c of waiting) {
    const id = await place();
    await driveToStop(twin, shop, id, c.stop);
    stopped.push([id, c]);
  }
  let closed = 0;
  for (const c of cuts) {
    const cut = stopWorkflowsAfter(twin, c.stop as Cut);
    const id = await place();
    await driveToStop(twin, shop, id, c.stop);
    await cut;
    stopped.push([id, c]);
    for (const [orderId, s] of stopped) {
      assert.equal(twin.runner.execution(orderId)?.status, 'ABORTED', s.name);
      assert.equal((await orderOf(shop, orderId)).status, s.stoppedAt, `${s.name}: stopped where it says`);
    }

    ({ twin, shop } = await restart(twin, shop));
    assert.equal(twin.resumedOrders, stopped.length, 'every unfinished order was started again');
    await Promise.all(stopped.map(([orderId, s]) => completesOnce(twin, shop, orderId, s)));
    closed += stopped.length;
    stopped = [];
  }
  // Reserved once and shipped once per order: 3 each left the warehouse, nothing stays reserved.
  const left = 100 - 3 * closed;
  assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: left, reserved: 0, available: left });
  assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 0, closedOrders: closed });
}

describe('workflow: resume after the twin stops in fulfilment', () => {
  it('before the shipment: waiting for it, Advance’s reservation and RequestFulfilment’s write committed — each resumes and closes once', async () => {
    await runCases(
      [
        {
          name: 'waiting for the shipment',
          stop: { waitsIn: 'RequestFulfilment' },
          stoppedAt: 'IN_FULFILMENT',
          resumed: FROM_RESERVED,
        },
      ],
      [
        {
          // Advance auto-approved in its first transaction, reserved in this one, then only returns.
          name: 'Advance committed the reservation, before it returned',
          stop: { entry: 'functions/workflow/advance-order.ts', transaction: 2 },
          stoppedAt: 'STOCK_RESERVED',
          resumed: FROM_RESERVED,
        },
        {
          name: 'RequestFulfilment committed IN_FULFILMENT with its token, before it returned',
          stop: { entry: 'functions/workflow/request-fulfilment.ts', transaction: 1 },
          stoppedAt: 'IN_FULFILMENT',
          resumed: FROM_RESERVED,
        },
      ],
    );
  }, 1_800_000);

  it('after the shipment: waiting for delivery, the shipment and the delivery committed before their answers arrived — each resumes and closes once', async () => {
    await runCases(
      [
        {
          name: 'waiting for the delivery',
          stop: { waitsIn: 'AwaitDelivery' },
          stoppedAt: 'SHIPPED',
          resumed: FROM_SHIPPED,
        },
      ],
      [
        {
          name: 'the shipment committed, before its answer reached the execution',
          stop: { entry: SHIP, transaction: 1 },
          stoppedAt: 'SHIPPED',
          resumed: FROM_SHIPPED,
        },
        {
          name: 'the delivery committed, before its answer reached the execution',
          stop: { entry: DELIVER, transaction: 1 },
          stoppedAt: 'DELIVERED',
          resumed: ['Advance', 'Route', 'CloseOrder'],
        },
      ],
    );
  }, 1_800_000);
});
