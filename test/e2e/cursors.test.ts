/**
 * Forged cursors over HTTP, against every list. Before cursors were signed, a decodable cursor with
 * an odd key (partition only, an empty sort key, an extra attribute) reached DynamoDB and came back
 * as a 500 ("The provided starting key is invalid"). Now only cursors the API issued are accepted,
 * and only on the list and tenant they were issued for: everything else is a 400 on `query.cursor`.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { type ApiResponse, startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();
const a = await tenantTokens(twin, ['admin']);
const b = await tenantTokens(twin, ['admin']);
const apiA = twin.client(a.token);
const apiB = twin.client(b.token);

for (let i = 0; i < 3; i++) {
  assert.equal((await apiA.post('/v1/customers', { name: `Customer ${i}` })).status, 201);
  const product = {
    sku: `CUR-${i}`,
    name: `Product ${i}`,
    category: 'parts',
    unitPrice: { amountMinor: 100, currency: 'EUR' },
  };
  assert.equal((await apiA.post('/v1/products', product)).status, 201);
}
assert.equal((await apiB.post('/v1/customers', { name: 'B customer' })).status, 201);
const someOrderId = '01J00000000000000000000000';

/** Every list, with the key a cursor of it holds (the table's and the index's key attributes). */
const lists = (tenant: string) => [
  {
    path: '/v1/customers',
    list: 'CUSTOMERS',
    key: {
      pk: `T#${tenant}#CUSTOMER#1`,
      sk: 'CUSTOMER',
      collectionPk: `T#${tenant}#CUSTOMERS`,
      collectionSk: '1',
    },
    partition: 'collectionPk',
    sort: 'sk',
  },
  {
    path: '/v1/products',
    list: 'PRODUCTS',
    key: {
      pk: `T#${tenant}#PRODUCT#1`,
      sk: 'PRODUCT',
      collectionPk: `T#${tenant}#PRODUCTS`,
      collectionSk: '1',
    },
    partition: 'collectionPk',
    sort: 'sk',
  },
  {
    path: '/v1/orders',
    list: 'ORDERS',
    key: { pk: `T#${tenant}#ORDER#1`, sk: 'ORDER', collectionPk: `T#${tenant}#ORDERS`, collectionSk: '1' },
    partition: 'collectionPk',
    sort: 'collectionSk',
  },
  {
    path: `/v1/orders/${someOrderId}/timeline`,
    list: `TIMELINE#${someOrderId}`,
    key: { pk: `T#${tenant}#ORDER#${someOrderId}`, sk: 'EVENT#0001' },
    partition: 'pk',
    sort: 'sk',
  },
  {
    path: '/v1/approvals',
    list: 'APPROVALS',
    key: { tenant: `T#${tenant}`, after: '2025-01-01T00:00:00.000Z' },
    partition: 'tenant',
    sort: 'after',
  },
];

const unsigned = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
/** The two ways to forge without the key: the unsigned format of old, or any 43-character tag. */
const forgeries = (body: unknown) => [unsigned(body), `${unsigned(body)}.${'A'.repeat(43)}`];

function assertCursorRefused(res: ApiResponse, what: string) {
  assert.equal(res.status, 400, `${what}: ${res.text}`);
  assert.equal(res.headers.get('content-type'), 'application/problem+json', what);
  assert.equal(res.body.type, 'urn:orderly:problem:validation-error', what);
  assert.deepEqual(
    res.body.errors.map((e: { field: string }) => e.field),
    ['query.cursor'],
    what,
  );
}

const page = (api: typeof apiA, path: string, cursor: string) =>
  api.get(`${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${encodeURIComponent(cursor)}`);

describe('cursors are authenticated: forged ones are a 400 on query.cursor, never a 500', () => {
  afterAll(() => twin.stop());

  it('refuses a partition-only key on every list', async () => {
    for (const spec of lists(a.tenantId)) {
      const key = { [spec.partition]: spec.key[spec.partition as keyof typeof spec.key] };
      for (const cursor of forgeries({ l: spec.list, k: key }))
        assertCursorRefused(await page(apiA, spec.path, cursor), `${spec.path} partition only`);
    }
  });

  it('refuses an empty sort key on every list', async () => {
    for (const spec of lists(a.tenantId)) {
      for (const cursor of forgeries({ l: spec.list, k: { ...spec.key, [spec.sort]: '' } }))
        assertCursorRefused(await page(apiA, spec.path, cursor), `${spec.path} empty sort key`);
    }
  });

  it('refuses an extra attribute on every list', async () => {
    for (const spec of lists(a.tenantId)) {
      for (const cursor of forgeries({ l: spec.list, k: { ...spec.key, extra: 'x' } }))
        assertCursorRefused(await page(apiA, spec.path, cursor), `${spec.path} extra attribute`);
    }
  });

  it('refuses another list’s cursor, within one tenant', async () => {
    const customers = await apiA.get('/v1/customers?limit=1');
    assert.ok(customers.body.nextCursor);
    for (const path of ['/v1/products', '/v1/orders', '/v1/orders?status=SUBMITTED', '/v1/approvals']) {
      assertCursorRefused(await page(apiA, path, customers.body.nextCursor), `customers cursor on ${path}`);
    }
    const products = await apiA.get('/v1/products?limit=1');
    assertCursorRefused(
      await page(apiA, '/v1/customers', products.body.nextCursor),
      'products cursor on customers',
    );
  });

  it('refuses another tenant’s cursor', async () => {
    for (const path of ['/v1/customers', '/v1/products']) {
      const first = await apiA.get(`${path}?limit=1`);
      assert.ok(first.body.nextCursor, path);
      assertCursorRefused(await page(apiB, path, first.body.nextCursor), `A’s ${path} cursor used by B`);
    }
  });

  it('refuses an altered, truncated or extended signature, and accepts the cursor as issued', async () => {
    const first = await apiA.get('/v1/customers?limit=1');
    const cursor = first.body.nextCursor as string;
    const [payload, tag] = cursor.split('.') as [string, string];
    const flipped = (at: number) => tag.slice(0, at) + (tag[at] === 'A' ? 'B' : 'A') + tag.slice(at + 1);
    for (const altered of [
      `${payload}.${flipped(0)}`,
      `${payload}.${flipped(tag.length - 1)}`,
      cursor.slice(0, -1),
      cursor.slice(0, payload.length),
      `${cursor}A`,
      `${unsigned({ l: 'CUSTOMERS', k: { ...JSON.parse(Buffer.from(payload, 'base64url').toString()).k, sk: 'x' } })}.${tag}`,
    ]) {
      assertCursorRefused(await page(apiA, '/v1/customers', altered), `altered ${altered}`);
    }
    const next = await page(apiA, '/v1/customers', cursor);
    assert.equal(next.status, 200, next.text);
    assert.equal(next.body.items[0].name, 'Customer 1');
  });
});
