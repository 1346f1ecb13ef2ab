import assert from 'node:assert/strict';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { reserveStock } from '../../functions/products/stock-items';
import { documentClient } from '../../functions/shared/db/client';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * A reservation is judged by what is available (on hand minus what is already reserved), never by
 * what is on hand: with 10 on hand and 8 reserved, 3 more must be refused although 10 ≥ 3, and
 * exactly the 2 left may still be reserved. The condition is DynamoDB's (DynamoDB Local here), so
 * the reservation items of functions/products/stock-items.ts run in real transactions, and the
 * product is created and read back through its own HTTP handlers.
 */
const tables = await createTestTables();
const { handler: create } = await import('../../functions/products/create');
const { handler: get } = await import('../../functions/products/get');

const admin = principal(uniqueTenant());

async function createProduct(sku: string, onHand: number): Promise<string> {
  const res = await invoke(create, {
    routeKey: 'POST /v1/products',
    body: {
      sku,
      name: sku,
      category: 'parts',
      unitPrice: { amountMinor: 100, currency: 'EUR' },
      stock: { onHand },
    },
    principal: admin,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function stockOf(productId: string) {
  const res = await invoke(get, {
    routeKey: 'GET /v1/products/{productId}',
    pathParameters: { productId },
    principal: admin,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.stock;
}

/** One reservation in its own transaction, as the workflow commits it with the order's transition. */
const reserve = (productId: string, quantity: number) =>
  documentClient.send(
    new TransactWriteCommand({ TransactItems: [reserveStock(admin.tenantId, productId, quantity)] }),
  );

/** The transaction was cancelled by the reservation's condition, and by nothing else. */
async function assertRefused(attempt: Promise<unknown>) {
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(error instanceof TransactionCanceledException, String(error));
    assert.deepEqual(
      error.CancellationReasons?.map((r) => r.Code),
      ['ConditionalCheckFailed'],
    );
    return true;
  });
}

describe('stock reservation: available, not on hand', () => {
  afterAll(() => tables.drop());

  it('refuses 3 when 10 are on hand but 8 are reserved, then reserves exactly the 2 left', async () => {
    const productId = await createProduct('AVAIL-1', 10);
    await reserve(productId, 8);
    assert.deepEqual(await stockOf(productId), { onHand: 10, reserved: 8, available: 2 });

    await assertRefused(reserve(productId, 3));
    assert.deepEqual(
      await stockOf(productId),
      { onHand: 10, reserved: 8, available: 2 },
      'a refused reservation moves nothing',
    );

    await reserve(productId, 2);
    assert.deepEqual(await stockOf(productId), { onHand: 10, reserved: 10, available: 0 });
    await assertRefused(reserve(productId, 1));
    assert.deepEqual(await stockOf(productId), { onHand: 10, reserved: 10, available: 0 });
  });
});
