import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';
import { openShop, orderOf, placeOrder, stockOf } from '../support/workflow';

const twin = await startTestTwin();

describe('workflow: stock under concurrency', () => {
  afterAll(() => twin.stop());

  it('60 orders for one SKU with 25 in stock: the ones that fit are reserved, the rest cancelled, never oversold', async () => {
    const shop = await openShop(twin, [{ sku: 'HOT', priceMinor: 1_000, onHand: 25 }]);
    // 1, 2 or 3 each: 120 wanted in all, so most cannot be served.
    const quantities = Array.from({ length: 60 }, (_, i) => (i % 3) + 1);
    const ids = await Promise.all(quantities.map((quantity) => placeOrder(shop, [{ sku: 'HOT', quantity }])));

    const outcomes = await Promise.all(
      ids.map((id) =>
        twin.runner.waitForTaskToken(id, 'RequestFulfilment', 60_000).then(
          () => 'waiting for the partner',
          (error) => {
            if (twin.runner.execution(id)?.status === 'SUCCEEDED') return 'ended';
            throw error;
          },
        ),
      ),
    );
    const orders = await Promise.all(ids.map((id) => orderOf(shop, id)));
    const reserved = orders.filter((o) => o.status === 'IN_FULFILMENT');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    assert.equal(reserved.length + cancelled.length, 60, JSON.stringify(orders.map((o) => o.status)));
    assert.equal(outcomes.filter((o) => o === 'ended').length, cancelled.length);

    const stock = await stockOf(shop, 'HOT');
    const reservedQuantity = reserved.reduce((sum, o) => sum + o.reservations[0].quantity, 0);
    assert.ok(stock.available >= 0, `available ${stock.available}`);
    assert.equal(stock.reserved, reservedQuantity, 'reserved = the sum of the orders’ reservations');
    assert.equal(stock.onHand, 25);
    assert.equal(stock.available, 25 - reservedQuantity);
    for (const order of cancelled) {
      assert.equal(order.cancellation.code, 'INSUFFICIENT_STOCK', JSON.stringify(order.cancellation));
      assert.equal(order.reservations, undefined, 'a cancelled order reserved nothing');
      // It was refused because it did not fit: stock only ever went down, so it still does not.
      assert.ok(
        order.lines[0].quantity > stock.available,
        `${order.lines[0].quantity} would fit in ${stock.available}`,
      );
    }
    console.log(
      reserved.length,
      cancelled.length,
      stock,
      twin.stats.snapshot().filter((s) => s.function === 'advanceOrder'),
    );
  });
});
