import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  assertOneOrderPerKey,
  createWithRetries,
  keyedCreates,
  statusClasses,
} from '../support/retried-creates';
import { startTestTwin, tenantTokens } from '../support/twin';

// A third of the createOrder invocations that commit then hang until their time limit (10 s)
// ends them: the client gets the gateway's timeout answer for an order that exists.
const twin = await startTestTwin({
  functionVariables: { ORDERLY_FAULTS: 'createOrder:timeout@0.3' },
  maxEnvironmentsPerFunction: 16,
});

describe('exactly once: a create that passes its time limit after its commit', () => {
  afterAll(() => twin.stop());

  it('20 concurrent creates over 15 keys, some timing out, then retries: 15 orders', async () => {
    const { token } = await tenantTokens(twin, ['admin']);
    const api = twin.client(token);
    const customer = await api.post('/v1/customers', { name: 'Slow network Ltd' });
    await api.post('/v1/products', {
      sku: 'SLOW-1',
      name: 'Widget',
      category: 'parts',
      unitPrice: { amountMinor: 1000, currency: 'EUR' },
      stock: { onHand: 1000 },
    });
    const creates = keyedCreates('slow', 20, 15, customer.body.id, 'SLOW-1');
    const started = Date.now();
    const { firstStatuses, final } = await createWithRetries(api, creates);
    console.info(`creates and retries took ${Date.now() - started} ms`);
    const classes = statusClasses(firstStatuses);
    console.info(`first answers under timeout faults: ${JSON.stringify(classes)}`);
    assert.ok((classes['5xx'] ?? 0) > 0, 'no fault struck: the test proves nothing');
    const ids = assertOneOrderPerKey(creates, final);
    assert.equal(ids.length, 15);
    const listed = (await api.get('/v1/orders?limit=100')).body.items as { id: string }[];
    assert.deepEqual(listed.map((o) => o.id).sort(), [...ids].sort());
    // The terminated invocations wrote nothing after their caller's timeout: each order has its
    // one ORDER_SUBMITTED event and no second submission.
    for (const id of ids) {
      const events = (await api.get(`/v1/orders/${id}/timeline`)).body.items as { type: string }[];
      assert.equal(events.filter((e) => e.type === 'ORDER_SUBMITTED').length, 1);
    }
  });
});
