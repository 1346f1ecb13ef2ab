import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import { apiClient, startTestTwin } from '../support/twin';
import { ok, openShop, placeOrder } from '../support/workflow';

/**
 * A fulfilment partner with no Orderly account reports over the public inbound route, signing with
 * the reference `standardwebhooks` package: the order goes from fulfilment to CLOSED on its reports
 * alone. Unsigned or stale messages get 401 from the real gateway, which lets them through without a
 * token (the route is public) but never past the signature.
 */
const twin = await startTestTwin();
afterAll(() => twin.stop());

const anonymous = apiClient(twin.url);

let counter = 0;
function signed(secret: string, message: unknown, options: { id?: string; at?: Date } = {}) {
  const id = options.id ?? `e2e-${process.pid}-${counter++}`;
  const at = options.at ?? new Date();
  const body = JSON.stringify(message);
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
  };
}

const post = (url: string, message: { body: string; headers: Record<string, string> }) =>
  anonymous.raw('POST', url, { rawBody: message.body, headers: message.headers });

describe('inbound partner webhooks over HTTP', () => {
  it('a partner’s signed reports take an order from fulfilment to CLOSED; unsigned ones get 401', async () => {
    const shop = await openShop(twin);
    const registered = await shop.admin.post('/v1/webhooks/inbound-sources', {
      kind: 'fulfilment',
      partnerId: 'in-house',
      description: 'The warehouse',
    });
    ok(registered, 201);
    const { url, secret } = registered.body as { url: string; secret: string };
    assert.equal(
      (await shop.admin.get('/v1/webhooks/inbound-sources')).body.items[0].url,
      url,
      'the URL is listed, the secret is not',
    );

    // 3 × 25.00: approved by the rules, reserved, then waits for the partner.
    const orderId = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 3 }]);
    await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
    const shipped = {
      type: 'fulfilment.shipped',
      timestamp: new Date().toISOString(),
      data: { orderId, carrier: 'DHL', trackingNumber: 'JD0002' },
    };

    const unsigned = await anonymous.post(url, shipped);
    assert.equal(unsigned.status, 401, unsigned.text);
    assert.equal(unsigned.headers.get('content-type'), 'application/problem+json');
    // A user's token is no signature either.
    assert.equal((await shop.partner.post(url, shipped)).status, 401);
    const stale = await post(url, signed(secret, shipped, { at: new Date(Date.now() - 6 * 60_000) }));
    assert.equal(stale.status, 401);
    assert.equal((await shop.sales.get(`/v1/orders/${orderId}`)).body.status, 'IN_FULFILMENT');

    const report = signed(secret, shipped);
    const first = await post(url, report);
    ok(first);
    assert.deepEqual(first.body, { orderId, status: 'SHIPPED' });
    const replay = await post(url, signed(secret, shipped, { id: report.id }));
    ok(replay);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');

    await twin.runner.waitForTaskToken(orderId, 'AwaitDelivery');
    const delivered = await post(
      url,
      signed(secret, {
        type: 'fulfilment.delivered',
        timestamp: new Date().toISOString(),
        data: { orderId },
      }),
    );
    ok(delivered);
    assert.equal((await twin.runner.waitForExecution(orderId)).status, 'SUCCEEDED');

    const order = await shop.sales.get(`/v1/orders/${orderId}`);
    assert.equal(order.body.status, 'CLOSED');
    const timeline = await shop.sales.get(`/v1/orders/${orderId}/timeline?limit=100`);
    const byPartner = (timeline.body.items as { type: string; actor: { type: string; id: string } }[]).filter(
      (e) => e.actor.type === 'partner',
    );
    assert.deepEqual(
      byPartner.map((e) => [e.type, e.actor.id]),
      [
        ['SHIPPED', 'in-house'],
        ['DELIVERED', 'in-house'],
      ],
      'each report once, by the partner',
    );
  });
});
