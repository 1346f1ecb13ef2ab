import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { defineRule } from '../../functions/approvals/rules';
import { startTestTwin } from '../support/twin';
import {
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
 * The credit guard under a real race, through the real ASL run by the twin's runner, the real
 * HTTP handlers and task functions, DynamoDB Local. A customer with a 2,000.00 limit orders
 * several times at once; each order fits the limit alone, together they do not. Whatever decides
 * (Advance's rules and credit guard, or people approving by hand at the same moment), the open
 * balance never passes the limit: what does not fit any more goes the way the rules say —
 * rejected by the guard (its default), waiting for an admin (a guard that requires approval), or
 * refused with 409 and left pending (a person's approval). Several rounds, so that the decisions
 * really overlap; every figure below is worked out by hand from the limit and the prices.
 */
const twin = await startTestTwin();

/** How long a wait on the workflow gives up after: the CPUs are shared and often saturated. */
const WAIT_MS = 300_000;
afterAll(() => twin.stop());

const LIMIT = 200_000;
const ROUNDS = 3;

/** A new tenant whose customer has the limit; `priceMinor` for its one product, BOX. */
async function creditShop(priceMinor: number): Promise<Shop> {
  const shop = await openShop(twin, [{ sku: 'BOX', priceMinor, onHand: 100 }]);
  ok(
    await shop.admin.raw('PATCH', `/v1/customers/${shop.customerId}`, {
      body: { creditLimit: { amountMinor: LIMIT, currency: 'EUR' } },
      headers: { 'if-match': '"1"' },
    }),
  );
  return shop;
}

/** Rules that auto-approve everything, so only the credit guard (default or the one given) stands in the way. */
async function approveEverything(shop: Shop, overCreditLimit?: object) {
  ok(
    await shop.admin.raw('PUT', '/v1/approval-rules', {
      body: {
        rules: [defineRule('default', 'Everything', {}, { type: 'auto-approve' })],
        ...(overCreditLimit ? { overCreditLimit } : {}),
      },
      headers: { 'if-match': '"0"' },
    }),
  );
}

/** Places `count` one-unit orders at once; resolves with their ids once each has stopped moving. */
async function placeAtOnce(shop: Shop, count: number, settlesIn: (id: string) => Promise<unknown>) {
  const ids = await Promise.all(
    Array.from({ length: count }, () => placeOrder(shop, [{ sku: 'BOX', quantity: 1 }])),
  );
  await Promise.all(ids.map(settlesIn));
  return ids;
}

/** Waits until the order waits for the partner or for a person, or its execution has ended. */
const settled = (id: string) =>
  Promise.any([
    twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS),
    twin.runner.waitForTaskToken(id, 'AwaitApproval', WAIT_MS),
    twin.runner.waitForExecution(id, WAIT_MS),
  ]);

const byStatus = async (shop: Shop, ids: string[]) => {
  const orders = await Promise.all(ids.map((id) => orderOf(shop, id)));
  return (status: string) => orders.filter((o) => o.status === status);
};

describe('workflow: the credit guard under a real race', () => {
  it(`default guard: 3 orders of 900.00 at once on 2,000.00, ${ROUNDS} rounds: 2 reserved, 1 rejected by the guard`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await creditShop(90_000);
      await approveEverything(shop);
      const ids = await placeAtOnce(shop, 3, settled);
      const of = await byStatus(shop, ids);
      const statuses = JSON.stringify(
        (await Promise.all(ids.map((id) => orderOf(shop, id)))).map((o) => o.status),
      );

      assert.equal(of('IN_FULFILMENT').length, 2, statuses);
      const [rejected] = of('REJECTED');
      assert.ok(rejected && of('REJECTED').length === 1, statuses);
      // The rejected one was decided on the balance both others left: 2 × 900.00.
      assert.deepEqual(rejected.approval.decision.observed, {
        currency: 'EUR',
        totalMinor: 90_000,
        creditLimitMinor: LIMIT,
        openBalanceMinor: 180_000,
        exceedsCreditLimit: true,
      });
      assert.equal(rejected.approval.decision.ruleId, 'credit-guard');
      const execution = await twin.runner.waitForExecution(rejected.id, WAIT_MS);
      assert.equal(execution.status, 'SUCCEEDED');
      assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'Done']);
      assert.deepEqual(
        (await timelineOf(shop, rejected.id)).map((e) => e.type),
        ['ORDER_SUBMITTED', 'APPROVAL_AUTO_REJECTED'],
      );
      assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 180_000, closedOrders: 0 });
      assert.deepEqual(await stockOf(shop, 'BOX'), { onHand: 100, reserved: 2, available: 98 });
    }
  }, 600_000);

  it(`guard requiring approval: 3 orders of 900.00 at once, ${ROUNDS} rounds: 2 reserved, 1 waits for an admin, who must override`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await creditShop(90_000);
      await approveEverything(shop, {
        type: 'require-approval',
        levels: [{ role: 'admin', slaSeconds: 3_600 }],
      });
      const ids = await placeAtOnce(shop, 3, settled);
      const of = await byStatus(shop, ids);

      assert.equal(of('IN_FULFILMENT').length, 2);
      const [waiting] = of('PENDING_APPROVAL');
      assert.ok(waiting && of('PENDING_APPROVAL').length === 1);
      assert.equal(waiting.approval.decision.ruleId, 'credit-guard');
      assert.equal(waiting.approval.decision.observed.openBalanceMinor, 180_000);
      assert.equal(twin.runner.execution(waiting.id)?.currentState, 'AwaitApproval');
      assert.deepEqual(
        (await shop.admin.get('/v1/approvals')).body.items.map((i: { orderId: string }) => i.orderId),
        [waiting.id],
      );
      assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 180_000, closedOrders: 0 });

      // Approving it as it is would pass the limit: refused, and it still waits.
      const refused = await shop.admin.post(`/v1/orders/${waiting.id}/approve`, {});
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.type, 'urn:orderly:problem:credit-limit-exceeded');
      assert.equal((await orderOf(shop, waiting.id)).status, 'PENDING_APPROVAL');
      assert.equal(twin.runner.execution(waiting.id)?.currentState, 'AwaitApproval');

      ok(
        await shop.admin.post(`/v1/orders/${waiting.id}/approve`, {
          creditOverride: { reason: 'Paid in advance' },
        }),
      );
      await twin.runner.waitForTaskToken(waiting.id, 'RequestFulfilment', WAIT_MS);
      assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 270_000, closedOrders: 0 });
      assert.deepEqual(await stockOf(shop, 'BOX'), { onHand: 100, reserved: 3, available: 97 });
    }
  }, 600_000);

  it(`people approving at once: 3 orders of 1,200.00 pending, approved together, ${ROUNDS} rounds: exactly 1 through, 2 refused and still waiting`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      // Default rules: 1,200.00 is a medium order (one approver level), within the limit alone.
      const shop = await creditShop(120_000);
      const ids = await placeAtOnce(shop, 3, (id) =>
        twin.runner.waitForTaskToken(id, 'AwaitApproval', WAIT_MS),
      );
      assert.equal((await customerAccount(shop)).openBalanceMinor, 0, 'pending orders hold no credit');

      const approvers = [shop.alice, shop.bob, shop.alice];
      const answers = await Promise.all(
        ids.map((id, i) => (approvers[i] as Shop['alice']).post(`/v1/orders/${id}/approve`, {})),
      );
      const pairs = JSON.stringify(answers.map((a) => [a.status, a.body.type]));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409], pairs);
      const winner = ids[answers.findIndex((a) => a.status === 200)] as string;
      await twin.runner.waitForTaskToken(winner, 'RequestFulfilment', WAIT_MS);
      assert.equal((await orderOf(shop, winner)).status, 'IN_FULFILMENT');
      for (const [i, id] of ids.entries()) {
        if (id === winner) continue;
        const answer = answers[i];
        assert.equal(answer?.body.type, 'urn:orderly:problem:credit-limit-exceeded', pairs);
        assert.deepEqual(
          [answer?.body.creditLimit, answer?.body.openBalance, answer?.body.orderTotal],
          [
            { amountMinor: LIMIT, currency: 'EUR' },
            { amountMinor: 120_000, currency: 'EUR' },
            { amountMinor: 120_000, currency: 'EUR' },
          ],
        );
        const order = await orderOf(shop, id);
        assert.equal(order.status, 'PENDING_APPROVAL');
        assert.equal(order.approval.levels[0].status, 'pending');
        const execution = twin.runner.execution(id);
        assert.equal(execution?.status, 'RUNNING');
        assert.equal(execution?.currentState, 'AwaitApproval', 'its execution still waits for a person');
      }
      assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 120_000, closedOrders: 0 });
      assert.deepEqual(await stockOf(shop, 'BOX'), { onHand: 100, reserved: 1, available: 99 });
    }
  }, 600_000);
});
