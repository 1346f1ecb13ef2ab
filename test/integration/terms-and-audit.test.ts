import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * The approval bypass of the security review, replayed: a sales user may not move what the
 * approval rules read (a price, a category, `active`, a credit limit), and every change of those by
 * someone who may is in the audit trail, with the values before and after.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());
const { handler: createProduct } = await import('../../functions/products/create');
const { handler: getProduct } = await import('../../functions/products/get');
const { handler: updateProduct } = await import('../../functions/products/update');
const { handler: createCustomer } = await import('../../functions/customers/create');
const { handler: getCustomer } = await import('../../functions/customers/get');
const { handler: updateCustomer } = await import('../../functions/customers/update');
const { handler: putRules } = await import('../../functions/approvals/put');
const { handler: listAudit } = await import('../../functions/audit/list');

const EUR = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

async function setUp() {
  const tenantId = uniqueTenant();
  const who = {
    admin: principal(tenantId, ['admin'], 'ada'),
    finance: principal(tenantId, ['finance'], 'fin'),
    sales: principal(tenantId, ['sales'], 'sam'),
    integration: {
      ...principal(tenantId, ['integration'], 'erp'),
      scopes: ['products:write', 'customers:write'],
    },
  };
  const product = await invoke(createProduct, {
    routeKey: 'POST /v1/products',
    principal: who.admin,
    body: { sku: 'W-1', name: 'Widget', category: 'widgets', unitPrice: EUR(1000), stock: { onHand: 1000 } },
  });
  assert.equal(product.status, 201);
  const customer = await invoke(createCustomer, {
    routeKey: 'POST /v1/customers',
    principal: who.finance,
    body: { name: 'Acme', creditLimit: EUR(100_000) },
  });
  assert.equal(customer.status, 201);
  return { tenantId, who, productId: product.body.id as string, customerId: customer.body.id as string };
}

const patchProduct = (who: Principal, productId: string, body: unknown, version: number) =>
  invoke(updateProduct, {
    routeKey: 'PATCH /v1/products/{productId}',
    pathParameters: { productId },
    headers: { 'if-match': `"${version}"` },
    body,
    principal: who,
  });
const patchCustomer = (who: Principal, customerId: string, body: unknown, version: number) =>
  invoke(updateCustomer, {
    routeKey: 'PATCH /v1/customers/{customerId}',
    pathParameters: { customerId },
    headers: { 'if-match': `"${version}"` },
    body,
    principal: who,
  });
const readProduct = (who: Principal, productId: string) =>
  invoke(getProduct, {
    routeKey: 'GET /v1/products/{productId}',
    pathParameters: { productId },
    principal: who,
  });
const readCustomer = (who: Principal, customerId: string) =>
  invoke(getCustomer, {
    routeKey: 'GET /v1/customers/{customerId}',
    pathParameters: { customerId },
    principal: who,
  });
const audit = (who: Principal, query: Record<string, string> = {}) =>
  invoke(listAudit, { routeKey: 'GET /v1/audit', query, principal: who });

describe('who may change commercial terms', () => {
  it('a sales user cannot change price, category, active or credit limit: 403 naming the field, nothing changes', async () => {
    const t = await setUp();
    for (const [who, label] of [
      [t.who.sales, 'sales'],
      [t.who.integration, 'integration'],
    ] as const) {
      for (const body of [{ unitPrice: EUR(1) }, { category: 'cheap' }, { active: false }]) {
        const refused = await patchProduct(who, t.productId, body, 1);
        const field = Object.keys(body)[0];
        assert.equal(refused.status, 403, `${label} ${field}`);
        assert.equal(refused.body.type, 'urn:orderly:problem:forbidden');
        assert.deepEqual(refused.body.errors, [
          { field: `body.${field}`, message: 'needs one of the roles: admin, finance' },
        ]);
      }
      for (const creditLimit of [null, EUR(999_999_999)]) {
        const refused = await patchCustomer(who, t.customerId, { creditLimit }, 1);
        assert.equal(refused.status, 403, `${label} creditLimit ${JSON.stringify(creditLimit)}`);
        assert.equal(refused.body.errors[0].field, 'body.creditLimit');
      }
      // A field next to a term does not smuggle it through.
      const mixed = await patchProduct(who, t.productId, { name: 'Widget!', unitPrice: EUR(1) }, 1);
      assert.equal(mixed.status, 403);
    }
    const product = await readProduct(t.who.admin, t.productId);
    assert.deepEqual(
      [product.body.version, product.body.unitPrice, product.body.category, product.body.active],
      [1, EUR(1000), 'widgets', true],
    );
    const customer = await readCustomer(t.who.admin, t.customerId);
    assert.deepEqual([customer.body.version, customer.body.creditLimit], [1, EUR(100_000)]);
    assert.deepEqual((await audit(t.who.admin)).body.items, [], 'refusals write no audit record');

    // What sales may do: the product's name and the customer's contact data.
    assert.equal((await patchProduct(t.who.sales, t.productId, { name: 'Widget Pro' }, 1)).status, 200);
    assert.equal(
      (await patchCustomer(t.who.sales, t.customerId, { email: 'buy@acme.example' }, 1)).status,
      200,
    );
    assert.deepEqual((await audit(t.who.admin)).body.items, [], 'contact data is not audited');
  });

  it('a sales user cannot create a product (it sets a price) nor a customer with a credit limit', async () => {
    const t = await setUp();
    const product = await invoke(createProduct, {
      routeKey: 'POST /v1/products',
      principal: t.who.sales,
      body: { sku: 'CHEAP', name: 'Cheap', category: 'widgets', unitPrice: EUR(1), stock: { onHand: 1 } },
    });
    assert.equal(product.status, 403);
    const customer = await invoke(createCustomer, {
      routeKey: 'POST /v1/customers',
      principal: t.who.sales,
      body: { name: 'Unlimited', creditLimit: EUR(1) },
    });
    assert.equal(customer.status, 403);
    assert.equal(customer.body.errors[0].field, 'body.creditLimit');
    const withoutLimit = await invoke(createCustomer, {
      routeKey: 'POST /v1/customers',
      principal: t.who.sales,
      body: { name: 'New lead' },
    });
    assert.equal(withoutLimit.status, 201);
  });
});

describe('the audit trail', () => {
  it('an admin changes terms: one record per changed field, with before, after, actor and request', async () => {
    const t = await setUp();
    const changed = await patchProduct(
      t.who.admin,
      t.productId,
      { unitPrice: EUR(1), category: 'cheap', name: 'W' },
      1,
    );
    assert.equal(changed.status, 200);
    assert.deepEqual(
      [changed.body.unitPrice, changed.body.category, changed.body.version],
      [EUR(1), 'cheap', 2],
    );
    const limit = await patchCustomer(t.who.finance, t.customerId, { creditLimit: null }, 1);
    assert.equal(limit.status, 200);
    assert.equal(limit.body.creditLimit, undefined);

    const all = await audit(t.who.admin);
    assert.equal(all.status, 200);
    const summary = all.body.items.map((r: Record<string, unknown>) => [
      r.resource,
      r.field,
      r.before,
      r.after,
      r.actor,
      r.operation,
    ]);
    // Newest first; one transaction's records in the order of the declared fields.
    assert.deepEqual(summary, [
      [`customer/${t.customerId}`, 'creditLimit', EUR(100_000), null, 'fin', 'updateCustomer'],
      [`product/${t.productId}`, 'category', 'widgets', 'cheap', 'ada', 'updateProduct'],
      [`product/${t.productId}`, 'unitPrice', EUR(1000), EUR(1), 'ada', 'updateProduct'],
    ]);
    for (const record of all.body.items) {
      assert.match(record.requestId, /\S/);
      assert.ok(Date.parse(record.at) <= Date.now());
    }

    // The same value again is no change: no record. A price moved back is one.
    assert.equal((await patchProduct(t.who.admin, t.productId, { category: 'cheap' }, 2)).status, 200);
    assert.equal((await audit(t.who.admin)).body.items.length, 3);

    const byResource = await audit(t.who.admin, { resource: `product/${t.productId}` });
    assert.deepEqual(byResource.body.items.map((r: { field: string }) => r.field).sort(), [
      'category',
      'unitPrice',
    ]);
    const byActor = await audit(t.who.admin, { actor: 'fin' });
    assert.deepEqual(
      byActor.body.items.map((r: { field: string }) => r.field),
      ['creditLimit'],
    );
    const both = await audit(t.who.admin, { resource: `product/${t.productId}`, actor: 'fin' });
    assert.deepEqual(both.body.items, []);
    const future = await audit(t.who.admin, { from: new Date(Date.now() + 60_000).toISOString() });
    assert.deepEqual(future.body.items, []);
    const past = await audit(t.who.admin, { to: '2020-01-01T00:00:00.000Z' });
    assert.deepEqual(past.body.items, []);
  });

  it('pages newest first with a signed cursor; another tenant sees none of it; only admins read it', async () => {
    const t = await setUp();
    for (let i = 0; i < 5; i++) {
      const price = await patchProduct(t.who.finance, t.productId, { unitPrice: EUR(2000 + i) }, i + 1);
      assert.equal(price.status, 200);
    }
    const first = await audit(t.who.admin, { limit: '2' });
    assert.equal(first.body.items.length, 2);
    assert.deepEqual(first.body.items[0].after, EUR(2004), 'newest first');
    const second = await audit(t.who.admin, { limit: '2', cursor: first.body.nextCursor });
    const third = await audit(t.who.admin, { limit: '2', cursor: second.body.nextCursor });
    assert.deepEqual(
      [...first.body.items, ...second.body.items, ...third.body.items].map((r) => r.after.amountMinor),
      [2004, 2003, 2002, 2001, 2000],
    );
    assert.equal(third.body.nextCursor, undefined);
    const other = await setUp();
    assert.equal((await audit(other.who.admin, { cursor: first.body.nextCursor })).status, 400);
    assert.deepEqual((await audit(other.who.admin, { resource: `product/${t.productId}` })).body.items, []);
    for (const role of ['finance', 'sales', 'approver', 'analyst'] as const)
      assert.equal((await audit(principal(t.tenantId, [role]))).status, 403, role);
    assert.equal(
      (await audit(t.who.admin, { from: '2030-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' })).status,
      400,
    );
  });

  it('a change of the approval rules is audited: what was in force before, what is after', async () => {
    const t = await setUp();
    const rules = defaultRuleSet();
    const saved = await invoke(putRules, {
      routeKey: 'PUT /v1/approval-rules',
      principal: t.who.admin,
      headers: { 'if-match': '"0"' },
      body: { ...rules, creditOverrideRoles: ['admin', 'finance'] },
    });
    assert.equal(saved.status, 200);
    const records = (await audit(t.who.admin, { resource: 'approval-rules/current' })).body.items;
    assert.deepEqual(
      records.map((r: Record<string, unknown>) => [r.field, r.before, r.after]),
      [['creditOverrideRoles', ['admin'], ['admin', 'finance']]],
    );
    const stale = await invoke(putRules, {
      routeKey: 'PUT /v1/approval-rules',
      principal: t.who.admin,
      headers: { 'if-match': '"0"' },
      body: rules,
    });
    assert.equal(stale.status, 412);
    assert.equal((await audit(t.who.admin, { resource: 'approval-rules/current' })).body.items.length, 1);
  });

  it('a stale If-Match on a change of terms is a 412 and writes no record', async () => {
    const t = await setUp();
    assert.equal((await patchProduct(t.who.admin, t.productId, { unitPrice: EUR(5) }, 7)).status, 412);
    assert.equal((await patchCustomer(t.who.admin, t.customerId, { creditLimit: EUR(5) }, 7)).status, 412);
    assert.equal(
      (await patchProduct(t.who.admin, '01J00000000000000000000000', { unitPrice: EUR(5) }, 1)).status,
      404,
    );
    assert.deepEqual((await audit(t.who.admin)).body.items, []);
  });
});
