import assert from 'node:assert/strict';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Basket } from '../../functions/analysis/recommendations/model';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * GET /v1/customers/{id}/recommendations and the store of a run's model, against DynamoDB Local.
 * Customers and products are written by their stores and orders by the history import (as the
 * Online Retail import writes them); the model is counted from the same orders and stored as a
 * run stores it; the latest pointer, the customer's segment and the segment's open needs are
 * written in the shape the run writes them (docs/analysis.md).
 */
const tables = await createTestTables();
afterAll(() => tables.drop());
const { handler: getRecommendations } = await import('../../functions/analysis/recommendations/get');
const { handler: importHistory } = await import('../../functions/orders/history');
const { storeRecommendationModel } = await import('../../functions/analysis/recommendations/store');
const { CooccurrenceCounter } = await import('../../functions/analysis/recommendations/cooccurrence');
const { NO_ORDERS_NOTE, NO_RUN_NOTE } = await import(
  '../../functions/analysis/recommendations/customer-recommendations'
);
const { latestKey, RESULT, resultKey } = await import('../../functions/analysis/runs/keys');
const { createCustomer, customerKey } = await import('../../functions/customers/store');
const { createProduct } = await import('../../functions/products/store');
const { documentClient } = await import('../../functions/shared/db/client');
const { newId } = await import('../../functions/shared/ids');

const SKUS = ['MUG', 'TEA', 'CUP', 'SPOON', 'PLATE', 'OLD'] as const;
type Sku = (typeof SKUS)[number];

/**
 * Who bought what (each order CLOSED unless said): ann buys MUG twice (regularly) and TEA once, and
 * had an order of PLATE rejected; bob and cat buy the rest; dan has no orders. OLD is inactive.
 */
const ORDERS: { customer: string; skus: Sku[]; status?: 'REJECTED' }[] = [
  { customer: 'ann', skus: ['MUG', 'TEA'] },
  { customer: 'ann', skus: ['MUG'] },
  { customer: 'ann', skus: ['PLATE'], status: 'REJECTED' },
  { customer: 'bob', skus: ['MUG', 'CUP', 'OLD'] },
  { customer: 'bob', skus: ['TEA', 'CUP'] },
  { customer: 'bob', skus: ['MUG', 'CUP', 'OLD'] },
  { customer: 'cat', skus: ['TEA', 'SPOON'] },
  { customer: 'cat', skus: ['TEA', 'SPOON', 'CUP'] },
  { customer: 'cat', skus: ['PLATE'] },
];

async function tenant() {
  const tenantId = uniqueTenant('rec');
  const now = new Date().toISOString();
  const products = {} as Record<Sku, string>;
  for (const sku of SKUS) {
    const product = await createProduct(
      tenantId,
      {
        sku,
        name: `Product ${sku}`,
        category: 'kitchen',
        unitPrice: { amountMinor: 250, currency: 'GBP' },
        active: sku !== 'OLD',
        stock: { onHand: 10 },
      },
      now,
    );
    products[sku] = product.id;
  }
  const customers: Record<string, string> = {};
  for (const name of ['ann', 'bob', 'cat', 'dan'])
    customers[name] = (await createCustomer(tenantId, { name, externalRef: name }, now)).id;
  const admin = principal(tenantId, ['admin']);
  const imported = await invoke(importHistory, {
    routeKey: 'POST /v1/orders/history',
    principal: admin,
    body: {
      items: ORDERS.map((order, i) => ({
        externalRef: `INV-${i}`,
        customerRef: order.customer,
        currency: 'GBP',
        status: order.status ?? 'CLOSED',
        orderedAt: new Date(Date.UTC(2010, 11, 1 + i, 10)).toISOString(),
        lines: order.skus.map((sku) => ({ sku, quantity: 1, unitPriceMinor: 250 })),
      })),
    },
  });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.ok(imported.body.results.every((r: { outcome: string }) => r.outcome === 'created'));
  return { tenantId, products, customers, sales: principal(tenantId, ['sales']) };
}
type Tenant = Awaited<ReturnType<typeof tenant>>;

/** What a run does for recommendations: count the orders that happened, store the model, point at the run. */
async function runRecommendations(t: Tenant) {
  const counter = new CooccurrenceCounter();
  ORDERS.forEach((order, i) => {
    if (order.status === 'REJECTED') return;
    const basket: Basket = {
      customerId: t.customers[order.customer] as string,
      orderId: `INV-${i}`,
      at: new Date(Date.UTC(2010, 11, 1 + i, 10)).toISOString(),
      items: order.skus.map((sku) => t.products[sku]),
    };
    counter.add(basket);
  });
  const runId = newId();
  const stored = await storeRecommendationModel(t.tenantId, runId, counter.model());
  const finishedAt = new Date().toISOString();
  await documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: {
        ...latestKey(t.tenantId, 'recommendations'),
        runId,
        finishedAt,
        summary: { items: stored.items },
      },
    }),
  );
  return { runId, finishedAt, stored };
}

const recommendationsOf = (t: Tenant, customerId: string, caller = t.sales) =>
  invoke(getRecommendations, {
    routeKey: 'GET /v1/customers/{customerId}/recommendations',
    path: `/v1/customers/${customerId}/recommendations`,
    pathParameters: { customerId },
    principal: caller,
  });

/** Puts the customer in a segment of a run, as a segments run writes it on the customer item. */
const assignSegment = (
  tenantId: string,
  customerId: string,
  segment: { id: number; label: string; runId: string },
) =>
  documentClient.send(
    new UpdateCommand({
      TableName: tables.domain,
      Key: customerKey(tenantId, customerId),
      UpdateExpression: 'SET analysis = :a',
      ExpressionAttributeValues: { ':a': { segment: { ...segment, assignedAt: new Date().toISOString() } } },
    }),
  );

describe('GET /v1/customers/{customerId}/recommendations', () => {
  it('before any analysis run: 200 with runId null, empty lists and a note', async () => {
    const t = await tenant();
    const res = await recommendationsOf(t, t.customers.ann as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      runId: null,
      generatedAt: null,
      products: [],
      openNeeds: [],
      segment: null,
      note: NO_RUN_NOTE,
    });
  });

  it('404 for a customer the tenant does not have, another tenant’s included', async () => {
    const t = await tenant();
    const other = await tenant();
    await runRecommendations(t);
    for (const id of [newId(), other.customers.ann as string]) {
      const res = await recommendationsOf(t, id);
      assert.equal(res.status, 404, JSON.stringify(res.body));
    }
  });

  it('offers what goes with what the customer bought, not what it buys regularly, nor inactive products', async () => {
    const t = await tenant();
    const { runId, finishedAt } = await runRecommendations(t);
    const res = await recommendationsOf(t, t.customers.ann as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = t.products;
    // Jaccard over the 8 orders that happened: MUG–CUP 2/6, TEA–CUP 2/6, TEA–SPOON 2/4, MUG–OLD 2/4.
    // MUG (2 orders) is regular: never offered; OLD would come next but is inactive; PLATE (its
    // order rejected, so never bought) fills in as popular.
    assert.deepEqual(res.body, {
      runId,
      generatedAt: finishedAt,
      products: [
        {
          productId: p.CUP,
          sku: 'CUP',
          name: 'Product CUP',
          score: 0.666666,
          because: [p.MUG, p.TEA].sort(),
        },
        { productId: p.SPOON, sku: 'SPOON', name: 'Product SPOON', score: 0.5, because: [p.TEA] },
        { productId: p.PLATE, sku: 'PLATE', name: 'Product PLATE', score: 0, because: [] },
      ],
      openNeeds: [],
      segment: null,
    });
  });

  it('gives a customer without orders the most ordered products, with a note', async () => {
    const t = await tenant();
    await runRecommendations(t);
    const res = await recommendationsOf(t, t.customers.dan as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = t.products;
    // MUG, TEA and CUP in 4 orders each (ties by id), SPOON and PLATE in 2 and 1; OLD is inactive.
    assert.deepEqual(
      res.body.products.map((r: { productId: string }) => r.productId),
      [...[p.MUG, p.TEA, p.CUP].sort(), p.SPOON, p.PLATE],
    );
    assert.ok(
      res.body.products.every(
        (r: { score: number; because: string[] }) => r.score === 0 && !r.because.length,
      ),
    );
    assert.equal(res.body.note, NO_ORDERS_NOTE);
  });

  it('adds the open needs of the customer’s segment, from the run that assigned it', async () => {
    const t = await tenant();
    await runRecommendations(t);
    const segmentRun = newId();
    const need = {
      needId: newId(),
      title: 'Teapots for a café',
      type: 'catering',
      estimatedValue: { amountMinor: 120_000, currency: 'GBP' },
      customerId: t.customers.cat,
    };
    const untyped = { needId: newId(), title: 'Something for the shop', customerId: t.customers.bob };
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: { ...resultKey(t.tenantId, segmentRun, RESULT.segmentNeeds(2)), needs: [need, untyped] },
      }),
    );
    await assignSegment(t.tenantId, t.customers.ann as string, {
      id: 2,
      label: 'recent, frequent',
      runId: segmentRun,
    });
    const res = await recommendationsOf(t, t.customers.ann as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.segment, { id: 2, label: 'recent, frequent' });
    assert.deepEqual(res.body.openNeeds, [need, untyped]);
    assert.equal(res.body.products.length, 3);
  });

  it('gives no open needs when the segment’s list is gone (expired with its run’s results)', async () => {
    const t = await tenant();
    await runRecommendations(t);
    // The customer names a segment of a run whose SEGMENT_NEEDS item is not (or no longer) there.
    await assignSegment(t.tenantId, t.customers.ann as string, { id: 1, label: 'lapsed', runId: newId() });
    const res = await recommendationsOf(t, t.customers.ann as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.segment, { id: 1, label: 'lapsed' });
    assert.deepEqual(res.body.openNeeds, []);
    assert.equal(res.body.products.length, 3);
  });

  it('reads the customer’s 100 latest orders, no more', async () => {
    const t = await tenant();
    await runRecommendations(t);
    const eve = (
      await createCustomer(t.tenantId, { name: 'eve', externalRef: 'eve' }, new Date().toISOString())
    ).id;
    // TEA first, then CUP a hundred times: TEA falls outside the orders read, so SPOON (bought
    // with TEA only) gets no vote and comes in as a popular product at most.
    const order = (i: number, sku: Sku) => ({
      externalRef: `EVE-${i}`,
      customerRef: 'eve',
      currency: 'GBP',
      status: 'CLOSED',
      orderedAt: new Date(Date.UTC(2011, 0, 1, 0, i)).toISOString(),
      lines: [{ sku, quantity: 1, unitPriceMinor: 250 }],
    });
    const orders = [order(0, 'TEA'), ...Array.from({ length: 100 }, (_, i) => order(i + 1, 'CUP'))];
    for (const items of [orders.slice(0, 50), orders.slice(50)]) {
      const res = await invoke(importHistory, {
        routeKey: 'POST /v1/orders/history',
        principal: principal(t.tenantId, ['admin']),
        body: { items },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const res = await recommendationsOf(t, eve);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = t.products;
    // From CUP (regular): MUG and TEA 2/6 each; OLD is inactive.
    assert.deepEqual(
      res.body.products.map((r: { productId: string; score: number }) => [r.productId, r.score]),
      [...[p.MUG, p.TEA].sort().map((id) => [id, 0.333333]), [p.SPOON, 0], [p.PLATE, 0]],
    );
  });

  it('is for admin, sales and analyst', async () => {
    const t = await tenant();
    for (const [role, status] of [
      ['analyst', 200],
      ['admin', 200],
      ['finance', 403],
      ['approver', 403],
    ] as const) {
      const res = await recommendationsOf(t, t.customers.ann as string, principal(t.tenantId, [role]));
      assert.equal(res.status, status, role);
    }
  });
});

describe('storeRecommendationModel', () => {
  it('writes one item per product with neighbours and the popular list, expiring 90 days after the run', async () => {
    const t = await tenant();
    const before = Math.floor(Date.now() / 1000);
    const { runId, stored } = await runRecommendations(t);
    // MUG, TEA, CUP, SPOON and OLD have neighbours (pairs in 2 orders or more); PLATE has none.
    assert.deepEqual(stored, { items: 6 });
    const read = async (sk: string) =>
      (
        await documentClient.send(
          new GetCommand({ TableName: tables.domain, Key: resultKey(t.tenantId, runId, sk) }),
        )
      ).Item;
    const popular = await read(RESULT.popular);
    assert.equal(popular?.baskets, 8);
    assert.equal(popular?.popular.length, 6);
    // Tagged as every result item of a run is (store-results.ts): entity, kind, tenant and run.
    const { popular: _list, expiresAt: _popularExpiry, ...popularRest } = popular ?? {};
    assert.deepEqual(popularRest, {
      ...resultKey(t.tenantId, runId, RESULT.popular),
      entity: 'ANALYSIS_RESULT',
      kind: 'recommendations',
      tenantId: t.tenantId,
      runId,
      baskets: 8,
    });
    const ninetyDays = 90 * 86_400;
    assert.ok(
      popular?.expiresAt >= before + ninetyDays &&
        popular?.expiresAt <= Math.ceil(Date.now() / 1000) + ninetyDays,
    );
    const { expiresAt: teaExpiry, ...tea } = (await read(RESULT.neighbours(t.products.TEA))) ?? {};
    assert.equal(teaExpiry, popular?.expiresAt);
    assert.deepEqual(tea, {
      ...resultKey(t.tenantId, runId, RESULT.neighbours(t.products.TEA)),
      entity: 'ANALYSIS_RESULT',
      kind: 'recommendations',
      tenantId: t.tenantId,
      runId,
      productId: t.products.TEA,
      neighbours: [
        { item: t.products.SPOON, score: 0.5 },
        { item: t.products.CUP, score: 0.333333 },
      ],
    });
    assert.equal(await read(RESULT.neighbours(t.products.PLATE)), undefined);
  });
});
