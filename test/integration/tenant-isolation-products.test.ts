import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: create } = await import('../../functions/products/create');
const { handler: get } = await import('../../functions/products/get');
const { handler: list } = await import('../../functions/products/list');
const { handler: update } = await import('../../functions/products/update');
const { handler: adjust } = await import('../../functions/products/adjust-stock');
const store = await import('../../functions/products/store');

const product = (sku: string) => ({
  sku,
  name: `Product ${sku}`,
  category: 'parts',
  unitPrice: { amountMinor: 500, currency: 'GBP' },
  stock: { onHand: 10 },
});

const createProduct = (who: Principal, sku: string) =>
  invoke(create, { routeKey: 'POST /v1/products', body: product(sku), principal: who });

const listPage = (who: Principal, query: Record<string, string>) =>
  invoke(list, { routeKey: 'GET /v1/products', query, principal: who });

describe('tenant isolation of products', () => {
  const a = principal(uniqueTenant('a'));
  const b = principal(uniqueTenant('b'));
  const aIds: string[] = [];

  beforeAll(async () => {
    for (const sku of ['SHARED-1', 'A-2', 'A-3']) {
      const res = await createProduct(a, sku);
      assert.equal(res.status, 201);
      aIds.push(res.body.id);
    }
  });
  afterAll(() => tables.drop());

  it('hides another tenant’s product by id as 404, for reads and writes', async () => {
    const [id = ''] = aIds;
    const params = { pathParameters: { productId: id }, principal: b };
    const got = await invoke(get, { routeKey: 'GET /v1/products/{productId}', ...params });
    assert.equal(got.status, 404);
    const changed = await invoke(update, {
      routeKey: 'PATCH /v1/products/{productId}',
      ...params,
      headers: { 'if-match': '"1"' },
      body: { name: 'Hijacked' },
    });
    assert.equal(changed.status, 404);
    const moved = await invoke(adjust, {
      routeKey: 'POST /v1/products/{productId}/stock-adjustments',
      ...params,
      body: { delta: -10, reason: 'sale' },
    });
    assert.equal(moved.status, 404);

    const own = await invoke(get, {
      routeKey: 'GET /v1/products/{productId}',
      pathParameters: { productId: id },
      principal: a,
    });
    assert.equal(own.body.name, 'Product SHARED-1');
    assert.equal(own.body.version, 1);
    assert.deepEqual(own.body.stock, { onHand: 10, reserved: 0, available: 10 });
  });

  it('never lists another tenant’s products', async () => {
    const created = await createProduct(b, 'B-1');
    const page = await listPage(b, { limit: '100' });
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.items.map((p: { id: string }) => p.id),
      [created.body.id],
    );
  });

  it('refuses another tenant’s list cursor with 400 on query.cursor', async () => {
    const first = await listPage(a, { limit: '1' });
    assert.equal(first.status, 200);
    assert.ok(first.body.nextCursor);
    const replayed = await listPage(b, { limit: '1', cursor: first.body.nextCursor });
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.type, 'urn:orderly:problem:validation-error');
    assert.deepEqual(
      replayed.body.errors.map((e: { field: string }) => e.field),
      ['query.cursor'],
    );
  });

  it('lets the same SKU exist in two tenants', async () => {
    const inB = await createProduct(b, 'SHARED-1');
    assert.equal(inB.status, 201);
    assert.notEqual(inB.body.id, aIds[0]);
    assert.equal(await store.productIdForSku(a.tenantId, 'SHARED-1'), aIds[0]);
    assert.equal(await store.productIdForSku(b.tenantId, 'SHARED-1'), inB.body.id);
  });
});
