import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { crashTestShop } from '../support/npm-start';
import { startWebhookReceiver, waitUntil } from '../support/webhook-receiver';

/**
 * Durable delivery across a real crash: `npm start`, a receiver that answers 503 to its first
 * three requests, an order whose events are fanned out to it; the twin's process is SIGKILLed
 * once the first attempt has failed and `npm start` runs again on the same data. The sweeper of
 * the new twin carries on: the receiver gets every event of the order, each webhook-id
 * acknowledged once after de-duplication, none missing, in sequence.
 */
process.env.ORDERLY_WEBHOOK_RETRY_DELAYS = '0,2,2,2,2,2,2,2,2,2';
process.env.ORDERLY_SIMULATOR = 'off';
const TENANT = `whcrash-${process.pid}`;
const receiver = await startWebhookReceiver(undefined, ({ index }) => (index < 3 ? 503 : 200));
afterAll(() => receiver.close());

describe('webhook delivery across a crash of the twin', () => {
  it('a receiver down for 3 attempts, SIGKILL between attempts, restart: every event lands once, in order', async () => {
    const shop = await crashTestShop(TENANT, { sku: 'HOOK-1', onHand: 100 });
    const { api } = shop;
    const endpoint = await api.post('/v1/webhooks/endpoints', { url: receiver.url, eventTypes: ['order.*'] });
    assert.equal(endpoint.status, 201);
    receiver.setSecret(endpoint.body.secret);
    const order = await api.post('/v1/orders', {
      customerId: shop.customerId,
      currency: 'EUR',
      lines: [{ sku: 'HOOK-1', quantity: 2 }],
    });
    assert.equal(order.status, 201);
    await waitUntil(() => receiver.received.length >= 1, 'the first attempt reaches the receiver');
    await shop.crash();
    const beforeCrash = receiver.received.length;
    assert.ok(beforeCrash < 4, 'the receiver was still down when the twin died');

    await shop.restart();
    const expected = async () => {
      const timeline = (await api.get(`/v1/orders/${order.body.id}/timeline?limit=100`)).body.items as {
        seq: number;
      }[];
      return timeline.map((e) => `${order.body.id}.${String(e.seq).padStart(6, '0')}`);
    };
    await waitUntil(
      async () => {
        const status = (await api.get(`/v1/orders/${order.body.id}`)).body.status;
        const ids = await expected();
        const acked = new Set(receiver.acknowledged());
        return status === 'IN_FULFILMENT' && ids.every((id) => acked.has(id));
      },
      'every event of the order is acknowledged',
      300_000,
    );
    const ids = await expected();
    const acknowledged = receiver.acknowledged();
    assert.deepEqual([...new Set(acknowledged)], ids, 'each event once after de-duplication, in sequence');
    assert.deepEqual(
      receiver.received.slice(0, 3).map((r) => r.status),
      [503, 503, 503],
    );
    assert.ok(
      receiver.received.every((r) => r.verified),
      'every attempt verifies with the reference package',
    );
    const delivery = await api.get(
      `/v1/webhooks/deliveries?endpointId=${endpoint.body.id}&status=succeeded&limit=100`,
    );
    assert.equal(delivery.status, 200);
    assert.deepEqual(
      delivery.body.items.map((d: { webhookId: string }) => d.webhookId).sort(),
      [...ids].sort(),
    );
  }, 600_000);
});
