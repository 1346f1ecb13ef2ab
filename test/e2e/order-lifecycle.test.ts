import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';
import { ok, openShop } from '../support/workflow';

/**
 * An order's whole life as its people see it, over HTTP on the local twin: Sam sells, Alice
 * approves, the partner ships and delivers, the customer's rating comes back. The workflow runs
 * on its own; the test only waits where a person would.
 */
const twin = await startTestTwin();

describe('an order from creation to feedback, over HTTP', () => {
  afterAll(() => twin.stop());

  it('create → approve → ship → deliver → feedback: CLOSED with its evaluation, every step on the timeline', async () => {
    const shop = await openShop(twin);
    // 60 × 25.00 = 1,500.00: the default rules ask one approver.
    const created = await shop.sales.post(
      '/v1/orders',
      {
        customerId: shop.customerId,
        currency: 'EUR',
        lines: [{ sku: 'WIDGET', quantity: 60 }],
        promisedDeliveryDate: '2099-01-31',
      },
      { 'idempotency-key': 'lifecycle-order-0001' },
    );
    ok(created, 201);
    const id = created.body.id as string;
    assert.match(created.body.number, /^SO-\d{4}-\d{6}$/);
    assert.equal(created.body.total.amountMinor, 150_000);

    await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    const inbox = await shop.alice.get('/v1/approvals?status=pending');
    assert.deepEqual(
      inbox.body.items.map((item: { orderId: string }) => item.orderId),
      [id],
    );
    ok(await shop.alice.post(`/v1/orders/${id}/approve`, { comment: 'Regular customer' }));

    await twin.runner.waitForTaskToken(id, 'RequestFulfilment');
    ok(
      await shop.partner.post(`/v1/orders/${id}/shipments`, { carrier: 'DHL', trackingNumber: 'JD0001' }),
      201,
    );
    await twin.runner.waitForTaskToken(id, 'AwaitDelivery');
    ok(await shop.partner.post(`/v1/orders/${id}/delivery`, {}));
    assert.equal((await twin.runner.waitForExecution(id)).status, 'SUCCEEDED');

    ok(await shop.sales.post(`/v1/orders/${id}/feedback`, { rating: 5, comment: 'Arrived early' }));
    const order = await shop.sales.get(`/v1/orders/${id}`);
    ok(order);
    assert.equal(order.body.status, 'CLOSED');
    assert.equal(order.body.evaluation.onTime, true);
    assert.equal(order.body.evaluation.approvalSlaMet, true);
    // The cycle runs from submission (the order's creation) to delivery, as the order itself records them.
    const submittedMs = Date.parse(order.body.createdAt);
    const deliveredMs = Date.parse(order.body.deliveredAt);
    assert.ok(deliveredMs > submittedMs, `${order.body.createdAt} → ${order.body.deliveredAt}`);
    assert.equal(order.body.evaluation.cycleSeconds, (deliveredMs - submittedMs) / 1000);
    assert.deepEqual(Object.keys(order.body.evaluation.stageSeconds), [
      'SUBMITTED',
      'PENDING_APPROVAL',
      'APPROVED',
      'STOCK_RESERVED',
      'IN_FULFILMENT',
      'SHIPPED',
      'DELIVERED',
    ]);
    assert.deepEqual(order.body.feedback.rating, 5);
    assert.equal(order.body.approval.levels[0].decidedBy, 'alice');
    assert.equal(order.body.shipments[0].trackingNumber, 'JD0001');
    assert.equal(order.body.partnerId, 'in-house', 'assigned to the default partner, who shipped it');
    assert.equal(order.headers.get('etag'), `"${order.body.version}"`);

    const timeline = await shop.sales.get(`/v1/orders/${id}/timeline?limit=100`);
    ok(timeline);
    const events = timeline.body.items as {
      seq: number;
      type: string;
      status: string;
      at: string;
      actor: { type: string; id: string };
    }[];
    assert.deepEqual(
      events.map((e) => e.seq),
      [...events.map((e) => e.seq)].sort((a, b) => a - b),
      'in order',
    );
    const who = (type: string) => events.find((e) => e.type === type)?.actor;
    // The timeline agrees with the evaluation's ends: submitted when the order was created, closed
    // when the evaluation says, and the stages before delivery add up to the cycle.
    const at = (type: string) => events.find((e) => e.type === type)?.at;
    assert.equal(at('ORDER_SUBMITTED'), order.body.createdAt);
    assert.equal(at('ORDER_CLOSED'), order.body.evaluation.closedAt);
    // Delivered after the shipment was reported and no later than its own report, by the timeline's clock.
    const sinceSubmitted = (type: string) =>
      (Date.parse(at(type) ?? '') - Date.parse(at('ORDER_SUBMITTED') ?? '')) / 1000;
    const { cycleSeconds } = order.body.evaluation;
    assert.ok(
      sinceSubmitted('SHIPPED') <= cycleSeconds && cycleSeconds <= sinceSubmitted('DELIVERED'),
      `${sinceSubmitted('SHIPPED')} ≤ ${cycleSeconds} ≤ ${sinceSubmitted('DELIVERED')}`,
    );
    const stages = order.body.evaluation.stageSeconds as Record<string, number>;
    const beforeDelivery = Object.entries(stages)
      .filter(([status]) => status !== 'DELIVERED')
      .reduce((sum, [, seconds]) => sum + seconds, 0);
    assert.ok(
      Math.abs(beforeDelivery - cycleSeconds) < 1e-6,
      `stages before delivery ${beforeDelivery} s, cycle ${cycleSeconds} s`,
    );
    assert.deepEqual(who('ORDER_SUBMITTED'), { type: 'user', id: 'sam' });
    assert.deepEqual(who('APPROVAL_GRANTED'), { type: 'user', id: 'alice' });
    assert.deepEqual(who('SHIPPED'), { type: 'user', id: 'parcel-partner' });
    assert.deepEqual(who('DELIVERED'), { type: 'user', id: 'parcel-partner' });
    assert.deepEqual(who('FEEDBACK_RECEIVED'), { type: 'user', id: 'sam' });
    assert.equal(who('ORDER_CLOSED')?.type, 'system');
    // Every status the order reached appears, in lifecycle order.
    const statuses = events.map((e) => e.status).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(statuses, [
      'SUBMITTED',
      'PENDING_APPROVAL',
      'APPROVED',
      'STOCK_RESERVED',
      'IN_FULFILMENT',
      'SHIPPED',
      'DELIVERED',
      'CLOSED',
    ]);
  });

  it('20 parallel POSTs with one Idempotency-Key: one order, one execution', async () => {
    const shop = await openShop(twin);
    const body = { customerId: shop.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }] };
    const before = twin.runner.executions().length;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        shop.sales.post('/v1/orders', body, { 'idempotency-key': 'parallel-order-0001' }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    assert.ok(
      responses.every((r) => r.status === 201 || r.status === 409),
      responses.map((r) => r.status).join(),
    );
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1);
    const list = await shop.admin.get('/v1/orders');
    assert.equal(list.body.items.length, 1);
    assert.equal(twin.runner.executions().length - before, 1);
  });
});
