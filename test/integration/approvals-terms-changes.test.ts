import assert from 'node:assert/strict';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Observed } from '../../functions/approvals/rules';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal } from '../support/invoke';

/**
 * Approval rules that see commercial terms change under an order, against DynamoDB Local: the
 * real create path prices the order from the product items, and the real Advance task decides it
 * with the default rules. The product store's audited PATCH writes `priceBefore` and
 * `termsChangedAt/By`; here they are written directly, as that write leaves them.
 */
const tables = await createTestTables();
const { recordWorkflow, setUpTenant, submitOrder } = await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { productKey } = await import('../../functions/products/store');
const { customerKey } = await import('../../functions/customers/store');
const { documentClient } = await import('../../functions/shared/db/client');
const { handler: advance } = await import('../../functions/workflow/advance-order');
const { handler: getOrder } = await import('../../functions/orders/get');

recordWorkflow();
afterAll(() => tables.drop());

type Tenant = Awaited<ReturnType<typeof setUpTenant>>;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/** A price change as the product store's PATCH leaves the item: new price, the price before, who and when. */
async function changePrice(t: Tenant, sku: string, to: number, from: number, by: string, at: string) {
  await documentClient.send(
    new UpdateCommand({
      TableName: tables.domain,
      Key: productKey(t.tenantId, t.products[sku] as string),
      UpdateExpression:
        'SET unitPrice = :price, priceBefore = :before, termsChangedAt = :at, termsChangedBy = :by',
      ExpressionAttributeValues: {
        ':price': { amountMinor: to, currency: 'EUR' },
        ':before': { amountMinor: from, changedAt: at },
        ':at': at,
        ':by': by,
      },
    }),
  );
}

/** Creates the order as `who` through the create path, then lets Advance decide it. */
async function decidedOrder(t: Tenant, who: Principal, lines = [{ sku: 'WIDGET', quantity: 2 }]) {
  const order = await submitOrder(t, lines, who);
  await advance({ tenantId: t.tenantId, orderId: order.id }, fakeContext());
  return getOrderRecord(t.tenantId, order.id);
}

describe('approval rules that see commercial terms change under an order', () => {
  it('ask an approver, then an admin, when the order’s creator cut the price of one of its products just before', async () => {
    const t = await setUpTenant();
    const cutAt = hoursAgo(1);
    await changePrice(t, 'WIDGET', 1_250, 2_500, t.sales.userId, cutAt);

    const order = await decidedOrder(t, t.sales, [
      { sku: 'WIDGET', quantity: 2 },
      { sku: 'GADGET', quantity: 1 },
    ]);
    assert.equal(order.status, 'PENDING_APPROVAL');
    assert.equal(order.approval?.decision?.ruleId, 'own-terms-change');
    assert.equal(order.approval?.decision?.outcome, 'require-approval');
    assert.deepEqual(
      order.approval?.levels.map((l) => [l.level, l.role, l.status, l.slaSeconds]),
      [
        [1, 'approver', 'pending', 86_400],
        [2, 'admin', 'waiting', 86_400],
      ],
    );
    assert.deepEqual(order.approval?.decision?.observed, {
      termsChanges: [{ subject: 'product', ref: 'WIDGET', at: cutAt, by: 'sales-1' }],
      createdAt: order.createdAt,
      createdBy: 'sales-1',
    });

    // What the line was decided on is on the order, as its readers see it.
    const res = await invoke(getOrder, {
      routeKey: 'GET /v1/orders/{orderId}',
      pathParameters: { orderId: order.id },
      principal: t.sales,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.lines.map((l: Record<string, unknown>) => [
        l.sku,
        l.unitPriceMinor,
        l.listPriceMinor,
        l.lineTotalMinor,
        l.termsChangedAt,
        l.termsChangedBy,
      ]),
      [
        ['WIDGET', 1_250, 2_500, 2_500, cutAt, 'sales-1'],
        ['GADGET', 1_000, 1_000, 1_000, undefined, undefined],
      ],
    );
  });

  it('judges the same order by someone else as a line 50% below its list price: approver, then admin', async () => {
    const t = await setUpTenant();
    await changePrice(t, 'WIDGET', 1_250, 2_500, t.sales.userId, hoursAgo(1));
    const colleague = principal(t.tenantId, ['sales'], 'sales-2');

    const order = await decidedOrder(t, colleague);
    assert.equal(order.status, 'PENDING_APPROVAL');
    assert.equal(order.approval?.decision?.ruleId, 'below-list-price');
    assert.deepEqual(order.approval?.decision?.observed, { maxBelowListBps: 5_000 });
    assert.deepEqual(
      order.approval?.levels.map((l) => l.role),
      ['approver', 'admin'],
    );
    const facts = order.decisionFacts as { maxBelowListBps: number; termsChanges: unknown[] };
    assert.equal(facts.maxBelowListBps, 5_000);
    assert.equal(facts.termsChanges.length, 1, 'the change is seen, it is just not the creator’s');
  });

  it('reads the customer’s credit limit change at the decision: one made after the order was created counts', async () => {
    const t = await setUpTenant({ creditLimit: { amountMinor: 1_000_000, currency: 'EUR' } });
    const order = await submitOrder(t);
    const raisedAt = new Date().toISOString();
    await documentClient.send(
      new UpdateCommand({
        TableName: tables.domain,
        Key: customerKey(t.tenantId, t.customerId),
        UpdateExpression: 'SET creditLimit = :limit, creditLimitChangedAt = :at, creditLimitChangedBy = :by',
        ExpressionAttributeValues: {
          ':limit': { amountMinor: 2_000_000, currency: 'EUR' },
          ':at': raisedAt,
          ':by': t.sales.userId,
        },
      }),
    );
    await advance({ tenantId: t.tenantId, orderId: order.id }, fakeContext());
    const decided = await getOrderRecord(t.tenantId, order.id);
    assert.equal(decided.approval?.decision?.ruleId, 'own-terms-change');
    assert.deepEqual((decided.approval?.decision?.observed as Observed | undefined)?.termsChanges, [
      { subject: 'customer', ref: t.customerId, at: raisedAt, by: 'sales-1' },
    ]);
  });

  it('lets a price cut more than 24 h old be the price: the order is auto-approved', async () => {
    const t = await setUpTenant();
    await changePrice(t, 'WIDGET', 1_250, 2_500, t.sales.userId, hoursAgo(25));

    const order = await decidedOrder(t, t.sales);
    assert.equal(order.approval?.decision?.ruleId, 'default');
    assert.equal(order.approval?.decision?.outcome, 'auto-approve');
    assert.equal(order.lines[0]?.listPriceMinor, 1_250);
    assert.equal((order.decisionFacts as { maxBelowListBps: number }).maxBelowListBps, 0);
  });
});
