import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { ApiResponse } from '../support/twin';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  customerAccount,
  ok,
  openShop,
  orderOf,
  placeOrder,
  statesOf,
  stockOf,
  timelineOf,
} from '../support/workflow';

/**
 * A cancel racing a shipment, over real HTTP: the real ASL run by the twin's runner, the real
 * handlers and task functions, DynamoDB Local. Orders wait for the partner (IN_FULFILMENT, their
 * stock reserved); for each, the sales person's cancel and the partner's shipment report are sent
 * at the same moment, all orders at once. Both requests read the same order and each would be
 * allowed on it alone; only the order's version guard and each one's check of what the other
 * writes (a cancel refuses a shipped order, a shipment refuses an order being cancelled) decide.
 * For every order exactly one wins, and everything after agrees with it: either CANCELLED, its
 * stock released, no SHIPPED event and the shipment refused (409); or SHIPPED then closed, its
 * stock gone from the warehouse, no cancel event and the cancel refused (409). Never both, never
 * neither, and the execution ends the way the winner says.
 */
const twin = await startTestTwin();

/** How long a wait on the workflow gives up after: the CPUs are shared and often saturated. */
const WAIT_MS = 300_000;

const ORDERS = 10;
const ROUNDS = 2;
const QUANTITY = 2;

const CANCELLED_TIMELINE = [
  'ORDER_SUBMITTED',
  'APPROVAL_AUTO_APPROVED',
  'STOCK_RESERVED',
  'FULFILMENT_REQUESTED',
  'CANCEL_REQUESTED',
  'ORDER_CANCELLED',
];
const CLOSED_TIMELINE = [
  'ORDER_SUBMITTED',
  'APPROVAL_AUTO_APPROVED',
  'STOCK_RESERVED',
  'FULFILMENT_REQUESTED',
  'SHIPPED',
  'DELIVERED',
  'ORDER_CLOSED',
];

describe('workflow: a cancel racing a shipment', () => {
  afterAll(() => twin.stop());

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: ${ORDERS} orders, cancel and shipment at once on each: exactly one wins, and the rest agrees`, async () => {
      const shop = await openShop(twin, [{ sku: 'RACE', priceMinor: 1_000, onHand: 100 }]);
      const ids = await Promise.all(
        Array.from({ length: ORDERS }, () => placeOrder(shop, [{ sku: 'RACE', quantity: QUANTITY }])),
      );
      await Promise.all(ids.map((id) => twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS)));
      assert.deepEqual(await stockOf(shop, 'RACE'), { onHand: 100, reserved: 20, available: 80 });

      // Every request of every order in flight together; half the orders send the cancel first.
      const answers = await Promise.all(
        ids.map(async (id, i) => {
          const cancel = () => shop.sales.post(`/v1/orders/${id}/cancel`, { reason: 'Ordered twice' });
          const ship = () =>
            shop.partner.post(`/v1/orders/${id}/shipments`, { carrier: 'DHL', trackingNumber: `JD-${id}` });
          if (i % 2 === 0) {
            const [c, s] = await Promise.all([cancel(), ship()]);
            return { id, cancel: c, ship: s };
          }
          const [s, c] = await Promise.all([ship(), cancel()]);
          return { id, cancel: c, ship: s };
        }),
      );

      const winners = { cancel: 0, ship: 0 };
      for (const { id, cancel, ship } of answers) {
        const pair = `${id}: cancel ${cancel.status} ${cancel.text} / ship ${ship.status} ${ship.text}`;
        const cancelled = cancel.status === 202;
        const shipped = ship.status === 201;
        assert.ok(cancelled !== shipped, `exactly one must win: ${pair}`);
        const loser: ApiResponse = cancelled ? ship : cancel;
        assert.equal(loser.status, 409, pair);
        assert.equal(loser.body.type, 'urn:orderly:problem:order-state-conflict', pair);
        if (cancelled) {
          winners.cancel += 1;
          // Refused as being cancelled, or (read after compensation ended) as not being fulfilled.
          assert.match(loser.body.detail, /being cancelled|is CANCELLED/, pair);
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
          const order = await orderOf(shop, id);
          assert.equal(order.status, 'CANCELLED');
          assert.equal(order.cancellation.code, 'CANCELLED_BY_USER');
          assert.equal(order.shipments, undefined, 'nothing shipped');
          assert.deepEqual(
            (await timelineOf(shop, id)).map((e) => e.type),
            CANCELLED_TIMELINE,
          );
        } else {
          winners.ship += 1;
          assert.match(loser.body.detail, /has shipped/, pair);
          await twin.runner.waitForTaskToken(id, 'AwaitDelivery', WAIT_MS);
          const order = await orderOf(shop, id);
          assert.equal(order.status, 'SHIPPED');
          assert.equal(order.cancelRequest, undefined, 'no cancel recorded');
          ok(await shop.partner.post(`/v1/orders/${id}/delivery`, {}));
          const execution = await twin.runner.waitForExecution(id, WAIT_MS);
          assertExecution(execution);
          assert.deepEqual(statesOf(execution), [
            'Advance',
            'Route',
            'RequestFulfilment',
            'AwaitDelivery',
            'CloseOrder',
          ]);
          assert.equal((await orderOf(shop, id)).status, 'CLOSED');
          assert.deepEqual(
            (await timelineOf(shop, id)).map((e) => e.type),
            CLOSED_TIMELINE,
          );
        }
      }
      console.log(`round ${round}: ${winners.cancel} cancels won, ${winners.ship} shipments won`);

      // What left the warehouse is exactly what the winning shipments took; nothing stays reserved.
      const shippedUnits = winners.ship * QUANTITY;
      assert.deepEqual(await stockOf(shop, 'RACE'), {
        onHand: 100 - shippedUnits,
        reserved: 0,
        available: 100 - shippedUnits,
      });
      assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 0, closedOrders: winners.ship });
    }, 600_000);
  }
});
