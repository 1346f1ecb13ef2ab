import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';
import { ok, openShop } from '../support/workflow';

/**
 * A customer's need from the call that raised it to the order that answered it, over HTTP on the
 * local twin: the workflow moves the order on by itself and the twin's stream poller runs the
 * manifest's `linkNeedsToOrders` on the table's real stream, as Lambda's event source mapping would.
 */
const twin = await startTestTwin();

describe('a need answered by an order, over HTTP', () => {
  afterAll(() => twin.stop());

  it('NEW → QUALIFIED by hand, IN_PROGRESS when the order is placed, FULFILLED with its evaluation and rating when it closes', async () => {
    const shop = await openShop(twin);
    const created = await shop.sales.post(
      '/v1/needs',
      {
        customerId: shop.customerId,
        type: 'spare_parts',
        channel: 'call',
        title: 'Ten widgets before the trade fair',
        estimatedValue: { amountMinor: 25_000, currency: 'EUR' },
        quantity: 10,
        productIds: [shop.products.WIDGET],
        tags: ['trade-fair'],
      },
      { 'idempotency-key': 'e2e-need-0000001' },
    );
    ok(created, 201);
    const needId = created.body.id as string;
    const qualified = await shop.sales.patch(
      `/v1/needs/${needId}`,
      { status: 'QUALIFIED', statusReason: 'Budget approved' },
      { 'if-match': created.headers.get('etag') ?? '' },
    );
    ok(qualified);

    // 10 × 25.00 = 250.00: auto-approved; the partner ships and delivers; the customer rates it.
    const order = await shop.sales.post('/v1/orders', {
      customerId: shop.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 10 }],
      needIds: [needId],
    });
    ok(order, 201);
    const orderId = order.body.id as string;
    await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
    await twin.streams.drained();
    const working = await shop.sales.get(`/v1/needs/${needId}`);
    assert.equal(working.body.status, 'IN_PROGRESS');
    assert.deepEqual(working.body.orderIds, [orderId]);

    ok(
      await shop.partner.post(`/v1/orders/${orderId}/shipments`, { carrier: 'DHL', trackingNumber: 'N1' }),
      201,
    );
    await twin.runner.waitForTaskToken(orderId, 'AwaitDelivery');
    ok(await shop.partner.post(`/v1/orders/${orderId}/delivery`, {}));
    assert.equal((await twin.runner.waitForExecution(orderId)).status, 'SUCCEEDED');
    ok(await shop.sales.post(`/v1/orders/${orderId}/feedback`, { rating: 5 }));
    await twin.streams.drained();

    const closed = await shop.sales.get(`/v1/orders/${orderId}`);
    const need = await shop.sales.get(`/v1/needs/${needId}`);
    ok(need);
    assert.equal(need.body.status, 'FULFILLED');
    assert.equal(need.body.fulfilment.orderId, orderId);
    assert.equal(need.body.fulfilment.orderNumber, closed.body.number);
    assert.deepEqual(need.body.fulfilment.evaluation, closed.body.evaluation);
    assert.equal(need.body.fulfilment.feedback.rating, 5);
    assert.equal(need.headers.get('etag'), `"${need.body.version}"`);

    const history = await shop.sales.get(`/v1/needs/${needId}/history`);
    assert.deepEqual(
      history.body.items.map((r: { from?: string; to: string; actor: { id: string } }) => [
        r.from ?? null,
        r.to,
        r.actor.id,
      ]),
      [
        [null, 'NEW', 'sam'],
        ['NEW', 'QUALIFIED', 'sam'],
        ['QUALIFIED', 'IN_PROGRESS', 'linkNeedsToOrders'],
        ['IN_PROGRESS', 'FULFILLED', 'linkNeedsToOrders'],
      ],
    );

    const changes = await shop.admin.get(
      `/v1/needs/changes?since=${encodeURIComponent(created.body.createdAt)}`,
    );
    assert.deepEqual(
      changes.body.items.map((c: { to: string }) => c.to),
      ['QUALIFIED', 'IN_PROGRESS', 'FULFILLED'],
    );

    const listed = await shop.admin.get(`/v1/needs?status=FULFILLED&productId=${shop.products.WIDGET}`);
    assert.deepEqual(
      listed.body.items.map((n: { id: string }) => n.id),
      [needId],
    );
    const exported = await shop.admin.get('/v1/needs/export?tag=trade-fair');
    ok(exported);
    assert.match(exported.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(exported.headers.get('link'), null, 'one part');
    const [header, row] = exported.text.split('\r\n');
    assert.ok(header?.startsWith('id,receivedAt,customerId,type,channel,status'));
    assert.ok(row?.startsWith(`${needId},`));
    assert.match(row ?? '', /,FULFILLED,.*,250\.00,25000,EUR,10,/);
  });

  it('refuses a fulfilment partner: needs are the sales side’s', async () => {
    const shop = await openShop(twin);
    const res = await shop.partner.get('/v1/needs');
    assert.equal(res.status, 403);
  });
});
