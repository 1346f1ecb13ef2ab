import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { type InvokeResult, invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: create } = await import('../../functions/products/create');
const { handler: get } = await import('../../functions/products/get');
const { handler: list } = await import('../../functions/products/list');
const { handler: update } = await import('../../functions/products/update');
const { handler: adjust } = await import('../../functions/products/adjust-stock');
const store = await import('../../functions/products/store');

const PROBLEM = 'urn:orderly:problem:';

const widget = (overrides: Record<string, unknown> = {}) => ({
  sku: 'WIDGET-1',
  name: 'Widget',
  description: 'A small widget',
  category: 'widgets',
  unitPrice: { amountMinor: 1299, currency: 'EUR' },
  stock: { onHand: 5 },
  ...overrides,
});

const createProduct = (who: Principal, body: unknown, headers: Record<string, string> = {}) =>
  invoke(create, { routeKey: 'POST /v1/products', body, headers, principal: who });

const getProduct = (who: Principal, productId: string) =>
  invoke(get, { routeKey: 'GET /v1/products/{productId}', pathParameters: { productId }, principal: who });

const updateProduct = (
  who: Principal,
  productId: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  invoke(update, {
    routeKey: 'PATCH /v1/products/{productId}',
    pathParameters: { productId },
    body,
    headers,
    principal: who,
  });

const adjustStock = (
  who: Principal,
  productId: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  invoke(adjust, {
    routeKey: 'POST /v1/products/{productId}/stock-adjustments',
    pathParameters: { productId },
    body,
    headers,
    principal: who,
  });

/** Every product of the tenant, following cursors to the end. */
async function listAll(who: Principal): Promise<{ id: string; sku: string; name: string }[]> {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await invoke(list, {
      routeKey: 'GET /v1/products',
      query: { limit: '2', ...(cursor ? { cursor } : {}) },
      principal: who,
    });
    assert.equal(page.status, 200);
    all.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

function assertFieldError(res: InvokeResult, field: string) {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.type, `${PROBLEM}validation-error`);
  assert.ok(
    res.body.errors.some((e: { field: string }) => e.field === field),
    `expected an error for ${field}, got ${JSON.stringify(res.body.errors)}`,
  );
}

describe('products against DynamoDB Local', () => {
  afterAll(() => tables.drop());

  it('creates a product with its stock and reads it back', async () => {
    const admin = principal(uniqueTenant());
    const created = await createProduct(admin, widget());
    assert.equal(created.status, 201);
    assert.equal(created.headers.etag, '"1"');
    assert.equal(created.headers.location, `/v1/products/${created.body.id}`);
    assert.equal(created.body.active, true);
    assert.deepEqual(created.body.stock, { onHand: 5, reserved: 0, available: 5 });
    assert.deepEqual(created.body.unitPrice, { amountMinor: 1299, currency: 'EUR' });

    const got = await getProduct(admin, created.body.id);
    assert.equal(got.status, 200);
    assert.equal(got.headers.etag, '"1"');
    assert.deepEqual(got.body, created.body);

    const noStock = await createProduct(admin, widget({ sku: 'WIDGET-2', stock: undefined, active: false }));
    assert.equal(noStock.status, 201);
    assert.equal(noStock.body.active, false);
    assert.deepEqual(noStock.body.stock, { onHand: 0, reserved: 0, available: 0 });
  });

  it('finds a product id by SKU', async () => {
    const tenant = uniqueTenant();
    const created = await createProduct(principal(tenant), widget({ sku: 'LOOKUP.9' }));
    assert.equal(await store.productIdForSku(tenant, 'LOOKUP.9'), created.body.id);
    assert.equal(await store.productIdForSku(tenant, 'NO-SUCH-SKU'), undefined);
  });

  it('updates catalogue fields with If-Match: 412 when stale, 428 without', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget());

    const changed = await updateProduct(
      admin,
      product.id,
      {
        name: 'Widget Pro',
        description: null,
        unitPrice: { amountMinor: 1499, currency: 'EUR' },
        active: false,
      },
      { 'if-match': '"1"' },
    );
    assert.equal(changed.status, 200);
    assert.equal(changed.headers.etag, '"2"');
    assert.equal(changed.body.version, 2);
    assert.equal(changed.body.name, 'Widget Pro');
    assert.equal(changed.body.description, undefined);
    assert.equal(changed.body.active, false);
    assert.deepEqual(changed.body.unitPrice, { amountMinor: 1499, currency: 'EUR' });
    assert.equal(changed.body.sku, 'WIDGET-1');
    assert.deepEqual(changed.body.stock, product.stock);

    const stale = await updateProduct(admin, product.id, { name: 'Lost update' }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 2);

    const unguarded = await updateProduct(admin, product.id, { name: 'Lost update' });
    assert.equal(unguarded.status, 428);

    assert.equal((await getProduct(admin, product.id)).body.name, 'Widget Pro');
  });

  it('refuses to change the SKU or the stock by update, and an empty patch', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget());
    const ifMatch = { 'if-match': '"1"' };
    assertFieldError(await updateProduct(admin, product.id, { sku: 'OTHER' }, ifMatch), 'body.sku');
    assertFieldError(
      await updateProduct(admin, product.id, { stock: { onHand: 99 } }, ifMatch),
      'body.stock',
    );
    assertFieldError(await updateProduct(admin, product.id, {}, ifMatch), 'body');
    const got = await getProduct(admin, product.id);
    assert.equal(got.body.version, 1);
    assert.equal(got.body.sku, 'WIDGET-1');
    assert.equal(got.body.stock.onHand, 5);
  });

  it('returns 404 for a product that does not exist', async () => {
    const admin = principal(uniqueTenant());
    const missing = '01J00000000000000000000000';
    assert.equal((await getProduct(admin, missing)).status, 404);
    assert.equal((await updateProduct(admin, missing, { name: 'x' }, { 'if-match': '"1"' })).status, 404);
    assert.equal((await adjustStock(admin, missing, { delta: 1, reason: 'receipt' })).status, 404);
  });

  it('refuses a taken SKU with 409 and writes nothing', async () => {
    const admin = principal(uniqueTenant());
    const first = await createProduct(admin, widget());
    assert.equal(first.status, 201);
    const second = await createProduct(admin, widget({ name: 'Impostor' }));
    assert.equal(second.status, 409);
    assert.equal(second.body.type, `${PROBLEM}sku-taken`);
    assert.equal(second.body.sku, 'WIDGET-1');
    const all = await listAll(admin);
    assert.deepEqual(
      all.map((p) => p.id),
      [first.body.id],
    );
    assert.equal(
      all.some((p) => p.name === 'Impostor'),
      false,
    );
  });

  it('lets exactly one of many concurrent creates claim a SKU', async () => {
    const admin = principal(uniqueTenant());
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createProduct(admin, widget({ sku: 'RACE-1', name: `Racer ${i}` })),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 9);
    assert.equal((await listAll(admin)).length, 1);
  });

  it('lists products oldest first with no duplicate and no gap', async () => {
    const admin = principal(uniqueTenant());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createProduct(admin, widget({ sku: `LIST-${i}` }))).body.id);
    assert.deepEqual(
      (await listAll(admin)).map((p) => p.id),
      ids,
    );
  });

  it('adjusts stock up and down without changing the version', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget());

    const received = await adjustStock(admin, product.id, { delta: 10, reason: 'receipt', note: 'PO 4711' });
    assert.equal(received.status, 200);
    assert.deepEqual(received.body.stock, { onHand: 15, reserved: 0, available: 15 });
    assert.equal(received.body.version, 1);
    assert.equal(received.headers.etag, '"1"');

    const sold = await adjustStock(admin, product.id, { delta: -15, reason: 'sale' });
    assert.equal(sold.status, 200);
    assert.deepEqual(sold.body.stock, { onHand: 0, reserved: 0, available: 0 });

    // The ETag from before the stock moves still guards a catalogue update.
    const renamed = await updateProduct(admin, product.id, { name: 'Widget v2' }, { 'if-match': '"1"' });
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.body.stock, { onHand: 0, reserved: 0, available: 0 });
  });

  it('refuses a decrease below the available stock with 409 and leaves stock unchanged', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget({ stock: { onHand: 3 } }));
    const refused = await adjustStock(admin, product.id, { delta: -4, reason: 'damage' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.type, `${PROBLEM}insufficient-stock`);
    assert.equal(refused.body.available, 3);
    const got = await getProduct(admin, product.id);
    assert.deepEqual(got.body.stock, { onHand: 3, reserved: 0, available: 3 });
    assert.equal(got.body.updatedAt, product.updatedAt);
  });

  it('refuses an increase past the stock limit with 409', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget({ stock: { onHand: 999_999_999_999 } }));
    const refused = await adjustStock(admin, product.id, { delta: 2, reason: 'receipt' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.type, `${PROBLEM}stock-limit`);
    assert.equal((await getProduct(admin, product.id)).body.stock.onHand, 999_999_999_999);
  });

  it('applies a retried stock adjustment once', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget({ stock: { onHand: 10 } }));
    const headers = { 'idempotency-key': `adjust-${product.id}` };
    const first = await adjustStock(admin, product.id, { delta: -3, reason: 'sale' }, headers);
    const retry = await adjustStock(admin, product.id, { delta: -3, reason: 'sale' }, headers);
    assert.equal(first.status, 200);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body);
    assert.equal((await getProduct(admin, product.id)).body.stock.onHand, 7);
  });

  it('refuses an Idempotency-Key reused on another product, and moves neither stock twice', async () => {
    const admin = principal(uniqueTenant());
    const { body: p1 } = await createProduct(admin, widget({ sku: 'KEY-P1', stock: { onHand: 10 } }));
    const { body: p2 } = await createProduct(admin, widget({ sku: 'KEY-P2', stock: { onHand: 10 } }));
    const headers = { 'idempotency-key': 'adjust-shared-0001' };
    assert.equal((await adjustStock(admin, p1.id, { delta: -2, reason: 'sale' }, headers)).status, 200);
    const reused = await adjustStock(admin, p2.id, { delta: -2, reason: 'sale' }, headers);
    assert.equal(reused.status, 422);
    assert.equal(reused.body.type, `${PROBLEM}idempotency-key-reused`);
    assert.equal((await getProduct(admin, p1.id)).body.stock.onHand, 8);
    assert.equal((await getProduct(admin, p2.id)).body.stock.onHand, 10);
  });

  it('refuses invalid products with 400 naming the field, and writes nothing', async () => {
    const admin = principal(uniqueTenant());
    const cases: [unknown, string][] = [
      [widget({ colour: 'red' }), 'body.colour'],
      [widget({ unitPrice: { amountMinor: 12.5, currency: 'EUR' } }), 'body.unitPrice.amountMinor'],
      [widget({ unitPrice: { amountMinor: 1250, currency: 'EURO' } }), 'body.unitPrice.currency'],
      [widget({ sku: 'lower-case' }), 'body.sku'],
      [widget({ sku: '-LEADING' }), 'body.sku'],
      [widget({ stock: { onHand: -1 } }), 'body.stock.onHand'],
      [widget({ name: '' }), 'body.name'],
    ];
    for (const [body, field] of cases) {
      assertFieldError(await createProduct(admin, body, { 'idempotency-key': 'invalid-first' }), field);
    }
    assert.deepEqual(await listAll(admin), []);
    assert.equal(await store.productIdForSku(admin.tenantId, 'WIDGET-1'), undefined);

    // A refused body does not use up its Idempotency-Key.
    const valid = await createProduct(admin, widget(), { 'idempotency-key': 'invalid-first' });
    assert.equal(valid.status, 201);
  });

  it('refuses invalid stock adjustments with 400 naming the field, and leaves stock unchanged', async () => {
    const admin = principal(uniqueTenant());
    const { body: product } = await createProduct(admin, widget());
    const cases: [unknown, string][] = [
      [{ delta: 0, reason: 'count' }, 'body.delta'],
      [{ delta: 1.5, reason: 'count' }, 'body.delta'],
      [{ delta: 1_000_000_001, reason: 'receipt' }, 'body.delta'],
      [{ delta: 1, reason: 'theft' }, 'body.reason'],
      [{ delta: 1, reason: 'count', note: 'x'.repeat(501) }, 'body.note'],
      [{ delta: 1, reason: 'count', by: 'me' }, 'body.by'],
    ];
    for (const [body, field] of cases) assertFieldError(await adjustStock(admin, product.id, body), field);
    const got = await getProduct(admin, product.id);
    assert.deepEqual(got.body.stock, { onHand: 5, reserved: 0, available: 5 });
    assert.equal(got.body.updatedAt, product.updatedAt);
  });

  it('allows each operation only to its roles', async () => {
    const tenant = uniqueTenant();
    const { body: product } = await createProduct(principal(tenant, ['finance']), widget());
    // A new product sets a price: commercial terms, which sales and fulfilment do not set.
    for (const role of ['sales', 'fulfilment', 'integration'] as const)
      assert.equal(
        (await createProduct(principal(tenant, [role]), widget({ sku: 'NOPE' }))).status,
        403,
        role,
      );
    assert.equal(
      (await adjustStock(principal(tenant, ['sales']), product.id, { delta: 1, reason: 'receipt' })).status,
      403,
    );
    assert.equal(
      (await adjustStock(principal(tenant, ['fulfilment']), product.id, { delta: 1, reason: 'receipt' }))
        .status,
      200,
    );
    assert.equal((await getProduct(principal(tenant, ['analyst']), product.id)).status, 200);
    assert.equal(
      (await updateProduct(principal(tenant, ['approver']), product.id, { name: 'x' }, { 'if-match': '"1"' }))
        .status,
      403,
    );
  });

  describe('idempotent create', () => {
    it('returns the first product when the same request is retried', async () => {
      const admin = principal(uniqueTenant());
      const headers = { 'idempotency-key': 'create-widget-0001' };
      const first = await createProduct(admin, widget(), headers);
      const retry = await createProduct(admin, widget(), headers);
      assert.equal(first.status, 201);
      assert.equal(retry.status, 201);
      assert.equal(retry.body.id, first.body.id);
      assert.equal(retry.headers.location, first.headers.location);
      assert.equal((await listAll(admin)).length, 1);
    });

    it('refuses the same key with another body (422), and still returns the first product afterwards', async () => {
      const admin = principal(uniqueTenant());
      const headers = { 'idempotency-key': 'create-widget-0002' };
      const first = await createProduct(admin, widget(), headers);
      assert.equal(first.status, 201);

      const reused = await createProduct(admin, widget({ name: 'Different' }), headers);
      assert.equal(reused.status, 422);
      assert.equal(reused.body.type, `${PROBLEM}idempotency-key-reused`);

      // Regression: Powertools' onError used to delete the first request's record on that 422,
      // so this retry ran again and created a second product (here: failed on the SKU).
      const retry = await createProduct(admin, widget(), headers);
      assert.equal(retry.status, 201);
      assert.equal(retry.body.id, first.body.id);
      const all = await listAll(admin);
      assert.deepEqual(
        all.map((p) => p.id),
        [first.body.id],
      );
    });

    it('scopes the key to the tenant', async () => {
      const headers = { 'idempotency-key': 'create-widget-0003' };
      const a = await createProduct(principal(uniqueTenant()), widget(), headers);
      const b = await createProduct(principal(uniqueTenant()), widget(), headers);
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.notEqual(a.body.id, b.body.id);
    });
  });
});
