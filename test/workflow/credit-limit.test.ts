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
  timelineOf,
} from '../support/workflow';

/**
 * The credit limit under concurrency and by hand: the real ASL file run by the twin's runner, the
 * real task functions and HTTP handlers, DynamoDB Local. A customer with a 2,000.00 limit; a
 * product at 500.00, so each order of one unit takes a quarter of the limit.
 */
const twin = await startTestTwin();

const LIMIT = 200_000;
const PRICE = 50_000;

async function creditShop(): Promise<Shop> {
  const shop = await openShop(twin, [{ sku: 'BOX', priceMinor: PRICE, onHand: 100 }]);
  ok(
    await shop.admin.raw('PATCH', `/v1/customers/${shop.customerId}`, {
      body: { creditLimit: { amountMinor: LIMIT, currency: 'EUR' } },
      headers: { 'if-match': '"1"' },
    }),
  );
  return shop;
}

/**
 * Places `count` orders of one unit at once and waits for each to be decided: approved ones wait
 * for the partner (stock reserved), the others end. Returns the orders as stored then.
 */
async function placeAtOnce(shop: Shop, count: number) {
  const ids = await Promise.all(
    Array.from({ length: count }, () => placeOrder(shop, [{ sku: 'BOX', quantity: 1 }])),
  );
  await Promise.all(
    ids.map((id) =>
      twin.runner.waitForTaskToken(id, 'RequestFulfilment', 120_000).catch((error) => {
        if (twin.runner.execution(id)?.stopDate) return;
        throw error;
      }),
    ),
  );
  return Promise.all(ids.map((id) => orderOf(shop, id)));
}

/** How many times Advance ran, and its transactions: more runs than orders means the workflow's Retry was needed. */
const advanceStats = () => twin.stats.snapshot().find((s) => s.function === 'advanceOrder');

describe('workflow: the credit limit is never overdrawn', () => {
  afterAll(() => twin.stop());

  it('8 concurrent orders of 500.00 on a 2,000.00 limit, default rules: exactly 4 approved, the rest rejected by over-credit-limit', async () => {
    const shop = await creditShop();
    twin.stats.reset();
    const orders = await placeAtOnce(shop, 8);

    const approved = orders.filter((o) => o.status === 'IN_FULFILMENT');
    const rejected = orders.filter((o) => o.status === 'REJECTED');
    assert.equal(approved.length, 4, JSON.stringify(orders.map((o) => [o.status, o.cancellation?.code])));
    assert.equal(rejected.length, 4);
    for (const order of rejected) {
      assert.equal(order.approval.decision.ruleId, 'over-credit-limit');
      assert.deepEqual(
        order.approval.decision.observed,
        {
          creditLimitMinor: LIMIT,
          openBalanceMinor: LIMIT,
          totalMinor: PRICE,
          currency: 'EUR',
          exceedsCreditLimit: true,
        },
        'decided again on the balance the approvals left',
      );
    }
    const approvedTotal = approved.reduce((sum, o) => sum + o.total.amountMinor, 0);
    assert.ok(approvedTotal <= LIMIT);
    assert.equal((await customerAccount(shop)).openBalanceMinor, approvedTotal);
    console.log('default rules: Advance', advanceStats());
  });

  it('a rule set without any credit rule (just auto-approve): at most 4 approved, the rest rejected by the credit guard', async () => {
    const shop = await creditShop();
    ok(
      await shop.admin.raw('PUT', '/v1/approval-rules', {
        body: { rules: [defineRule('default', 'Everything', {}, { type: 'auto-approve' })] },
        headers: { 'if-match': '"0"' },
      }),
    );
    twin.stats.reset();
    const orders = await placeAtOnce(shop, 8);

    const approved = orders.filter((o) => o.status === 'IN_FULFILMENT');
    const guarded = orders.filter((o) => o.status === 'REJECTED');
    assert.ok(approved.length <= 4, `${approved.length} approved`);
    assert.equal(approved.length, 4, 'nothing else took the room');
    assert.equal(approved.length + guarded.length, 8, JSON.stringify(orders.map((o) => o.status)));
    for (const order of guarded) {
      assert.equal(order.approval.decision.ruleId, 'credit-guard');
      assert.deepEqual(order.approval.decision.guarded, { ruleId: 'default', ruleName: 'Everything' });
      assert.match(order.approval.decision.reason, /credit limit/);
      const last = (await timelineOf(shop, order.id)).at(-1);
      assert.equal(last?.type, 'APPROVAL_AUTO_REJECTED');
      assert.equal(last?.details?.ruleId, 'credit-guard');
      assert.equal(last?.details?.observed?.exceedsCreditLimit, true);
    }
    const approvedTotal = approved.reduce((sum, o) => sum + o.total.amountMinor, 0);
    assert.ok(approvedTotal <= LIMIT);
    assert.equal((await customerAccount(shop)).openBalanceMinor, approvedTotal);
    console.log('no credit rule: Advance', advanceStats());
  });

  it('two 1,500.00 orders each within the limit: the second approval is 409 until an admin overrides it', async () => {
    const shop = await creditShop();
    // 3 × 500.00 = 1,500.00: the default rules want one approver level.
    const first = await placeOrder(shop, [{ sku: 'BOX', quantity: 3 }]);
    const second = await placeOrder(shop, [{ sku: 'BOX', quantity: 3 }]);
    await twin.runner.waitForTaskToken(first, 'AwaitApproval');
    await twin.runner.waitForTaskToken(second, 'AwaitApproval');

    ok(await shop.alice.post(`/v1/orders/${first}/approve`, {}));
    await twin.runner.waitForTaskToken(first, 'RequestFulfilment');
    assert.equal((await customerAccount(shop)).openBalanceMinor, 150_000);

    const refused = await shop.alice.post(`/v1/orders/${second}/approve`, { comment: 'fine' });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.type, 'urn:orderly:problem:credit-limit-exceeded');
    assert.deepEqual(
      [refused.body.creditLimit, refused.body.openBalance, refused.body.orderTotal],
      [
        { amountMinor: LIMIT, currency: 'EUR' },
        { amountMinor: 150_000, currency: 'EUR' },
        { amountMinor: 150_000, currency: 'EUR' },
      ],
    );
    const waiting = await orderOf(shop, second);
    assert.equal(waiting.status, 'PENDING_APPROVAL');
    assert.equal(waiting.approval.levels[0].status, 'pending');
    assert.deepEqual(
      (await shop.bob.get('/v1/approvals?status=pending')).body.items.map((i: any) => i.orderId),
      [second],
      'still in the inbox',
    );

    const notAllowed = await shop.bob.post(`/v1/orders/${second}/approve`, {
      creditOverride: { reason: 'I know them' },
    });
    assert.equal(notAllowed.status, 403, notAllowed.text);
    assert.equal((await orderOf(shop, second)).approval.levels[0].status, 'pending');

    const reason = 'Paid in advance; booked tomorrow';
    ok(await shop.admin.post(`/v1/orders/${second}/approve`, { creditOverride: { reason } }));
    await twin.runner.waitForTaskToken(second, 'RequestFulfilment');
    const order = await orderOf(shop, second);
    assert.equal(order.status, 'IN_FULFILMENT');
    const level = order.approval.levels[0];
    assert.equal(level.decidedBy, 'ada');
    assert.deepEqual(level.creditOverride, {
      reason,
      by: 'ada',
      at: level.decidedAt,
      needed: true,
      creditLimit: { amountMinor: LIMIT, currency: 'EUR' },
      openBalance: { amountMinor: 150_000, currency: 'EUR' },
      orderTotal: { amountMinor: 150_000, currency: 'EUR' },
    });
    const granted = (await timelineOf(shop, second)).find((e) => e.type === 'APPROVAL_GRANTED');
    assert.equal(granted?.actor.id, 'ada');
    assert.deepEqual(granted?.details?.creditOverride, level.creditOverride);
    assert.equal((await customerAccount(shop)).openBalanceMinor, 300_000);
  });
});
