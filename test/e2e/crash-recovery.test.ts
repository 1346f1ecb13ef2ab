import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { crashTestShop } from '../support/npm-start';
import {
  assertOneOrderPerKey,
  createWithRetries,
  keyedCreates,
  statusClasses,
} from '../support/retried-creates';

/**
 * A real crash: the twin's node process (the gateway, the functions' environments and the
 * workflow runner in it) is killed with SIGKILL while 40 creates are in flight, `npm start` runs
 * again on the same data, and every client retries its create with its key. Each key ends with
 * one order, and every order moves on (the restart resumes the workflows of unfinished orders;
 * a retry starts the workflow of an order that committed before the crash but never started).
 */
const TENANT = `crash-${process.pid}`;

describe('exactly once across a crash of the twin', () => {
  it('SIGKILL with 40 creates in flight, restart, retries: one order per key, every order moving', async () => {
    const shop = await crashTestShop(TENANT, { sku: 'CRASH-1', onHand: 1000 });
    const { api } = shop;
    const creates = keyedCreates('crash', 40, 40, shop.customerId, 'CRASH-1');
    const inFlight = Promise.all(
      creates.map((c) =>
        api
          .post('/v1/orders', c.body, { 'idempotency-key': c.key })
          .then((r) => r.status)
          .catch(() => 0),
      ),
    );
    // Kill as soon as the first creates have committed, with the rest still in flight.
    const deadline = Date.now() + 60_000;
    while ((await api.get('/v1/orders?limit=1').catch(() => undefined))?.body?.items?.length !== 1) {
      if (Date.now() > deadline) throw new Error('no order was created');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await shop.crash();
    const statuses = await inFlight;
    console.info(`answers before the crash: ${JSON.stringify(statusClasses(statuses))}`);
    assert.ok(
      statuses.some((s) => s !== 201),
      'every create finished before the kill: the test proves nothing',
    );

    await shop.restart();
    const { final } = await createWithRetries(api, creates);
    const ids = assertOneOrderPerKey(creates, final);
    assert.equal(ids.length, 40);
    const listed = (await api.get('/v1/orders?limit=100')).body.items as { id: string }[];
    assert.deepEqual(listed.map((o) => o.id).sort(), [...ids].sort());

    // Moving or final: each auto-approved order gets its stock and waits for the partner.
    const waitUntil = Date.now() + 120_000;
    for (const id of ids) {
      for (;;) {
        const order = (await api.get(`/v1/orders/${id}`)).body;
        if (order.status === 'IN_FULFILMENT') break;
        assert.ok(Date.now() < waitUntil, `order ${id} stays ${order.status}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const product = (await api.get('/v1/products?limit=100')).body.items.find(
      (p: { sku: string }) => p.sku === 'CRASH-1',
    );
    const ordered = creates.reduce((sum, c) => sum + (c.body.lines[0]?.quantity ?? 0), 0);
    assert.equal(product.stock.reserved, ordered);
  }, 600_000);
});
