import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();

describe('Idempotency-Key on creating POSTs', () => {
  afterAll(() => twin.stop());

  it('a retry returns the first response and creates nothing new', async () => {
    const { token } = await tenantTokens(twin, ['sales']);
    const api = twin.client(token);
    const key = { 'idempotency-key': 'create-ada-0001' };
    const first = await api.post('/v1/customers', { name: 'Ada Ltd' }, key);
    const retry = await api.post('/v1/customers', { name: 'Ada Ltd' }, key);
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('location'), first.headers.get('location'));
    assert.equal((await api.get('/v1/customers')).body.items.length, 1);
  });

  it('the same key with another body is refused with 422, and the first request stays replayable', async () => {
    const { token } = await tenantTokens(twin, ['sales']);
    const api = twin.client(token);
    const key = { 'idempotency-key': 'create-grace-0001' };
    const first = await api.post('/v1/customers', { name: 'Grace Ltd' }, key);
    const other = await api.post('/v1/customers', { name: 'Someone else' }, key);
    assert.equal(other.status, 422);
    assert.equal(other.body.type, 'urn:orderly:problem:idempotency-key-reused');
    const again = await api.post('/v1/customers', { name: 'Grace Ltd' }, key);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    assert.equal((await api.get('/v1/customers')).body.items.length, 1);
  });

  it('keys are scoped to the tenant: the same key in two tenants creates two customers', async () => {
    const a = twin.client((await tenantTokens(twin, ['sales'])).token);
    const b = twin.client((await tenantTokens(twin, ['sales'])).token);
    const key = { 'idempotency-key': 'shared-key-0001' };
    const fromA = await a.post('/v1/customers', { name: 'Same body' }, key);
    const fromB = await b.post('/v1/customers', { name: 'Same body' }, key);
    assert.equal(fromA.status, 201);
    assert.equal(fromB.status, 201);
    assert.notEqual(fromA.body.id, fromB.body.id);
  });

  it('parallel requests with one key create exactly one customer', async () => {
    const { token } = await tenantTokens(twin, ['sales']);
    const api = twin.client(token);
    const key = { 'idempotency-key': 'parallel-key-0001' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api.post('/v1/customers', { name: 'Once' }, key)),
    );
    // One commits; the others' transactions fail on the key's record and answer with its customer.
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(10).fill(201),
    );
    assert.equal(new Set(responses.map((r) => r.body.id)).size, 1);
    assert.equal(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 9);
    assert.equal((await api.get('/v1/customers')).body.items.length, 1);
  });

  it('keys are scoped to the caller: one key used by two users of a tenant makes two orders', async () => {
    const { tenantId, token } = await tenantTokens(twin, ['admin']);
    const admin = twin.client(token);
    const customer = await admin.post('/v1/customers', { name: 'Two buyers' });
    await admin.post('/v1/products', {
      sku: 'KEYED',
      name: 'Keyed',
      category: 'parts',
      unitPrice: { amountMinor: 1000, currency: 'EUR' },
      stock: { onHand: 10 },
    });
    const body = { customerId: customer.body.id, currency: 'EUR', lines: [{ sku: 'KEYED', quantity: 1 }] };
    const key = { 'idempotency-key': 'same-key-two-users' };
    const users = await Promise.all(
      ['ann', 'bob'].map(async (userId) =>
        twin.client(await twin.token({ tenantId, userId, roles: ['sales'] })),
      ),
    );
    const [fromAnn, fromBob, annAgain] = [
      await users[0]?.post('/v1/orders', body, key),
      await users[1]?.post('/v1/orders', body, key),
      await users[0]?.post('/v1/orders', body, key),
    ];
    assert.equal(fromAnn?.status, 201);
    assert.equal(fromBob?.status, 201);
    assert.notEqual(fromAnn?.body.id, fromBob?.body.id);
    assert.equal(annAgain?.body.id, fromAnn?.body.id);
    assert.equal(annAgain?.headers.get('idempotent-replayed'), 'true');
    assert.equal((await admin.get('/v1/orders')).body.items.length, 2);
  });
});
