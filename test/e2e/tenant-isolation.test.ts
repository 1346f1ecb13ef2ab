import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();
const a = twin.client((await tenantTokens(twin, ['admin'])).token);
const b = twin.client((await tenantTokens(twin, ['admin'])).token);

const customerIds: string[] = [];
for (let i = 0; i < 5; i++)
  customerIds.push((await a.post('/v1/customers', { name: `A customer ${i}` })).body.id);
const createProduct = async (sku: string) =>
  (
    await a.post('/v1/products', {
      sku,
      name: 'A product',
      category: 'Secret',
      unitPrice: { amountMinor: 1000, currency: 'EUR' },
      stock: { onHand: 10 },
    })
  ).body;
const product = await createProduct('ISO-1');
await createProduct('ISO-2');

describe('tenant B never reads or writes tenant A’s data', () => {
  afterAll(() => twin.stop());

  it('cannot read A’s customer or product by id (404, as if it did not exist)', async () => {
    assert.equal((await b.get(`/v1/customers/${customerIds[0]}`)).status, 404);
    assert.equal((await b.get(`/v1/products/${product.id}`)).status, 404);
  });

  it('cannot update A’s customer or product, nor move its stock', async () => {
    assert.equal(
      (await b.patch(`/v1/customers/${customerIds[0]}`, { name: 'Taken' }, { 'if-match': '"1"' })).status,
      404,
    );
    assert.equal(
      (await b.patch(`/v1/products/${product.id}`, { name: 'Taken' }, { 'if-match': '"1"' })).status,
      404,
    );
    assert.equal(
      (await b.post(`/v1/products/${product.id}/stock-adjustments`, { delta: -5, reason: 'damage' })).status,
      404,
    );
    const mine = await a.get(`/v1/products/${product.id}`);
    assert.equal(mine.body.name, 'A product');
    assert.equal(mine.body.stock.onHand, 10);
    assert.equal((await a.get(`/v1/customers/${customerIds[0]}`)).body.name, 'A customer 0');
  });

  it('does not see A’s records in its lists', async () => {
    assert.deepEqual((await b.get('/v1/customers')).body.items, []);
    assert.deepEqual((await b.get('/v1/products')).body.items, []);
  });

  it('cannot page into A’s list by replaying A’s cursor', async () => {
    const page = await a.get('/v1/customers?limit=2');
    assert.ok(page.body.nextCursor);
    const replay = await b.get(`/v1/customers?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.errors[0].field, 'query.cursor');
    const productPage = await a.get('/v1/products?limit=1');
    assert.ok(productPage.body.nextCursor);
    assert.equal(
      (await b.get(`/v1/products?cursor=${encodeURIComponent(productPage.body.nextCursor)}`)).status,
      400,
    );
    // A customers cursor is not a products cursor either, even within one tenant.
    assert.equal(
      (await a.get(`/v1/products?cursor=${encodeURIComponent(page.body.nextCursor)}`)).status,
      400,
    );
  });

  it('cannot forge a cursor that points into A’s partition', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        l: 'CUSTOMERS',
        k: { pk: 'x', sk: 'y', collectionPk: 'T#someone-else#CUSTOMERS', collectionSk: 'z' },
      }),
    ).toString('base64url');
    assert.equal((await b.get(`/v1/customers?cursor=${forged}`)).status, 400);
  });
});
