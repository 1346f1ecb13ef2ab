import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';

/**
 * The security review's approval bypass, replayed over HTTP on the twin: a sales user removed a
 * customer's credit limit and cut a price to 1 minor unit, and their next order sailed through the
 * default rules. Now sales cannot move terms; an admin who does is in the audit trail; and an
 * order right after its own creator's price cut waits for approval.
 */
const twin = await startTestTwin();
afterAll(() => twin.stop());

const tenantId = `bypass-${process.pid}`;
const as = async (userId: string, roles: ('admin' | 'sales' | 'finance')[]) =>
  twin.client(await twin.token({ tenantId, userId, roles }));
const EUR = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('the approval bypass, replayed', () => {
  it('sales cannot loosen the terms; an admin can, is audited, and their own next order waits for approval', async () => {
    const admin = await as('ada', ['admin']);
    const sales = await as('sam', ['sales']);
    const product = await admin.post('/v1/products', {
      sku: 'PUMP',
      name: 'Pump',
      category: 'pumps',
      unitPrice: EUR(10_000),
      stock: { onHand: 5_000 },
    });
    const customer = await admin.post('/v1/customers', { name: 'Acme', creditLimit: EUR(500_000) });
    assert.deepEqual([product.status, customer.status], [201, 201]);
    const order = (by: typeof admin, quantity: number) =>
      by.post('/v1/orders', {
        customerId: customer.body.id,
        currency: 'EUR',
        lines: [{ sku: 'PUMP', quantity }],
      });

    // A 900-unit order at list price passes the credit limit: rejected by the rules.
    const before = await order(sales, 900);
    assert.equal(before.status, 201);
    await twin.runner.waitForExecution(before.body.id);
    assert.equal((await sales.get(`/v1/orders/${before.body.id}`)).body.status, 'REJECTED');

    // What the reviewer did as sales is refused, field by field, and changes nothing.
    const noLimit = await sales.patch(
      `/v1/customers/${customer.body.id}`,
      { creditLimit: null },
      { 'if-match': '"1"' },
    );
    assert.equal(noLimit.status, 403);
    assert.equal(noLimit.body.errors[0].field, 'body.creditLimit');
    const cut = await sales.patch(
      `/v1/products/${product.body.id}`,
      { unitPrice: EUR(1) },
      { 'if-match': '"1"' },
    );
    assert.equal(cut.status, 403);
    assert.equal(cut.body.errors[0].field, 'body.unitPrice');
    assert.deepEqual((await sales.get(`/v1/products/${product.body.id}`)).body.unitPrice, EUR(10_000));

    // An admin may cut the price: the audit trail has it, before and after, by whom.
    const adminCut = await admin.patch(
      `/v1/products/${product.body.id}`,
      { unitPrice: EUR(1) },
      { 'if-match': '"1"' },
    );
    assert.equal(adminCut.status, 200);
    const trail = await admin.get(`/v1/audit?resource=product/${product.body.id}`);
    assert.equal(trail.status, 200);
    assert.deepEqual(
      trail.body.items.map((r: Record<string, unknown>) => [r.field, r.before, r.after, r.actor]),
      [['unitPrice', EUR(10_000), EUR(1), 'ada']],
    );

    // The admin's own 900-unit order right after: 9.00 in all, yet it waits for an approver.
    const after = await order(admin, 900);
    assert.equal(after.status, 201);
    await twin.runner.waitForTaskToken(after.body.id, 'AwaitApproval');
    const waiting = (await admin.get(`/v1/orders/${after.body.id}`)).body;
    assert.equal(waiting.status, 'PENDING_APPROVAL');
    assert.equal(waiting.approval.decision.ruleId, 'own-terms-change');
    assert.equal(waiting.lines[0].listPriceMinor, 10_000, 'the line knows the price before the cut');
    assert.equal(waiting.lines[0].unitPriceMinor, 1);
  }, 120_000);
});
