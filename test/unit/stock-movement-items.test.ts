import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { shortLines } from '../../functions/orders/short-stock';
import { releaseStock, reserveStock, shipStock } from '../../functions/products/stock-items';
import { productKey } from '../../functions/products/store';

/**
 * Stock movements as transaction items, written out in full: which counters each movement moves
 * and by how much, under which condition, naming only the attributes its expressions use
 * (DynamoDB refuses others). And the warning an order gets at once when a line asks for more than
 * is available. The `#available >= :q` condition of a reservation is proven against DynamoDB in
 * test/integration/stock-available.test.ts; release and ship are proven here as items.
 */
// Transaction items name their table; nothing is sent.
process.env.DOMAIN_TABLE_NAME ??= 'unit-domain';

const item = (tenantId: string, productId: string) => ({
  TableName: process.env.DOMAIN_TABLE_NAME,
  Key: productKey(tenantId, productId),
});

describe('stock movement items', () => {
  it('a reservation moves available to reserved if that many are available', () => {
    assert.deepEqual(reserveStock('t1', 'p1', 3).Update, {
      ...item('t1', 'p1'),
      UpdateExpression: 'SET #reserved = #reserved + :q, #available = #available - :q',
      ConditionExpression: 'attribute_exists(pk) AND #available >= :q',
      ExpressionAttributeNames: { '#reserved': 'reserved', '#available': 'available' },
      ExpressionAttributeValues: { ':q': 3 },
    });
  });

  it('a release moves reserved back to available if that many are reserved', () => {
    assert.deepEqual(releaseStock('t1', 'p2', 4).Update, {
      ...item('t1', 'p2'),
      UpdateExpression: 'SET #reserved = #reserved - :q, #available = #available + :q',
      ConditionExpression: 'attribute_exists(pk) AND #reserved >= :q',
      ExpressionAttributeNames: { '#reserved': 'reserved', '#available': 'available' },
      ExpressionAttributeValues: { ':q': 4 },
    });
  });

  it('shipping takes reserved goods off hand and out of reserved, available untouched', () => {
    assert.deepEqual(shipStock('t2', 'p3', 5).Update, {
      ...item('t2', 'p3'),
      UpdateExpression: 'SET #onHand = #onHand - :q, #reserved = #reserved - :q',
      ConditionExpression: 'attribute_exists(pk) AND #reserved >= :q',
      ExpressionAttributeNames: { '#onHand': 'onHand', '#reserved': 'reserved' },
      ExpressionAttributeValues: { ':q': 5 },
    });
  });
});

describe('short lines of a new order', () => {
  const catalogue = new Map([
    ['A', { available: 5 }],
    ['B', { available: -2 }],
  ]);

  it('warns only for a line asking for more than is available, exactly as many is fine', () => {
    assert.deepEqual(shortLines([{ lineNo: 1, sku: 'A', quantity: 5 }], catalogue), []);
    assert.deepEqual(shortLines([{ lineNo: 2, sku: 'A', quantity: 6 }], catalogue), [
      {
        code: 'insufficient-stock',
        lineNo: 2,
        sku: 'A',
        requested: 6,
        available: 5,
        message:
          '6 units of A ordered, 5 available now. Stock is reserved once the order is approved (at once when approved automatically); if it is still short then, the order is cancelled with INSUFFICIENT_STOCK.',
      },
    ]);
  });

  it('counts negative or unknown availability as 0 available', () => {
    const warnings = shortLines(
      [
        { lineNo: 1, sku: 'B', quantity: 1 },
        { lineNo: 2, sku: 'GONE', quantity: 1 },
      ],
      catalogue,
    );
    assert.deepEqual(
      warnings.map((w) => [w.lineNo, w.sku, w.requested, w.available]),
      [
        [1, 'B', 1, 0],
        [2, 'GONE', 1, 0],
      ],
    );
  });
});
