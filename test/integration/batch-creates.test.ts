import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * POST /v1/customers/batch and /v1/products/batch against DynamoDB Local: each item created on
 * its own (a bad one rejected alone, with the problem a single create gives), a taken natural key
 * reported as `existing` with the owner's id, the field-level role rules per item, and retries
 * with one Idempotency-Key creating nothing twice.
 */
const tables = await createTestTables();
const customers = {
  batch: (await import('../../functions/customers/batch')).handler,
  list: (await import('../../functions/customers/list')).handler,
  create: (await import('../../functions/customers/create')).handler,
};
const products = {
  batch: (await import('../../functions/products/batch')).handler,
  list: (await import('../../functions/products/list')).handler,
};
afterAll(() => tables.drop());

const postCustomers = (caller: Principal, items: unknown[], key?: string) =>
  invoke(customers.batch, {
    routeKey: 'POST /v1/customers/batch',
    body: { items },
    principal: caller,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

const postProducts = (caller: Principal, items: unknown[], key?: string) =>
  invoke(products.batch, {
    routeKey: 'POST /v1/products/batch',
    body: { items },
    principal: caller,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

async function allCustomers(caller: Principal) {
  const page = await invoke(customers.list, {
    routeKey: 'GET /v1/customers',
    query: { limit: '100' },
    principal: caller,
  });
  return page.body.items as { id: string; name: string; externalRef?: string }[];
}

const product = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `Product ${sku}`,
  category: 'Gifts',
  unitPrice: { amountMinor: 295, currency: 'GBP' },
  ...extra,
});

describe('POST /v1/customers/batch', () => {
  it('creates the good items, rejects the bad ones alone, and reports a taken externalRef as existing', async () => {
    const admin = principal(uniqueTenant('cb'));
    const first = await invoke(customers.create, {
      routeKey: 'POST /v1/customers',
      body: { name: 'Already here', externalRef: '12347' },
      principal: admin,
    });
    const res = await postCustomers(admin, [
      {
        name: 'Lisboa Gifts',
        externalRef: '12348',
        address: { line1: '1', city: 'Lisboa', country: 'Portugal' },
      },
      { name: 'No phone', phone: 'call me' },
      { name: 'Again', externalRef: '12347' },
      'not an object',
      { name: 'Tagged', tags: ['vip'], contacts: [{ name: 'Ann', phone: '+44 20 7946 0958' }] },
      { name: 'Twin ref A', externalRef: 'dup' },
      { name: 'Twin ref B', externalRef: 'dup' },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const outcomes = res.body.results.map(
      (r: { outcome: string; status: number }) => `${r.outcome} ${r.status}`,
    );
    assert.deepEqual(outcomes.slice(0, 5), [
      'created 201',
      'rejected 400',
      'existing 200',
      'rejected 400',
      'created 201',
    ]);
    assert.equal(res.body.results[1].problem.errors[0].field, 'body.items.1.phone');
    assert.equal(res.body.results[3].problem.errors[0].field, 'body.items.3');
    assert.equal(res.body.results[2].id, first.body.id);
    // Two items with one new ref: one creates it, the other finds it.
    const twins = res.body.results.slice(5);
    assert.deepEqual(twins.map((r: { outcome: string }) => r.outcome).sort(), ['created', 'existing']);
    assert.equal(twins[0].id, twins[1].id);
    assert.deepEqual([res.body.created, res.body.existing, res.body.rejected], [3, 2, 2]);

    const stored = await allCustomers(admin);
    assert.deepEqual(
      stored.map((c) => c.name).sort(),
      [
        'Already here',
        'Lisboa Gifts',
        'Tagged',
        twins.find((r: { outcome: string }) => r.outcome === 'created').index === 5
          ? 'Twin ref A'
          : 'Twin ref B',
      ].sort(),
    );
  });

  it('checks creditLimit per item: a caller who may not set terms gets that item rejected with a 403 naming it', async () => {
    const tenantId = uniqueTenant('cb');
    const sales = principal(tenantId, ['sales'], 'sam');
    const res = await postCustomers(sales, [
      { name: 'Plain' },
      { name: 'With limit', creditLimit: { amountMinor: 100_000, currency: 'GBP' } },
    ]);
    assert.equal(res.status, 200);
    assert.equal(res.body.results[0].outcome, 'created');
    assert.equal(res.body.results[1].status, 403);
    assert.equal(res.body.results[1].problem.errors[0].field, 'body.items.1.creditLimit');
    assert.deepEqual(
      (await allCustomers(sales)).map((c) => c.name),
      ['Plain'],
    );

    const finance = principal(tenantId, ['finance'], 'fin');
    const allowed = await postCustomers(finance, [
      { name: 'With limit', creditLimit: { amountMinor: 100_000, currency: 'GBP' } },
    ]);
    assert.equal(allowed.body.results[0].outcome, 'created');
  });

  it('a retry with the same Idempotency-Key reports what committed and creates nothing twice', async () => {
    const admin = principal(uniqueTenant('cb'));
    const items = [{ name: 'One' }, { name: 'Two' }, { name: 'Bad', email: 'nope' }];
    const first = await postCustomers(admin, items, 'import-customers-1');
    const again = await postCustomers(admin, items, 'import-customers-1');
    assert.deepEqual(
      again.body.results.map((r: { outcome: string }) => r.outcome),
      ['existing', 'existing', 'rejected'],
    );
    assert.deepEqual(
      again.body.results.slice(0, 2).map((r: { id: string }) => r.id),
      first.body.results.slice(0, 2).map((r: { id: string }) => r.id),
    );
    assert.equal((await allCustomers(admin)).length, 2);

    // The same key with another item at an index: that item is refused, the others are as before.
    const changed = await postCustomers(admin, [{ name: 'One' }, { name: 'Not two' }], 'import-customers-1');
    assert.equal(changed.body.results[0].outcome, 'existing');
    assert.equal(changed.body.results[1].status, 422);
    assert.equal(changed.body.results[1].problem.type, 'urn:orderly:problem:idempotency-key-reused');
    assert.equal((await allCustomers(admin)).length, 2);
  });

  it('refuses a malformed batch whole, with a 400', async () => {
    const admin = principal(uniqueTenant('cb'));
    const empty = await postCustomers(admin, []);
    assert.equal(empty.status, 400);
    const tooMany = await postCustomers(
      admin,
      Array.from({ length: 101 }, (_, i) => ({ name: `C${i}` })),
    );
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.errors[0].field, 'body.items');
    assert.deepEqual(await allCustomers(admin), []);
  });
});

describe('POST /v1/products/batch', () => {
  it('creates the good items, rejects the bad ones, and reports a taken SKU as existing with its product', async () => {
    const admin = principal(uniqueTenant('pb'));
    const first = await postProducts(admin, [product('85123A')]);
    const created = first.body.results[0];
    assert.equal(created.outcome, 'created');
    const items = [
      product('85123A', { name: 'Another name' }),
      product('lower-case'),
      product('71053', { unitPrice: { amountMinor: 339, currency: 'GBP' }, stock: { onHand: 12 } }),
      product('POST', { unitPrice: { amountMinor: -1, currency: 'GBP' } }),
      product('22752'),
      product('22752'),
    ];
    const res = await postProducts(admin, items, 'import-products-1');
    assert.equal(res.status, 200);
    const outcomes = res.body.results.map((r: { outcome: string }) => r.outcome);
    assert.deepEqual(outcomes.slice(0, 4), ['existing', 'rejected', 'created', 'rejected']);
    assert.deepEqual(outcomes.slice(4).sort(), ['created', 'existing']);
    assert.equal(res.body.results[0].id, created.id);
    assert.equal(res.body.results[1].problem.errors[0].field, 'body.items.1.sku');
    assert.equal(res.body.results[3].problem.errors[0].field, 'body.items.3.unitPrice.amountMinor');

    const page = await invoke(products.list, { routeKey: 'GET /v1/products', principal: admin });
    const bySku = Object.fromEntries(page.body.items.map((p: { sku: string }) => [p.sku, p]));
    assert.deepEqual(Object.keys(bySku).sort(), ['22752', '71053', '85123A']);
    assert.equal(bySku['85123A'].name, 'Product 85123A', 'an existing product is left as it is');
    assert.equal(bySku['71053'].stock.onHand, 12);

    // The retry: what was created is existing with the same id, the rest answers as before.
    const retried = await postProducts(admin, items, 'import-products-1');
    const summary = (results: { outcome: string; id?: string }[], asRetried = false) =>
      results.map((r) => [asRetried && r.outcome === 'created' ? 'existing' : r.outcome, r.id]);
    assert.deepEqual(summary(retried.body.results), summary(res.body.results, true));
  });

  it('is for those who set terms, as POST /v1/products is', async () => {
    const tenantId = uniqueTenant('pb');
    const res = await postProducts(principal(tenantId, ['sales'], 'sam'), [product('X1')]);
    assert.equal(res.status, 403);
    const page = await invoke(products.list, {
      routeKey: 'GET /v1/products',
      principal: principal(tenantId),
    });
    assert.deepEqual(page.body.items, []);
  });
});
