import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * A live order's `needIds` each name a need of the tenant, checked with one BatchGetItem beside the
 * catalogue's; an order names the customer's country it was placed from (`customerCountry`).
 */
const tables = await createTestTables();
const { recordWorkflow, setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/orders/create');
const { handler: list } = await import('../../functions/orders/list');
const { createCustomer } = await import('../../functions/customers/store');
const { documentClient } = await import('../../functions/shared/db/client');
const { needKey } = await import('../../functions/needs/keys');
const { newId } = await import('../../functions/shared/ids');
const port = recordWorkflow();
const requests = requestCounter(tables);
afterAll(() => tables.drop());

async function putNeed(tenantId: string) {
  const id = newId();
  await documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: { ...needKey(tenantId, id), entity: 'NEED', tenantId, id },
    }),
  );
  return id;
}

describe('POST /v1/orders with needIds', () => {
  it('refuses an id that is no need of the tenant with a 422 naming it, and writes nothing', async () => {
    const t = await setUpTenant();
    const mine = await putNeed(t.tenantId);
    const theirs = await putNeed('another-tenant');
    const body = (needIds: string[]) => ({
      customerId: t.customerId,
      currency: t.currency,
      lines: [{ sku: 'WIDGET', quantity: 1 }],
      needIds,
    });
    const unknown = newId();
    const refused = await invoke(create, {
      routeKey: 'POST /v1/orders',
      body: body([mine, theirs, unknown]),
      principal: t.sales,
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.type, 'urn:orderly:problem:unknown-need');
    // Another tenant's need is answered as one that does not exist: nothing tells them apart.
    assert.deepEqual(refused.body.errors, [
      { field: 'body.needIds.1', message: `no need '${theirs}' in this tenant` },
      { field: 'body.needIds.2', message: `no need '${unknown}' in this tenant` },
    ]);
    const none = await invoke(list, { routeKey: 'GET /v1/orders', principal: t.sales });
    assert.deepEqual(none.body.items, []);
    assert.equal(port.starts.length, 0);

    const { response, byCommand } = await requests.run('createOrder', () =>
      invoke(create, { routeKey: 'POST /v1/orders', body: body([mine, mine]), principal: t.sales }),
    );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(response.body.needIds, [mine, mine]);
    // The customer, the catalogue (two batches) and the needs (one batch), the number, the transaction.
    assert.deepEqual(byCommand, {
      GetItemCommand: 1,
      BatchGetItemCommand: 3,
      UpdateItemCommand: 1,
      TransactWriteItemsCommand: 1,
    });
  });

  it('keeps the country of the customer’s address on the order, as it was then', async () => {
    const t = await setUpTenant();
    const customer = await createCustomer(
      t.tenantId,
      { name: 'Bon app’', address: { line1: '12, rue des Bouchers', city: 'Marseille', country: 'FR' } },
      new Date().toISOString(),
    );
    const res = await invoke(create, {
      routeKey: 'POST /v1/orders',
      body: { customerId: customer.id, currency: t.currency, lines: [{ sku: 'WIDGET', quantity: 1 }] },
      principal: t.sales,
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.customerCountry, 'FR');
    const without = await invoke(create, {
      routeKey: 'POST /v1/orders',
      body: { customerId: t.customerId, currency: t.currency, lines: [{ sku: 'WIDGET', quantity: 1 }] },
      principal: t.sales,
    });
    assert.equal(without.body.customerCountry, undefined);
  });
});
