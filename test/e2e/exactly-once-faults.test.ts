import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  assertOneOrderPerKey,
  createWithRetries,
  keyedCreates,
  statusClasses,
} from '../support/retried-creates';
import { startTestTwin, tenantTokens } from '../support/twin';

// Every createOrder invocation that commits dies right after its commit, before it answers,
// half the time (ORDERLY_FAULTS, functions/shared/faults.ts); the other half answer normally.
const twin = await startTestTwin({ functionVariables: { ORDERLY_FAULTS: 'createOrder:after-commit@0.5' } });

describe('exactly once: a create that dies after its commit', () => {
  afterAll(() => twin.stop());

  it('40 concurrent creates over 30 keys, with faults, then retries: 30 orders, stock reserved for exactly those', async () => {
    const { token } = await tenantTokens(twin, ['admin']);
    const api = twin.client(token);
    const customer = await api.post('/v1/customers', { name: 'Faulty network Ltd' });
    const product = await api.post('/v1/products', {
      sku: 'FAULT-1',
      name: 'Widget',
      category: 'parts',
      unitPrice: { amountMinor: 1000, currency: 'EUR' },
      stock: { onHand: 1000 },
    });
    const creates = keyedCreates('fault', 40, 30, customer.body.id, 'FAULT-1');
    const { firstStatuses, final } = await createWithRetries(api, creates);
    const classes = statusClasses(firstStatuses);
    console.info(`first answers under after-commit faults: ${JSON.stringify(classes)}`);
    assert.ok((classes['5xx'] ?? 0) + (classes.reset ?? 0) > 0, 'no fault struck: the test proves nothing');

    const ids = assertOneOrderPerKey(creates, final);
    assert.equal(ids.length, 30);
    const listed = (await api.get('/v1/orders?limit=100')).body.items as { id: string }[];
    assert.deepEqual(listed.map((o) => o.id).sort(), [...ids].sort());

    // Every order moves on (the retry started the workflows that died before starting) and
    // reserves its stock once: auto-approved, reserved, waiting for the partner.
    let reservedTotal = 0;
    for (const id of ids) {
      const order = await waitUntil(async () => {
        const o = (await api.get(`/v1/orders/${id}`)).body;
        return o.status === 'IN_FULFILMENT' ? o : undefined;
      });
      reservedTotal += order.lines[0].quantity;
    }
    const stock = (await api.get(`/v1/products/${product.body.id}`)).body.stock;
    assert.equal(stock.reserved, reservedTotal);
    assert.equal(stock.available, 1000 - reservedTotal);
  });
});

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
