import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  customerAccount,
  ok,
  openShop,
  orderOf,
  placeOrder,
  shipAndDeliver,
  statesOf,
  steps,
  stockOf,
  timelineOf,
} from '../support/workflow';

/**
 * The approval paths of the order lifecycle: the real ASL file run by the twin's runner, the real
 * task functions and HTTP handlers, DynamoDB Local. The tenant has the default rules: under
 * 1,000.00 auto-approve, from 1,000.00 one level (approver), from 10,000.00 two (approver, admin).
 */
const twin = await startTestTwin();

describe('workflow: approval', () => {
  afterAll(() => twin.stop());

  it('auto-approves a small order and runs it to CLOSED in 5 state transitions, every step on the timeline', async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }], {
      promisedDeliveryDate: '2099-12-31',
    });

    await twin.runner.waitForTaskToken(id, 'RequestFulfilment');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 2, available: 98 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 5_000, 'approved: the total counts as open');
    const execution = await shipAndDeliver(twin, shop, id);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'RequestFulfilment',
      'AwaitDelivery',
      'CloseOrder',
    ]);
    assert.equal(execution.transitions, 5);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.equal(order.approval.decision.outcome, 'auto-approve');
    assert.equal(order.approval.decision.ruleId, 'default');
    assert.deepEqual(order.approval.levels, []);
    // Every status it passed through (DynamoDB does not keep a map's key order, so as a set).
    assert.deepEqual(Object.keys(order.evaluation.stageSeconds).sort(), [
      'APPROVED',
      'DELIVERED',
      'IN_FULFILMENT',
      'SHIPPED',
      'STOCK_RESERVED',
      'SUBMITTED',
    ]);
    assert.equal(order.evaluation.onTime, true);
    assert.equal(order.evaluation.approvalSlaMet, null);
    assert.equal(order.evaluation.escalations, 0);
    assert.ok(order.evaluation.cycleSeconds > 0);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 98, reserved: 0, available: 98 });
    assert.deepEqual(await customerAccount(shop), { openBalanceMinor: 0, closedOrders: 1 });

    const timeline = await timelineOf(shop, id);
    assert.deepEqual(steps(timeline), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_AUTO_APPROVED', 'APPROVED', 'system:workflow'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['SHIPPED', 'SHIPPED', 'user:parcel-partner'],
      ['DELIVERED', 'DELIVERED', 'user:parcel-partner'],
      ['ORDER_CLOSED', 'CLOSED', 'system:workflow'],
    ]);
    assert.deepEqual(timeline[1]?.details, { ruleId: 'default', ruleName: 'Everything else', observed: {} });
    const times = timeline.map((e) => e.at);
    assert.deepEqual(times, [...times].sort(), 'in the order the changes happened');
    const seqs = timeline.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
  });

  it('waits for one approver, then runs to CLOSED; the decision records the rule and the values it saw', async () => {
    const shop = await openShop(twin);
    // Sam sells and also holds the approver role the level waits on: only separation of duties
    // stands between him and approving his own order.
    const samApproving = twin.client(
      await twin.token({ tenantId: shop.tenantId, userId: 'sam', roles: ['sales', 'approver'] }),
    );
    // 50 × 25.00 = 1,250.00: the "medium order" rule wants one level.
    const created = await samApproving.post('/v1/orders', {
      customerId: shop.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 50 }],
    });
    ok(created, 201);
    const id = created.body.id as string;
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');

    const inbox = await shop.alice.get('/v1/approvals?status=pending');
    ok(inbox);
    assert.deepEqual(
      inbox.body.items.map((i: any) => [i.orderId, i.level, i.role, i.ruleId]),
      [[id, 1, 'approver', 'medium-order']],
    );
    const own = await samApproving.post(`/v1/orders/${id}/approve`, {});
    assert.equal(own.status, 403, 'the creator may not approve, though he holds the level’s role');
    assert.equal(own.body.type, 'urn:orderly:problem:forbidden');
    assert.equal(own.body.detail, 'You created this order, so you cannot decide on it.');
    ok(await shop.alice.post(`/v1/orders/${id}/approve`, { comment: 'fine' }));
    const execution = await shipAndDeliver(twin, shop, id);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'AwaitApproval',
      'Route',
      'ReserveStock',
      'RequestFulfilment',
      'AwaitDelivery',
      'CloseOrder',
    ]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.deepEqual(
      { outcome: order.approval.decision.outcome, ruleId: order.approval.decision.ruleId },
      { outcome: 'require-approval', ruleId: 'medium-order' },
    );
    assert.deepEqual(order.approval.decision.observed, { currency: 'EUR', totalMinor: 125_000 });
    assert.equal(order.approval.levels[0].decidedBy, 'alice');
    assert.equal(order.evaluation.approvalSlaMet, true);
    assert.ok('PENDING_APPROVAL' in order.evaluation.stageSeconds);
    assert.deepEqual(steps(await timelineOf(shop, id)), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_GRANTED', 'APPROVED', 'user:alice'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
      ['FULFILMENT_REQUESTED', 'IN_FULFILMENT', 'system:workflow'],
      ['SHIPPED', 'SHIPPED', 'user:parcel-partner'],
      ['DELIVERED', 'DELIVERED', 'user:parcel-partner'],
      ['ORDER_CLOSED', 'CLOSED', 'system:workflow'],
    ]);
    assert.deepEqual((await shop.alice.get('/v1/approvals?status=pending')).body.items, []);
  });

  it('waits for two levels decided by two different people', async () => {
    const shop = await openShop(twin);
    // 30 × 400.00 = 12,000.00: the "large order" rule wants an approver, then an admin.
    const id = await placeOrder(shop, [{ sku: 'GADGET', quantity: 30 }]);
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    ok(await shop.alice.post(`/v1/orders/${id}/approve`, {}));

    // The workflow waits again, now for level 2, with that level's SLA.
    const second = await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    assert.equal((second.payload as { level: number }).level, 2);
    assert.ok(
      second.timeoutAt && second.timeoutAt.getTime() - Date.now() > 86_000_000,
      'level 2 has its own day',
    );
    assert.equal((await orderOf(shop, id)).status, 'PENDING_APPROVAL');
    const again = await shop.alice.post(`/v1/orders/${id}/approve`, {});
    assert.equal(again.status, 403, 'one person cannot approve two levels');
    assert.deepEqual(
      (await shop.admin.get('/v1/approvals?status=pending')).body.items.map((i: any) => i.level),
      [2],
    );
    ok(await shop.admin.post(`/v1/orders/${id}/approve`, { comment: 'second pair of eyes' }));
    const execution = await shipAndDeliver(twin, shop, id);

    assertExecution(execution);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.deepEqual(
      order.approval.levels.map((l: any) => [l.level, l.role, l.status, l.decidedBy]),
      [
        [1, 'approver', 'approved', 'alice'],
        [2, 'admin', 'approved', 'ada'],
      ],
    );
    assert.deepEqual(steps(await timelineOf(shop, id)).slice(1, 4), [
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_GRANTED', 'PENDING_APPROVAL', 'user:alice'],
      ['APPROVAL_GRANTED', 'APPROVED', 'user:ada'],
    ]);
    assert.equal(order.evaluation.approvalSlaMet, true);
  });

  it('ends a rejected order REJECTED with nothing reserved and nothing owed', async () => {
    const shop = await openShop(twin);
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    ok(await shop.alice.post(`/v1/orders/${id}/reject`, { comment: 'price too low' }));

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'AwaitApproval', 'Done']);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'REJECTED');
    assert.deepEqual(order.rejection && [order.rejection.by, order.rejection.comment], [
      'alice',
      'price too low',
    ]);
    assert.equal(order.reservations, undefined);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
    assert.equal((await customerAccount(shop)).openBalanceMinor, 0);
    assert.deepEqual(steps(await timelineOf(shop, id)).at(-1), [
      'APPROVAL_REJECTED',
      'REJECTED',
      'user:alice',
    ]);
  });

  it('auto-rejects an order over the customer’s credit limit and records why', async () => {
    const shop = await openShop(twin);
    ok(
      await shop.admin.raw('PATCH', `/v1/customers/${shop.customerId}`, {
        body: { creditLimit: { amountMinor: 10_000, currency: 'EUR' } },
        headers: { 'if-match': '"1"' },
      }),
    );
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 5 }]);

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(statesOf(execution), ['Advance', 'Route', 'Done']);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'REJECTED');
    assert.equal(order.approval.decision.ruleId, 'over-credit-limit');
    assert.deepEqual(order.approval.decision.observed, {
      creditLimitMinor: 10_000,
      openBalanceMinor: 0,
      totalMinor: 12_500,
      currency: 'EUR',
      exceedsCreditLimit: true,
    });
    const last = (await timelineOf(shop, id)).at(-1);
    assert.equal(last?.type, 'APPROVAL_AUTO_REJECTED');
    assert.match(String(last?.details?.reason), /credit limit/);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
  });
});
