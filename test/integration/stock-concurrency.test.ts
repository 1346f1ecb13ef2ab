import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: create } = await import('../../functions/products/create');
const { handler: get } = await import('../../functions/products/get');
const { handler: adjust } = await import('../../functions/products/adjust-stock');

async function createProduct(who: Principal, sku: string, onHand: number): Promise<string> {
  const res = await invoke(create, {
    routeKey: 'POST /v1/products',
    body: {
      sku,
      name: sku,
      category: 'parts',
      unitPrice: { amountMinor: 100, currency: 'EUR' },
      stock: { onHand },
    },
    principal: who,
  });
  assert.equal(res.status, 201);
  return res.body.id;
}

const adjustStock = (who: Principal, productId: string, delta: number) =>
  invoke(adjust, {
    routeKey: 'POST /v1/products/{productId}/stock-adjustments',
    pathParameters: { productId },
    body: { delta, reason: delta < 0 ? 'sale' : 'receipt' },
    principal: who,
  });

const stockOf = async (who: Principal, productId: string) =>
  (
    await invoke(get, {
      routeKey: 'GET /v1/products/{productId}',
      pathParameters: { productId },
      principal: who,
    })
  ).body.stock;

describe('stock under concurrency', () => {
  afterAll(() => tables.drop());

  it('never oversells: 50 parallel decrements of 1 on 20 units', async () => {
    const admin = principal(uniqueTenant());
    const productId = await createProduct(admin, 'HOT-ITEM', 20);
    const results = await Promise.all(Array.from({ length: 50 }, () => adjustStock(admin, productId, -1)));
    const succeeded = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    assert.equal(succeeded.length, 20);
    assert.equal(refused.length, 30);
    for (const r of refused) assert.equal(r.body.type, 'urn:orderly:problem:insufficient-stock');
    // Each success saw a distinct stock level: every decrement was applied exactly once.
    assert.deepEqual(
      succeeded.map((r) => r.body.stock.onHand).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.deepEqual(await stockOf(admin, productId), { onHand: 0, reserved: 0, available: 0 });
  });

  it('loses no update: 50 parallel increments of 1', async () => {
    const admin = principal(uniqueTenant());
    const productId = await createProduct(admin, 'RESTOCK', 0);
    const results = await Promise.all(Array.from({ length: 50 }, () => adjustStock(admin, productId, 1)));
    assert.ok(results.every((r) => r.status === 200));
    assert.deepEqual(await stockOf(admin, productId), { onHand: 50, reserved: 0, available: 50 });
  });
});
