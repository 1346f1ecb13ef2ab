import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ApiClient, startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();
let api: ApiClient;

beforeAll(async () => {
  api = twin.client((await tenantTokens(twin, ['admin'])).token);
  await api.post('/v1/products', {
    sku: 'BOLT',
    name: 'Bolt',
    category: 'parts',
    unitPrice: { amountMinor: 250, currency: 'EUR' },
    stock: { onHand: 5 },
  });
});

const orderBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  currency: 'EUR',
  lines: [{ sku: 'BOLT', quantity: 1 }],
  ...extra,
});

describe('natural keys: externalRef is unique per tenant', () => {
  afterAll(() => twin.stop());

  it('a second customer with a taken externalRef is a 409 naming the first', async () => {
    const first = await api.post('/v1/customers', { name: 'Acme', externalRef: 'ERP-100' });
    const second = await api.post('/v1/customers', { name: 'Acme again', externalRef: 'ERP-100' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 409);
    assert.equal(second.body.type, 'urn:orderly:problem:external-ref-taken');
    assert.equal(second.body.existingId, first.body.id);
    const other = twin.client((await tenantTokens(twin, ['admin'])).token);
    assert.equal((await other.post('/v1/customers', { name: 'Acme', externalRef: 'ERP-100' })).status, 201);
  });

  it('10 parallel customer creates with one externalRef make one customer', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.post('/v1/customers', { name: `Racer ${i}`, externalRef: 'ERP-RACE' }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    assert.equal(created.length, 1, JSON.stringify(responses.map((r) => r.status)));
    for (const r of responses.filter((r) => r.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.existingId, created[0]?.body.id);
    }
  });

  it('changing a customer’s externalRef frees the old value and takes the new one', async () => {
    const a = await api.post('/v1/customers', { name: 'Mover', externalRef: 'ERP-OLD' });
    const b = await api.post('/v1/customers', { name: 'Holder', externalRef: 'ERP-HELD' });
    const taken = await api.patch(
      `/v1/customers/${a.body.id}`,
      { externalRef: 'ERP-HELD' },
      { 'if-match': '"1"' },
    );
    assert.equal(taken.status, 409);
    assert.equal(taken.body.existingId, b.body.id);
    const moved = await api.patch(
      `/v1/customers/${a.body.id}`,
      { externalRef: 'ERP-NEW' },
      { 'if-match': '"1"' },
    );
    assert.equal(moved.status, 200);
    assert.equal(moved.body.externalRef, 'ERP-NEW');
    assert.equal(moved.body.version, 2);
    const reuse = await api.post('/v1/customers', { name: 'Takes the old one', externalRef: 'ERP-OLD' });
    assert.equal(reuse.status, 201);
    const stale = await api.patch(
      `/v1/customers/${a.body.id}`,
      { externalRef: 'ERP-X' },
      { 'if-match': '"1"' },
    );
    assert.equal(stale.status, 412);
    const removed = await api.patch(
      `/v1/customers/${a.body.id}`,
      { externalRef: null },
      { 'if-match': '"2"' },
    );
    assert.equal(removed.status, 200);
    assert.equal(removed.body.externalRef, undefined);
    assert.equal((await api.post('/v1/customers', { name: 'Now free', externalRef: 'ERP-NEW' })).status, 201);
    // The same externalRef again changes only the other fields; alone, it changes nothing.
    const same = await api.patch(
      `/v1/customers/${b.body.id}`,
      { externalRef: 'ERP-HELD', name: 'Holder renamed' },
      { 'if-match': '"1"' },
    );
    assert.equal(same.status, 200);
    assert.equal(same.body.name, 'Holder renamed');
    assert.equal(same.body.version, 2);
    const unchanged = await api.patch(
      `/v1/customers/${b.body.id}`,
      { externalRef: 'ERP-HELD' },
      { 'if-match': '"2"' },
    );
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.body.version, 2);
  });

  it('orders: externalRef is unique (10 parallel creates → 1) and orders are found by number and by externalRef', async () => {
    const customer = await api.post('/v1/customers', { name: 'Orders by ref' });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.post('/v1/orders', orderBody(customer.body.id, { externalRef: 'SHOP-1' })),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    assert.equal(created.length, 1, JSON.stringify(responses.map((r) => [r.status, r.body.type])));
    const order = created[0]?.body;
    for (const r of responses.filter((r) => r.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.existingId, order.id);
    }
    assert.equal(order.externalRef, 'SHOP-1');

    const byRef = await api.get('/v1/orders?externalRef=SHOP-1');
    assert.deepEqual(
      byRef.body.items.map((o: { id: string }) => o.id),
      [order.id],
    );
    const byNumber = await api.get(`/v1/orders?number=${order.number}`);
    assert.deepEqual(
      byNumber.body.items.map((o: { id: string }) => o.id),
      [order.id],
    );
    const both = await api.get(`/v1/orders?number=${order.number}&externalRef=SHOP-1`);
    assert.equal(both.body.items.length, 1);
    assert.deepEqual((await api.get('/v1/orders?externalRef=SHOP-404')).body.items, []);
    assert.deepEqual((await api.get('/v1/orders?number=SO-1999-000001')).body.items, []);
    assert.deepEqual((await api.get(`/v1/orders?number=${order.number}&status=CLOSED`)).body.items, []);
    const bad = await api.get('/v1/orders?number=42');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'query.number');
    const other = twin.client((await tenantTokens(twin, ['admin'])).token);
    assert.deepEqual((await other.get('/v1/orders?externalRef=SHOP-1')).body.items, []);
  });

  it('an order whose lines exceed the stock available now is accepted with a warning per short line', async () => {
    await api.post('/v1/products', {
      sku: 'NUT',
      name: 'Nut',
      category: 'parts',
      unitPrice: { amountMinor: 10, currency: 'EUR' },
      stock: { onHand: 100 },
    });
    const customer = await api.post('/v1/customers', { name: 'Short stock' });
    const before = await api.get('/v1/orders?limit=100');
    const response = await api.post('/v1/orders', {
      customerId: customer.body.id,
      currency: 'EUR',
      lines: [
        { sku: 'NUT', quantity: 3 },
        { sku: 'BOLT', quantity: 9 },
      ],
    });
    assert.equal(response.status, 201);
    const [warning, ...more] = response.body.warnings;
    assert.equal(more.length, 0);
    assert.equal(warning.code, 'insufficient-stock');
    assert.equal(warning.lineNo, 2);
    assert.equal(warning.sku, 'BOLT');
    assert.equal(warning.requested, 9);
    assert.ok(warning.available >= 0 && warning.available <= 5, String(warning.available));
    assert.match(warning.message, /INSUFFICIENT_STOCK/);
    assert.equal((await api.get('/v1/orders?limit=100')).body.items.length, before.body.items.length + 1);
    const fits = await api.post(
      '/v1/orders',
      orderBody(customer.body.id, { lines: [{ sku: 'NUT', quantity: 1 }] }),
    );
    assert.equal(fits.status, 201);
    assert.equal(fits.body.warnings, undefined);
  });
});
