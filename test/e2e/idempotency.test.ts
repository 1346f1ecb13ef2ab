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
    const created = responses.filter((r) => r.status === 201);
    const inProgress = responses.filter((r) => r.status === 409);
    assert.equal(created.length + inProgress.length, responses.length);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1);
    for (const r of inProgress) assert.equal(r.body.type, 'urn:orderly:problem:idempotency-in-progress');
    assert.equal((await api.get('/v1/customers')).body.items.length, 1);
  });
});
