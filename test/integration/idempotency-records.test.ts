import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, it, vi } from 'vitest';
import { documentClient } from '../../functions/shared/db/client';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: createCustomer } = await import('../../functions/customers/create');
const { handler: createProduct } = await import('../../functions/products/create');
const { handler: adjust } = await import('../../functions/products/adjust-stock');

const records = async () =>
  (
    await documentClient.send(
      new ScanCommand({ TableName: process.env.IDEMPOTENCY_TABLE_NAME, ConsistentRead: true }),
    )
  ).Items ?? [];

describe('idempotency records live in the creating transaction', () => {
  afterAll(() => tables.drop());
  afterEach(() => {
    delete process.env.IDEMPOTENCY_RETENTION_SECONDS;
  });

  it('a stock adjustment with a key moves stock once; the retry answers 200 with the product as it is now', async () => {
    const admin = principal(uniqueTenant());
    const product = await invoke(createProduct, {
      routeKey: 'POST /v1/products',
      body: {
        sku: 'IDEM-1',
        name: 'Idem',
        category: 'parts',
        unitPrice: { amountMinor: 100, currency: 'EUR' },
        stock: { onHand: 10 },
      },
      principal: admin,
    });
    const send = (delta: number, key: string) =>
      invoke(adjust, {
        routeKey: 'POST /v1/products/{productId}/stock-adjustments',
        pathParameters: { productId: product.body.id },
        body: { delta, reason: 'receipt' },
        headers: { 'idempotency-key': key },
        principal: admin,
      });
    const first = await send(5, 'adjust-key-0001');
    assert.equal((await send(3, 'adjust-key-0002')).body.stock.onHand, 18);
    const retry = await send(5, 'adjust-key-0001');
    assert.equal(first.status, 200);
    assert.equal(first.body.stock.onHand, 15);
    assert.equal(retry.status, 200);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.stock.onHand, 18, 'the product as it is now, after the second adjustment');
    const reused = await send(4, 'adjust-key-0001');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.type, 'urn:orderly:problem:idempotency-key-reused');
    // A refused adjustment (more than available) records nothing: the key stays free.
    const refused = await send(-100, 'adjust-key-0003');
    assert.equal(refused.status, 409);
    const ids = (await records()).map((r) => r.resourceId);
    assert.equal(ids.filter((id) => id === product.body.id).length, 2);
  });

  it('a record past its retention frees the key, even before TTL deletes it', async () => {
    const admin = principal(uniqueTenant());
    process.env.IDEMPOTENCY_RETENTION_SECONDS = '1';
    const send = () =>
      invoke(createCustomer, {
        routeKey: 'POST /v1/customers',
        body: { name: 'Short memory Ltd' },
        headers: { 'idempotency-key': 'short-retention-1' },
        principal: admin,
      });
    // The clock is the test's: on a saturated machine two requests may be more than a second apart.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.now();
      vi.setSystemTime(start);
      const first = await send();
      const replay = await send();
      assert.equal(replay.body.id, first.body.id);
      vi.setSystemTime(start + 2100);
      const after = await send();
      assert.equal(after.status, 201);
      assert.notEqual(after.body.id, first.body.id);
      assert.equal(after.headers['idempotent-replayed'], undefined);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a record holds the hash, the resource id and the status, never the resource', async () => {
    const admin = principal(uniqueTenant());
    const created = await invoke(createCustomer, {
      routeKey: 'POST /v1/customers',
      body: { name: 'Small record Ltd', tags: ['a', 'b'] },
      headers: { 'idempotency-key': 'record-shape-1' },
      principal: admin,
    });
    const record = (await records()).find((r) => r.resourceId === created.body.id);
    assert.ok(record);
    assert.deepEqual(Object.keys(record).sort(), [
      'createdAt',
      'expiration',
      'id',
      'operationId',
      'requestHash',
      'resourceId',
      'statusCode',
    ]);
    assert.equal(record.statusCode, 201);
    assert.equal(record.operationId, 'createCustomer');
    assert.ok(String(record.id).startsWith(`${admin.tenantId}#`));
    assert.ok(JSON.stringify(record).length < 400);
  });
});
